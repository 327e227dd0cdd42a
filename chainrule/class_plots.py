"""Pictures of a classifier: the confusion matrix, and the test images it got wrong.

Like ``chainrule.plots``, each function returns a matplotlib ``Figure`` made without pyplot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from chainrule.plots import _figure
from nn.digits import SIDE

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def plot_confusion(matrix: Sequence[Sequence[int]], title: str = "") -> Figure:
    """Rows are the true classes, columns the predicted ones; each cell shows its count, so
    the diagonal holds the right answers and any other bright cell a common confusion."""
    classes = len(matrix)
    side = 1.2 + 0.45 * classes
    fig, (ax,) = _figure(side + 1.0, side)
    image = ax.imshow(matrix, cmap="Blues")
    fig.colorbar(image, ax=ax, shrink=0.8)
    most = max(max(row) for row in matrix) or 1
    for t, row in enumerate(matrix):
        for p, count in enumerate(row):
            colour = "white" if count > most / 2 else "black"
            ax.text(p, t, str(count), ha="center", va="center", color=colour, fontsize=8)
    ticks = list(range(classes))
    ax.set(xticks=ticks, yticks=ticks, xlabel="predicted class", ylabel="true class",
           title=title or "confusion matrix (test set)")  # fmt: skip
    return fig


def plot_mistakes(
    images: Sequence[Sequence[float]],
    truths: Sequence[int],
    predictions: Sequence[int],
    side: int = SIDE,
    columns: int = 8,
    title: str = "",
) -> Figure:
    """A grid of ``side`` x ``side`` images (pixels row after row, 0 white to 1 black), each
    titled with its true and predicted class; at most ``columns`` x 4 of them."""
    shown = list(zip(images, truths, predictions, strict=True))[: columns * 4]
    rows = max(1, -(-len(shown) // columns))
    fig = _figure(1.1 * columns, 1.3 * rows + 0.4)[0]
    fig.clear()
    axes = fig.subplots(rows, columns, squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k < len(shown):
            pixels, truth, predicted = shown[k]
            grid = [list(pixels[r * side : (r + 1) * side]) for r in range(side)]
            ax.imshow(grid, cmap="gray_r", vmin=0.0, vmax=1.0)
            ax.set_title(f"{truth} as {predicted}", fontsize=9, color="C3")
    if not shown:
        axes.flat[0].text(0.5, 0.5, "no mistakes on the test set", ha="center")
    fig.suptitle(title or f"{len(shown)} misclassified test images: true as predicted")
    return fig
