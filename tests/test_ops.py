"""Every row of the op table, and random compositions of them, against two oracles: central
differences (float64) and sympy's exact derivatives evaluated at the same point."""

from __future__ import annotations

import functools
import math
from typing import Any

import pytest
import sympy as sp
from hypothesis import given, settings

from autograd import OPS, Value, grad, numeric_grad
from autograd.testing.oracle import exact_values
from autograd.testing.strategies import (
    Expression,
    Step,
    expressions,
    op_calls,
    op_cases,
    symbolic,
    symbols,
)

CASES = list(op_cases())
IDS = [f"{name}-{arity}" + ("" if param is None else f"-{param}") for name, arity, param in CASES]
EXACT = {"rel": 1e-9, "abs": 1e-12}  # engine vs sympy: float rounding only
# one op on one to five inputs needs fewer examples than a random graph: a quarter of the profile's
PER_OP = settings(max_examples=max(10, settings.default.max_examples // 4))


@functools.cache
def exact(name: str, arity: int, param: float | None) -> tuple[Any, list[Any], list[list[Any]]]:
    """sympy's f, its gradient and its Hessian for one op application (computed once)."""
    xs = symbols(arity)
    f = symbolic(Expression((0.0,) * arity, (Step(name, tuple(range(arity)), param),)))
    first = [sp.diff(f, x) for x in xs]
    return f, first, [[sp.diff(d, x) for x in xs] for d in first]


def leaves_at(point: tuple[float, ...]) -> list[Value]:
    return [Value(x, label=f"x{i}") for i, x in enumerate(point)]


def test_every_row_has_cases() -> None:
    assert {name for name, _, _ in CASES} == set(OPS)
    assert {(n, a) for n, a, _ in CASES} >= {("sum", 1), ("sum", 5), ("dot", 2), ("dot", 5)}
    assert {p for n, _, p in CASES if n == "powc"} == set(OPS["powc"].params)


@pytest.mark.parametrize(("name", "arity", "param"), CASES, ids=IDS)
def test_forward_matches_sympy(name: str, arity: int, param: float | None) -> None:
    f = exact(name, arity, param)[0]

    @PER_OP
    @given(op_calls(name, arity, param))
    def check(e: Expression) -> None:
        assert [e.fn(*e.inputs).data] == pytest.approx(exact_values([f], e.inputs), **EXACT)

    check()


@pytest.mark.parametrize(("name", "arity", "param"), CASES, ids=IDS)
def test_partials_match_differences_and_sympy(name: str, arity: int, param: float | None) -> None:
    first = exact(name, arity, param)[1]

    @PER_OP
    @given(op_calls(name, arity, param))
    def check(e: Expression) -> None:
        leaves = leaves_at(e.inputs)
        node = e.fn(*leaves)
        partials = list(node.partials)
        assert partials == pytest.approx(exact_values(first, e.inputs), **EXACT)
        assert partials == pytest.approx(numeric_grad(e.fn, e.inputs), rel=1e-5, abs=1e-6)
        node.backward()
        assert [leaf.grad for leaf in leaves] == partials
        assert grad(node, leaves) == partials

    check()


@pytest.mark.parametrize(("name", "arity", "param"), CASES, ids=IDS)
def test_second_derivatives_match_sympy(name: str, arity: int, param: float | None) -> None:
    """Rules run on Values under create_graph=True; away from kinks a non-smooth op's second
    derivative is 0, which sympy agrees with (its DiracDelta vanishes there)."""
    hessian = exact(name, arity, param)[2]

    @PER_OP
    @given(op_calls(name, arity, param))
    def check(e: Expression) -> None:
        leaves = leaves_at(e.inputs)
        first = grad(e.fn(*leaves), leaves, create_graph=True)
        for d, row in zip(first, exact_values(hessian, e.inputs), strict=True):
            assert grad(d, leaves) == pytest.approx(row, **EXACT)

    check()


@given(expressions())
def test_random_expressions_match_sympy(e: Expression) -> None:
    f = symbolic(e)
    value, *expected = exact_values([f, *((f, x) for x in symbols(len(e.inputs)))], e.inputs)
    leaves = leaves_at(e.inputs)
    out = e.fn(*leaves)
    assert out.data == pytest.approx(value, rel=1e-9, abs=1e-12)
    assert grad(out, leaves) == pytest.approx(expected, rel=1e-7, abs=1e-9), e.text


@given(expressions(ops=["mul", "add", "sin", "exp", "tanh", "log", "div"], max_leaves=6))
def test_random_smooth_expressions_second_derivatives_match_sympy(e: Expression) -> None:
    f, xs = symbolic(e), symbols(len(e.inputs))
    exact = exact_values([[(f, x, y) for y in xs] for x in xs], e.inputs)
    leaves = leaves_at(e.inputs)
    first = grad(e.fn(*leaves), leaves, create_graph=True)
    for d, expected in zip(first, exact, strict=True):
        assert grad(d, leaves) == pytest.approx(expected, rel=1e-7, abs=1e-9), e.text


def test_clamp_is_min_of_max_as_its_row_says_and_a_nan_bound_propagates() -> None:
    a, lo, hi = sp.symbols("a lo hi", real=True)
    meaning = OPS["clamp"].symbolic(sp, a, (lo, hi))
    for x in (-3.0, 0.0, 0.5, 3.0):
        for bounds in ((-1.0, 1.0), (1.0, -1.0), (2.0, 2.0)):
            leaf = Value(x)
            out = leaf.clamp(*bounds)
            exact = float(meaning.subs({a: x, lo: bounds[0], hi: bounds[1]}))
            assert out.data == exact == min(max(x, bounds[0]), bounds[1])
            out.backward()
            assert leaf.grad == (1.0 if bounds[0] < x < bounds[1] else 0.0)
    for bounds in ((math.nan, 1.0), (-1.0, math.nan)):
        assert math.isnan(Value(0.5).clamp(*bounds).data)
