"""The engine's rules: one node constructor, numbers as params, one semantics for NaN, inf,
domain errors and overflow in every op, backward() and grad() agreeing, per-thread grad
mode, and what micrograd-style code expects of a Value (attributes, weak references)."""

from __future__ import annotations

import math
import threading
import weakref

import pytest

import autograd.value as value_module
from autograd import OPS, Value, apply, dot, grad, logsumexp, no_grad, vsum
from autograd.backprop import local_partials
from autograd.testing.strategies import boxes, op_cases


def call(name: str, xs: list[float], param: object) -> Value:
    return apply(OPS[name], *xs, param=param)


@pytest.mark.parametrize("c", [2.0, -0.5, 3, 1e-300])
def test_a_number_beside_a_value_is_the_nodes_param_never_a_leaf(c: float) -> None:
    x = Value(0.7)
    nodes = {"addc": [x + c, c + x], "subc": [x - c], "rsubc": [c - x], "mulc": [x * c, c * x],
             "divc": [x / c], "rdivc": [c / x], "powc": [x**c],
             "rpowc": [c**x] if c > 0 else []}  # fmt: skip
    plain = {"addc": 0.7 + c, "subc": 0.7 - c, "rsubc": c - 0.7, "mulc": 0.7 * c,
             "divc": 0.7 / c, "rdivc": c / 0.7, "powc": math.pow(0.7, c),
             "rpowc": math.pow(abs(c), 0.7)}  # fmt: skip
    for op, outs in nodes.items():
        for out in outs:
            assert (out.op, out.parents, out.param, out.data) == (OPS[op], (x,), c, plain[op])
            assert type(out.param) is float


def test_a_number_operand_is_checked_and_named() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match="bool"):
        x + True
    with pytest.raises(TypeError, match="str"):
        x * "2"  # type: ignore[operator]
    with pytest.raises(ZeroDivisionError, match=r"1.0 / 0.0 is undefined.*nonzero divisor"):
        x / 0


def test_every_method_row_is_a_value_method_with_the_rows_doc() -> None:
    for op in OPS.values():
        if op.method:
            method = getattr(Value, op.method)
            assert method.__doc__ == op.doc
            x, *others = [Value(lo + 0.3 * (hi - lo)) for lo, hi in boxes(op, op.arity or 1)]
            params = op.params[0] if op.params and op.default is None else ()
            assert getattr(x, op.method)(*others, *params).op is op
    x = Value(0.5)
    assert (x.leaky_relu().param, x.leaky_relu(0.2).param) == (0.01, 0.2)
    assert x.clamp(-1, 1).param == (-1.0, 1.0)
    with pytest.raises(TypeError, match=r"atan2\(\) missing 1 required positional argument"):
        x.atan2()
    with pytest.raises(
        TypeError, match=r"clamp\(\) needs its parameter, as in x.clamp\(-1.0, 1.0\)"
    ):
        x.clamp()


def test_parents_are_one_tuple_and_no_grad_makes_leaves() -> None:
    x, y = Value(1.0), Value(2.0)
    assert [n.parents for n in (x, x.tanh(), x * 2, x * y, x + x, vsum([x]))] == [
        (), (x,), (x,), (x, y), (x, x), (x,)
    ]  # fmt: skip
    assert dot([x], [y], x).parents == (x, y, x)
    with no_grad():
        outs = [x + x, 1 + x, 2 - x, x * 3, x / 2, -x, x.tanh(), dot([x], [x], 1.0), x.atan2(y)]
    assert all((o.parents, o.op, o.param) == ((), None, None) for o in outs)


@pytest.mark.parametrize(("name", "arity", "param"), list(op_cases()))
def test_nan_propagates_through_every_op(name: str, arity: int, param: object) -> None:
    """A NaN input gives a NaN output, never a silent number (relu(nan) is nan, as in torch),
    and backward passes NaN gradients on instead of raising."""
    for position in range(arity):
        xs = [Value(lo + 0.3 * (hi - lo)) for lo, hi in boxes(OPS[name], arity)]
        xs[position] = Value(math.nan)
        out = apply(OPS[name], *xs, param=param)
        assert math.isnan(out.data), (name, position)
        out.backward()  # a NaN partial is passed on, not an error


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda x: x * x, r"1e\+200 \* 1e\+200 overflows a float"),
        (lambda x: x**2, r"1e\+200 \*\* 2.0 overflows a float"),
        (lambda x: x * 1e108 + x * 1e108, r"1e\+308 \+ 1e\+308 overflows"),
        (lambda x: (x * 1e-197).exp(), r"exp\(1000.0\) overflows"),
        (lambda x: x.cosh(), r"cosh\(1e\+200\) overflows"),
        (lambda x: x / 1e-200, "overflows"),
    ],
)
def test_a_finite_input_giving_a_non_finite_result_is_an_overflow_error_in_every_op(
    build: object, message: str
) -> None:
    with pytest.raises(OverflowError, match=message):
        build(Value(1e200))  # type: ignore[operator]


def test_infinite_inputs_follow_ieee_rules() -> None:
    inf = Value(math.inf)
    assert (inf + 1.0).data == math.inf
    assert (inf * -2.0).data == -math.inf
    assert math.isnan((inf - inf).data)
    assert (inf.tanh().data, (-inf).exp().data) == (1.0, 0.0)


