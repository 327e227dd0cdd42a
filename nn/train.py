"""The training loop: forward, loss, backward, update, repeated until the loss is small
enough or the epochs run out (the two stopping rules of gradient descent).

``fit`` covers batch (``batch_size=None``), mini-batch (``k``) and stochastic (``1``)
gradient descent and returns a ``History`` of per-epoch numbers, including the gradient norm
of every layer, which shows gradients vanishing through deep sigmoid stacks.
"""

from __future__ import annotations

import functools
import math
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from autograd import Value, no_grad
from nn.compiled import ArrayBatch, CompiledObjective, arrays_for, warn_engine, why_not_compiled
from nn.data import batches
from nn.divergence import DivergenceError, Diverging, Watch
from nn.history import History
from nn.inputs import Data, check_samples
from nn.layers import MLP
from nn.losses import LossFn, l1_penalty, l2_penalty, mse_loss
from nn.metrics import count_correct
from nn.module import Module
from nn.optim import SGD, Optimizer, clip_grad_norm, grad_norm
from nn.schedules import Schedule

Callback = Callable[[int, "History"], Any]
Batches = Iterable[tuple[list[Any], list[Any]]]


def _is_weight(name: str) -> bool:
    """Penalties apply to weights: not to biases (``.b``) nor BatchNorm's scale and shift."""
    return name.rsplit(".", 1)[-1] != "b" and not {"gamma", "beta"} & set(name.split("."))


class _Trainer:
    """One model, loss and optimizer: runs epochs and appends their numbers to a History."""

    def __init__(
        self,
        model: Module,
        loss: LossFn,
        optimizer: Optimizer,
        clip: float | None,
        l1: float,
        l2: float,
        compiled: bool = False,
        exact: bool = False,
    ) -> None:
        self.model, self.loss, self.optimizer, self.clip = model, loss, optimizer, clip
        self.l1, self.l2, self.watch = l1, l2, Watch()
        self.last_batch: tuple[list[Any], list[Any]] = [], []
        named = list(model.named_parameters())
        self.params = [p for _, p in named]
        self.buffers = [(m, a) for _, m in model.named_modules() for a in m.buffer_names]
        self.weights = [p for name, p in named if _is_weight(name)]
        layers = model.layers if isinstance(model, MLP) else [model]
        self.groups = [layer.parameters() for layer in layers]
        why = why_not_compiled(model, loss) if compiled else ""
        if why:
            warn_engine(why)
        use = compiled and not why
        self.compiled = CompiledObjective(model, self.objective, exact) if use else None
        numpy = arrays_for(optimizer, self.compiled.params) if self.compiled else None
        self.arrays = ArrayBatch(numpy, self.compiled.params, self.groups, optimizer, clip
                                 ) if self.compiled and numpy else None  # fmt: skip

    def objective(self, xb: list[Any], yb: list[Any]) -> tuple[Value, list[Any]]:
        """L = loss(outputs, y) + l1 sum |w| + l2 sum w^2, and the outputs."""
        outputs = self.model.forward_batch(xb)
        total = self.loss(outputs, yb)
        if self.l1:
            total = total + self.l1 * l1_penalty(self.weights)
        if self.l2:
            total = total + self.l2 * l2_penalty(self.weights)
        return total, outputs

    def epoch(self, data: Batches, n: int, history: History) -> None:
        """One pass over ``data`` (``n`` examples): per batch, backward, clip, step."""
        start, loss_sum = time.perf_counter(), 0.0
        correct: int | None = 0
        norms: list[list[float]] = []
        if self.arrays is not None and self.compiled is not None:
            self.arrays.begin(self.compiled.step)
        for xb, yb in data:
            arrays = self.arrays
            if self.compiled is not None:  # the same numbers, from generated code
                loss, outputs, grads = self.compiled.run(xb, yb)
                why = self.compiled.fallback()
                if why:
                    warn_engine(why)
                    if arrays is not None:
                        arrays.stop(self.compiled.step, grads)
                    self.compiled = self.arrays = arrays = None
            else:
                total, outputs = self.objective(xb, yb)
                self.model.zero_grad()
                total.backward()
                loss = total.data
            self.watch.loss(loss)
            if arrays is not None:  # norms, clipping and the update on arrays
                norms.append(arrays.norms(grads))
                self.watch.gradient(norms[-1][0])
                arrays.update(norms[-1][0])
            else:
                norms.append([grad_norm(self.optimizer.params), *map(grad_norm, self.groups)])
                self.watch.gradient(norms[-1][0])
                if self.clip is not None:
                    clip_grad_norm(self.optimizer.params, self.clip)
                self.optimizer.step()
            self.last_batch = xb, yb
            hits = count_correct(outputs, yb, self.loss)
            correct = None if hits is None or correct is None else correct + hits
            loss_sum += loss * len(xb)
        if self.arrays is not None:
            self.arrays.finish()  # the Values hold the epoch's numbers before any callback
        means = [math.fsum(column) / len(norms) for column in zip(*norms, strict=True)]
        history.loss.append(loss_sum / n)
        history.accuracy.append(None if correct is None else correct / n)
        history.lr.append(self.optimizer.lr)
        history.grad_norm.append(means[0])
        history.layer_grad_norms.append(means[1:])
        history.seconds.append(time.perf_counter() - start)
        history.backend = self.compiled.backend if self.compiled is not None else "engine"

    def check_last_update(self) -> None:
        """The loss on the epoch's last batch at the parameters its update gave (in eval mode),
        checked as every batch's loss is (Diverging, or the op's OverflowError or ValueError)."""
        self.model.eval()  # no side effects: batch norm's statistics and dropout's draws stay
        try:
            with no_grad():
                loss = self.objective(*self.last_batch)[0].data
        finally:
            self.model.train()
        self.watch.loss(loss)


