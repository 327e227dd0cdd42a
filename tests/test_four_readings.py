"""One rule, four readings: the op table's rules read on floats (``backward``), on Values
(``grad(create_graph=True)``) and on tangents (``jvp``) give the same numbers and the same
errors, at the edges too (zero gradients, NaN, inf, overflow inside a rule)."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from autograd import Value, grad, hessian, jvp


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
