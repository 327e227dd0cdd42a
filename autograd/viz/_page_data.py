"""What a backward-pass page shows at each step, computed from explain()'s rows.

The picture is drawn once, with every gradient known. For the page's script this module
lists, by SVG id (``n3`` a value, ``n3op`` its op, ``g0`` a group box, ``e5`` an edge):

- ``nodes``: the text each box shows its gradient in, as drawn (the script finds it by it);
- ``initial``: every gradient unknown (``grad ?``, white) and every edge label ``local ...``;
- ``steps``: step 0 seeds the output; step k is the k-th node to pass its gradient on, with
  the changes it makes (its inputs' gradients so far, its edges' ``local x upstream =
  contribution``), what to highlight, a caption and its rows of the explain() table.

A change is ``[kind, id, text, fill]``: kind ``n`` (a box: gradient text and fill colour) or
``e`` (an edge label, fill empty).
"""

from __future__ import annotations

from html import unescape
from typing import Any

from autograd.value import Value
from autograd.viz._dot import DrawOptions, Scene, drawn_edges, edge_text
from autograd.viz._layout import source, statements
from autograd.viz._render import run_renderer
from autograd.viz._stepper import step_caption
from autograd.viz._style import grad_text, gradient_fill, group_value_text, number
from autograd.viz._trace import Row, backward_steps_rows
from autograd.viz.explain import Explanation

Change = list[str]


class _Picture:
    """The scene drawn with every gradient known, and how each node and edge appears in it."""

    def __init__(self, root: Value, explanation: Explanation, options: dict[str, Any]) -> None:
        outs = frozenset(row.out for row in explanation.rows)
        opts = DrawOptions(grads=explanation.gradients, processed=outs, ids=True, **options)
        self.scene, self.precision = Scene(root, opts), opts.precision
        self.svg = run_renderer(source(statements(root, opts)), "svg").decode("utf-8")
        self.edge_id: dict[tuple[int, int, int], str] = {}
        self.labelled: set[str] = set()
        for k, (src, dst, edges) in enumerate(drawn_edges(self.scene)):
            for parent, child, position in edges:
                self.edge_id[id(parent), id(child), position] = f"e{k}"
            if opts.edge_labels and len(edges) == 1 and src[0] == dst[0] == "n":
                self.labelled.add(f"e{k}")

    def box(self, node: Value) -> str | None:
        """The id of the box showing ``node``'s gradient: its own, or its group's when it is
        the node the group hands on; None for the other nodes inside a group."""
        scene = self.scene
        group = scene.groups.get(node)
        if group is None:
            return f"n{scene.number[node]}"
        return scene.group_id[group] if scene.members[group][-1] is node else None

    def node_change(self, node: Value, grad: float | None) -> Change | None:
        box = self.box(node)
        if box is None:
            return None
        grouped = node in self.scene.groups
        text = (group_value_text if grouped else _value_text)(node, grad, self.precision)
        return ["n", box, unescape(text), gradient_fill(grad, self.scene.scale)]

    def edge(self, row: Row, position: int) -> str | None:
        """The id of the drawn edge standing for this row's edge (None inside a group box)."""
        return self.edge_id.get((id(row.node), id(row.out), position))


def _value_text(node: Value, grad: float | None, precision: int) -> str:
    return grad_text(grad, precision)


def stepper_data(root: Value, seed: float, options: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The SVG (without its XML prologue) and the steps of the page, as described above."""
    options = {"edge_labels": True, **options}
    explanation = Explanation(root, seed, options.get("precision", 4))
    picture = _Picture(root, explanation, options)
    scene, order = picture.scene, picture.scene.order
    final = explanation.gradients
    nodes = {c[1]: c[2] for n in order if (c := picture.node_change(n, final.get(n)))}
    initial = [c for n in order if (c := picture.node_change(n, None))]
    for row_steps in backward_steps_rows(root, seed):
        for position, row in enumerate(row_steps):
            edge = picture.edge(row, position)
            if edge is not None and edge in picture.labelled:
                initial.append(["e", edge, edge_text(row.local, None, picture.precision), ""])
    name = root.label or f"#{scene.number[root]}"
    p = picture.precision
    seed_change = picture.node_change(root, float(seed))
    steps = [{
        "caption": _seed_caption(name, seed, p),
        "active": picture.scene.item(root), "op": None, "edges": [], "targets": [],
        "changes": [seed_change] if seed_change else [], "rows": [],
    }]  # fmt: skip
    for k, rows in enumerate(backward_steps_rows(root, seed), 1):
        steps.append(_step(picture, k, rows, explanation))
    start = picture.svg.find("<svg")
    return picture.svg[start:], {"nodes": nodes, "initial": initial, "steps": steps}


def _seed_caption(name: str, seed: float, precision: int) -> str:
    start = f"step 0: the seed, delta({name}) = {number(seed, precision)}"
    if seed == 1.0:
        return f"{start} (d{name}/d{name} = 1)"
    return f"{start}, the gradient the rest of the graph sends back to {name}"


def _step(picture: _Picture, k: int, rows: list[Row], explanation: Explanation) -> dict[str, Any]:
    scene, out = picture.scene, rows[0].out
    changes: list[Change] = []
    edges: list[str] = []
    for position, row in enumerate(rows):
        edge = picture.edge(row, position)
        edges += [edge] if edge is not None else []
        if edge is not None and edge in picture.labelled:
            text = edge_text(row.local, row.upstream, picture.precision)
            changes.append(["e", edge, text, ""])
        change = picture.node_change(row.node, row.accumulated)
        if change is not None:
            changes.append(change)
    separate = scene.opts.ops == "separate" and out not in scene.groups
    return {
        "caption": step_caption(k, rows, picture.precision),
        "active": scene.item(out),
        "op": f"n{scene.number[out]}op" if separate else None,
        "edges": sorted(set(edges), key=edges.index),
        "targets": sorted({scene.item(row.node) for row in rows}),
        "changes": changes,
        "rows": [list(explanation.cells(row)) for row in rows],
    }