def _stop_reason(
    history: History, tol: float | None, callbacks: Sequence[Callback], last: bool
) -> str:
    epoch, loss = history.epochs - 1, history.loss[-1]
    if tol is not None and loss <= tol:
        return "tol"
    stops = [cb(epoch, history) is True for cb in callbacks]  # every callback sees every epoch
    return "callback" if any(stops) else "max_epochs" if last else ""


def _epoch_or_stop(
    trainer: _Trainer, data: Batches, n: int, history: History, stop: Callable[[], str]
) -> str:
    """One epoch and ``stop()``'s verdict on it. Where training stops, the loss is checked
    once more after the last update, which no batch of the epoch saw. If the epoch diverges
    (or an op in the loss fails once the weights have moved), the parameters, buffers and
    optimizer state from before it come back and DivergenceError is raised."""
    values = [p.data for p in trainer.params]  # floats, not a state_dict() walk per epoch
    buffers = [list(getattr(m, attr)) for m, attr in trainer.buffers]
    state = trainer.optimizer.state_dict()
    epochs, steps = history.epochs, trainer.optimizer.steps
    try:
        trainer.epoch(data, n, history)
        stopped = stop()
        if stopped:
            trainer.check_last_update()
        return stopped
    except (Diverging, ArithmeticError, ValueError) as err:
        if isinstance(err, ValueError) and trainer.optimizer.steps == steps and not epochs:
            raise  # the first batch's own error (bad targets, say): nothing has diverged
        for p, v in zip(trainer.params, values, strict=True):
            p.data = v
        for (m, attr), saved in zip(trainer.buffers, buffers, strict=True):
            getattr(m, attr)[:] = saved
        trainer.optimizer.load_state_dict(state)
        history.truncate(epochs)
        history.stopped = "diverged"
        reason = str(err) if isinstance(err, Diverging) else f"{_what(err)} ({err})"
        raise DivergenceError(reason, history.epochs, history, trainer.optimizer.lr) from None


def _what(err: Exception) -> str:
    return "an overflow" if isinstance(err, OverflowError) else "an op of the loss failed"


def _progress_bar(epochs: int, progress: bool | None) -> Any:
    if progress is False or (progress is None and not sys.stderr.isatty()):
        return None
    try:
        from tqdm import tqdm  # optional (the viz extra); imported only when a bar is drawn
    except ImportError:
        if progress is None:
            return None  # automatic: no bar without tqdm
        raise ImportError("fit(progress=True) needs tqdm: pip install 'chainrule[viz]'") from None
    return tqdm(total=epochs, unit="epoch")


def fit(
    model: Module,
    X: Data,  # noqa: N803 (the usual name for the inputs)
    y: Data,
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
    compile: bool = True,
    exact: bool = False,
) -> History:
    """Train ``model`` on ``(X, y)`` by gradient descent: per batch, L = loss(outputs, y)
    (+ l1 sum|w| + l2 sum w^2 over the weights, not biases nor BatchNorm's gamma and beta),
    backward, then ``optimizer.step()`` (default SGD, eta = 0.1), which does w <- w - eta dL/dw.

    Stops when an epoch's loss is <= ``tol`` or after ``epochs`` epochs. ``batch_size`` None
    is full-batch, k mini-batch, 1 stochastic. ``schedule`` sets eta per epoch, ``clip`` caps
    the gradient norm, ``seed`` fixes the batch shuffling, and a callback
    ``cb(epoch, history)`` returning True stops training. ``progress`` None shows a tqdm bar
    only when stderr is a terminal. ``compile`` replays each batch size's traced step as
    generated code (``nn.compiled``) when the model allows: with numpy installed as arrays
    (the tensor back end, its sums in BLAS's order: within 1e-11 of the engine's numbers, or
    bit for bit with ``exact=True``), else as generated Python, bit for bit;
    ``compile=False`` runs the engine. ``History.backend`` says which ran.

    A loss that stops being finite or explodes raises ``DivergenceError`` (see
    ``nn.divergence``), naming the epoch and the remedies; the model is left with its
    parameters from the end of the last complete epoch, whose history the error carries.
    """
    X, y = check_samples(X, y, getattr(model, "nin", None), "fit")  # noqa: N806
    optimizer = optimizer or SGD(model.parameters(), lr=0.1)
    trainer = _Trainer(model, loss, optimizer, clip, l1, l2, compile, exact)
    history = History()
    if trainer.compiled is not None:
        trainer.compiled.check_targets(X, y, loss)
    rng, base_lr, bar = random.Random(seed), optimizer.lr, _progress_bar(epochs, progress)
    model.train()
    try:
        for epoch in range(epochs):
            if schedule is not None:
                optimizer.lr = schedule(epoch, base_lr)
            data = batches(X, y, batch_size, shuffle=batch_size is not None, seed=rng)
            stop = functools.partial(_stop_reason, history, tol, callbacks, epoch == epochs - 1)
            history.stopped = _epoch_or_stop(trainer, data, len(X), history, stop)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{history.loss[-1]:.4g}")
            if history.stopped:
                break
        history.stopped = history.stopped or "max_epochs"  # (epochs=0)
    finally:
        if bar is not None:
            bar.close()
    return history
