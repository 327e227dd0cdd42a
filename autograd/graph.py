"""Walking a computation graph without recursion.

Shared by ``backward()``, ``grad()``, the checks and the pictures, so every consumer sees
the nodes in the same, deterministic order (parents before children, first parent first).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol, TypeVar

from autograd.ops import Op

N = TypeVar("N", bound="Node")


class Node(Protocol):
    """What the walks and the chain rule read of a Value. Typed here so that the files below
    value.py need not import the Value that imports them."""

    @property
    def data(self) -> float: ...
    @property
    def op(self) -> Op | None: ...
    @property
    def param(self) -> Any: ...
    @property
    def parents(self: N) -> tuple[N, ...]: ...


def topo_order(root: N) -> list[N]:
    """Every node ``root`` depends on, each once, parents before the nodes computed from them.

    A depth-first walk with an explicit stack instead of recursion, so a chain of a million
    nodes is fine, and an ordinary set of the nodes seen. A node reached twice (``x + x``,
    diamonds) is listed once; its edges are all kept in ``parents``.
    """
    order: list[N] = []
    seen = {root}
    stack: list[tuple[N, Iterator[N]]] = [(root, iter(root.parents))]
    while stack:
        node, pending = stack[-1]
        for parent in pending:
            if parent not in seen:
                seen.add(parent)
                stack.append((parent, iter(parent.parents)))
                break
        else:  # every parent is ordered: the node is finished
            stack.pop()
            order.append(node)
    return order


def edges(order: list[N]) -> Iterator[tuple[N, N, int]]:
    """Each edge ``(parent, child, position)`` of the nodes in ``order``, one per parent slot.

    ``x + x`` gives two edges from ``x``, at positions 0 and 1.
    """
    for child in order:
        for position, parent in enumerate(child.parents):
            yield parent, child, position
