"""DOT text for a computation graph (standard library only): its nodes and edges, the graph's
attributes and caption, how group boxes are laid out, and the size guards.

Nodes are numbered in the order :func:`autograd.graph.topo_order` walks them (``n0``,
``n1``, ...; an op drawn apart from its value is ``n7op``; a group ``g0``), never by ``id()``,
so the same graph always gives the same text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from autograd.backprop import local_partials
from autograd.graph import edges, topo_order
from autograd.value import Value
from autograd.viz.groups import GroupBy, assign_groups, frames, members_in_order
from autograd.viz.style import (
    ACCENT,
    FADED,
    FONT,
    INK,
    gradient_fill,
    group_cells,
    names,
    number,
    op_text,
    table,
    value_cells,
    visible,
)


@dataclass(frozen=True)
class DrawOptions:
    """What a picture shows; see :func:`autograd.viz.to_dot`. ``grads``, ``active`` and
    ``processed`` draw one step of a backward pass (gradients so far, the node being
    processed, the nodes whose contributions have been passed on)."""

    rankdir: str = "LR"
    ops: str = "separate"
    edge_labels: bool = False
    color: bool = True
    highlight: Value | None = None
    group_by: GroupBy | None = None
    max_nodes: int | None = 1000
    huge: bool = False
    precision: int = 4
    grads: Mapping[Value, float] | None = None
    active: Value | None = None
    processed: frozenset[Value] | None = None
    ids: bool = False  # give nodes and edges SVG ids (n3, n3op, g0, e5) for scripts
    elsewhere: bool = False  # grads is the part through this graph: the caption gives the rest

    def __post_init__(self) -> None:
        if self.rankdir not in ("LR", "TB"):
            raise ValueError(f"rankdir must be 'LR' or 'TB', got {self.rankdir!r}")
        if self.ops not in ("separate", "folded"):
            raise ValueError(f"ops must be 'separate' or 'folded', got {self.ops!r}")
        if isinstance(self.precision, bool) or not 1 <= int(self.precision) <= 17:
            raise ValueError(f"precision must be an int from 1 to 17, got {self.precision!r}")
        if self.max_nodes is not None and (
            isinstance(self.max_nodes, bool) or not isinstance(self.max_nodes, int)
            or self.max_nodes < 1
        ):  # fmt: skip
            raise ValueError(f"max_nodes must be a positive int or None, got {self.max_nodes!r}")
        if not isinstance(self.huge, bool):
            raise ValueError(f"huge must be True or False, got {self.huge!r}")


class Scene:
    """One graph being drawn: node numbers, gradients, groups, highlight."""

    def __init__(self, root: Value, opts: DrawOptions) -> None:
        self.root, self.opts = root, opts
        self.order = topo_order(root)
        self.number = {node: i for i, node in enumerate(self.order)}
        check_labels(self.order)
        self.groups = {} if opts.group_by is None else assign_groups(self.order, opts.group_by)
        self.members = members_in_order(self.order, self.groups)
        self.group_id = {name: f"g{k}" for k, name in enumerate(self.members)}
        self.lit = set(topo_order(opts.highlight)) if opts.highlight is not None else None
        self.scale = self._color_scale() if opts.color else 0.0
        self.backward_done = opts.processed is not None or self.grad(root) not in (None, 0.0)

    def _color_scale(self) -> float:
        """The largest |grad| below the root (whose gradient, the seed, is 1 by definition)."""
        below = self.order[:-1] or self.order
        grads = [abs(g) for g in map(self.grad, below) if g is not None and math.isfinite(g)]
        return max(grads, default=0.0)

    def grad(self, node: Value) -> float | None:
        grads = self.opts.grads
        return node.grad if grads is None else grads.get(node)

    def item(self, node: Value) -> str:
        """The DOT id drawing ``node``: its group's box, or its own."""
        group = self.groups.get(node)
        return self.group_id[group] if group is not None else f"n{self.number[node]}"

    def entry(self, node: Value) -> str:
        """Where edges into ``node`` end: its op node when ops are drawn apart."""
        apart = self.opts.ops == "separate" and node.parents and node not in self.groups
        return f"n{self.number[node]}op" if apart else self.item(node)

    def size(self) -> int:
        return len(self.order) - len(self.groups) + len(self.members)


