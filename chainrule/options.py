"""What the command's parts share: exit statuses, errors, examples and option types."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograd.files import check_target

USAGE, FAILURE = 2, 1
TRAIN_EXAMPLE = "chainrule train --hidden 16,16 --epochs 50"
GRAPH_EXAMPLE = 'chainrule graph "tanh(x*w + b)" --at x=2,w=-3,b=6.88 -o neuron.svg'


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
    """``path`` if a file can be written there (its folder exists and is writable, and what
    is there already is a regular file that may be replaced), else CommandError naming it:
    checked before any work, so a long run does not fail at the end."""
    try:
        check_target(path)
    except OSError as err:
        raise CommandError(f"cannot write {path}: {err.strerror or err}") from None
    return path
