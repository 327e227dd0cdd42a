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

import json
import os
from html import escape
from pathlib import Path
from typing import Any

from autograd.files import write_atomically
from autograd.value import Value
from autograd.viz._page_data import stepper_data
from autograd.viz.explain import HEADERS

ASSETS = Path(__file__).resolve().parent / "assets"
# Nothing may be fetched: the browser refuses any request the page would make.
POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
BUTTONS = [("reset", "Reset"), ("back", "Back"), ("play", "Play"), ("pause", "Pause"),
           ("step", "Step")]  # fmt: skip


def stepper_section(root: Value, seed: float = 1.0, **options: Any) -> str:
    """The stepper for the backward pass from ``root`` (with ``delta(root) = seed``) as an
    HTML ``<section>``, for a page made by :func:`html_document`. ``options`` as for
    :func:`autograd.viz.to_dot` (``group_by=4`` draws an MLP one box per neuron); edge labels
    are on unless ``edge_labels=False``."""
    svg, data = stepper_data(root, seed, options)
    last = len(data["steps"]) - 1
    buttons = "".join(
        f'<button type="button" data-action="{action}">{text}</button>' for action, text in BUTTONS
    )
    head = "".join(f"<th>{escape(h).replace('delta', '&delta;')}</th>" for h in HEADERS)
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return f"""<section class="cr-stepper" data-step="0" data-active="">
<div class="cr-controls">{buttons}
<input class="cr-slider" type="range" min="0" max="{last}" value="0" aria-label="step">
<span class="cr-counter">step 0 of {last}</span></div>
<div class="cr-body">
<div class="cr-picture">{svg}</div>
<aside class="cr-side"><p class="cr-caption"></p>
<table class="cr-rows"><thead><tr>{head}</tr></thead><tbody></tbody></table>
<p class="cr-help">Each row is one edge: &delta;(v) += local &times; upstream. The highlighted
node passes its gradient to its inputs (outlined); gradients show <b>?</b> until the chain rule
reaches them.</p></aside>
</div>
<script type="application/json" class="cr-data">{payload}</script>
</section>"""


def html_document(title: str, body: str) -> str:
    """A whole HTML page around ``body`` (which may hold stepper sections), with the
    stepper's style and script inline."""
    style = (ASSETS / "page.css").read_text(encoding="utf-8")
    script = (ASSETS / "page.js").read_text(encoding="utf-8")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
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
    **options: Any,
) -> Path:
    """Write the backward pass from ``root`` as one self-contained HTML page to ``path`` (whole
    or not at all) and return ``path``. ``options`` as for :func:`autograd.viz.to_dot`."""
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: the folder {path.parent} does not exist")
    name = root.label or "the output"
    title = title or f"Backward pass from {name}"
    intro = (
        f'<h1>{escape(title)}</h1>\n<p class="cr-intro">Backpropagation starts from '
        f"&delta;({escape(name)}) = {seed:g} and walks the graph from the output back to the "
        "inputs, adding local derivative &times; upstream gradient to each input's gradient. "
        "Step through it with the buttons, the slider or the arrow keys.</p>"
    )
    body = intro + "\n" + stepper_section(root, seed, **options)
    write_atomically(path, html_document(title, body).encode("utf-8"))
    return path
