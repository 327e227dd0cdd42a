"""One rule, four readings: the op table's rules read on floats (``backward``), on Values
(``grad(create_graph=True)``) and on tangents (``jvp``) give the same numbers and the same
errors, at the edges too (zero gradients, NaN, inf, overflow inside a rule)."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given, settings

from autograd import Value, grad, hessian, jvp
from autograd.compiler import compile_step
from autograd.testing.strategies import Expression, edge_expressions


def test_a_zero_upstream_gradient_skips_the_node_in_every_reading() -> None:
    x = Value(0.0)
    y = x.sqrt() * 0.0  # sqrt has no derivative at 0, but nothing flows back through it
    y.backward()
    assert x.grad == 0.0
    assert grad(y, [x]) == [0.0]
    assert [g.data for g in grad(y, [x], create_graph=True)] == [0.0]


def test_a_zero_upstream_gradient_on_values_keeps_the_higher_derivatives() -> None:
    # d/dx of x*y*z is y*z, a graph whose d/dz is y = 1 even where z = 0 makes it 0
    assert hessian(lambda x, y, z: x * y * z, [1.0, 1.0, 0.0])[0] == [0.0, 0.0, 1.0]


def readings(f: Callable[[Value], Value], x: float) -> list[object]:
    """d f / d x from backward(), grad(create_graph=True) and jvp, or each one's error type."""
    results: list[object] = []
    for reading in (_backward, _on_values, _tangent):
        try:
            results.append(reading(f, x))
        except (ValueError, ArithmeticError) as err:
            results.append(type(err))
    return results


def _backward(f: Callable[[Value], Value], x: float) -> float:
    v = Value(x)
    f(v).backward()
    return v.grad


def _on_values(f: Callable[[Value], Value], x: float) -> float:
    v = Value(x)
    return float(grad(f(v), [v], create_graph=True)[0].data)


def _tangent(f: Callable[[Value], Value], x: float) -> float:
    return jvp(f, [x], [1.0])[1]


def same(a: object, b: object) -> bool:
    """Equal as the readings must be: NaN is NaN, and a zero's sign counts."""
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    return a == b


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(math.nan, 0.0, math.nan), (math.inf, 0.0, math.inf), (math.inf, -0.0, -math.inf),
     (-math.inf, 0.0, -math.inf), (math.nan, -2.0, math.nan)],
)  # fmt: skip
def test_nan_and_inf_propagate_through_division(a: float, b: float, expected: float) -> None:
    for quotient in (Value(a) / Value(b), Value(a) / b, a / Value(b)):
        assert same(quotient.data, expected)


def test_a_finite_number_over_zero_is_still_the_named_error() -> None:
    for divisor in (Value(0.0), 0.0):
        with pytest.raises(ZeroDivisionError, match=r"1\.0 / 0\.0 is undefined"):
            Value(1.0) / divisor


@pytest.mark.parametrize(
    "f",
    [lambda x: math.nan / x, lambda x: (math.nan / x) * 0.0, lambda x: x.sqrt() * 0.0,
     lambda x: x.sqrt() * 2.0, lambda x: (math.inf / x) * 0.0, lambda x: x / 0.0 * 0.0],
)  # fmt: skip
@pytest.mark.parametrize("x", [0.0, -0.0, 1.0])
def test_backward_values_and_jvp_agree_on_nan_parameters(
    f: Callable[[Value], Value], x: float
) -> None:
    try:
        f(Value(x))
    except (ValueError, ArithmeticError):
        return  # the forward itself is an error: no reading runs
    first, *others = readings(f, x)
    assert all(same(first, other) for other in others), readings(f, x)


def test_an_overflow_inside_a_rule_is_an_error_naming_the_node_in_every_reading() -> None:
    assert readings(lambda x: 1.0 / x, 5.9e-299) == [OverflowError] * 3
    with pytest.raises(OverflowError, match=r"backward through rdivc\(5\.9e-299\)"):
        (1.0 / Value(5.9e-299)).backward()


Outcome = list[float] | type[Exception]


