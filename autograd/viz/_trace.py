"""The backward pass with its numbers written down: the engine's one chain-rule loop run with
an edge hook, so every edge it visits becomes a row. No ``.grad`` is touched. Shared by
:func:`autograd.viz.explain.explain`, the stepper and the page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from autograd.backprop import backpropagate
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
    """The rows of the backward pass from ``root`` with ``delta(root) = seed``, in the order
    the chain rule visits the edges. A node whose delta is 0 passes nothing on and has no
    rows, exactly as in ``backward()``."""
    name = names(topo_order(root))
    rows: list[Row] = []

    def record(parent: Value, out: Value, local: float, upstream: float, contribution: float,
               accumulated: float) -> None:  # fmt: skip
        rows.append(Row(len(rows) + 1, parent, name[parent], out, name[out], op_text(out, 17),
                        local, upstream, contribution, accumulated))  # fmt: skip

    backpropagate(root, float(seed), on_edge=record)
    return iter(rows)


def backward_steps_rows(root: Value, seed: float = 1.0) -> list[list[Row]]:
    """The rows grouped by step: step k (from 1) is the k-th node to pass its gradient on,
    with one row per edge to its inputs. The stepper and the page step through these."""
    return [list(rows) for _, rows in groupby(backward_rows(root, seed), key=lambda r: id(r.out))]
