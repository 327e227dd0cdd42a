"""``chainrule train``: an MLP trained on a toy 2-D data set or on handwritten digits, and its
pictures.

Writes into the output folder (``chainrule-out/``): ``curves.png`` (loss and accuracy per
epoch), ``boundary.png`` (the decision boundary, for 2-D data), ``confusion.png`` (true
against predicted classes on the test set), ``mistakes.png`` (for digits: the misclassified
test images with their true and predicted labels), ``model.json`` (``nn.load`` reads it),
``neuron.svg`` with ``neuron.dot`` (one neuron's part of the loss's backward pass),
``report.html`` (all of it on one page, with that neuron's backward pass to step through in a
browser) and ``metrics.json`` (settings and numbers, per-class accuracy among them). With more
than two classes the loss is softmax cross-entropy. The same settings and seed give the same
numbers and files; only ``metrics.json``'s ``seconds`` differ between runs.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nn
from autograd.viz import find_renderer
from chainrule.datasets import DATASET_HELP, DATASETS, check_classes
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
from chainrule.run import Run
from nn.data import signed, train_test_split
from nn.layers import ACTIVATIONS
from nn.optim import Optimizer

# loss name -> (loss, decision threshold on one output, whether labels become -1/+1)
LOSSES: dict[str, tuple[Callable[..., Any], float, bool]] = {
    "ce": (nn.cross_entropy, 0.0, False),  # one output per class, softmax
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
    sizes = [DATASETS[args.dataset].inputs, *args.hidden, n_outputs(args)]
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


def n_outputs(args: argparse.Namespace) -> int:
    """One output per class for softmax cross-entropy, else one."""
    return args.classes if args.loss == "ce" else 1


def fill_defaults(args: argparse.Namespace) -> None:
    """The options left out take the data set's defaults; a two-class loss with more
    classes is refused, naming the loss that fits."""
    dataset = DATASETS[args.dataset]
    for name in ("classes", "samples", "epochs"):
        if getattr(args, name) is None:
            setattr(args, name, getattr(dataset, name))
    if args.batch_size == -1:  # not given ("full" is None)
        args.batch_size = dataset.batch_size
    args.hidden = args.hidden or list(dataset.hidden)
    check_classes(args.dataset, args.classes)
    args.loss = args.loss or ("ce" if args.classes > 2 or dataset.images else "bce")
    if args.loss != "ce" and args.classes > 2:
        raise UsageError(
            f"--loss {args.loss} is for two classes and one output: with --classes "
            f"{args.classes} use --loss ce (softmax cross-entropy)"
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
    option("--dataset", choices=list(DATASETS), default="moons", help=DATASET_HELP)
    option("--classes", type=bounded_int("--classes"),
           help="classes, for spirals, blobs and digits (2; digits 10)")  # fmt: skip
    option("--samples", type=bounded_int("--samples"), help="points (200; digits all 1797)")
    option("--hidden", type=hidden_sizes, help="hidden layer sizes (16,16; digits 32)")
    option("--activation", choices=[a for a in ACTIVATIONS if a != "linear"], default="relu")
    option("--loss", choices=list(LOSSES),
           help="ce: softmax cross-entropy (default for more than two classes and digits); "
           "bce on logits (default for two)")  # fmt: skip
    option("--optimizer", choices=sorted(OPTIMIZERS), default="adam")
    option("--lr", type=bounded_float("--lr"), help="learning rate (adam 0.01, sgd 0.1, ...)")
    option("--epochs", type=bounded_int("--epochs"), help="epochs (50; digits 10)")
    option("--batch-size", type=batch_size, default=-1,  # -1: the data set's default
           help="examples per step, or full (16; digits 32)")  # fmt: skip
    option("--seed", type=bounded_int("--seed"), default=0, help="data, weights, batches (0)")
    option("--out", type=Path, default=Path("chainrule-out"), help="output folder")
    option("--quiet", action="store_true", help="no progress bar, no summary")
    option(
        "--no-compile",
        dest="compile",
        action="store_false",
        help="run every step on the engine instead of the compiled replay",
    )
    option(
        "--exact",
        action="store_true",
        help="compiled steps with the engine's numbers bit for bit (slower with numpy)",
    )
    train.set_defaults(run=run_train)


def run_train(args: argparse.Namespace) -> int:
    """Train, then write every output; nothing is written if training fails."""
    fill_defaults(args)
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
    dataset = DATASETS[args.dataset]
    X, labels = dataset.make(args.samples, args.seed, args.classes)  # noqa: N806
    _, threshold, to_signed = LOSSES[args.loss]
    y = signed(labels) if to_signed else labels
    split = train_test_split(X, y, test_size=0.25, seed=args.seed)
    sizes = [*args.hidden, n_outputs(args)]
    model = nn.MLP(dataset.inputs, sizes, activation=args.activation, seed=args.seed)
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
            compile=args.compile, exact=args.exact,
        )  # fmt: skip
    except nn.DivergenceError as err:
        raise CommandError(
            f"training diverged at epoch {err.epoch}: {err.reason} (try a smaller --lr than "
            f"{run.lr:g})"
        ) from None
    except (ArithmeticError, ValueError) as err:
        raise CommandError(f"training failed: {err} (try a smaller --lr than {run.lr:g})") from None
    run.seconds = time.perf_counter() - start
