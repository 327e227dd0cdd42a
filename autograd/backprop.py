"""The backward pass: the chain rule applied once per edge, in reverse topological order.

Every op's local partials come from its rule in ``autograd.ops`` (``local_partials``). The
hottest ops skip that call: their partials are written inline from the op and the data, so
an edge costs a multiply and an add (``d out / d a`` of ``a * b`` is ``b``; of ``tanh`` it is
``1 - out^2``). The inline forms and the rules must agree; the tests check they do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from autograd.ops import OPS

if TYPE_CHECKING:
    from autograd.value import Value

ADD, SUB, MUL, TANH, EXP, RELU = (OPS[n] for n in ("add", "sub", "mul", "tanh", "exp", "relu"))
ADDC, SUBC, MULC = OPS["addc"], OPS["subc"], OPS["mulc"]
SUM, DOT, NEURON = OPS["sum"], OPS["dot"], OPS["neuron"]


def local_partials(node: Value, on_values: bool = False) -> tuple[Any, ...]:
    """``d node / d parent`` for each parent, from the op's rule: floats, or Values (whose graph
    can be differentiated again) when ``on_values``."""
    op = node._op
    if op is None:
        return ()
    out, xs = (node, node.parents) if on_values else (node.data, [p.data for p in node.parents])
    return op.rule(out, *xs) if node._param is None else op.rule(out, *xs, node._param)


def backward_error(node: Value, err: Exception) -> Exception:
    """The error for a rule that failed during a backward pass, naming the node."""
    args = ", ".join(repr(p.data) for p in node.parents)
    return type(err)(f"backward through {node.op}({args}): the derivative is undefined ({err})")


def backpropagate(order: list[Value]) -> None:
    """Push each node's ``grad`` to its parents, last node first: ``parent.grad += d * grad``.

    ``order`` holds the graph's interior nodes, parents first (``graph.interior_order``);
    leaves only receive. One branch per hot op, tested in order of how common they are,
    because a call per node is what this loop would otherwise spend its time on.
    """
    if not order:
        return
    node = order[-1]
    try:
        for node in reversed(order):
            g = node.grad
            if not g:  # a zero gradient contributes nothing
                continue
            op, a = node._op, node._a  # a: the first parent (all of them for an n-ary op)
            if op is MUL:
                b = node._b
                a.grad += b.data * g
                b.grad += a.data * g
            elif op is ADD:
                a.grad += g
                node._b.grad += g
            elif op is NEURON or op is DOT:
                slope = 1.0 if op is DOT or node.data > 0.0 else node._param
                if slope:
                    _weighted_sum_backward(a, g * slope)
            elif op is TANH:
                a.grad += (1.0 - node.data * node.data) * g
            elif op is MULC:
                a.grad += node._param * g  # type: ignore[operator]  # mulc has its c
            elif op is ADDC or op is SUBC:
                a.grad += g
            else:
                _generic_backward(node, op, a, g)
    except (ValueError, ArithmeticError) as err:
        raise backward_error(node, err) from None


def _weighted_sum_backward(parents: tuple[Value, ...], d: float) -> None:
    # z = b + sum_i w_i x_i: dz/dw_i = x_i, dz/dx_i = w_i, dz/db = 1
    n = len(parents) // 2
    for w, x in zip(parents[:n], parents[n : 2 * n], strict=True):
        w.grad += x.data * d
        x.grad += w.data * d
    if len(parents) % 2:
        parents[-1].grad += d


def _generic_backward(node: Value, op: Any, a: Any, g: float) -> None:
    if op is EXP:
        a.grad += node.data * g
    elif op is RELU:
        if node.data > 0.0:
            a.grad += g
    elif op is SUB:
        a.grad += g
        node._b.grad -= g
    elif op is SUM:
        for parent in a:
            parent.grad += g
    else:
        for parent, d in zip(node.parents, local_partials(node), strict=True):
            parent.grad += d * g
