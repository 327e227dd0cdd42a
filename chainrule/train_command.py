"""``chainrule train``: an MLP trained on a toy 2-D data set, and its pictures.

Writes into the output folder (``chainrule-out/``): ``curves.png`` (loss and accuracy per
epoch), ``boundary.png`` (the decision boundary), ``model.json`` (``nn.load`` reads it),
``neuron.svg`` with ``neuron.dot`` (one neuron's graph after backward of the loss),
``report.html`` (all of it on one page, with that neuron's backward pass to step through in a
browser) and ``metrics.json`` (settings and numbers). The same settings and seed give the same
numbers and files; only ``metrics.json``'s ``seconds`` differ between runs.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nn
from autograd.viz import find_renderer
from chainrule.options import (
    BOUNDS,
    TRAIN_EXAMPLE,
    CommandError,
    UsageError,
    bounded_float,
    bounded_int,
    check_bound,
    with_example,
    writable_file,
)
from chainrule.outputs import FILES, summary, write_outputs
from nn.data import (
    Dataset,
    make_blobs,
    make_circles,
    make_moons,
    make_spirals,
    make_xor,
    signed,
    train_test_split,
)
from nn.layers import ACTIVATIONS
from nn.optim import Optimizer

# every generator of nn.data, as a two-class problem of n points
DATASETS: dict[str, Callable[..., Dataset]] = {
    "moons": make_moons,
    "circles": make_circles,
    "spirals": make_spirals,
    "blobs": lambda n, seed: make_blobs(n, centers=2, seed=seed),
    "xor": lambda n, seed: make_xor(n, noise=0.15, seed=seed),
}
DATASET_HELP = (
    "moons (default), circles, spirals, blobs (two Gaussian blobs) or xor (noisy corners)"
)
# loss name -> (loss, decision threshold on the output, whether labels become -1/+1)
LOSSES = {
    "bce": (nn.binary_cross_entropy_with_logits, 0.0, False),
    "mse": (nn.mse_loss, 0.5, False),
    "hinge": (nn.hinge_loss, 0.0, True),
}
OPTIMIZERS: dict[
    str, tuple[Callable[..., Optimizer], float]
] = {  # name -> (constructor(params, lr), default lr)
    "adam": (nn.Adam, 0.01),
    "adamw": (nn.AdamW, 0.01),
    "rmsprop": (nn.RMSprop, 0.01),
    "sgd": (nn.SGD, 0.1),
    "momentum": (lambda params, lr: nn.SGD(params, lr=lr, momentum=0.9), 0.03),
}


def hidden_sizes(text: str) -> list[int]:
    """An argparse type: ``"16,16"`` as ``[16, 16]``."""
    parts = text.split(",")
    problem = check_bound("hidden layers", len(parts))
    if problem:
        raise argparse.ArgumentTypeError(f"{len(parts):,} hidden layers: {problem}")
    return [bounded_int("--hidden")(part.strip()) for part in parts]


def batch_size(text: str) -> int | None:
    """An argparse type: a positive int, or ``full`` for full-batch gradient descent."""
    return None if text == "full" else bounded_int("--batch-size")(text)


def check_work(args: argparse.Namespace) -> None:
    """Refuse a model with too many parameters, or a training step that would build too
    large a graph (see BOUNDS in chainrule.options), before anything is computed."""
    sizes = [2, *args.hidden, 1]
    parameters = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
    if check_bound("parameters", parameters):
        raise UsageError(
            f"--hidden {','.join(map(str, args.hidden))} makes a model of {parameters:,} "
            f"parameters, more than {BOUNDS['parameters'].high:,.0f}: use smaller layers"
        )
    batch = min(args.batch_size or args.samples, args.samples)
    problem = check_bound("work per step", parameters * batch)
    if problem:
        bound = BOUNDS["work per step"].high
        raise UsageError(
            f"a step on {batch:,} examples with {parameters:,} parameters is "
            f"{parameters * batch:,} (parameter, example) pairs, more than {bound:,.0f}: use a "
            "smaller --batch-size, fewer --samples or smaller --hidden layers"
        )


def add_train_command(commands: Any) -> None:
    """Register ``train`` and its options on the sub-command parsers."""
    train = commands.add_parser(
        "train",
        help="train an MLP on a toy data set",
        description=__doc__.replace("``", ""),
        **with_example(TRAIN_EXAMPLE),
    )
    option = train.add_argument
    option("--dataset", choices=sorted(DATASETS), default="moons", help=DATASET_HELP)
    option("--samples", type=bounded_int("--samples"), default=200, help="points (200)")
    option("--hidden", type=hidden_sizes, default=[16, 16], help="hidden layer sizes (16,16)")
    option("--activation", choices=[a for a in ACTIVATIONS if a != "linear"], default="relu")
    option("--loss", choices=sorted(LOSSES), default="bce", help="bce on logits (default)")
    option("--optimizer", choices=sorted(OPTIMIZERS), default="adam")
    option("--lr", type=bounded_float("--lr"), help="learning rate (adam 0.01, sgd 0.1, ...)")
    option("--epochs", type=bounded_int("--epochs"), default=50)
    option("--batch-size", type=batch_size, default=16, help="examples per step, or full")
    option("--seed", type=bounded_int("--seed"), default=0, help="data, weights, batches (0)")
    option("--out", type=Path, default=Path("chainrule-out"), help="output folder")
    option("--quiet", action="store_true", help="no progress bar, no summary")
    option(
        "--no-compile",
        dest="compile",
        action="store_false",
        help="run every step on the engine instead of the compiled replay (same numbers)",
    )
    train.set_defaults(run=run_train)


@dataclass
class Run:
    """A training run's data, model and results."""

    args: argparse.Namespace
    X_train: list[list[float]]
    X_test: list[list[float]]
    y_train: list[Any]
    y_test: list[Any]
    model: nn.MLP
    threshold: float  # an output above it predicts class 1
    lr: float
    loss: Callable[..., Any]  # outputs, targets -> the loss Value
    history: nn.History = field(default_factory=nn.History)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float | None] = field(default_factory=list)
    seconds: float = 0.0


