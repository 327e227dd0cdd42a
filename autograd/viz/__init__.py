"""Pictures of computation graphs: DOT text, ``graphviz`` objects and image files; the backward
pass as a table (:func:`explain`), a notebook stepper (:func:`backward_steps`, and
:func:`practice`, which asks before it tells) and a page (:func:`page`).

The package's files: ``style`` (numbers, colours, text of one box), ``groups`` (collapsing
nodes into boxes), ``picture`` (the DOT text), ``renderer`` (running Graphviz, its errors),
``explain`` (the backward pass's rows and table), ``stepper`` (a picture per step and
practice, for a notebook) and ``webpage`` (the self-contained page).

>>> from autograd import Value
>>> from autograd.viz import render
>>> x = Value(2.0, label="x"); y = (x * x + 3).tanh(); y.backward()
>>> render(y, "y.svg", edge_labels=True)  # doctest: +SKIP
PosixPath('y.svg')

Each value is a box ``label | data | grad``; the op that made it is a small oval in front of it
(or folded into the box, ``ops="folded"``). After ``backward()`` an edge can carry the chain
rule's step along it, ``local x upstream = contribution``: ``d child / d parent`` times
``dL / d child``, the amount added to ``dL / d parent``. Colours show each gradient's sign and
size. ``to_dot`` needs nothing but the standard library; drawing needs the ``graphviz``
package and a renderer (``pip install 'chainrule[viz]'`` brings both, see
autograd/viz/renderer.py).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any, Literal

from autograd.files import write_atomically
from autograd.graph import topo_order
from autograd.value import Value
from autograd.viz.explain import Explanation, Row, backward_rows, explain
from autograd.viz.groups import GroupBy
from autograd.viz.picture import HUGE_NODES, DrawOptions, Scene, source, statements
from autograd.viz.renderer import (
    FORMATS,
    RENDER_TIMEOUT,
    RendererNotFoundError,
    RenderError,
    digraph,
    find_renderer,
    run_renderer,
)
from autograd.viz.stepper import BackwardSteps, Practice, backward_steps, practice
from autograd.viz.webpage import page

__all__ = [
    "HUGE_NODES",
    "BackwardSteps",
    "Explanation",
    "Practice",
    "RenderError",
    "RendererNotFoundError",
    "Row",
    "backward_rows",
    "backward_steps",
    "draw_graph",
    "explain",
    "find_renderer",
    "page",
    "practice",
    "render",
    "svg",
    "to_dot",
]

DISPLAY_MAX_NODES = 300  # a Value bigger than this displays as text; draw it grouped instead
DISPLAY_TIMEOUT = 10.0  # seconds a notebook waits for a Value's picture before showing text


def to_dot(
    root: Value,
    *,
    rankdir: str = "LR",
    ops: str = "separate",
    edge_labels: bool = False,
    color: bool = True,
    highlight: Value | None = None,
    group_by: GroupBy | None = None,
    max_nodes: int | None = 1000,
    huge: bool = False,
    precision: int = 4,
    seed: float | None = None,
) -> str:
    """The DOT text of the graph that computed ``root``; the same graph always gives the same
    text (nodes are numbered in walk order, ``n0, n1, ...``).

    ``rankdir``: ``"LR"`` (inputs left, output right) or ``"TB"`` (top to bottom).
    ``ops``: ``"separate"`` draws each op as its own small node, ``"folded"`` inside its value.
    ``edge_labels``: label each edge with the local derivative ``d child / d parent``; after
    ``backward()`` with ``local x upstream = contribution``, the chain rule's term
    ``dL/dparent += (d child / d parent) * dL/dchild``.
    ``color``: fill by gradient, blue positive, red negative, deeper for larger ``|grad|``.
    ``highlight``: a node whose inputs (everything it is computed from) are outlined, the
    rest faded. ``group_by``: collapse nodes into boxes, by a label depth (4: one box per nn
    neuron, 2: per layer) or a function ``node -> name or None`` (see ``autograd.viz.groups``).
    ``max_nodes``: refuse to draw more boxes than this, with advice (None: no limit of its
    own, but never more than ``HUGE_NODES``, 5,000). ``huge``: draw any size, ignoring both
    limits (``render`` and ``svg`` then wait as long as the layout takes, saying every 30 s
    that it is still running).
    ``precision``: significant digits of the numbers shown.
    ``seed``: draw the gradients of a backward pass from ``root`` alone, seeded with
    ``delta(root) = seed`` (as :func:`explain` computes them), instead of the nodes' ``.grad``.
    For a part cut out of a larger graph (one neuron of a network, ``seed=root.grad``) each
    node then shows what flows through the part, the sum of its drawn edges, and the caption
    names the nodes whose ``.grad`` is more, with what flows to them through nodes not drawn.
    """
    options = dict(rankdir=rankdir, ops=ops, edge_labels=edge_labels, color=color)
    options.update(highlight=highlight, group_by=group_by, max_nodes=max_nodes, huge=huge)
    return source(_lines(root, {**options, "precision": precision, "seed": seed}))


def draw_graph(root: Value, **options: Any) -> Any:
    """The graph as a ``graphviz.Digraph`` (options as for :func:`to_dot`), which displays as
    SVG in Jupyter; its ``.source`` is ``to_dot(root, **options)``."""
    return digraph("chainrule", [f"\t{line}\n" for line in _lines(root, options)])


def _lines(root: Value, options: dict[str, Any]) -> list[str]:
    return statements(root, _options(root, options))


def _options(root: Value, options: dict[str, Any]) -> DrawOptions:
    """The drawing options; ``seed`` (see :func:`to_dot`) becomes the gradients to draw."""
    options = dict(options)
    seed = options.pop("seed", None)
    if seed is not None:
        passed = explain(root, float(seed)).gradients  # a node it never reaches gets 0
        options.update(grads=dict.fromkeys(topo_order(root), 0.0) | passed, elsewhere=True)
    return DrawOptions(**options)


Timeout = float | None | Literal["auto"]


def _drawing(root: Value, options: dict[str, Any], timeout: Timeout) -> tuple[str, Any]:
    """The DOT text, and the keywords for ``run_renderer``: a time limit (``"auto"``:
    ``RENDER_TIMEOUT``, or none for a huge picture) and, for a huge one, progress messages."""
    opts = _options(root, options)  # once: with a seed it runs a backward pass
    lines = statements(root, opts)
    huge = bool(options.get("huge"))
    if timeout == "auto":
        timeout = None if huge else RENDER_TIMEOUT
    progress = ""
    if huge:
        boxes = Scene(root, opts).size()
        progress = f"autograd.viz: drawing {boxes:,} boxes (huge=True)"
    return source(lines), {"timeout": timeout, "progress": progress}


def svg(root: Value, timeout: Timeout = "auto", **options: Any) -> str:
    """The graph drawn as SVG text (options as for :func:`to_dot`; ``timeout`` as for
    :func:`render`)."""
    text, how = _drawing(root, options, timeout)
    return run_renderer(text, "svg", **how).decode("utf-8")


def render(
    root: Value,
    path: str | os.PathLike[str],
    format: str | None = None,
    timeout: Timeout = "auto",
    **options: Any,
) -> Path:
    """Draw the graph into ``path`` (svg, png or pdf, from its suffix unless ``format`` says)
    and its DOT source beside it (``g.png`` -> ``g.dot``); return ``path``.

    Both files are written whole or not at all. Without a renderer (or one that cannot write
    the format) this raises :class:`RendererNotFoundError`, after writing the DOT source. A
    layout that takes longer than ``timeout`` seconds (``"auto"``: ``RENDER_TIMEOUT``, 300 s,
    or no limit with ``huge=True``; None: no limit) is stopped with a :class:`RenderError`.
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt not in (*FORMATS, "dot"):
        raise ValueError(
            f"cannot tell which picture to write to {path}: name it .svg, .png, .pdf or .dot, "
            f"or pass format= (got {fmt or 'no suffix'!r})"
        )
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: the folder {path.parent} does not exist")
    text, how = _drawing(root, options, timeout)
    dot_path = path if fmt == "dot" else path.with_suffix(".dot")
    write_atomically(dot_path, text.encode("utf-8"))
    if fmt != "dot":
        try:
            picture = run_renderer(text, fmt, **how)
        except (RendererNotFoundError, RenderError) as err:
            raise type(err)(f"{err} (the DOT source was written to {dot_path})") from None
        write_atomically(path, picture)
    return path


def repr_mimebundle(root: Value) -> dict[str, str]:
    """How Jupyter shows a Value: its graph as SVG, with its repr as the text version. A graph
    too large to read, or a machine without a renderer, gets the text only."""
    bundle = {"text/plain": repr(root)}
    with contextlib.suppress(ValueError, RendererNotFoundError, RenderError):
        bundle["image/svg+xml"] = svg(root, DISPLAY_TIMEOUT, max_nodes=DISPLAY_MAX_NODES)
    return bundle


def show_in_jupyter() -> None:
    """Make IPython display every Value as its graph (``repr_mimebundle``). Called when this
    module is imported inside IPython, so ``import autograd.viz`` is all a notebook needs; the
    engine itself knows nothing of pictures."""
    shell = sys.modules["IPython"].get_ipython() if "IPython" in sys.modules else None
    if shell is not None:
        formatter = shell.display_formatter.mimebundle_formatter
        formatter.for_type(Value, lambda value, include=None, exclude=None: repr_mimebundle(value))


show_in_jupyter()