def check_labels(order: list[Value]) -> None:
    """Labels are text: a label of another type (``label=123``) is a TypeError naming the
    node; ``None`` counts as no label."""
    for i, node in enumerate(order):
        if node.label is not None and not isinstance(node.label, str):
            raise TypeError(
                f"node #{i} (data {node.data!r}) has the label {node.label!r:.40} of type "
                f"{type(node.label).__name__}: labels are text, as in label={str(node.label)!r:.40}"
            )


OP_STYLE = 'shape=ellipse, style=filled, fillcolor="#ececec", fontsize=10, width=0.35, height=0.3'


def attrs(**attrs: object) -> str:
    return ", ".join(f"{k}={v}" for k, v in attrs.items() if v is not None)


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _border(scene: Scene, node: Value | None, lit: bool) -> tuple[str, int]:
    if node is not None and node is scene.opts.active:
        return ACCENT, 3
    if scene.lit is not None:
        return (ACCENT, 2) if lit else (FADED, 1)
    return INK, 1


def value_node(scene: Scene, node: Value) -> list[str]:
    """The statement(s) drawing one ungrouped node (and its op node, when apart)."""
    i, opts = scene.number[node], scene.opts
    faded = scene.lit is not None and node not in scene.lit
    color, width = _border(scene, node, not faded)
    grad = scene.grad(node)
    cells = value_cells(node, f"#{i}", grad, opts.precision, opts.ops == "folded", faded)
    fill = "#ffffff" if faded else gradient_fill(grad, scene.scale)
    lines = [f"n{i} [label={table(cells, fill, color, width)}{_id(scene, f'n{i}')}]"]
    if opts.ops == "separate" and node.parents:
        op = quote(op_text(node, opts.precision))
        ink = quote(color) if color != INK else None
        look = attrs(color=ink, penwidth=width if width > 1 else None)
        look = ", ".join(filter(None, [look, _id(scene, f"n{i}op").lstrip(", ")]))
        lines.append(f"n{i}op [label={op}, {OP_STYLE}{', ' + look if look else ''}]")
        lines.append(f"n{i}op -> n{i}" + (f" [{look}]" if look else ""))
    return lines


def _id(scene: Scene, item: str) -> str:
    return f", id={item}" if scene.opts.ids else ""


def group_node(scene: Scene, name: str) -> str:
    nodes = scene.members[name]
    exit_node, grad = nodes[-1], scene.grad(nodes[-1])
    lit = scene.lit is None or any(n in scene.lit for n in nodes)
    color, width = _border(scene, None, lit)
    cells = group_cells(name, exit_node, len(nodes), grad, scene.opts.precision)
    fill = gradient_fill(grad, scene.scale) if lit else "#ffffff"
    box = table(cells, fill, color, width, vertical=True)
    return f"{scene.group_id[name]} [label={box}{_id(scene, scene.group_id[name])}]"


def edge_label(scene: Scene, parent: Value, child: Value, position: int) -> str | None:
    """``local`` before backward; ``local x upstream = contribution`` (the chain rule along
    this edge) once the child's gradient is known."""
    if not scene.opts.edge_labels:
        return None
    upstream = scene.grad(child)
    processed = scene.opts.processed
    done = scene.backward_done if processed is None else child in processed
    local = local_partials(child)[position]
    return quote(edge_text(local, upstream if done else None, scene.opts.precision))


