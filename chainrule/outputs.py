"""The files ``chainrule train`` writes, each whole or not at all."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nn
from autograd.files import write_atomically
from chainrule.class_plots import plot_confusion, plot_mistakes
from chainrule.classes import classes
from chainrule.datasets import DATASETS
from chainrule.options import CommandError, percent
from chainrule.plots import save_png
from chainrule.report import neuron_in_the_loss, write_neuron_picture, write_report

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from chainrule.run import Run

FILES = {
    "curves.png": "loss and accuracy per epoch, training and test",
    "boundary.png": "the decision boundary over the data (2-D data)",
    "confusion.png": "true against predicted classes on the test set",
    "mistakes.png": "the misclassified test images, true and predicted labels (digits)",
    "model.json": "the trained model (nn.load reads it)",
    "neuron.svg": "one neuron's part of the loss's backward pass (its DOT source: neuron.dot)",
    "report.html": "all of it on one page, with the neuron's backward pass step by step",
    "metrics.json": "the settings and the numbers",
}


def written(run: Run) -> list[str]:
    """The files of ``FILES`` this run writes: a boundary for 2-D data, mistakes for images."""
    skip = {"boundary.png"} if len(run.X_train[0]) != 2 else set()
    skip |= set() if DATASETS[run.args.dataset].images else {"mistakes.png"}
    return [name for name in FILES if name not in skip]


def write_outputs(run: Run, out: Path) -> None:
    """Write the files of ``FILES`` this run has into ``out``, in that order: metrics.json
    last, so its presence means the run finished. An earlier run's metrics.json goes first: a
    run that stops half-way through the others leaves none, not the old one beside a mix."""
    neuron = neuron_in_the_loss(run)  # once: the picture and the report show the same pass
    writers: dict[str, Callable[[Path], object]] = {
        "curves.png": lambda path: save_png(_curves(run), path),
        "boundary.png": lambda path: save_png(_boundary(run), path),
        "confusion.png": lambda path: save_png(plot_confusion(classes(run).confusion), path),
        "mistakes.png": lambda path: save_png(_mistakes(run), path),
        "model.json": lambda path: nn.save(run.model, path),
        "neuron.svg": lambda path: write_neuron_picture(neuron[0], path),
        "report.html": lambda path: write_report(run, neuron, out, path, _pictures(run)),
        "metrics.json": lambda path: write_atomically(path, _json(metrics(run))),
    }
    for name, write in [("metrics.json", _remove), *((n, writers[n]) for n in written(run))]:
        try:
            write(out / name)
        except OSError as err:
            raise CommandError(f"cannot write {out / name}: {err.strerror or err}") from None


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def _curves(run: Run) -> Figure:
    from chainrule.plots import plot_history

    return plot_history(run.history, run.test_loss, run.test_accuracy)


def _boundary(run: Run) -> Figure:
    from chainrule.plots import plot_decision_boundary

    X = run.X_train + run.X_test  # noqa: N806 (the usual name)
    y = [int(t > 0) for t in run.y_train + run.y_test]  # hinge's -1/+1 labels as 0/1
    title = f"{run.args.dataset}: test accuracy {percent(run.test_accuracy[-1])}"
    return plot_decision_boundary(run.model, X, y, run.threshold, title=title)


def _pictures(run: Run) -> dict[str, str]:
    """The PNGs this run writes, each with what it shows."""
    return {name: FILES[name] for name in written(run) if name.endswith(".png")}


def _mistakes(run: Run) -> Figure:
    test = classes(run)
    wrong = [k for k, (t, p) in enumerate(zip(test.truths, test.predictions, strict=True))
             if t != p]  # fmt: skip
    return plot_mistakes([run.X_test[k] for k in wrong], [test.truths[k] for k in wrong],
                         [test.predictions[k] for k in wrong])  # fmt: skip


def _json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=1) + "\n").encode("utf-8")


def metrics(run: Run) -> dict[str, Any]:
    """The settings, the final numbers and the per-epoch curves; only ``seconds`` changes
    between two runs with the same settings."""
    args, history = run.args, run.history
    settings = {key: value for key, value in vars(args).items() if key not in ("run", "quiet")}
    settings |= {"out": str(args.out), "lr": run.lr}
    return {
        "settings": settings,
        "model": repr(run.model),
        "parameters": len(run.model.parameters()),
        "points": {"training": len(run.X_train), "test": len(run.X_test)},
        "epochs": history.epochs,
        "stopped": history.stopped,
        "training": {"loss": history.loss[-1], "accuracy": history.accuracy[-1]},
        "test": {"loss": run.test_loss[-1], "accuracy": run.test_accuracy[-1]},
        "classes": {
            "per_class_test_accuracy": classes(run).per_class,
            "confusion_matrix": classes(run).confusion,
        },
        "curves": {
            "training_loss": history.loss,
            "training_accuracy": history.accuracy,
            "test_loss": run.test_loss,
            "test_accuracy": run.test_accuracy,
        },
        "seconds": {"training": run.seconds, "per_epoch": history.seconds},
        "backend": history.backend,
    }


def summary(run: Run, out: Path) -> None:
    """Print what was trained, how well, and where the files are."""
    args, history = run.args, run.history
    print(
        f"trained {run.model!r} on {args.dataset} ({len(run.X_train)} training and "
        f"{len(run.X_test)} test points) for {history.epochs} epochs in {run.seconds:.1f} s"
    )
    print(
        f"training loss {history.loss[-1]:.4g}, accuracy {percent(history.accuracy[-1])}; "
        f"test loss {run.test_loss[-1]:.4g}, accuracy {percent(run.test_accuracy[-1])}"
    )
    print(f"wrote {out}{os.sep}")
    for name in written(run):
        print(f"  {name:<13} {FILES[name]}")
