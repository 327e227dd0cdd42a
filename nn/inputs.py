"""What a network takes as input, checked with messages that say how to fix it.

One example is a list of numbers (or Values), one per input of the model: ``model([0.5, -1])``.
A batch is a list of examples. ``check_sample`` refuses a bare number (``model(1.0)``), a
string, or a list of the wrong length; ``check_samples`` checks a whole data set before
training, where a NaN among the inputs would otherwise show up only as a diverging loss.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from autograd import Value


def _problem(x: object, nin: int | None) -> str | None:
    """What is wrong with ``x`` as one example for ``nin`` inputs (None: not known), or None."""
    wanted = f"a list of {nin} numbers" if nin else "a list of numbers"
    if isinstance(x, (int, float, Value)) and not isinstance(x, bool):
        shown = x.data if isinstance(x, Value) else x
        example = "[" + ", ".join([repr(shown), *["..."] * ((nin or 2) - 1)]) + "]"
        return (
            f"got the single number {shown!r}, but one example is {wanted} (one per input): "
            f"write {example}"
        )
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
        return f"got {type(x).__name__} {x!r:.40}, but one example is {wanted}"
    if nin is not None and len(x) != nin:
        return f"got {len(x)} inputs, but this model takes {nin}"
    for i, v in enumerate(x):
        number = v.data if isinstance(v, Value) else v
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            return f"input {i} is {type(v).__name__} {v!r:.40}, not a number"
        if not math.isfinite(number):
            return f"input {i} is {number}: inputs must be finite numbers"
    return None


def check_sample(x: object, nin: int | None, where: str) -> None:
    """Raise TypeError or ValueError, naming ``where`` (``"MLP(2, [4, 1])"``, ``"fit: X[3]"``),
    if ``x`` is not one example for a model of ``nin`` inputs."""
    problem = _problem(x, nin)
    if problem is not None:
        wrong_type = not isinstance(x, Sequence) or isinstance(x, (str, bytes))
        raise (TypeError if wrong_type else ValueError)(f"{where}: {problem}")


def check_samples(X: Sequence[Any], y: Sequence[Any], nin: int | None, where: str) -> None:  # noqa: N803
    """A data set for ``where`` (``"fit"``): at least one example, as many targets as
    examples, and, for a model of known width ``nin`` (an MLP or a Layer), every example as
    ``check_sample`` wants it (a module of one's own may take other inputs)."""
    if not X:
        raise ValueError(f"{where} needs at least one example")
    if len(X) != len(y):
        raise ValueError(f"{where}: {len(X)} examples but {len(y)} targets: give one per example")
    if nin is not None:
        for i, x in enumerate(X):
            check_sample(x, nin, f"{where}: X[{i}]")
