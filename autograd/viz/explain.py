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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

from autograd.backprop import backpropagate
from autograd.graph import topo_order
from autograd.value import Value
from autograd.viz.style import html_escape, names, number, op_text, visible

__all__ = ["Explanation", "Row", "backward_rows", "explain"]


@dataclass(frozen=True)
class Row:
    """One edge of the backward pass: ``delta(node) += local * upstream``."""

    step: int  # k: the k-th node to pass its gradient on (its rows share k), as on the page
    node: Value  # v, the input receiving gradient
    name: str  # its label, or #i (its number in the picture)
    out: Value  # the node whose gradient is passed on
    out_name: str
    op: str  # how out was computed from node: "*", "tanh", "**2", ...
    local: float  # d out / d node
    upstream: float  # delta(out)
    contribution: float  # local * upstream
    accumulated: float  # delta(node) so far, with this contribution


def backward_rows(root: Value, seed: float = 1.0) -> Iterator[Row]:
    """The rows of the backward pass from ``root`` with ``delta(root) = seed``, in the order
    the chain rule visits the edges. A node whose delta is 0 passes nothing on and has no
    rows, exactly as in ``backward()``."""
    name = names(topo_order(root))
    rows: list[Row] = []

    def record(parent: Value, out: Value, local: float, upstream: float, contribution: float,
               accumulated: float) -> None:  # fmt: skip
        step = rows[-1].step + (rows[-1].out is not out) if rows else 1  # a node's edges in a run
        rows.append(Row(step, parent, name[parent], out, name[out], op_text(out, 17),
                        local, upstream, contribution, accumulated))  # fmt: skip

    backpropagate(root, float(seed), on_edge=record)
    return iter(rows)


def by_step(rows: Iterable[Row]) -> list[list[Row]]:
    """Rows grouped by step: step k (from 1) is the k-th node to pass its gradient on, with
    one row per edge to its inputs. The stepper and the page step through these."""
    return [list(group) for _, group in groupby(rows, key=lambda r: r.step)]


def seed_caption(name: str, seed: float, precision: int) -> str:
    """What step 0 does, as a sentence: ``Step 0: the seed, delta(L) = 1 (dL/dL = 1).``"""
    start = f"Step 0: the seed, delta({name}) = {number(seed, precision)}"
    if seed == 1.0:
        return f"{start} (d{name}/d{name} = 1)."
    return f"{start}, the gradient the rest of the graph sends back to {name}."


def step_caption(rows: list[Row], precision: int) -> str:
    """What step k does, as a sentence: ``Step 2: z, made by dot, passes delta(z) = 0.5 to
    its 5 inputs.``"""
    first, n = rows[0], len(rows)
    inputs = "its input" if n == 1 else f"its {n} inputs"
    delta = f"delta({first.out_name}) = {number(first.upstream, precision)}"
    return f"Step {first.step}: {first.out_name}, made by {first.op}, passes {delta} to {inputs}."


def arithmetic(row: Row, precision: int) -> str:
    """The chain rule along one row's edge, as practice mode shows it for a wrong answer:
    ``delta(x) += local x upstream = 3 x 1 = 3; with the 3 it had: 6``."""

    def num(x: float) -> str:
        return number(x, precision)

    text = f"delta({row.name}) += local x upstream = {num(row.local)} x {num(row.upstream)}"
    text += f" = {num(row.contribution)}"
    before = row.accumulated - row.contribution  # 0 exactly for v's first row
    return text + (f"; with the {num(before)} it had: {num(row.accumulated)}" if before else "")


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
        name = visible(self.root.label or "") or "the output"
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
        head = "".join(f"<th>{html_escape(h)}</th>" for h in HEADERS)
        body = "".join(
            "<tr>" + "".join(f"<td>{html_escape(c)}</td>" for c in self.cells(row)) + "</tr>"
            for row in self.rows
        )
        caption = html_escape(self.title()).replace("delta", "\u03b4")
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
