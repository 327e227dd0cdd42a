"""The backward pass as a web page: one self-contained HTML file (the graph as inline SVG, the
script and style inline, nothing fetched from a network) with controls to step through the
chain rule: play, pause, step, back, reset and a slider.

The graph is drawn once with every gradient known, so the layout has room for every label;
the page's script shows step k by going back to "nothing known yet" and replaying the changes
of steps 0..k. Every number comes from :func:`autograd.viz.explain.explain` (the backward
pass replayed on the side, one row per edge); the script computes none.

>>> from autograd import Value
>>> from autograd.viz import page
>>> x = Value(2.0, label="x"); y = (x * x + x).tanh(); y.label = "y"
>>> page(y, "y.html")  # doctest: +SKIP
PosixPath('y.html')
"""

from __future__ import annotations

import os
from html import unescape
from pathlib import Path
from typing import Any

from autograd.files import write_atomically
from autograd.value import Value
from autograd.viz.explain import (
    HEADERS,
    Explanation,
    Row,
    arithmetic,
    by_step,
    seed_caption,
    step_caption,
)
from autograd.viz.picture import DrawOptions, Scene, drawn_edges, edge_text, source, statements
from autograd.viz.renderer import RENDER_TIMEOUT, run_renderer
from autograd.viz.style import (
    grad_text,
    gradient_fill,
    group_value_text,
    html_escape,
    names,
    number,
    script_json,
    visible,
)

ASSETS = Path(__file__).resolve().parent / "assets"
# Nothing may be fetched: the browser refuses any request the page would make.
POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
BUTTONS = [("reset", "Reset"), ("back", "Back"), ("play", "Play"), ("pause", "Pause"),
           ("step", "Step")]  # fmt: skip


Change = list[str]  # [kind, id, text, fill]: see stepper_data


class _Picture:
    """The scene drawn with every gradient known, and how each node and edge appears in it."""

    def __init__(
        self, root: Value, explanation: Explanation, options: dict[str, Any], timeout: float | None
    ) -> None:
        outs = frozenset(row.out for row in explanation.rows)
        opts = DrawOptions(grads=explanation.gradients, processed=outs, ids=True, **options)
        self.scene, self.precision = Scene(root, opts), opts.precision
        dot = source(statements(root, opts))
        self.svg = run_renderer(dot, "svg", timeout=timeout).decode("utf-8")
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


def stepper_data(
    root: Value,
    seed: float,
    options: dict[str, Any],
    timeout: float | None = RENDER_TIMEOUT,
    practice: bool = False,
) -> tuple[str, dict[str, Any]]:
    """The SVG (without its XML prologue) and what the page's script needs, by SVG id (``n3`` a
    value, ``n3op`` its op, ``g0`` a group box, ``e5`` an edge): ``nodes``, the text each box
    shows its gradient in when all are known (the script finds the text by it); ``initial``,
    every gradient unknown (``grad ?``, white) and every edge label ``local ...``; ``steps``:
    step 0 seeds the output, step k is the k-th node to pass its gradient on, with its changes,
    what to highlight, a caption, its rows of the explain() table and the questions practice
    mode asks. A change is ``[kind, id, text, fill]``: kind ``n`` (a box: gradient text and
    fill) or ``e`` (an edge label). The layout is stopped after ``timeout`` seconds; in
    ``practice`` mode no edge label gives a local derivative away before its step."""
    options = {"edge_labels": True, **options}
    explanation = Explanation(root, seed, options.get("precision", 4))
    picture = _Picture(root, explanation, options, timeout)
    scene, order, p = picture.scene, picture.scene.order, picture.precision
    final = explanation.gradients
    nodes = {c[1]: c[2] for n in order if (c := picture.node_change(n, final.get(n)))}
    initial = [c for n in order if (c := picture.node_change(n, None))]
    steps_rows = by_step(explanation.rows)
    for rows in steps_rows:
        for position, row in enumerate(rows):
            edge = picture.edge(row, position)
            if edge is not None and edge in picture.labelled:
                text = "local ?" if practice else edge_text(row.local, None, p)
                initial.append(["e", edge, text, ""])
    seed_change = picture.node_change(root, float(seed))
    steps = [{
        "caption": seed_caption(names(order)[root], seed, p),
        "active": scene.item(root), "op": None, "edges": [], "targets": [],
        "changes": [seed_change] if seed_change else [], "rows": [], "questions": [],
    }]  # fmt: skip
    steps += [_step(picture, rows, explanation) for rows in steps_rows]
    start = picture.svg.find("<svg")
    return picture.svg[start:], {"nodes": nodes, "initial": initial, "steps": steps}


def _step(picture: _Picture, rows: list[Row], explanation: Explanation) -> dict[str, Any]:
    scene, out, p = picture.scene, rows[0].out, picture.precision
    changes: list[Change] = []
    edges: list[str] = []
    for position, row in enumerate(rows):
        edge = picture.edge(row, position)
        edges += [edge] if edge is not None else []
        if edge is not None and edge in picture.labelled:
            changes.append(["e", edge, edge_text(row.local, row.upstream, p), ""])
        change = picture.node_change(row.node, row.accumulated)
        if change is not None:
            changes.append(change)
    separate = scene.opts.ops == "separate" and out not in scene.groups
    return {
        "caption": step_caption(rows, p),
        "active": scene.item(out),
        "op": f"n{scene.number[out]}op" if separate else None,
        "edges": sorted(set(edges), key=edges.index),
        "targets": sorted({scene.item(row.node) for row in rows}),
        "changes": changes,
        "rows": [list(explanation.cells(row)) for row in rows],
        "questions": [_question(row, p) for row in rows],
    }


