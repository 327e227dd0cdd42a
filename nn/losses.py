"""Loss functions and penalties, as plain functions over Values.

Each loss takes a batch: ``outputs`` (one model output per example: a Value, or a list of
Values for several outputs) and ``targets`` (a number or a list of numbers per example; a
class index or a row of probabilities for ``cross_entropy``, see ``nn.softmax``). Targets may be
numpy arrays. ``reduction`` is ``"mean"`` (over examples) or ``"sum"``.
Sums are single ``vsum`` nodes, so the graph stays shallow.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import TypeGuard

from autograd import OPS, Value, apply, dot, logsumexp, vsum
from nn.inputs import Data, plain
from nn.softmax import class_row, logits_of
from nn.softmax import log_softmax as log_softmax  # beside the losses too, where they were
from nn.softmax import softmax as softmax

Outputs = Sequence[Value | Sequence[Value]]
LossFn = Callable[..., Value]


BCE = OPS["bce"]
Pair = tuple[Value, Value | float]  # a target is a Value while a compiled step is traced


def _pairs(outputs: Outputs, targets: Data, loss: str) -> list[Pair]:
    """``(a, y)`` for every output unit of every example, checking the shapes agree, the
    outputs are Values and the targets finite numbers (lists or arrays)."""
    targets = plain(targets)
    _same_length(outputs, targets, loss)
    pairs: list[Pair] = []
    for i, (out, target) in enumerate(zip(outputs, targets, strict=True)):
        target = plain(target)
        outs = [out] if isinstance(out, Value) else _listed(out, loss, "output", i)
        single = _is_number(target) or isinstance(target, Value)
        ys = [target] if single else _listed(target, loss, "target", i)
        if len(outs) != len(ys):
            raise ValueError(
                f"{loss}: example {i} has {len(outs)} outputs but {len(ys)} targets: give each "
                "example as many targets as the model has outputs"
            )
        for a, y in zip(outs, ys, strict=True):
            if not isinstance(a, Value):
                raise TypeError(
                    f"{loss}: output {i} is {type(a).__name__} {a!r:.40}, not a Value: pass the "
                    "model's outputs (model(x) for each example)"
                )
            if isinstance(y, Value):  # a compiled step traces its targets as inputs
                pairs.append((a, y))
                continue
            if not _is_number(y) or not math.isfinite(y):
                raise ValueError(f"{loss}: target {i} must be a finite number, got {y!r:.40}")
            pairs.append((a, float(y)))
    return pairs


def _is_number(y: object) -> TypeGuard[float]:
    return isinstance(y, (int, float)) and not isinstance(y, bool)


def _listed(item: object, loss: str, what: str, i: int) -> list[object]:
    if isinstance(item, (str, bytes)) or not isinstance(item, Sequence):
        raise TypeError(
            f"{loss}: {what} {i} is {type(item).__name__} {item!r:.40}: expected a "
            + (
                "Value or a list of them (the model's outputs)"
                if what == "output"
                else "number or a list of numbers"
            )
        )
    return list(item)


def _same_length(outputs: Sequence[object], targets: Sequence[object], loss: str) -> None:
    if len(outputs) != len(targets):
        raise ValueError(
            f"{loss}: {len(outputs)} outputs but {len(targets)} targets: give one target per "
            "example, in the same order"
        )


def _in_unit_interval(pairs: list[Pair], loss: str, fix: str) -> None:
    bad = next((y for _, y in pairs if not isinstance(y, Value) and not 0.0 <= y <= 1.0), None)
    if bad is not None:
        raise ValueError(f"{loss} needs targets in [0, 1] (labels 0 and 1), got {bad!r}: {fix}")


def _reduce(terms: list[Value], n: int, reduction: str) -> Value:
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
    total = vsum(terms)
    return total * (1.0 / n) if reduction == "mean" and n else total


def mse_loss(outputs: Outputs, targets: Data, reduction: str = "mean") -> Value:
    """Mean squared error: L = mean over examples of sum_j (a_j - y_j)^2."""
    terms = [(a - y) ** 2 for a, y in _pairs(outputs, targets, "mse_loss")]
    return _reduce(terms, len(outputs), reduction)


def squared_error(outputs: Outputs, targets: Data, reduction: str = "sum") -> Value:
    """Half the squared error, L = 1/2 ||y - a||^2, whose gradient dL/da is a - y (the loss of
    the worked example in docs/backprop.md); summed over the batch by default."""
    terms = [0.5 * (a - y) ** 2 for a, y in _pairs(outputs, targets, "squared_error")]
    return _reduce(terms, len(outputs), reduction)


def binary_cross_entropy(outputs: Outputs, targets: Data, reduction: str = "mean") -> Value:
    """L = -(y log a + (1 - y) log(1 - a)) for probabilities a (e.g. sigmoid outputs).

    Through a sigmoid, dL/dz = a - y. Prefer ``binary_cross_entropy_with_logits`` on z, which
    never loses precision when a is close to 0 or 1.
    """
    pairs = _pairs(outputs, targets, "binary_cross_entropy")
    _in_unit_interval(pairs, "binary_cross_entropy", "for labels -1/+1 use hinge_loss")
    # one row, bce: each log held at -100 (as PyTorch does), so a saturated probability gives
    # a large finite loss; an output outside [0, 1] is its domain error
    return _reduce([apply(BCE, a, y) for a, y in pairs], len(outputs), reduction)


def binary_cross_entropy_with_logits(
    outputs: Outputs, targets: Data, reduction: str = "mean"
) -> Value:
    """Binary cross-entropy on logits z: L = softplus(z) - y z = log(1 + e^z) - y z, which
    equals -(y log sigma(z) + (1 - y) log(1 - sigma(z))) without overflow; dL/dz = sigma(z) - y."""
    pairs = _pairs(outputs, targets, "binary_cross_entropy_with_logits")
    _in_unit_interval(pairs, "binary_cross_entropy_with_logits", "for labels -1/+1 use hinge_loss")
    return _reduce([a.softplus() - y * a for a, y in pairs], len(outputs), reduction)


def hinge_loss(outputs: Outputs, targets: Data, reduction: str = "mean") -> Value:
    """Max-margin loss for labels y in {-1, +1}: L = relu(1 - y s) (micrograd's moons demo)."""
    pairs = _pairs(outputs, targets, "hinge_loss")
    bad = [y for _, y in pairs if not isinstance(y, Value) and y not in (-1.0, 1.0)]
    if bad:
        raise ValueError(
            f"hinge_loss needs targets -1 or +1, got {bad[0]!r}: nn.data.signed(labels) maps "
            "labels 0/1 to -1/+1"
        )
    return _reduce([(1.0 - y * s).relu() for s, y in pairs], len(outputs), reduction)


def cross_entropy(
    outputs: Sequence[Sequence[Value]],
    targets: Data,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Value:
    """Softmax cross-entropy: L = logsumexp(z) - sum_k t_k z_k = -sum_k t_k log softmax(z)_k.

    ``targets`` holds, per example, a class index or a row of probabilities (one-hot or soft;
    a list or an array). ``label_smoothing`` eps mixes each row with the uniform one,
    t <- (1 - eps) t + eps / K, as PyTorch does; dL/dz_k = softmax(z)_k - t_k.
    """
    targets = plain(targets)
    _same_length(outputs, targets, "cross_entropy")
    eps = plain(label_smoothing)
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0.0 <= eps <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be a number in [0, 1], got "
                         f"{label_smoothing!r}")  # fmt: skip
    terms = []
    for i, (out, target) in enumerate(zip(outputs, targets, strict=True)):
        z = logits_of(out, i)
        t = class_row(target, len(z), i)
        if eps:
            t = [tk * (1.0 - eps) + eps / len(z) for tk in t]
        terms.append(logsumexp(z) - dot(t, z))
    return _reduce(terms, len(outputs), reduction)


def l1_penalty(params: Iterable[Value]) -> Value:
    """sum |w|: pushes weights to exactly 0 (sparse models)."""
    return vsum([abs(p) for p in params])


def l2_penalty(params: Iterable[Value]) -> Value:
    """sum w^2: weight decay; its gradient 2w shrinks every weight toward 0."""
    return vsum([p * p for p in params])
