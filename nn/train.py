"""The training loop: forward, loss, backward, update, repeated until the loss is small
enough or the epochs run out (the two stopping rules of gradient descent).

``fit`` covers batch (``batch_size=None``), mini-batch (``k``) and stochastic (``1``)
gradient descent and returns a ``History`` of per-epoch numbers, including the gradient norm
of every layer, which shows gradients vanishing through deep sigmoid stacks.
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd import Value, no_grad
from nn.data import batches
from nn.losses import LossFn, binary_cross_entropy_with_logits, l1_penalty, l2_penalty, mse_loss
from nn.module import MLP, Module
from nn.optim import SGD, Optimizer, clip_grad_norm, grad_norm
from nn.schedules import Schedule

Callback = Callable[[int, "History"], Any]
# Losses on logits decide at 0; otherwise the threshold is midway between the two labels.
_THRESHOLDS: dict[Callable[..., Value], float] = {binary_cross_entropy_with_logits: 0.0}


@dataclass
class History:
    """Per-epoch records: the loss (batch losses averaged, weighted by batch size), accuracy
    on the examples as seen during the epoch (None for regression targets), learning rate,
    gradient norm ||g|| and per-layer gradient norms (means over the epoch's batches, before
    clipping) and wall-clock seconds. ``stopped`` says why training ended: ``"tol"``,
    ``"max_epochs"`` or ``"callback"``."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    layer_grad_norms: list[list[float]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    stopped: str = ""

    @property
    def epochs(self) -> int:
        """How many epochs ran."""
        return len(self.loss)


def _as_list(out: Value | Sequence[Value]) -> list[Value]:
    return [out] if isinstance(out, Value) else list(out)


def count_correct(outputs: Sequence[Any], targets: Sequence[Any], loss: LossFn) -> int | None:
    """How many outputs predict their target: argmax for several outputs (class indices),
    a threshold for one output with labels {0, 1} or {-1, +1}; None for other targets."""
    predictions: list[float]
    if outputs and len(_as_list(outputs[0])) > 1:
        predictions = [_argmax(_as_list(o)) for o in outputs]
    else:
        labels = {float(t) for t in targets}
        low = 0.0 if labels <= {0.0, 1.0} else -1.0 if labels <= {-1.0, 1.0} else None
        if low is None:
            return None
        threshold = _THRESHOLDS.get(loss, (low + 1.0) / 2)
        predictions = [1.0 if o.data > threshold else low for o in outputs]
    return sum(int(p == t) for p, t in zip(predictions, targets, strict=True))


def _argmax(values: list[Value]) -> int:
    return max(range(len(values)), key=lambda k: values[k].data)


def evaluate(
    model: Module,
    X: Sequence[Any],  # noqa: N803
    y: Sequence[Any],
    loss: LossFn = mse_loss,
) -> tuple[float, float | None]:
    """``(loss, accuracy)`` of ``model`` on ``(X, y)`` in eval mode, building no graph."""
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            outputs = [model(x) for x in X]
            correct = count_correct(outputs, y, loss)
            return loss(outputs, y).data, None if correct is None else correct / len(X)
    finally:
        model.train(was_training)


def _layer_groups(model: Module) -> list[list[Value]]:
    layers = model.layers if isinstance(model, MLP) else [model]
    return [layer.parameters() for layer in layers]