def gradient_readings(e: Expression) -> tuple[Outcome, Outcome, Outcome]:
    """The gradient of ``e`` at its inputs read on floats, on Values and on tangents (one
    jvp per input, along that input's axis), or each reading's error type."""

    def on_floats() -> list[float]:  # grad(), not backward(): .grad += g turns -0.0 into 0.0
        xs = [Value(x) for x in e.inputs]
        return grad(e.fn(*xs), xs)

    def on_values() -> list[float]:
        xs = [Value(x) for x in e.inputs]
        return [g.data for g in grad(e.fn(*xs), xs, create_graph=True)]

    def on_tangents() -> list[float]:
        axes = [[float(i == j) for j in range(len(e.inputs))] for i in range(len(e.inputs))]
        return [jvp(e.fn, e.inputs, axis)[1] for axis in axes]

    outcomes: list[Outcome] = []
    for reading in (on_floats, on_values, on_tangents):
        try:
            outcomes.append(reading())
        except (ValueError, ArithmeticError) as err:
            outcomes.append(type(err))
    return outcomes[0], outcomes[1], outcomes[2]


def agree(a: float, b: float, rounding: float = 0.0) -> bool:
    """The same number, NaN equal to NaN, for tangents: a zero's sign is not compared (jvp
    skips an edge whose partial is -0.0, backward adds its -0.0), nor, with ``rounding``,
    the last bits of a sum of several paths."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    near = math.isclose(a, b, rel_tol=rounding, abs_tol=rounding * 1e-300)  # subnormals too
    return a == b or (math.isfinite(a) and near)


def disagreement(e: Expression) -> str | None:
    """How the readings of ``e``'s gradient differ, None where they agree: Values as floats,
    error for error and bit for bit (the signs of zeros too); tangents as floats, error for
    error, and number for number where neither saw a NaN or an inf (a 0 times a NaN is
    skipped by backward where the 0 is nearer the output, by jvp where it is nearer the
    input)."""
    floats, values, tangents = gradient_readings(e)
    if not isinstance(floats, list) or not isinstance(values, list):
        return None if floats == values else f"floats {floats} but Values {values}"
    if not all(map(same, floats, values)):
        return f"floats {floats} but Values {values}"
    if not isinstance(tangents, list):
        return f"floats {floats} but tangents {tangents}"
    finite = [(f, t) for f, t in zip(floats, tangents, strict=True) if math.isfinite(f + t)]
    if not all(agree(f, t, 1e-9) for f, t in finite):
        return f"floats {floats} but tangents {tangents}"
    return None


@settings(max_examples=500)
@given(edge_expressions())
def test_floats_values_and_tangents_agree_at_the_edges(e: Expression) -> None:
    assert disagreement(e) is None


@pytest.mark.parametrize(
    "f",
    [lambda x: x.atan(), lambda x: x.asinh(), lambda x: x.erf(), lambda x: x.gelu(),
     lambda x: x.atan2(x)],
)  # fmt: skip
def test_a_rule_whose_derivative_is_tiny_does_not_overflow_on_the_way(
    f: Callable[[Value], Value],
) -> None:
    first, *others = readings(f, -1e300)  # a * a is beyond a float; the derivative is ~0
    assert isinstance(first, float)
    assert all(same(first, other) for other in others)


@pytest.mark.parametrize("backend", ["interpreter", "straight"])
def test_a_compiled_step_whose_gradient_overflows_gives_the_engine_s_error(backend: str) -> None:
    w = Value(1.0)
    step = compile_step(lambda: 1.0 / w, [w], backend=backend)
    assert step()[1] == [-1.0]  # traced at 1.0
    w.data = 5.9e-299  # replayed where d/dw = -1/w^2 is beyond a float
    with pytest.raises(OverflowError, match=r"backward through rdivc\(5\.9e-299\)"):
        step()


def test_a_zero_gradient_on_values_keeps_the_sign_floats_give_it() -> None:
    x = Value(0.5)
    y = (math.inf - x).sign()  # sign passes 0.0 to inf - x, whose partial is -1.0
    assert math.copysign(1.0, grad(y, [x])[0]) == 1.0
    assert math.copysign(1.0, grad(y, [x], create_graph=True)[0].data) == 1.0
