"""The picture as a whole: graph attributes, the caption, and how group boxes are laid out."""

from __future__ import annotations

from autograd.viz._dot import Scene, attrs, group_node, quote
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