def _question(row: Row, precision: int) -> list[str]:
    """What practice mode asks about one edge: ``[v's name, delta(v) so far (every digit, to
    check an answer against), the edge's arithmetic (shown when the answer is wrong)]``."""
    return [row.name, repr(row.accumulated), arithmetic(row, precision)]


PRACTICE = """<div class="cr-practice" aria-live="polite">
<p class="cr-question"></p><form class="cr-answers"></form>
<p><button type="button" data-action="check">Check</button>
<button type="button" data-action="reveal">Reveal</button></p>
<p class="cr-feedback"></p><p class="cr-score">Score: 0 right of 0</p></div>
"""


def stepper_section(
    root: Value,
    seed: float = 1.0,
    *,
    practice: bool = False,
    timeout: float | None = RENDER_TIMEOUT,
    **options: Any,
) -> str:
    """The stepper for the backward pass from ``root`` (with ``delta(root) = seed``) as an
    HTML ``<section>``, for a page made by :func:`html_document`. ``options`` as for
    :func:`autograd.viz.to_dot` (``group_by=4`` draws an MLP one box per neuron); edge labels
    are on unless ``edge_labels=False``. ``practice``: each step asks for the gradients it
    gives before it shows them (see :func:`page`). ``timeout``: seconds the layout may take."""
    svg, data = stepper_data(root, seed, options, timeout, practice)
    last = len(data["steps"]) - 1
    buttons = "".join(
        f'<button type="button" data-action="{action}">{text}</button>' for action, text in BUTTONS
    )
    head = "".join(f"<th>{html_escape(h).replace('delta', '&delta;')}</th>" for h in HEADERS)
    return f"""<section class="cr-stepper" data-step="0" data-active=""\
 data-practice="{"yes" if practice else "no"}">
<div class="cr-controls">{buttons}
<input class="cr-slider" type="range" min="0" max="{last}" value="0" aria-label="step">
<span class="cr-counter">step 0 of {last}</span></div>
<div class="cr-body">
<div class="cr-picture">{svg}</div>
<aside class="cr-side"><p class="cr-caption"></p>
{PRACTICE if practice else ""}<table class="cr-rows"><thead><tr>{head}</tr></thead>
<tbody></tbody></table>
<p class="cr-help">Each row is one edge: &delta;(v) += local &times; upstream. The highlighted
node passes its gradient to its inputs (outlined); gradients show <b>?</b> until the chain rule
reaches them.</p></aside>
</div>
<script type="application/json" class="cr-data">{script_json(data)}</script>
</section>"""


def html_document(title: str, body: str) -> str:
    """A whole HTML page around ``body`` (which may hold stepper sections), with the
    stepper's style and script inline; ``title`` is plain text."""
    style = (ASSETS / "page.css").read_text(encoding="utf-8")
    script = (ASSETS / "page.js").read_text(encoding="utf-8")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html_escape(title)}</title>
<style>
{style}</style>
</head>
<body>
{body}
<script>
{script}</script>
</body>
</html>
"""


def page(
    root: Value,
    path: str | os.PathLike[str],
    *,
    seed: float = 1.0,
    title: str | None = None,
    practice: bool = False,
    timeout: float | None = RENDER_TIMEOUT,
    **options: Any,
) -> Path:
    """Write the backward pass from ``root`` as one self-contained HTML page to ``path`` (whole
    or not at all) and return ``path``. ``options`` as for :func:`autograd.viz.to_dot`.

    ``practice=True``: the page asks before it tells. At each step the learner types
    ``delta(v)`` so far for each input ``v`` of the node passing its gradient on (local
    derivative x upstream, plus what ``v`` already had); the page checks it (within 0.5%),
    shows the edge's arithmetic when it is wrong, keeps a score, and shows the step once every
    answer is right or revealed. ``timeout``: seconds the layout may take (None: no limit)
    before a :class:`RenderError`."""
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: the folder {path.parent} does not exist")
    name = visible(root.label or "") or "the output"
    title = title or f"Backward pass from {name}"
    how = (
        "At each step, type the gradients the chain rule gives next, then Check (or Reveal)."
        if practice
        else "Step through it with the buttons, the slider or the arrow keys."
    )
    intro = (
        f'<h1>{html_escape(title)}</h1>\n<p class="cr-intro">Backpropagation starts from '
        f"&delta;({html_escape(name)}) = {html_escape(number(seed, 6))} and walks the graph from "
        "the output back to the inputs, adding local derivative &times; upstream gradient to "
        f"each input's gradient. {how}</p>"
    )
    section = stepper_section(root, seed, practice=practice, timeout=timeout, **options)
    write_atomically(path, html_document(title, intro + "\n" + section).encode("utf-8"))
    return path
