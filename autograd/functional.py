"""``grad()``: gradients as return values, optionally differentiable again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, overload

from autograd.backprop import backward_error, local_partials
from autograd.graph import topo_order
from autograd.value import Value


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
    grads: dict[Value, Any] = {output: Value(1.0) if create_graph else 1.0}
    node = output
    try:
        for node in reversed(topo_order(output)):
            g = grads.get(node)
            if g is None or not node.parents:
                continue
            for parent, d in zip(
                node.parents, local_partials(node, on_values=create_graph), strict=True
            ):
                contribution = g if type(d) is float and d == 1.0 else d * g
                previous = grads.get(parent)
                grads[parent] = contribution if previous is None else previous + contribution
    except (ValueError, ArithmeticError) as err:
        raise backward_error(node, err) from None
    zero: Any = Value(0.0) if create_graph else 0.0
    return [grads.get(x, zero) for x in inputs]
