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

from html import escape

from autograd.value import Value
from autograd.viz._stepper import BackwardSteps, backward_steps
from autograd.viz._style import number
from autograd.viz._trace import Row, backward_rows

__all__ = ["BackwardSteps", "Explanation", "Row", "backward_rows", "backward_steps", "explain"]


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