def edge_text(local: float, upstream: float | None, precision: int) -> str:
    """``local 0.5`` before the chain rule reaches the edge, ``local x upstream = contribution``
    after."""
    p = precision
    if upstream is None:
        return f"local {number(local, p)}"
    return f"{number(local, p)} x {number(upstream, p)} = {number(local * upstream, p)}"


Edge = tuple[Value, Value, int]


def drawn_edges(scene: Scene) -> list[tuple[str, str, list[Edge]]]:
    """The drawn edges ``(from, to, graph edges it stands for)`` in drawing order: edges between
    two plain nodes stay apart (``x * x`` draws two), edges into or out of a group box merge."""
    merged: dict[tuple[str, str, int], list[Edge]] = {}
    for parent, child, position in edges(scene.order):
        src, dst = scene.item(parent), scene.entry(child)
        key = (src, dst, position if src[0] == dst[0] == "n" else -1)
        if src != dst:
            merged.setdefault(key, []).append((parent, child, position))
    return [(src, dst, edges) for (src, dst, _), edges in merged.items()]


def edge_lines(scene: Scene) -> list[str]:
    """One statement per drawn edge (``e0``, ``e1``, ... when ids are on)."""
    return [
        _edge(scene, src, dst, edges, k) for k, (src, dst, edges) in enumerate(drawn_edges(scene))
    ]


def _edge(scene: Scene, src: str, dst: str, edges: list[Edge], k: int) -> str:
    parent, child, position = edges[0]
    label = quote(f"{len(edges)} edges") if len(edges) > 1 else None
    if len(edges) == 1 and src[0] == dst[0] == "n":
        label = edge_label(scene, parent, child, position)
    active = scene.opts.active is not None and child is scene.opts.active
    lit = scene.lit is not None and parent in scene.lit and child in scene.lit
    faded = scene.lit is not None and not lit
    color = ACCENT if active or lit else FADED if faded else None
    width = round(1 + math.log10(len(edges)), 2) if len(edges) > 1 else 2 if active or lit else None
    style = attrs(label=label, color=color and quote(color), penwidth=width)
    style = ", ".join(filter(None, [style, _id(scene, f"e{k}").lstrip(", ")]))
    return f"{src} -> {dst}" + (f" [{style}]" if style else "")


def frame_lines(scene: Scene) -> list[str]:
    if not isinstance(scene.opts.group_by, int):
        return []
    lines = []
    for k, (frame, members) in enumerate(frames(list(scene.members)).items()):
        boxes = "; ".join(scene.group_id[name] for name in members)
        lines.append(
            f'subgraph cluster_{k} {{ label={quote(visible(frame))}; style="rounded,filled"; '
            f'fillcolor="#f4f4f4"; color="#c8c8c8"; {boxes} }}'
        )
    return lines


def legend(scene: Scene) -> str | None:
    """A caption saying what colours and edge labels mean, when the picture shows them."""
    notes = []
    if scene.scale:
        notes.append("fill: blue = positive gradient, red = negative, deeper = larger |grad|")
    if scene.opts.edge_labels and scene.backward_done and not scene.groups:
        notes.append("edge: local derivative x upstream gradient = contribution to the gradient")
    if scene.opts.elsewhere:
        notes += elsewhere_notes(scene)
    # one line each, flush left (\l)
    return '"' + "".join(quote(note)[1:-1] + "\\l" for note in notes) + '"' if notes else None


MAX_ELSEWHERE = 8  # nodes the caption names one by one


