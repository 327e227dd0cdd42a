"""The backward pass replayed on the side: the numbers of every chain-rule step, without
touching any ``.grad``. Shared by :func:`autograd.viz.explain.explain` and the stepper."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from autograd.backprop import backward_error, local_partials
from autograd.graph import topo_order
from autograd.value import Value
from autograd.viz._style import op_text


@dataclass(frozen=True)
class Row:
    """One edge of the backward pass: ``delta(node) += local * upstream``."""

    step: int  # 1, 2, ... in the order the chain rule visits edges
    node: Value  # v, the input receiving gradient
    name: str  # its label, or #i (its number in the picture)
    out: Value  # the node whose gradient is passed on
    out_name: str
    op: str  # how out was computed from node: "*", "tanh", "**2", ...
    local: float  # d out / d node
    upstream: float  # delta(out)
    contribution: float  # local * upstream
    accumulated: float  # delta(node) so far, with this contribution


def names(order: list[Value]) -> dict[Value, str]:
    """Each node's name: its label, or ``#i`` (its walk number, as in the pictures)."""
    return {node: node.label or f"#{i}" for i, node in enumerate(order)}


def backward_rows(root: Value, seed: float = 1.0) -> Iterator[Row]:
    """The rows of the backward pass from ``root`` with ``delta(root) = seed``; no ``.grad``
    is touched (the deltas live in a dictionary of their own)."""
    order = topo_order(root)
    name = names(order)
    delta: dict[Value, float] = {root: float(seed)}
    step = 0
    for out in reversed(order):
        if not out.parents:
            continue
        try:
            partials = local_partials(out)
        except (ValueError, ArithmeticError) as err:
            raise backward_error(out, err) from None
        upstream, op = delta.get(out, 0.0), op_text(out, 17)
        for node, local in zip(out.parents, partials, strict=True):
            step += 1
            delta[node] = delta.get(node, 0.0) + local * upstream
            yield Row(step, node, name[node], out, name[out], op, local, upstream,
                      local * upstream, delta[node])  # fmt: skip


def backward_steps_rows(root: Value, seed: float = 1.0) -> list[list[Row]]:
    """The rows grouped by step: step k (from 1) is the k-th node to pass its gradient on,
    with one row per edge to its inputs. The stepper and the page step through these."""
    return [list(rows) for _, rows in groupby(backward_rows(root, seed), key=lambda r: id(r.out))]
