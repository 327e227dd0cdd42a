"""Many classes: softmax, log-softmax and softmax cross-entropy over a model's logits.

A model with one output per class gives logits z_0 .. z_{K-1}; softmax turns them into
probabilities p_k = e^(z_k) / sum_j e^(z_j). Everything here goes through one node,
``logsumexp(z) = log sum_j e^(z_j)``, a row of the op table computed without overflow whose
partials are the softmax itself, so log p_k = z_k - logsumexp(z) never reads a number: the
graph is the same whatever the logits are, and a training step with it compiles.

A target is a class index ``y`` (an int, or a float that is one) or a row of K probabilities
``t`` (one-hot, or soft labels); either way the loss is

    L = -sum_k t_k log p_k = logsumexp(z) - sum_k t_k z_k      (sum_k t_k = 1),

with ``t`` the one-hot row of ``y``. Its gradient is dL/dz_k = p_k - t_k.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from autograd import Value, logsumexp
from nn.inputs import plain


def log_softmax(logits: Sequence[Value]) -> list[Value]:
    """log p_k = z_k - logsumexp(z): the log-probabilities of the classes."""
    lse = logsumexp(logits)
    return [z - lse for z in logits]


def softmax(logits: Sequence[Value]) -> list[Value]:
    """p_k = e^(z_k - logsumexp(z)): probabilities that sum to 1 (to rounding)."""
    return [p.exp() for p in log_softmax(logits)]


def logits_of(out: object, i: int) -> list[Value]:
    """Example ``i``'s output as its list of logits, or an error saying what it is instead."""
    if isinstance(out, Value):
        raise ValueError(
            f"cross_entropy: example {i} has one output: cross_entropy needs one logit per "
            "class (a model with several outputs); for two classes and one output use "
            "binary_cross_entropy_with_logits"
        )
    if isinstance(out, (str, bytes)) or not isinstance(out, Sequence) or not out:
        raise TypeError(f"cross_entropy: output {i} is {type(out).__name__} {out!r:.40}: "
                        "expected a list of Values (the model's logits)")  # fmt: skip
    bad = next((z for z in out if not isinstance(z, Value)), None)
    if bad is not None:
        raise TypeError(
            f"cross_entropy: output {i} holds {type(bad).__name__} {bad!r:.40}, not a Value: "
            "pass the model's outputs (model(x) for each example)"
        )
    return list(out)


def class_row(target: Any, k: int, i: int) -> list[Any]:
    """The target of example ``i`` as a row of ``k`` probabilities (floats; Values while a
    training step is traced). A class index becomes its one-hot row; a traced index ``y``
    becomes t_j = step(1/2 - |y - j|), which is 1 at j = y and 0 elsewhere for every integer
    y, so the graph reads no number."""
    target = plain(target)
    if isinstance(target, Value):
        return [(0.5 - abs(target - j)).step() for j in range(k)]
    if isinstance(target, (list, tuple)):
        return _probabilities(list(target), k, i)
    number = isinstance(target, (int, float)) and not isinstance(target, bool)
    if not number or not 0 <= target < k or target != int(target):  # NaN and inf fail first
        raise ValueError(
            f"cross_entropy: example {i} has {k} logits and class {target!r}: classes are the "
            f"ints 0 to {k - 1} (or give a row of {k} probabilities)"
        )
    return [1.0 if j == target else 0.0 for j in range(k)]


def _probabilities(row: list[Any], k: int, i: int) -> list[Any]:
    if len(row) != k:
        raise ValueError(f"cross_entropy: example {i} has {k} logits but a target row of "
                         f"{len(row)}: give one probability per class (one-hot: 1 at the "
                         "class, 0 elsewhere)")  # fmt: skip
    if any(isinstance(t, Value) for t in row):
        return row  # a traced row: its numbers were checked before tracing
    if any(isinstance(t, bool) or not isinstance(t, (int, float)) for t in row):
        raise TypeError(f"cross_entropy: target {i} must hold numbers, got {row!r:.60}")
    if not all(0.0 <= t <= 1.0 for t in row) or abs(math.fsum(row) - 1.0) > 1e-6:
        raise ValueError(f"cross_entropy: target {i} is {row!r:.60}: a row of probabilities "
                         "needs numbers in [0, 1] that sum to 1")  # fmt: skip
    return [float(t) for t in row]