def run_train(args: argparse.Namespace) -> int:
    """Train, then write every output; nothing is written if training fails."""
    check_work(args)
    _check_drawing_tools()
    out = _prepare_folder(args.out)
    run = _setup(args)
    _train(run)
    write_outputs(run, out)
    if not args.quiet:
        summary(run, out)
    return 0


def _prepare_folder(out: Path) -> Path:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CommandError(f"cannot create the output folder {out}: {err.strerror}") from None
    for name in FILES:
        writable_file(out / name)
    return out


def _check_drawing_tools() -> None:
    try:
        import matplotlib  # noqa: F401 (only its presence is checked here)
    except ImportError:
        raise CommandError(
            "chainrule train draws its plots with matplotlib: pip install 'chainrule[viz]'"
        ) from None
    find_renderer("svg")  # RendererNotFoundError says how to get one


def _setup(args: argparse.Namespace) -> Run:
    X, labels = DATASETS[args.dataset](n=args.samples, seed=args.seed)  # noqa: N806
    _, threshold, to_signed = LOSSES[args.loss]
    y = signed(labels) if to_signed else labels
    split = train_test_split(X, y, test_size=0.25, seed=args.seed)
    model = nn.MLP(2, [*args.hidden, 1], activation=args.activation, seed=args.seed)
    lr = args.lr or OPTIMIZERS[args.optimizer][1]
    loss = LOSSES[args.loss][0]
    return Run(args, *split, model=model, threshold=threshold, lr=lr, loss=loss)


def _train(run: Run) -> None:
    args, loss = run.args, run.loss
    optimizer = OPTIMIZERS[args.optimizer][0](run.model.parameters(), lr=run.lr)

    def on_test_set(epoch: int, history: nn.History) -> None:
        test = nn.evaluate(run.model, run.X_test, run.y_test, loss=loss)
        run.test_loss.append(test[0])
        run.test_accuracy.append(test[1])

    start = time.perf_counter()
    try:
        run.history = nn.fit(
            run.model, run.X_train, run.y_train, loss=loss, optimizer=optimizer,
            epochs=args.epochs, batch_size=args.batch_size, seed=args.seed,
            callbacks=[on_test_set], progress=False if args.quiet else None,
            compile=args.compile,
        )  # fmt: skip
    except nn.DivergenceError as err:
        raise CommandError(
            f"training diverged at epoch {err.epoch}: {err.reason} (try a smaller --lr than "
            f"{run.lr:g})"
        ) from None
    except (ArithmeticError, ValueError) as err:
        raise CommandError(f"training failed: {err} (try a smaller --lr than {run.lr:g})") from None
    run.seconds = time.perf_counter() - start
