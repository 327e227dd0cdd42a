"""The backward pass, step by step, in the delta notation.

Write ``delta(v) = dL/dv`` for the gradient of the output ``L`` with respect to a node ``v``
(for a neuron's weighted sum ``z`` this is its error ``delta``, as in docs/backprop.md).
Backpropagation starts from ``delta(L) = 1`` and visits the nodes from the output back to the
inputs; at each node ``out`` it walks the edges to its inputs ``v`` and adds one term of the
chain rule::

    delta(v) += d out / d v  *  delta(out)
                (local)        (upstream)   = contribution

:func:`explain` lists those terms in the order the chain rule visits them, one row per edge;
a node used several times gets several rows, and its last one holds the full sum. Nothing
is changed: the ``.grad`` of every node stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from itertools import groupby

from autograd.backprop import backpropagate
from autograd.graph import topo_order
from autograd.value import Value
from autograd.viz.style import number, op_text

__all__ = ["Explanation", "Row", "backward_rows", "explain"]


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


def step_caption(k: int, rows: list[Row], precision: int) -> str:
    """What step ``k`` does: ``step 2: z = dot passes delta = 0.5 to 5 input(s)``."""
    first = rows[0]
    return (f"step {k}: {first.out_name} = {first.op} passes delta = "
            f"{number(first.upstream, precision)} to {len(rows)} input(s)")  # fmt: skip


HEADERS = ("step", "node v", "data", "into out (op)", "local dout/dv", "upstream delta(out)",
           "contribution", "delta(v) so far")  # fmt: skip


class Explanation:
    """The backward pass as a table: ``str()`` for a terminal, an HTML table in a notebook.
    ``rows`` holds the numbers (:class:`Row`); ``gradients`` maps each node to its delta."""

    def __init__(self, root: Value, seed: float = 1.0, precision: int = 4) -> None:
        self.root, self.seed, self.precision = root, seed, precision
        self.rows = list(backward_rows(root, seed))
        self.gradients = {root: float(seed)} | {row.node: row.accumulated for row in self.rows}

    def cells(self, row: Row) -> tuple[str, ...]:
        def num(x: float) -> str:
            return number(x, self.precision)

        via = f"{row.out_name} ({row.op})"
        return (str(row.step), row.name, num(row.node.data), via, num(row.local),
                num(row.upstream), num(row.contribution), num(row.accumulated))  # fmt: skip

    def title(self) -> str:
        name = self.root.label or "the output"
        return (
            f"Backward pass from {name} = {number(self.root.data, self.precision)}, "
            f"seeded with delta = {number(self.seed, self.precision)}; "
            "delta(v) = dL/dv, and each row adds local * upstream to delta(v)"
        )

    def __str__(self) -> str:
        table = [HEADERS, *map(self.cells, self.rows)]
        widths = [max(len(line[k]) for line in table) for k in range(len(HEADERS))]
        text = ["  ".join(c.rjust(w) if k != 1 and k != 3 else c.ljust(w)
                          for k, (c, w) in enumerate(zip(line, widths, strict=True))).rstrip()
                for line in table]  # fmt: skip
        return "\n".join([self.title(), *text])

    def __repr__(self) -> str:
        return f"<Explanation of {len(self.rows)} backward steps from {self.root!r}>"

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{escape(h)}</th>" for h in HEADERS)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in self.cells(row)) + "</tr>"
            for row in self.rows
        )
        caption = escape(self.title()).replace("delta", "\u03b4")
        head = head.replace("delta", "\u03b4")
        return (
            f'<table class="chainrule-explain"><caption>{caption}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )


def explain(root: Value, seed: float = 1.0, precision: int = 4) -> Explanation:
    """The backward pass from ``root`` as a table, one row per edge in the order the chain rule
    visits them: node ``v``, its data, the node ``out`` it feeds and the op, the local partial
    ``d out / d v``, the upstream gradient ``delta(out)``, their product (the contribution) and
    ``delta(v)`` accumulated so far. ``root``'s graph and its ``.grad`` values are unchanged."""
    return Explanation(root, seed, precision)
