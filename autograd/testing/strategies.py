"""Hypothesis strategies for property-testing gradients (``pip install 'chainrule[check]'``).

``floats_in`` draws an op's inputs, ``expressions()`` random graphs over the op table (reused
inputs, shared subexpressions, every op inside its domain); ``symbolic`` gives the same
function in sympy, over the ``symbols`` that ``oracle.exact_values`` evaluates exactly.
``@given(expressions()) def test(e): assert gradcheck(e.fn, e.inputs)``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

try:
    from hypothesis import assume
    from hypothesis import strategies as st
except ImportError as err:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "autograd.testing.strategies needs hypothesis, which is not installed: "
        "pip install 'chainrule[check]' (hypothesis and sympy)"
    ) from err

from autograd.errors import Param
from autograd.ops import OPS, Interval, Op
from autograd.testing.oracle import symbols
from autograd.value import Value, apply

KINK_MARGIN = 1e-3  # far beyond gradcheck's eps = 1e-6, so differences never straddle a kink
NARY_ARITIES = (1, 2, 3, 5)  # the arities the op tests give n-ary ops (sum, dot)
# the edges of float arithmetic and of the ops' domains: signed zeros, the smallest
# subnormal and normal floats, near-overflow magnitudes, NaN, infinities, +-1 (asin, acosh,
# atanh, log1p), and a few ordinary numbers between them
EDGE_VALUES = (0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 5.9e-299, 1e300, -1e300,
               math.nan, math.inf, -math.inf, 1.0, -1.0, 0.5, -2.0, 3.0)  # fmt: skip


@dataclass(frozen=True)
class Step:
    """One op node: the op's name in ``OPS``, the positions of its arguments among the
    expression's nodes (inputs first, then steps in order) and its number parameter."""

    op: str
    args: tuple[int, ...]
    param: Param | None = None


@dataclass(frozen=True)
class Expression:
    """A computation graph over ``len(inputs)`` inputs, evaluated at ``inputs``; its output
    is the last step (the last input when there are no steps)."""

    inputs: tuple[float, ...]
    steps: tuple[Step, ...]

    @functools.cached_property
    def text(self) -> str:
        """The expression in readable notation, shared subexpressions written out in full."""
        return _render(self)

    @property
    def fn(self) -> Callable[..., Value]:
        """A function building the graph from one Value (or number) per input."""

        def fn(*xs: Value | float) -> Value:
            nodes = [x if isinstance(x, Value) else Value(x) for x in xs]
            for step in self.steps:
                args = (nodes[i] for i in step.args)
                nodes.append(apply(OPS[step.op], *args, param=step.param))
            return nodes[-1]

        fn.__name__ = fn.__qualname__ = self.text
        return fn

    def __repr__(self) -> str:
        at = ", ".join(f"x{i}={x!r}" for i, x in enumerate(self.inputs))
        return f"Expression({self.text!r} at {at})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))  # hypothesis reports print this, not the raw fields


def symbolic(expr: Expression) -> Any:
    """The same function as a sympy expression over real symbols ``x0, x1, ...`` (sympy is
    imported here, never by the engine). Number parameters become exact rationals."""
    import sympy as sp

    nodes: list[Any] = list(symbols(len(expr.inputs)))
    for step in expr.steps:
        param = None if step.param is None else rational(step.param)
        nodes.append(OPS[step.op].symbolic_at(sp, [nodes[i] for i in step.args], param))
    return nodes[-1]


def rational(param: Param) -> Any:
    """An op's number parameter as the exact sympy rational its repr says (a tuple of them
    for a tuple, such as clamp's bounds): 0.1 is 1/10, as the user meant it."""
    import sympy as sp

    if type(param) is tuple:
        return tuple(rational(p) for p in param)
    return sp.Rational(repr(param))


def floats_in(
    domain: Interval, avoid: Sequence[float] = (), margin: float = KINK_MARGIN
) -> st.SearchStrategy[float]:
    """Floats in the closed interval ``domain``, at least ``margin`` from each point of
    ``avoid`` (an op's kinks), never NaN, infinite or subnormal."""
    lo, hi = domain
    edges = [lo, *(p for k in sorted(avoid) if lo <= k <= hi for p in (k - margin, k + margin)), hi]
    pieces = [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if a <= b]
    if not pieces:
        raise ValueError(f"floats_in: no float in {domain} is {margin} away from {tuple(avoid)}")
    return st.one_of(*(st.floats(a, b, allow_subnormal=False) for a, b in pieces))


def boxes(op: Op, arity: int) -> tuple[Interval, ...]:
    """The sampling box of each of ``arity`` inputs (an n-ary op's one box, repeated)."""
    return op.domain if len(op.domain) == arity else op.domain[:1] * arity


