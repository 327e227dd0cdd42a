"""Accuracy and evaluation: how often a model's outputs pick the right label."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, no_grad
from nn.inputs import Data, check_samples
from nn.losses import LossFn, binary_cross_entropy_with_logits, mse_loss
from nn.module import Module
from nn.predict import predicted_class, target_class

# Losses on logits decide at 0; otherwise the threshold is midway between the two labels.
_THRESHOLDS: dict[Callable[..., Value], float] = {binary_cross_entropy_with_logits: 0.0}


def count_correct(outputs: Sequence[Any], targets: Sequence[Any], loss: LossFn) -> int | None:
    """How many outputs predict their target's class (``nn.predict``'s rule): the argmax for
    several outputs, against a class index or the argmax of a one-hot or probability row; for
    one output with labels {0, 1} or {-1, +1}, the output above a threshold (0 for
    ``binary_cross_entropy_with_logits``, else midway between the labels); None for targets
    that are not labels (regression)."""
    truths = [target_class(t) for t in targets]
    first = outputs[0] if outputs else None
    if isinstance(first, (list, tuple)) and len(first) > 1:
        predictions = [predicted_class(o) for o in outputs]
    else:
        labels = set(truths)
        low = 0.0 if labels <= {0.0, 1.0} else -1.0 if labels <= {-1.0, 1.0} else None
        if low is None:
            return None
        threshold = _THRESHOLDS.get(loss, (low + 1.0) / 2)
        predictions = [predicted_class(o, threshold, low) for o in outputs]
    return sum(int(p == t) for p, t in zip(predictions, truths, strict=True))


def evaluate(
    model: Module,
    X: Data,  # noqa: N803 (the usual name for a batch of inputs)
    y: Data,
    loss: LossFn = mse_loss,
) -> tuple[float, float | None]:
    """``(loss, accuracy)`` of ``model`` on ``(X, y)`` in eval mode (dropout off), building
    no graph; accuracy is None for regression targets."""
    X, y = check_samples(X, y, getattr(model, "nin", None), "evaluate")  # noqa: N806
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            outputs = [model(x) for x in X]
            correct = count_correct(outputs, y, loss)
            return loss(outputs, y).data, None if correct is None else correct / len(X)
    finally:
        model.train(was_training)


def confusion_matrix(
    truths: Sequence[Any], predictions: Sequence[Any], classes: int
) -> list[list[int]]:
    """``m[t][p]``: how many examples of class t were predicted as class p (the diagonal
    holds the right answers). Targets may be indices or one-hot rows (their argmax)."""
    matrix = [[0] * classes for _ in range(classes)]
    for t, p in zip(truths, predictions, strict=True):
        matrix[int(target_class(t))][int(p)] += 1
    return matrix


def per_class_accuracy(matrix: Sequence[Sequence[int]]) -> list[float | None]:
    """For each class, the share of its examples predicted right (None: none in the data)."""
    return [row[k] / sum(row) if sum(row) else None for k, row in enumerate(matrix)]
