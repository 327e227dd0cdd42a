"""Walking a computation graph without recursion.

Shared by ``backward()``, ``grad()``, the checks and the pictures, so every consumer sees
the nodes in the same, deterministic order (parents before children, first parent first).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd.value import Value


def topo_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each once, parents before the nodes computed from them.

    An explicit stack replaces recursion, so a chain of a million nodes is fine. A node
    reached twice (``x + x``, diamonds) is listed once; its edges are all kept in ``parents``.
    """
    order: list[Value] = []
    seen = {root}
    stack: list[tuple[Value, Iterator[Value]]] = [(root, iter(root.parents))]
    while stack:
        node, pending = stack[-1]
        for parent in pending:
            if parent not in seen:
                seen.add(parent)
                if parent.parents:
                    stack.append((parent, iter(parent.parents)))
                    break
                order.append(parent)  # a leaf is finished as soon as it is seen
        else:
            stack.pop()
            order.append(node)
    return order


def interior_order(root: Value) -> list[Value]:
    """The nodes ``root`` depends on that have parents, parents first, each with ``grad`` 0.0.

    The order is ``topo_order``'s without the leaves. The reset of ``grad`` is also the
    visited mark, so no set is built: a node is marked by giving it a float object made for
    this walk (``grad is entered`` while its parents are being ordered, ``grad is zero`` when
    done); the identity of that object, not its value 0.0, tells it apart from any earlier
    gradient. Leaves keep their ``grad``: they accumulate across passes.
    """
    entered, zero = float("0"), float("0")  # two new float objects, equal to 0.0
    order: list[Value] = []
    stack = [root] if root._a is not None else []
    push, pop = stack.append, stack.pop  # bound once: this loop runs once per edge
    while stack:
        node = pop()
        if node.grad is entered:  # every parent is ordered: the node is finished
            node.grad = zero
            order.append(node)
        elif node.grad is not zero:  # not a second copy of a finished node
            node.grad = entered
            push(node)
            a, b = node._a, node._b  # the parents' slots (see Value), read without a tuple
            for parent in (b, a) if b is not None else reversed(a) if type(a) is tuple else (a,):
                if parent._a is not None and parent.grad is not zero:  # interior, not done
                    push(parent)
    return order


def edges(order: list[Value]) -> Iterator[tuple[Value, Value, int]]:
    """Each edge ``(parent, child, position)`` of the nodes in ``order``, one per parent slot.

    ``x + x`` gives two edges from ``x``, at positions 0 and 1.
    """
    for child in order:
        for position, parent in enumerate(child.parents):
            yield parent, child, position