def op_cases(ops: Sequence[str] | None = None) -> Iterator[tuple[str, int, Param | None]]:
    """``(op name, arity, param)`` for every row: n-ary ops at ``NARY_ARITIES``, ops with a
    parameter at each of their ``params``."""
    for op in _rows(ops):
        for arity in (op.arity,) if op.arity else NARY_ARITIES:
            for param in op.params or (None,):
                yield op.name, arity, param


def op_calls(name: str, arity: int, param: Param | None = None) -> st.SearchStrategy[Expression]:
    """One application of op ``name`` to inputs inside its domain, away from its kinks."""
    op = OPS[name]
    inputs = st.tuples(*(floats_in(box, op.kinks) for box in boxes(op, arity)))
    return inputs.filter(lambda xs: not _near_kink(op, xs, param)).map(
        lambda xs: Expression(xs, (Step(name, tuple(range(arity)), param),))
    )


def expressions(
    ops: Sequence[str] | None = None,
    max_leaves: int = 8,
    n_inputs: int = 2,
    domain: Interval = (-3.0, 3.0),
) -> st.SearchStrategy[Expression]:
    """Random graphs over ``ops`` (names in ``OPS``, all by default) on ``n_inputs`` inputs
    drawn from ``domain``, with at most ``max_leaves`` leaves when written out as a tree.

    Each step applies an op to earlier nodes (any input or earlier result, so inputs are
    reused and diamonds form); a step whose arguments would leave the op's domain box, come
    within ``KINK_MARGIN`` of a kink or exceed ``max_leaves`` is dropped, so the graph is in
    its domain at ``inputs`` by construction. Steps the output does not use are removed.
    """
    if max_leaves < 1 or n_inputs < 1:
        raise ValueError(
            f"expressions needs max_leaves >= 1 and n_inputs >= 1, got {max_leaves} and {n_inputs}"
        )
    return _draw_expression(_rows(ops), max_leaves, n_inputs, domain)


@st.composite
def _draw_expression(
    draw: st.DrawFn, rows: list[Op], max_leaves: int, n_inputs: int, domain: Interval
) -> Expression:
    # Steps are drawn as raw choices in a list and read against the nodes built so far. The
    # simplest op choice, None, is "no step": items the shrinker cannot delete from the list
    # shrink to nothing instead of to padding such as "+ x0".
    node = st.integers(0, n_inputs + 2 * max_leaves)
    step = st.tuples(st.sampled_from([None, *rows]), st.integers(2, 4), st.integers(0, 2),
                     st.tuples(node, node, node), node)  # fmt: skip
    inputs = draw(st.tuples(*[floats_in(domain)] * n_inputs))
    expression = _assemble(
        inputs, draw(st.lists(step, min_size=1, max_size=2 * max_leaves)), max_leaves
    )
    assume(expression.steps)  # rare: no drawn step fitted its op's domain
    return expression


def edge_expressions(
    ops: Sequence[str] | None = None, max_steps: int = 4, n_inputs: int = 2
) -> st.SearchStrategy[Expression]:
    """Small graphs over ``ops`` (all rows by default) at ``EDGE_VALUES``: inputs and the ops'
    numbers drawn from them, every domain ignored. A step is kept where its forward has a
    value (``apply`` does not raise), so each graph can be differentiated, or fail to be."""
    if max_steps < 1 or n_inputs < 1:
        raise ValueError(f"edge_expressions needs max_steps, n_inputs >= 1, got {max_steps}")
    return _draw_edge_expression(_rows(ops), max_steps, n_inputs)


@st.composite
def _draw_edge_expression(
    draw: st.DrawFn, rows: list[Op], max_steps: int, n_inputs: int
) -> Expression:
    edge = st.sampled_from(EDGE_VALUES)
    inputs = draw(st.tuples(*[edge] * n_inputs))
    values, steps = list(inputs), list[Step]()
    for _ in range(draw(st.integers(1, max_steps))):
        op = draw(st.sampled_from(rows))
        newest = len(values) - 1  # the first argument is one of the two newest: steps chain
        first = draw(st.integers(max(newest - 1, 0), newest))
        rest = [
            draw(st.integers(0, newest))
            for _ in range((op.arity or draw(st.sampled_from(NARY_ARITIES))) - 1)
        ]
        numbers = [p for p in op.params if type(p) is float]
        param = (
            draw(st.sampled_from([*op.params, *EDGE_VALUES]))
            if numbers
            else (draw(st.sampled_from(op.params)) if op.params else None)
        )
        args = (first, *rest)
        try:
            out = apply(op, *(Value(values[i]) for i in args), param=param)
        except (ValueError, ArithmeticError):
            continue
        values.append(out.data)
        steps.append(Step(op.name, args, param))
    assume(steps)
    return Expression(inputs, _prune(steps, n_inputs))


