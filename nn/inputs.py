"""What a network takes as input, checked with messages that say how to fix it.

One example is a list of numbers (or Values), one per input of the model: ``model([0.5, -1])``.
A batch is a list of examples. ``check_sample`` refuses a bare number (``model(1.0)``), a
string, or a list of the wrong length; ``check_samples`` checks a whole data set before
training, where a NaN among the inputs would otherwise show up only as a diverging loss.

Data may come as numpy arrays (of any float or int dtype) without numpy being a dependency:
an array and a numpy scalar have ``tolist()``, which gives plain lists, floats and ints, and
``plain`` is that one conversion, called wherever a user hands over data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence, Sized
from typing import Any

from autograd import Value

# What a user hands over as data: a list or tuple, or anything with tolist() (a numpy array
# of any float or int dtype, a numpy scalar). Typed Any because numpy is not a dependency.
Data = Any


def plain(data: Any) -> Any:
    """``data.tolist()`` when it has one (numpy arrays and scalars, and the like), else
    ``data`` itself (a list is not copied)."""
    tolist = getattr(data, "tolist", None)
    return tolist() if callable(tolist) else data


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
    x = plain(x)
    problem = _problem(x, nin)
    if problem is not None:
        wrong_type = not isinstance(x, Sequence) or isinstance(x, (str, bytes))
        raise (TypeError if wrong_type else ValueError)(f"{where}: {problem}")


def check_samples(
    X: Any,  # noqa: N803
    y: Any,
    nin: int | None,
    where: str,
) -> tuple[list[Any], list[Any]]:
    """A data set for ``where`` (``"fit"``) as plain lists: at least one example, as many
    targets as examples, each target a finite number or a list of them, and, for a model of
    known width ``nin`` (an MLP or a Layer), every example as ``check_sample`` wants it (a
    module of one's own may take other inputs, but its examples must not be ragged)."""
    X, y = _listed(X, "X", where), _listed(y, "y", where)  # noqa: N806
    if not X:
        raise ValueError(f"{where} needs at least one example")
    if len(X) != len(y):
        raise ValueError(f"{where}: {len(X)} examples but {len(y)} targets: give one per example")
    X = [plain(x) for x in X]  # noqa: N806
    for i, x in enumerate(X):
        if nin is not None:
            check_sample(x, nin, f"{where}: X[{i}]")
        elif isinstance(x, Sized) and isinstance(X[0], Sized) and len(x) != len(X[0]):
            raise ValueError(f"{where}: X[{i}] has {len(x)} inputs but X[0] has {len(X[0])}: "
                             "every example needs the same number of inputs")  # fmt: skip
    return X, [_target(plain(t), f"{where}: y[{i}]") for i, t in enumerate(y)]


def _listed(data: Any, name: str, where: str) -> list[Any]:
    data = plain(data)
    if isinstance(data, (str, bytes)) or not isinstance(data, Sequence):
        raise TypeError(f"{where}: {name} is {type(data).__name__} {data!r:.40}: give a list "
                        "(or an array) with one entry per example")  # fmt: skip
    return list(data)


def _target(t: Any, where: str) -> Any:
    """A target as it was given, once it is known to be finite numbers (Values allowed)."""
    for v in t if isinstance(t, (list, tuple)) else (t,):
        number = v.data if isinstance(v, Value) else v
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise TypeError(f"{where} is {type(v).__name__} {v!r:.40}, not a number: give "
                            "class labels as ints 0, 1, ... (or rows of numbers)")  # fmt: skip
        if not math.isfinite(number):
            raise ValueError(f"{where} is {number}: targets must be finite numbers")
    return t
