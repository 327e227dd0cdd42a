"""The picture as a whole: graph attributes, the caption, and how group boxes are laid out."""

from __future__ import annotations

from autograd.value import Value
from autograd.viz._dot import DrawOptions, Scene, attrs, edge_lines, group_node, quote, value_node
from autograd.viz._groups import frames
from autograd.viz._style import FONT, INK, visible


def frame_lines(scene: Scene) -> list[str]:
    if not isinstance(scene.opts.group_by, int):
        return []
    lines = []
    for k, (frame, names) in enumerate(frames(list(scene.members)).items()):
        boxes = "; ".join(scene.group_id[name] for name in names)
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
    return '"' + "\\l".join(notes) + '\\l"' if notes else None  # \l: left-justified lines


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