@dataclass
class _Step:
    """What ``fit`` needs to run one epoch."""

    model: Module
    loss: LossFn
    optimizer: Optimizer
    clip: float | None
    l1: float
    l2: float
    groups: list[list[Value]]

    def objective(self, xb: list[Any], yb: list[Any]) -> tuple[Value, list[Any]]:
        outputs = [self.model(x) for x in xb]
        total = self.loss(outputs, yb)
        weights = [p for name, p in self.model.named_parameters() if not name.endswith("b")]
        if self.l1:
            total = total + self.l1 * l1_penalty(weights)
        if self.l2:
            total = total + self.l2 * l2_penalty(weights)
        return total, outputs

    def epoch(
        self, data: Iterable[tuple[list[Any], list[Any]]], n: int
    ) -> tuple[float, float | None, float, list[float]]:
        loss_sum, correct, norm, layer_norms, count = 0.0, 0, 0.0, [0.0] * len(self.groups), 0
        for xb, yb in data:
            total, outputs = self.objective(xb, yb)
            self.model.zero_grad()
            total.backward()
            norm += grad_norm(self.optimizer.params)
            layer_norms = [s + grad_norm(g) for s, g in zip(layer_norms, self.groups, strict=True)]
            if self.clip is not None:
                clip_grad_norm(self.optimizer.params, self.clip)
            self.optimizer.step()
            hits = count_correct(outputs, yb, self.loss)
            correct = correct if hits is None or correct is None else correct + hits
            loss_sum, count = loss_sum + total.data * len(xb), count + 1
        accuracy = None if correct is None else correct / n
        return loss_sum / n, accuracy, norm / count, [s / count for s in layer_norms]


def _progress(epochs: int, progress: bool | None) -> Any:
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    from tqdm import tqdm  # optional (the viz extra); imported only when a bar is drawn

    return tqdm(total=epochs, unit="epoch")


def fit(
    model: Module,
    X: Sequence[Any],  # noqa: N803 (the usual name for the inputs)
    y: Sequence[Any],
    loss: LossFn = mse_loss,
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    tol: float | None = None,
    schedule: Schedule | None = None,
    clip: float | None = None,
    callbacks: Sequence[Callback] = (),
    progress: bool | None = None,
    seed: int | None = None,
    l1: float = 0.0,
    l2: float = 0.0,
) -> History:
    """Train ``model`` on ``(X, y)`` by gradient descent: per batch, L = loss(outputs, y)
    (+ l1 sum|w| + l2 sum w^2 over the weights, not the biases), backward, then
    ``optimizer.step()`` (default SGD, eta = 0.1), which does w <- w - eta dL/dw.

    Stops when an epoch's loss is <= ``tol`` or after ``epochs`` epochs. ``schedule`` sets
    eta per epoch, ``clip`` caps the gradient norm, ``seed`` fixes the batch shuffling, and a
    callback ``cb(epoch, history)`` returning True stops training. ``progress`` None shows a
    tqdm bar only when stderr is a terminal.
    """
    optimizer = optimizer or SGD(model.parameters(), lr=0.1)
    step = _Step(model, loss, optimizer, clip, l1, l2, _layer_groups(model))
    history, rng, base_lr, bar = (
        History(),
        random.Random(seed),
        optimizer.lr,
        _progress(epochs, progress),
    )
    model.train()
    try:
        for epoch in range(epochs):
            start = time.perf_counter()
            optimizer.lr = schedule(epoch, base_lr) if schedule else optimizer.lr
            shuffle = batch_size is not None
            data = batches(X, y, batch_size, shuffle=shuffle, seed=rng)
            epoch_loss, accuracy, norm, layer_norms = step.epoch(data, len(X))
            _record(
                history,
                epoch_loss,
                accuracy,
                optimizer.lr,
                norm,
                layer_norms,
                time.perf_counter() - start,
            )
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{epoch_loss:.4g}")
            if not math.isfinite(epoch_loss):
                raise FloatingPointError(
                    f"fit: the loss became {epoch_loss} at epoch {epoch}; lower the learning rate"
                )
            if tol is not None and epoch_loss <= tol:
                history.stopped = "tol"
                break
            if [cb(epoch, history) for cb in callbacks].count(True):
                history.stopped = "callback"
                break
        else:
            history.stopped = "max_epochs"
    finally:
        if bar is not None:
            bar.close()
    return history


def _record(
    history: History,
    loss: float,
    accuracy: float | None,
    lr: float,
    norm: float,
    layer_norms: list[float],
    seconds: float,
) -> None:
    history.loss.append(loss)
    history.accuracy.append(accuracy)
    history.lr.append(lr)
    history.grad_norm.append(norm)
    history.layer_grad_norms.append(layer_norms)
    history.seconds.append(seconds)
