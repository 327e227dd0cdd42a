"""Gradients as return values: ``grad``, ``value_and_grad``, ``jacobian``, ``hessian``,
``hvp`` and forward mode, ``jvp``.

Reverse mode (``grad`` and what is built on it) runs the one chain-rule loop of
``autograd.backprop``. Forward mode pushes tangents the other way through the same local
partials: for each node, parents first, ``d out = sum_i (d out / d x_i) * d x_i``. One
forward pass gives a directional derivative; one backward pass gives a whole gradient.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Literal, overload

from autograd.backprop import backpropagate, data_of, local_partials
from autograd.errors import all_finite, backward_error
from autograd.graph import topo_order
from autograd.value import Number, Value

Function = Callable[..., Value]


def _check_grad_args(output: object, inputs: object) -> list[Value]:
    if not isinstance(output, Value):
        hint = ": for several outputs use jacobian()" if isinstance(output, Sequence) else ""
        raise TypeError(f"grad takes one output Value, got {type(output).__name__}{hint}")
    if isinstance(inputs, Value) or not isinstance(inputs, Sequence):
        raise TypeError(f"grad takes a list of input Values, got {type(inputs).__name__}")
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad's input {i} is {type(x).__name__} {x!r}, not a Value")
    return list(inputs)


@overload
def grad(
    output: Value, inputs: Sequence[Value], create_graph: Literal[False] = ...
) -> list[float]: ...
@overload
def grad(output: Value, inputs: Sequence[Value], create_graph: Literal[True]) -> list[Value]: ...
@overload
def grad(output: Value, inputs: Sequence[Value], create_graph: bool) -> list[Any]: ...


def grad(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list[Any]:
    """``[d output / d x for x in inputs]``, leaving every ``.grad`` untouched.

    With ``create_graph=True`` the op rules run on Values instead of floats, so each gradient
    is a Value with a graph of its own: call ``grad`` or ``backward`` on it for second and
    higher derivatives, mixed partials or Hessian-vector products. An input that ``output``
    does not depend on gets 0.
    """
    xs = _check_grad_args(output, inputs)
    seed: Any = Value(1.0) if create_graph else 1.0
    delta = backpropagate(output, seed, on_values=create_graph)[1]
    zero: Any = Value(0.0) if create_graph else 0.0
    return [delta.get(x, zero) for x in xs]


def _leaves(inputs: Sequence[Number]) -> list[Value]:
    return [Value(x, label=f"x{i}") for i, x in enumerate(inputs)]


def value_and_grad(f: Function, inputs: Sequence[Number]) -> tuple[float, list[float]]:
    """``f(*inputs)`` and its gradient with respect to each input, from one backward pass."""
    xs = _leaves(inputs)
    out = f(*xs)
    return out.data, grad(out, xs)


def jacobian(
    f: Callable[..., Value | Sequence[Value]], inputs: Sequence[Number]
) -> list[list[float]]:
    """``J[i][j] = d f_i / d x_j`` for a function with one or several outputs: one backward
    pass per output (the graph is built once)."""
    xs = _leaves(inputs)
    out = f(*xs)
    outputs = [out] if isinstance(out, Value) else list(out)
    return [grad(y, xs) for y in outputs]


def hessian(f: Function, inputs: Sequence[Number]) -> list[list[float]]:
    """``H[i][j] = d^2 f / d x_i d x_j``: the gradient as a graph (``create_graph=True``),
    then one backward pass through it per input."""
    xs = _leaves(inputs)
    first = grad(f(*xs), xs, create_graph=True)
    return [grad(d, xs) for d in first]


def hvp(f: Function, inputs: Sequence[Number], v: Sequence[Number]) -> list[float]:
    """The Hessian-vector product ``H v`` without forming ``H``: the gradient of
    ``sum_i (d f / d x_i) v_i``, two backward passes whatever the number of inputs."""
    if len(v) != len(inputs):
        raise ValueError(f"hvp needs one v per input, got {len(v)} for {len(inputs)} inputs")
    xs = _leaves(inputs)
    first = grad(f(*xs), xs, create_graph=True)
    directional = sum((d * vi for d, vi in zip(first, v, strict=True)), Value(0.0))
    return grad(directional, xs)


def jvp(f: Function, inputs: Sequence[Number], tangents: Sequence[Number]) -> tuple[float, float]:
    """Forward mode: ``f(*inputs)`` and its directional derivative ``sum_j (d f / d x_j) t_j``
    along ``tangents``, pushed forward through the graph with the ops' local partials.

    It reads the rules as the backward pass does, mirrored: where ``backward`` skips a node
    whose gradient is exactly 0 (so a NaN or an undefined derivative behind it never shows),
    here an edge whose partial or tangent is exactly 0 passes nothing on (so a jvp along one
    input's axis is that input's partial derivative, whatever the others'), and a rule that
    fails makes the node's tangent undefined, an error only if it reaches the output; so is a
    tangent that overflows a float (``backward`` raises for its gradient too).
    """
    if len(tangents) != len(inputs):
        raise ValueError(
            f"jvp needs one tangent per input, got {len(tangents)} for {len(inputs)} inputs"
        )
    xs = _leaves(inputs)
    out = f(*xs)
    tangent: dict[Value, float] = {x: float(t) for x, t in zip(xs, tangents, strict=True)}
    undefined: dict[Value, Exception] = {}
    for node in topo_order(out):
        if node.parents:
            try:
                partials = local_partials(node)
            except (ValueError, ArithmeticError) as err:
                undefined[node] = backward_error(node.op, [p.data for p in node.parents], err)
                continue
            edges = [
                (p, d)
                for p, d in zip(node.parents, partials, strict=True)
                if d != 0.0 and (p in undefined or tangent.get(p, 0.0) != 0.0)
            ]
            failed = next((undefined[p] for p, _ in edges if p in undefined), None)
            if failed is not None:
                undefined[node] = failed
            else:
                ts = [tangent.get(p, 0.0) for p, _ in edges]
                tangent[node] = t = sum((d * ti for (_, d), ti in zip(edges, ts, strict=True)), 0.0)
                if not math.isfinite(t) and all_finite(
                    [*ts, *map(data_of, node.parents)], node.param
                ):
                    overflow = OverflowError("a tangent beyond 1.8e308 is not finite")
                    undefined[node] = backward_error(
                        node.op, [p.data for p in node.parents], overflow
                    )
    if out in undefined:
        raise undefined[out]
    return out.data, tangent.get(out, 0.0)
