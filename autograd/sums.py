"""Weighted sums as single nodes: ``vsum`` (sum_i x_i), ``dot`` (z = w . x + b) and ``neuron``
(a = f(z) for ReLU-like f), each one node with one edge per term, so a neuron is one box in a
picture and one step of the backward loop."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any

from autograd.ops import OPS, leaky
from autograd.value import Number, Value, _as_float, _lift, _node, apply

SUM, DOT, NEURON = OPS["sum"], OPS["dot"], OPS["neuron"]
_VALUES = repeat(Value)


def vsum(terms: Iterable[Value | Number]) -> Value:
    """sum_i x_i as one node with one edge per term (``sum()`` would make a chain of adds)."""
    return apply(SUM, *terms)


def dot(
    weights: Sequence[Value | Number],
    inputs: Sequence[Value | Number],
    bias: Value | Number | None = None,
) -> Value:
    """sum_i w_i x_i (+ b) as one node: a neuron's weighted sum z = w . x + b."""
    parents, z = _weighted_sum("dot", weights, inputs, bias)
    return _node(z, parents, DOT)


def neuron(
    weights: Sequence[Value | Number],
    inputs: Sequence[Value | Number],
    bias: Value | Number | None = None,
    slope: float = 0.0,
) -> Value:
    """A neuron as one node: a = f(z) with z = w . x + b and f(z) = z for z > 0, slope * z
    otherwise (ReLU for slope 0, leaky ReLU for a small slope, linear for 1; slope >= 0).

    The same as ``dot(weights, inputs, bias).leaky_relu(slope)`` with one node instead of
    two; its partials are the dot's times f'(z), and they differentiate again like any op's.
    """
    parents, z = _weighted_sum("neuron", weights, inputs, bias)
    if not slope >= 0.0:
        return apply(NEURON, *parents, param=_as_float(slope, "neuron's slope"))  # names it
    return _node(leaky(z, slope), parents, NEURON, float(slope))


def _weighted_sum(
    name: str, weights: Sequence[Value | Number], inputs: Sequence[Value | Number], bias: object
) -> tuple[tuple[Value, ...], float]:
    """The parents ``(*w, *x[, b])`` as Values and z = b + w_0 x_0 + w_1 x_1 + ..."""
    n = len(weights)
    if n != len(inputs):
        raise ValueError(f"{name} needs as many weights as inputs, got {n} and {len(inputs)}")
    parents: tuple[Any, ...] = (*weights, *inputs) if bias is None else (*weights, *inputs, bias)
    ws: Sequence[Any] = weights
    xs: Sequence[Any] = inputs
    if not all(map(isinstance, parents, _VALUES)):
        parents = tuple(map(_lift, parents))
        ws, xs = parents[:n], parents[n : 2 * n]
    start = 0.0 if bias is None else parents[-1].data
    z: float = sum([w.data * x.data for w, x in zip(ws, xs, strict=True)], start)
    return parents, z
