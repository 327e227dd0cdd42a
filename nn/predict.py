"""The predicted class: one rule, used by ``fit``'s accuracy, ``evaluate``, ``predict`` and
the command.

A model with several outputs predicts the class of its largest output (the argmax of the
logits, which is the argmax of the softmax). A model with one output predicts class 1 when
the output is above a threshold and the lower label otherwise. A target is a class index,
or a row (one-hot or probabilities) whose class is its argmax too, so one-hot targets are
scored exactly as their indices are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd import Value, no_grad
from nn.inputs import Data, check_sample, plain
from nn.module import Module


def _number(v: Any) -> float:
    return v.data if isinstance(v, Value) else float(v)


def argmax(values: Sequence[Any]) -> int:
    """The index of the largest of ``values`` (Values or numbers; the first, at a tie)."""
    return max(range(len(values)), key=lambda k: _number(values[k]))


def predicted_class(output: Any, threshold: float = 0.0, low: float = 0.0) -> float:
    """The class an output predicts: the argmax of several outputs, or, for one output,
    1 above ``threshold`` and ``low`` (0, or -1 for labels -1/+1) otherwise."""
    if isinstance(output, (list, tuple)):
        return argmax(output) if len(output) > 1 else predicted_class(output[0], threshold, low)
    return 1.0 if _number(output) > threshold else low


def target_class(target: Any) -> float:
    """The class a target names: an index itself, a row (one-hot, probabilities) its argmax."""
    target = plain(target)
    if isinstance(target, (list, tuple)):
        return argmax(target) if len(target) > 1 else _number(target[0])
    return _number(target)


def predict(model: Module, X: Data, threshold: float | None = None) -> list[Any]:  # noqa: N803
    """What ``model`` predicts for each example of ``X`` (a list or an array), in eval mode
    and building no graph: the class index (an int) for a model with several outputs; for one
    output, its number (regression), or with a ``threshold`` the class 1 or 0 (use 0.0 on
    logits, as with ``binary_cross_entropy_with_logits``; 0.5 on probabilities)."""
    X = plain(X)  # noqa: N806
    if isinstance(X, (str, bytes)) or not isinstance(X, Sequence) or not X:
        raise ValueError(f"predict needs a non-empty list of examples, got {X!r:.40}")
    nin = getattr(model, "nin", None)
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            outputs = []
            for i, x in enumerate(X):
                if nin is not None:
                    check_sample(x, nin, f"predict: X[{i}]")
                outputs.append(model(plain(x)))
    finally:
        model.train(was_training)
    several = isinstance(outputs[0], (list, tuple)) and len(outputs[0]) > 1
    if several:
        return [argmax(o) for o in outputs]
    if threshold is None:
        return [_number(o[0] if isinstance(o, (list, tuple)) else o) for o in outputs]
    return [int(predicted_class(o, threshold)) for o in outputs]
