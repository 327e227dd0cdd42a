"""The functional API: value_and_grad, jacobian, hessian, hvp and forward-mode jvp, each
checked against reverse mode, against sympy and on random graphs; grad's argument errors."""

from __future__ import annotations

import math

import pytest
import sympy as sp
from hypothesis import given

from autograd import Value, grad, hessian, hvp, jacobian, jvp, value_and_grad
from autograd.testing.oracle import exact_values
from autograd.testing.strategies import Expression, expressions, symbolic, symbols


def f(x: Value, y: Value, z: Value) -> Value:
    return (x * y).sin() + x.exp() / z + y.atan2(z) * x**3


POINT = [0.3, -1.2, 0.8]


def exact_gradient_and_hessian() -> tuple[list[float], list[list[float]]]:
    xs = sp.symbols("x y z", real=True)
    e = sp.sin(xs[0] * xs[1]) + sp.exp(xs[0]) / xs[2] + sp.atan2(xs[1], xs[2]) * xs[0] ** 3
    at = dict(zip(xs, POINT, strict=True))
    gradient, hessian = exact_values(
        [[(e, x) for x in xs], [[(e, a, b) for b in xs] for a in xs]], at
    )
    return gradient, hessian


def test_value_and_grad_matches_sympy_and_grad() -> None:
    value, gradient = value_and_grad(f, POINT)
    leaves = [Value(x) for x in POINT]
    assert value == f(*leaves).data
    assert gradient == grad(f(*leaves), leaves)
    assert gradient == pytest.approx(exact_gradient_and_hessian()[0], rel=1e-12)


def test_hessian_and_hvp_match_sympy() -> None:
    exact = exact_gradient_and_hessian()[1]
    h = hessian(f, POINT)
    assert h == [pytest.approx(row, rel=1e-10) for row in exact]
    assert h[0][1] == pytest.approx(h[1][0], rel=1e-12)  # symmetric
    v = [0.5, -2.0, 1.5]
    expected = [sum(hij * vj for hij, vj in zip(row, v, strict=True)) for row in exact]
    assert hvp(f, POINT, v) == pytest.approx(expected, rel=1e-10)


def test_jacobian_of_several_outputs_is_one_gradient_per_row() -> None:
    def g(x: Value, y: Value) -> list[Value]:
        return [x * y, x.exp() + y, y.hypot(x)]

    j = jacobian(g, [1.5, -0.5])
    r = math.hypot(1.5, -0.5)
    expected = [[-0.5, 1.5], [math.exp(1.5), 1.0], [1.5 / r, -0.5 / r]]
    assert [row == pytest.approx(e) for row, e in zip(j, expected, strict=True)] == [True] * 3
    assert jacobian(lambda x: x.tanh(), [0.2]) == [[1.0 - math.tanh(0.2) ** 2]]


def test_jvp_is_the_gradient_along_the_tangent() -> None:
    tangent = [1.0, 0.25, -2.0]
    value, directional = jvp(f, POINT, tangent)
    gradient = value_and_grad(f, POINT)[1]
    assert value == value_and_grad(f, POINT)[0]
    expected = sum(g * t for g, t in zip(gradient, tangent, strict=True))
    assert directional == pytest.approx(expected, rel=1e-12)


@given(expressions(max_leaves=6))
def test_forward_and_reverse_mode_agree_on_random_graphs(e: Expression) -> None:
    """Each basis tangent pushed forward gives one entry of the gradient reverse mode gives."""
    gradient = value_and_grad(e.fn, e.inputs)[1]
    for i in range(len(e.inputs)):
        basis = [1.0 if k == i else 0.0 for k in range(len(e.inputs))]
        assert jvp(e.fn, e.inputs, basis)[1] == pytest.approx(gradient[i], rel=1e-12, abs=1e-15)


@given(expressions(ops=["mul", "add", "sin", "exp", "tanh", "div", "atan"], max_leaves=5))
def test_hessian_matches_sympy_on_random_smooth_graphs(e: Expression) -> None:
    f, xs = symbolic(e), symbols(len(e.inputs))
    exact = exact_values([[(f, a, b) for b in xs] for a in xs], e.inputs)
    for row, expected in zip(hessian(e.fn, e.inputs), exact, strict=True):
        assert row == pytest.approx(expected, rel=1e-7, abs=1e-9), e.text


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda x, z: grad([z, z], [x]), "grad takes one output Value, got list: for several"),
        (lambda x, z: grad(2.0, [x]), "grad takes one output Value, got float"),
        (lambda x, z: grad(z, [2.0]), r"grad's input 0 is float 2.0, not a Value"),
        (lambda x, z: grad(z, x), "grad takes a list of input Values, got Value"),
        (lambda x, z: hvp(lambda a: a * a, [1.0], [1.0, 2.0]), "hvp needs one v per input"),
        (lambda x, z: jvp(lambda a: a * a, [1.0], []), "jvp needs one tangent per input"),
    ],
)
def test_bad_arguments_name_what_is_wrong(call: object, message: str) -> None:
    x = Value(1.0)
    with pytest.raises((TypeError, ValueError), match=message):
        call(x, x * x)  # type: ignore[operator]
