"""Plots of training: loss and accuracy curves, and a model's decision boundary over 2-D data.

Each function returns a matplotlib ``Figure`` made directly (no pyplot, so nothing depends on
a display or a global figure list); in a notebook the figure shows itself when it is the
cell's last value. Pass ``ax=`` to draw into an axes of your own instead. ``save_png`` writes
a figure atomically. Needs matplotlib (``pip install 'chainrule[viz]'``).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograd import Value, no_grad
from autograd.files import write_atomically
from nn.history import History
from nn.module import Module
from nn.predict import argmax

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

CLASS_COLOURS = ("C0", "C3", "C2", "C1", "C4", "C5", "C6", "C7", "C8", "C9")


def _figure(width: float, height: float, panels: int = 1) -> tuple[Figure, list[Axes]]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, list(fig.subplots(1, panels, squeeze=False)[0])


def plot_history(
    history: History,
    test_loss: Sequence[float] | None = None,
    test_accuracy: Sequence[float | None] | None = None,
) -> Figure:
    """Two panels per epoch: the loss L (log scale) and the accuracy, for the training data
    (``history``) and, when given, a held-out test set."""
    fig, (ax_loss, ax_acc) = _figure(9.0, 3.4, panels=2)
    epochs = range(1, history.epochs + 1)
    ax_loss.plot(epochs, history.loss, label="training")
    if test_loss is not None:
        ax_loss.plot(epochs, test_loss, label="test")
    positive = all(loss > 0 for loss in (*history.loss, *(test_loss or ())))
    ax_loss.set(xlabel="epoch", ylabel="loss", yscale="log" if positive else "linear")
    curves = [("training", history.accuracy), ("test", test_accuracy or [])]
    for name, accuracy in curves:
        known = [a for a in accuracy if a is not None]
        if accuracy and len(known) == len(accuracy):  # None: regression, no accuracy
            ax_acc.plot(epochs, known, label=name)
    ax_acc.set(xlabel="epoch", ylabel="accuracy", ylim=(0.0, 1.02))
    if not ax_acc.lines:
        ax_acc.text(0.5, 0.5, "no accuracy: the targets are not labels", ha="center")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend()
    return fig


def _score_grid(model: Module, xs: list[float], ys: list[float]) -> tuple[list[list[float]], bool]:
    """The model's output over the grid: one score per point, or a class index (argmax) for
    several outputs; and whether it is a class index. The model is scored in eval mode
    (dropout off, BatchNorm on its running statistics) and put back as it was."""
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            outputs = [[model([x, y]) for x in xs] for y in ys]
    finally:
        model.train(was_training)
    if isinstance(outputs[0][0], Value):
        return [[out.data for out in row] for row in outputs], False
    classes: list[list[float]] = [[float(argmax(out)) for out in row] for row in outputs]
    return classes, True


def _axis(values: list[float], steps: int, padding: float) -> list[float]:
    low, high = min(values) - padding, max(values) + padding
    return [low + (high - low) * i / (steps - 1) for i in range(steps)]


def plot_decision_boundary(
    model: Module,
    X: Sequence[Sequence[float]],  # noqa: N803 (the usual name for the inputs)
    y: Sequence[int],
    threshold: float = 0.0,
    steps: int = 60,
    padding: float = 0.5,
    title: str = "",
    ax: Axes | None = None,
) -> Figure:
    """The regions where a model of two inputs predicts each class, with the points (x, y)
    coloured by their label. One output predicts class 1 where it is above ``threshold`` (0
    for logits, 0.5 for outputs trained towards 0/1) and the boundary is drawn at that level;
    several outputs predict the argmax. The model is evaluated on a ``steps`` x ``steps``
    grid reaching ``padding`` beyond the data."""
    fig, axes = (ax.get_figure(), [ax]) if ax is not None else _figure(5.5, 4.5)
    xs = _axis([p[0] for p in X], steps, padding)
    ys = _axis([p[1] for p in X], steps, padding)
    grid, classes = _score_grid(model, xs, ys)
    drawn = axes[0]
    if classes:
        levels = [k - 0.5 for k in range(len(CLASS_COLOURS) + 1)]
        drawn.contourf(xs, ys, grid, levels=levels, colors=CLASS_COLOURS, alpha=0.25)
    else:
        low, high = min(map(min, grid)), max(map(max, grid))
        levels = [min(low, threshold) - 1.0, threshold, max(high, threshold) + 1.0]
        drawn.contourf(xs, ys, grid, levels=levels, colors=CLASS_COLOURS[:2], alpha=0.25)
        drawn.contour(xs, ys, grid, levels=[threshold], colors="black", linewidths=1.0)
    colours = [CLASS_COLOURS[int(label) % len(CLASS_COLOURS)] for label in y]
    drawn.scatter([p[0] for p in X], [p[1] for p in X], c=colours, s=14, edgecolors="white")
    drawn.set(xlabel="x1", ylabel="x2", title=title)
    return fig  # type: ignore[return-value]


def save_png(fig: Any, path: str | os.PathLike[str], dpi: int = 120) -> Path:
    """Write ``fig`` as a PNG at ``path``, whole or not at all; returns the path."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    path = Path(path)
    write_atomically(path, buffer.getvalue())
    return path