def _assemble(inputs: tuple[float, ...], raw: list[Any], max_leaves: int) -> Expression:
    """Read raw step choices ``(op, n-ary arity, back, picks, param index)`` into steps,
    dropping those whose arguments leave the op's domain or exceed ``max_leaves``."""
    values, leaves, steps = list(inputs), [1] * len(inputs), list[Step]()
    for op, nary_arity, back, picks, p in raw:
        if op is None:
            continue
        # the first argument is one of the three newest results (an input before any), so
        # steps build on each other and the output uses most of them; the rest are any node
        first = max(len(values) - 1 - back, 0) if steps else back % len(inputs)
        args = (first, *(i % len(values) for i in picks[: (op.arity or nary_arity) - 1]))
        param = op.params[p % len(op.params)] if op.params else None
        xs = [values[i] for i in args]
        if sum(leaves[i] for i in args) <= max_leaves and _fits(op, xs, param):
            values.append(op.forward_at(xs, param))
            leaves.append(sum(leaves[i] for i in args))
            steps.append(Step(op.name, args, param))
    return Expression(inputs, _prune(steps, len(inputs)))


def _rows(ops: Sequence[str] | None) -> list[Op]:
    unknown = [name for name in ops or () if name not in OPS]
    if unknown:
        raise ValueError(f"unknown op(s) {unknown}: the op table has {sorted(OPS)}")
    return [OPS[name] for name in ops] if ops is not None else list(OPS.values())


def _fits(op: Op, xs: Sequence[float], param: Param | None) -> bool:
    """Inside the op's sampling box and at least KINK_MARGIN away from its kinks."""
    inside = all(lo <= x <= hi for x, (lo, hi) in zip(xs, boxes(op, len(xs)), strict=True))
    apart = all(abs(x - k) >= KINK_MARGIN for x in xs for k in op.kinks)
    return inside and apart and not _near_kink(op, xs, param)


def _near_kink(op: Op, xs: Sequence[float], param: Param | None) -> bool:
    """Whether a non-smooth op fails to be affine within KINK_MARGIN of ``xs`` along some
    axis, i.e. its derivative jumps that close. This finds kinks that are not input values
    (minimum's where its inputs tie); it assumes non-smooth ops are piecewise linear, as
    every one in the table is (a curved one would be rejected everywhere, loudly)."""
    if op.smooth:
        return False
    centre = op.forward_at(xs, param)
    for i, x in enumerate(xs):
        up, down = list(xs), list(xs)
        up[i], down[i] = x + KINK_MARGIN, x - KINK_MARGIN
        rise, fall = op.forward_at(up, param) - centre, centre - op.forward_at(down, param)
        # relative to the slopes, so a kink is seen even where the slope is tiny
        if abs(rise - fall) > 1e-9 * (abs(rise) + abs(fall)) + 1e-12 * abs(centre):
            return True
    return False


def _prune(steps: list[Step], n_inputs: int) -> tuple[Step, ...]:
    """Only the steps the last one depends on, with their argument positions renumbered."""
    needed = {n_inputs + len(steps) - 1}
    for k in reversed(range(len(steps))):
        if n_inputs + k in needed:
            needed.update(steps[k].args)
    position = {i: i for i in range(n_inputs)}
    kept: list[Step] = []
    for k, step in enumerate(steps):
        if n_inputs + k in needed:
            position[n_inputs + k] = n_inputs + len(kept)
            kept.append(replace(step, args=tuple(position[i] for i in step.args)))
    return tuple(kept)


def _render(expr: Expression) -> str:
    """Function calls as ``sin(a)``; infix ops with their operands in parentheses unless
    those are inputs or calls."""
    texts, atomic = [f"x{i}" for i in range(len(expr.inputs))], [True] * len(expr.inputs)
    for step in expr.steps:
        op, args = OPS[step.op], [texts[i] for i in step.args]
        params = [] if step.param is None else [repr(step.param)]
        if op.name == "dot":  # dot(weights, inputs[, bias]), as autograd.dot is called
            n = len(args) // 2
            args = [f"[{', '.join(args[:n])}]", f"[{', '.join(args[n : 2 * n])}]", *args[2 * n :]]
        if op.symbol:
            args = [a if atomic[i] else f"({a})" for a, i in zip(args, step.args, strict=True)]
        texts.append(op.written(args, params))
        atomic.append(not op.symbol)
    return texts[-1]
