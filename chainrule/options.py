"""What the command's parts share: exit statuses, errors, examples and option types."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

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


def positive_int(text: str) -> int:
    """An argparse type: an int >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


def positive_float(text: str) -> float:
    """An argparse type: a finite float > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text} must be a finite number > 0")
    return value


def writable_file(path: Path) -> Path:
    """``path`` if a file can be written there (its folder exists and is writable), else
    CommandError naming it: checked before any work, so a long run does not fail at the end."""
    if path.is_dir():
        raise CommandError(f"cannot write {path}: it is a folder")
    folder = path.parent
    if not folder.is_dir():
        raise CommandError(f"cannot write {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CommandError(f"cannot write {path}: permission denied")
    return path


def percent(accuracy: float | None) -> str:
    """``0.975`` as ``97.5%``."""
    return "n/a" if accuracy is None else f"{accuracy:.1%}"