def test_a_zero_or_negative_base_with_a_value_exponent() -> None:
    a, b = Value(0.0), Value(2.0)
    out = a**b
    out.backward()
    assert (out.data, a.grad, b.grad) == (0.0, 0.0, 0.0)  # d/db of 0**b is 0 for b > 0
    a, b = Value(-2.0), Value(3.0)
    assert (a**b).data == -8.0
    with pytest.raises(ValueError, match=r"backward through pow\(-2.0, 3.0\)"):
        (a**b).backward()  # d/db of (-2)**b does not exist: (-2)**2.5 is not real
    with pytest.raises(ValueError, match=r"-2.0 \*\* 0.5 is undefined.*integer exponent"):
        a ** Value(0.5)


def test_backward_and_grad_agree_where_the_upstream_gradient_is_zero() -> None:
    """A node whose gradient is 0 passes nothing back, in backward() and in grad() alike
    (sqrt's derivative at 0 is never computed, so neither raises)."""
    x = Value(0.0)
    y = x.sqrt() * 0.0
    assert grad(y, [x]) == [0.0]
    y.backward()
    assert x.grad == 0.0
    with pytest.raises(ZeroDivisionError, match=r"backward through sqrt\(0.0\)"):
        x.sqrt().backward()
    with pytest.raises(ZeroDivisionError, match=r"backward through sqrt\(0.0\)"):
        grad(x.sqrt(), [x])


def test_backward_equals_grad_on_a_mixed_graph() -> None:
    x, y, w = Value(0.4), Value(-1.1), [Value(0.3), Value(-0.8)]
    h = dot(w, [x, y], Value(0.05)).leaky_relu(0.1)
    out = vsum([(x * y).tanh() * 2, (y - x).exp(), dot(w, [h, x]), h.relu(), -x, 3 - y])
    out = (out + 0.5) * (0.25 - out) / 3.0 - 1.5 + x.atan2(y) + x.maximum(y) + y.clamp(-1, 1)
    expected = grad(out, [x, y, *w])
    out.backward()
    assert [v.grad for v in (x, y, *w)] == expected


def test_partials_are_the_rule_and_ones_pass_gradients_unchanged() -> None:
    x, y = Value(0.3), Value(-0.6)
    assert local_partials(x * y) == (-0.6, 0.3)
    assert (x + y).partials == (1.0, 1.0)
    assert dot([x], [y], 0.5).partials == (-0.6, 0.3, 1.0)


def test_repeated_backward_and_a_leaf_as_root() -> None:
    x = Value(3.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0
    y = x * x
    y.backward()
    first = x.grad
    y.backward()
    assert x.grad - first == 6.0
    assert y.grad == 1.0


def test_grad_mode_is_per_thread_and_nesting_restores_in_every_order() -> None:
    """One thread inside no_grad() does not switch graph building off for another."""
    inside, leave, results = threading.Event(), threading.Event(), []

    def inference() -> None:
        with no_grad():
            inside.set()
            leave.wait(5)

    def training() -> None:
        inside.wait(5)
        x = Value(2.0)
        results.append(grad(x * x, [x])[0])
        leave.set()

    threads = [threading.Thread(target=inference), threading.Thread(target=training)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == [4.0]
    first, second = no_grad(), no_grad()
    first.__enter__()
    second.__enter__()
    second.__exit__(None, None, None)
    assert (Value(1.0) * 2).parents == ()
    first.__exit__(None, None, None)
    assert (Value(1.0) * 2).parents != ()


def test_a_value_takes_attributes_and_weak_references() -> None:
    p = Value(1.0)
    p.m = 0.0  # optimizer state, as micrograd-style optimizers keep it
    ref = weakref.ref(p)
    assert (p.m, ref()) == (0.0, p)
    del p
    assert ref() is None


def test_each_ops_forward_is_its_row_so_methods_and_apply_agree() -> None:
    for name, arity, param in op_cases():
        args = [Value(lo + 0.3 * (hi - lo)) for lo, hi in boxes(OPS[name], arity)]
        direct = call(name, [a.data for a in args], param)
        assert apply(OPS[name], *args, param=param).data == direct.data


def test_every_node_is_made_by_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    """The operators, the table's methods, vsum, dot, logsumexp and the lecture's constructor
    all make their node with apply, the one constructor (watched here, not replaced)."""
    made: list[Value] = []
    real = value_module.apply

    def watched(op: object, *args: object, param: object = None) -> Value:
        made.append(real(op, *args, param=param))  # type: ignore[arg-type]
        return made[-1]

    monkeypatch.setattr(value_module, "apply", watched)
    x, y = Value(0.5), Value(2.0)
    nodes = [x + y, x + 1, 1 + x, x - y, x - 1, 1 - x, x * y, x * 2, 2 * x, x / y, x / 2,
             2 / x, x**y, x**2, 2**x, -x, abs(x), vsum([x, y]), dot([x], [y], 1.0),
             logsumexp([x, y])]  # fmt: skip
    for op in OPS.values():
        if op.method:
            a, *others = [Value(lo + 0.3 * (hi - lo)) for lo, hi in boxes(op, op.arity or 1)]
            nodes.append(getattr(a, op.method)(*others, *(op.params[:1] if op.params else ())))
    assert made == nodes
    by_hand = Value(2.5, (x, y), "+")
    assert (made[-1].data, made[-1].parents) == (by_hand.data, by_hand.parents)
    assert len(made) == len(nodes) + 1