def elsewhere_notes(scene: Scene) -> list[str]:
    """When the gradients drawn are only what flows back through this graph from its root
    (``grads`` of a backward pass seeded at the root), the nodes whose ``.grad`` is more:
    ``x1: 0.0007 here + -0.0064 through nodes not drawn = -0.0057``. So a node's number is
    the sum of its drawn edges, and the caption says what else reaches it."""
    p, name = scene.opts.precision, names(scene.order)
    seed = number(scene.grad(scene.root) or 0.0, p)
    notes = [f"grad: only what flows back from {name[scene.root]} (its delta = {seed})"]
    more = []
    for node in scene.order:
        part = scene.grad(node)
        if part is None or node in scene.groups or math.isclose(part, node.grad, rel_tol=1e-9):
            continue
        rest, whole = number(node.grad - part, p), number(node.grad, p)
        more.append(
            f"{name[node]}: {number(part, p)} here + {rest} through nodes not drawn = {whole}"
        )
    notes += more[:MAX_ELSEWHERE]
    if len(more) > MAX_ELSEWHERE:
        notes.append(f"and {len(more) - MAX_ELSEWHERE} more nodes with gradient from elsewhere")
    return notes


def header(scene: Scene) -> list[str]:
    opts = scene.opts
    graph = attrs(rankdir=opts.rankdir, fontname=quote(FONT), fontsize=10, label=legend(scene))
    # Boxes of a layer are all linked to the next layer's, so reordering them cannot remove
    # crossings: keep the order they are declared in (mclimit), draw straight thin lines.
    spacing = GROUPED_SPACING if scene.members else "nodesep=0.25, ranksep=0.35"
    edge = f"color={quote(INK)}, arrowsize=0.6"
    if scene.members:  # lines leave a box's far side and enter the near side of the next
        ends = "tailport=e, headport=w" if opts.rankdir == "LR" else "tailport=s, headport=n"
        edge = f'color="#44444455", arrowsize=0.5, {ends}'
    return [
        f"graph [{graph}, {spacing}]",
        f"node [shape=plain, fontname={quote(FONT)}, fontsize=11]",
        f"edge [fontname={quote(FONT)}, fontsize=9, {edge}]",
    ]


GROUPED_SPACING = "nodesep=0.15, ranksep=1.8, splines=line, mclimit=0.01"


def group_lines(scene: Scene) -> list[str]:
    """The group boxes, declared so that they read in name order from the top (or left):
    dot draws a left-to-right graph as a top-to-bottom one turned, which reverses them."""
    names = list(scene.members)
    return [
        group_node(scene, name) for name in (names[::-1] if scene.opts.rankdir == "LR" else names)
    ]


HUGE_NODES = 5000  # more is drawn only with huge=True: such layouts take minutes to hours
SHRINK = (
    "collapse it with group_by (group_by=4 draws each neuron of an nn.MLP as one box, "
    "group_by=2 each layer), or draw a part of it (pass an inner node as root)"
)


def statements(root: Value, opts: DrawOptions) -> list[str]:
    """The DOT statements drawing ``root``'s graph, after the size guards: at most
    ``max_nodes`` boxes (None: no limit of its own), and never more than ``HUGE_NODES``
    unless ``huge=True`` asks for any size."""
    scene = Scene(root, opts)
    size = scene.size()
    if size > HUGE_NODES and not opts.huge:
        raise ValueError(
            f"the graph has {size:,} nodes to draw, more than {HUGE_NODES:,}, beyond which a "
            f"layout takes minutes to hours: {SHRINK}; to draw it all the same, pass huge=True "
            "(with a message every 30 s while it is laid out)"
        )
    if opts.max_nodes is not None and size > opts.max_nodes and not opts.huge:
        raise ValueError(
            f"the graph has {size:,} nodes to draw, more than max_nodes={opts.max_nodes}: "
            f"{SHRINK}, or raise max_nodes (None: up to {HUGE_NODES:,}; a thousand nodes may take "
            "a minute to lay out)"
        )
    lines = header(scene)
    for node in scene.order:
        if node not in scene.groups:
            lines += value_node(scene, node)
    lines += group_lines(scene)
    return lines + frame_lines(scene) + edge_lines(scene)


def source(lines: list[str]) -> str:
    """A DOT document from statements, laid out exactly as the ``graphviz`` package does."""
    return "digraph chainrule {\n" + "".join(f"\t{line}\n" for line in lines) + "}\n"
