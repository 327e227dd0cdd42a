"""Nodes made by hand, the micrograd lecture's way: ``Value(data, (a, b), '+')``.

The lecture's ``Value(data, _children, _op)`` is how its own operators record an edge. Here the
operators record edges themselves, so a node made by hand is accepted only when it is one the
table could have made: ``_op`` names a row (by its symbol, ``'+'``, or its name, ``'tanh'``;
``'**2'`` is ``** 2``), it takes that many parents, and ``data`` is what the row computes from
the parents' data, up to rounding. ``Value`` then makes the node with ``apply`` (so it holds the
row's own result), and it differentiates like any other. Anything else is an error naming what
was given: a node whose derivative the engine does not know would pass no gradient to its
parents, a silent wrong number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from autograd.backprop import local_partials
from autograd.ops import OPS, ROWS, Op

# how far a hand-made node's data may be from the row's own result: the lecture computes tanh
# as (e^2x - 1)/(e^2x + 1), which differs from math.tanh in the last bits
TOLERANCE = 1e-9


def row_for(
    symbol: str, children: Iterable[Any], data: float
) -> tuple[Op, tuple[Any, ...], float | None]:
    """The row, the parents and the param of ``Value(data, children, symbol)``."""
    parents = tuple(children)
    try:
        xs = [parent.data for parent in parents]
    except AttributeError:
        raise TypeError(
            "Value's _children must be Values (the ones it is computed from; a label goes in "
            f"label=), got {children!r}"
        ) from None
    given = f"Value({data!r}, <{len(xs)} parent(s)>, {symbol!r})"
    if not xs or not symbol:
        raise ValueError(f"{given}: a node made by hand needs both its parents and its op")
    op, param = _lookup(symbol, len(xs))
    if op is None:
        raise ValueError(
            f"{given}: no op of the table is written {symbol!r} with {len(xs)} parent(s) "
            "(try '+', '*', 'tanh', 'exp', '**2'; or let the operators make the node)"
        )
    expected = op.forward_at(xs, param)
    if not math.isclose(data, expected, rel_tol=TOLERANCE, abs_tol=TOLERANCE):
        raise ValueError(
            f"{given}: {op.label} of {', '.join(map(repr, xs))} is {expected!r}, not {data!r}"
        )
    return op, parents, param


def _lookup(symbol: str, arity: int) -> tuple[Op | None, float | None]:
    if symbol.startswith("**") and arity == 1:  # the lecture writes x ** k as f"**{k}"
        try:
            return OPS["powc"], float(symbol[2:])
        except ValueError:
            return None, None
    for op in ROWS:
        if symbol in (op.label, op.name) and op.arity == arity and not op.params:
            return op, None
    return None, None


class LectureNames:
    """The names the micrograd lecture's code reaches into, each a line over the engine's own
    (``Value`` has them all)."""

    __slots__ = ()
    data: float
    grad: float
    op: Op | None
    param: Any
    parents: tuple[Any, ...]

    @property
    def _prev(self) -> frozenset[Any]:
        """The parents as a set: the micrograd lecture's name (``parents`` keeps order and
        repeats, ``(a, a)`` for ``a + a``)."""
        return frozenset(self.parents)

    @property
    def _op(self) -> str:
        """The op's symbol (``"+"``, ``"tanh"``; ``""`` for a leaf): the lecture's ``_op``."""
        return "" if self.op is None else self.op.label

    def _backward(self) -> None:
        """One node's chain-rule step, the lecture's ``_backward``: for each parent,
        ``parent.grad += d self / d parent * self.grad``."""
        for parent, local in zip(self.parents, local_partials(self), strict=True):
            parent.grad += local * self.grad
