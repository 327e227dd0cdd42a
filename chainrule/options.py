"""What the command's parts share: exit statuses, errors, examples, and the bounds of every
input in one table, with the argparse types that enforce them."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd.files import check_target
from chainrule.expr import MAX_CHAIN, MAX_DEPTH, MAX_EXPONENT, MAX_LENGTH

USAGE, FAILURE = 2, 1
TRAIN_EXAMPLE = "chainrule train --dataset spirals --hidden 16,16 --epochs 50"
GRAPH_EXAMPLE = 'chainrule graph "tanh(x*w + b)" --at x=2,w=-3,b=6.88 -o neuron.svg'
CHECK_EXAMPLE = 'chainrule check "x*sin(y) + exp(x/y)" --at x=0.5,y=2'


def with_example(example: str) -> dict[str, object]:
    """A sub-command parser's keyword arguments showing ``example`` at the end of --help."""
    return {
        "epilog": f"example:\n  {example}",
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }


class UsageError(Exception):
    """A bad option value: exit status 2."""


class CommandError(Exception):
    """The command could not do its job: exit status 1."""


@dataclass(frozen=True)
class Bound:
    """The allowed range of one input, and what it counts (for messages and --help)."""

    low: float
    high: float
    unit: str
    low_open: bool = False  # low itself is not allowed (a rate or a step must be > 0)


# Each bound keeps one run within memory and reach: a training step takes about 40 bytes per
# (parameter, example) pair on the engine and 55 to 100 compiled (its generated code), as
# measured (peak resident memory of one epoch of a 2-64-64-1 MLP: 94 bytes a pair at 883,400
# pairs; the whole command, 323 MB at 4.4 million), up to 180 at other shapes, so "work per
# step" caps a step below 1 GB, and
# "parameters" keeps the decision boundary's 3,600 evaluations within a minute or two. The
# total time (epochs x points x parameters) is the user's to choose: it shows in the
# progress bar, and Ctrl-C stops it.
BOUNDS = {
    "--samples": Bound(8, 100_000, "points"),
    "--classes": Bound(2, 10, "classes"),
    "--hidden": Bound(1, 1024, "neurons in a hidden layer"),
    "hidden layers": Bound(1, 8, "hidden layers"),
    "--epochs": Bound(1, 100_000, "epochs"),
    "--batch-size": Bound(1, 100_000, "examples per step"),
    "--lr": Bound(0.0, 1e6, "learning rate", low_open=True),
    "--seed": Bound(0, 2**32 - 1, "seed"),
    "parameters": Bound(1, 100_000, "parameters in the model"),
    "work per step": Bound(1, 5_000_000, "(parameter, example) pairs per training step"),
    "--eps": Bound(0.0, 1.0, "finite-difference step", low_open=True),
    "--atol": Bound(0.0, 1e6, "absolute tolerance", low_open=True),
    "--rtol": Bound(0.0, 1e6, "relative tolerance", low_open=True),
    "--exact-timeout": Bound(0.0, 600.0, "seconds for sympy (0 skips it)"),
    "--render-timeout": Bound(1.0, 3600.0, "seconds for a layout"),
    # enforced by chainrule.expr, listed here so the table is complete
    "EXPR length": Bound(1, MAX_LENGTH, "characters"),
    "EXPR nesting": Bound(1, MAX_DEPTH, "levels (a chain x + y + z is one)"),
    "EXPR chain": Bound(1, MAX_CHAIN, "operations from the result to a variable"),
    "EXPR exponent": Bound(-MAX_EXPONENT, MAX_EXPONENT, "for a constant exponent"),
}


def check_bound(name: str, value: float) -> str | None:
    """What is wrong with ``value`` for the input ``name`` of ``BOUNDS``, or None."""
    bound = BOUNDS[name]
    if not math.isfinite(value):
        return f"{value} is not a finite number"
    if value < bound.low or (bound.low_open and value == bound.low):
        return f"{value:,} is {'not above' if bound.low_open else 'less than'} {bound.low:,g}"
    if value > bound.high:
        return f"{value:,} is more than {bound.high:,g}, the most {bound.unit} allowed"
    return None


def _bounded(name: str, convert: Callable[[str], Any], kind: str) -> Callable[[str], Any]:
    """An argparse type: ``text`` converted, then checked against ``BOUNDS[name]``."""

    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not {kind}") from None
        problem = check_bound(name, value)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return value

    return parse


def bounded_int(name: str) -> Callable[[str], int]:
    """An argparse type: a whole number within ``BOUNDS[name]``."""
    return _bounded(name, int, "a whole number")


def bounded_float(name: str) -> Callable[[str], float]:
    """An argparse type: a finite number within ``BOUNDS[name]``."""
    return _bounded(name, float, "a number")


def writable_file(path: Path) -> Path:
    """``path`` if a file can be written there (its folder exists and is writable, and what
    is there already is a regular file that may be replaced), else CommandError naming it:
    checked before any work, so a long run does not fail at the end."""
    try:
        check_target(path)
    except OSError as err:
        raise CommandError(f"cannot write {path}: {err.strerror or err}") from None
    return path


def percent(accuracy: float | None) -> str:
    """``0.975`` as ``97.5%``."""
    return "n/a" if accuracy is None else f"{accuracy:.1%}"
