"""gradcheck and friends: they pass on correct gradients and report wrong ones readably."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re

import pytest
from hypothesis import Phase, find, given, settings

from autograd import (
    OPS,
    GradcheckError,
    Op,
    Value,
    apply,
    gradcheck,
    gradgradcheck,
    numeric_grad,
)
from autograd.testing.strategies import Expression, Step, expressions, op_calls, op_cases

CASES = list(op_cases())
IDS = [f"{name}-{arity}" + ("" if param is None else f"-{param}") for name, arity, param in CASES]
PER_OP = settings(max_examples=max(5, settings.default.max_examples // 10))
LINE = (
    r"  input (\d+): analytic (\S+) vs numeric (\S+) \((abs error \S+, rel error \S+|not finite)\)"
)


def value_of(x: Value | float) -> float:
    """The float behind a rule's argument: a rule that calls this hides its input's graph."""
    return x.data if isinstance(x, Value) else x


def op_with_rule(name: str, forward: object, rule: object, arity: int = 1) -> Op:
    """A one-off op (not in the table) whose rule may be wrong on purpose."""
    return Op(name, forward, rule, lambda sp, *xs: None, name, arity=arity)  # type: ignore[arg-type]


def test_numeric_grad_of_known_functions() -> None:
    assert numeric_grad(lambda x, y: x * y * y, [3.0, 2.0]) == pytest.approx([4.0, 12.0])
    assert numeric_grad(lambda x: x.exp(), [0.0]) == pytest.approx([1.0], rel=1e-9)
    assert numeric_grad(lambda x, y: 7.0, [1.0, 2.0]) == [0.0, 0.0]  # a number, not a Value


@pytest.mark.parametrize(("name", "arity", "param"), CASES, ids=IDS)
def test_gradcheck_and_gradgradcheck_pass_on_every_op(
    name: str, arity: int, param: float | None
) -> None:
    @PER_OP
    @given(op_calls(name, arity, param))
    def check(e: Expression) -> None:
        assert gradcheck(e.fn, e.inputs)
        assert gradgradcheck(e.fn, e.inputs)

    check()


@given(expressions(n_inputs=3))
def test_gradcheck_passes_on_random_expressions(e: Expression) -> None:
    assert gradcheck(e.fn, e.inputs, order=2)


def test_a_wrong_rule_names_every_failing_input() -> None:
    swapped = op_with_rule("swapped_mul", lambda a, b: a * b, lambda out, a, b: (a, b), arity=2)

    def f(x: Value, y: Value, z: Value) -> Value:
        return apply(swapped, x, y) + z

    with pytest.raises(GradcheckError) as caught:
        gradcheck(f, [2.0, 3.0, 1.0])
    head, *lines = str(caught.value).splitlines()
    assert head == (
        "gradcheck of test_a_wrong_rule_names_every_failing_input.<locals>.f at (x0=2.0, "
        "x1=3.0, x2=1.0): the gradient is wrong [eps=1e-06, atol=1e-05, rtol=0.001]"
    )
    parsed = [re.fullmatch(LINE, line) for line in lines]
    assert all(parsed), lines
    assert [(m[1], float(m[2]), round(float(m[3]), 6)) for m in parsed if m] == [
        ("0", 2.0, 3.0),
        ("1", 3.0, 2.0),
    ]
    assert "abs error 1, rel error 0.333" in lines[0]
    assert not gradcheck(f, [2.0, 3.0, 1.0], raise_exception=False)


def test_a_monkeypatched_table_row_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = dataclasses.replace(OPS["sin"], rule=lambda out, a: (-math.cos(value_of(a)),))
    monkeypatch.setitem(OPS, "sin", wrong)
    e = Expression((0.5, 2.0), (Step("sin", (0,)), Step("mul", (2, 1))))
    with pytest.raises(GradcheckError, match=r"gradcheck of sin\(x0\) \* x1 at \(x0=0.5, x1=2.0\)"):
        gradcheck(e.fn, e.inputs)


def test_hypothesis_shrinks_a_broken_rule_to_a_small_expression(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wrong = dataclasses.replace(OPS["sigmoid"], rule=lambda out, a: (out * (1.0 + out),))
    monkeypatch.setitem(OPS, "sigmoid", wrong)
    smallest = find(
        expressions(),
        lambda e: not gradcheck(e.fn, e.inputs, raise_exception=False),
        settings=settings(
            database=None, max_examples=500, derandomize=True, phases=[Phase.generate, Phase.shrink]
        ),
    )
    assert smallest.text == "sigmoid(x0)", smallest


def test_nan_and_inf_fail() -> None:
    with pytest.raises(
        GradcheckError, match=r"input 0: analytic nan vs numeric nan \(not finite\)"
    ):
        gradcheck(lambda x: x * math.nan, [1.0])
    # a rule that gives inf at a finite point is the engine's own error, naming the node,
    # before gradcheck compares anything (the same in every reading of the rule)
    infinite = op_with_rule("steep", lambda a: a, lambda out, a: (math.inf,))
    with pytest.raises(OverflowError, match=r"backward through steep\(1.0\).*not finite"):
        gradcheck(lambda x: apply(infinite, x), [1.0])
    assert not gradcheck(lambda x: x * math.nan, [1.0], raise_exception=False)


def test_a_gradient_that_changes_between_runs_is_caught() -> None:
    calls = itertools.count(1)

    def drifting(x: Value) -> Value:
        return x * next(calls)

    with pytest.raises(GradcheckError, match="differs between two identical runs") as caught:
        gradcheck(drifting, [1.0])
    assert "input 0: 1.0 on the first run, 2.0 on the second" in str(caught.value)
    assert not gradcheck(drifting, [1.0], raise_exception=False)


def test_order_2_catches_a_rule_that_is_not_differentiable() -> None:
    """The rule is right on floats but turns its input into a constant (value_of), so the
    gradient it builds under create_graph=True has derivative 0 instead of 6x."""
    cube = op_with_rule("cube", lambda a: a**3, lambda out, a: (3.0 * value_of(a) ** 2,))
    assert gradcheck(lambda x: apply(cube, x), [2.0])
    with pytest.raises(GradcheckError, match=r"second derivatives are wrong") as caught:
        gradcheck(lambda x: apply(cube, x), [2.0], order=2)
    assert "d2/dx0 dx0: analytic 0 vs numeric 12" in str(caught.value)
    assert not gradgradcheck(lambda x: apply(cube, x), [2.0], raise_exception=False)


def test_second_order_checks_mixed_partials() -> None:
    assert gradgradcheck(lambda x, y: (x * y).sin() + x.exp() / y, [0.3, 1.2])


def test_only_orders_1_and_2() -> None:
    with pytest.raises(ValueError, match="order must be 1 or 2, got 3"):
        gradcheck(lambda x: x, [1.0], order=3)


def test_a_kink_defeats_central_differences_as_documented() -> None:
    assert not gradcheck(lambda x: x.relu(), [0.0], raise_exception=False)
    assert gradcheck(lambda x: x.relu(), [1e-3])


def test_a_kink_is_named_instead_of_a_wrong_gradient() -> None:
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda x: Value(2.0, label="c") * (x * 1.0).relu(), [1e-7])
    message = str(caught.value)
    assert "the point is at a kink, where the derivative is not defined" in message
    assert "the gradient is wrong" not in message
    assert "the input of relu is 1e-07 here, within eps of its kink 0" in message
    with pytest.raises(GradcheckError, match=r"input of y \(abs\) is -1e-07 here, within eps"):
        gradcheck(lambda x: _labelled(abs(x - 1e-7), "y") + 0.0, [0.0])


def _labelled(v: Value, label: str) -> Value:
    v.label = label
    return v


def test_a_mismatch_beside_a_kink_is_still_called_wrong() -> None:
    swapped = op_with_rule("swapped_mul", lambda a, b: a * b, lambda out, a, b: (a, b), arity=2)
    with pytest.raises(GradcheckError, match="the gradient is wrong") as caught:
        gradcheck(lambda x, y: apply(swapped, x, y) + x.relu() + y, [0.0, 3.0])
    assert "its kink 0" in str(caught.value)  # the kinked input says so on its own line


def test_a_step_outside_the_domain_is_not_blamed_on_the_point() -> None:
    with pytest.raises(GradcheckError) as caught:
        numeric_grad(lambda x: x.log(), [1e-9])
    message = str(caught.value)
    assert message.startswith("central differences leave the function's domain: input 0: ")
    assert "at x0=1e-09 - eps, log(-9.9" in message
    assert "The point itself is fine" in message
    assert "(eps=1e-06 now; try 1e-11)" in message
    assert numeric_grad(lambda x: x.log(), [1e-9], eps=1e-12)[0] == pytest.approx(1e9, rel=1e-3)
    with pytest.raises(ValueError, match=r"log\(-1.0\) is undefined"):  # the point's own fault
        numeric_grad(lambda x: x.log(), [-1.0])
    with pytest.raises(GradcheckError, match="leave the function's domain: input 1"):
        gradcheck(lambda x, y: x * y.sqrt(), [1.0, 1e-8])
