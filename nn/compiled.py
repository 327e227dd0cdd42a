"""Training batches through a compiled step (``autograd.compile_step``) instead of the engine.

``nn.fit`` uses it by default when the model allows: the whole objective of a batch (the
model's outputs, the loss, the penalties) is traced once per batch size, the targets as
inputs beside the examples, and replayed on floats, with the same numbers as the engine bit
for bit. Models whose training-mode graph depends on more than the inputs are left to the
engine: dropout draws a new mask every step and batch norm updates its running statistics.
A loss that reads numbers while building its graph is detected by the trace and runs on the
engine too. Every built-in loss compiles: cross-entropy's ``logsumexp`` and binary
cross-entropy's held logarithms are rows of the table, so neither reads a number.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, compile_step, no_grad
from autograd.compiler import EagerFallbackWarning
from nn.batchnorm import BatchNorm
from nn.layers import Dropout
from nn.losses import LossFn
from nn.module import Module

Objective = Callable[[list[Any], list[Any]], tuple[Value, list[Any]]]


def why_not_compiled(model: Module, loss: LossFn | None = None) -> str:
    """Why the model's training step cannot be compiled, or ``""`` when nothing in the model
    stops it. Any loss may be tried: the trace gives it the targets as Values, and a loss that
    reads a number (``.data``) or treats a Value target otherwise than a number (``y == 1``)
    is caught on the first batch and left to the engine (``fit`` warns, naming why)."""
    for name, module in model.named_modules():
        where = f" {name}" if name else ""
        if module.training and isinstance(module, Dropout) and module.p > 0.0:
            return f"dropout{where} draws a new mask every step (call model.eval() to compile)"
        if module.training and isinstance(module, BatchNorm):
            return f"batch norm{where} updates its running statistics every step"
    return ""


def warn_engine(why: str) -> None:
    """The one warning ``fit(compile=True)`` gives when it trains on the engine instead."""
    warnings.warn(
        f"fit trains on the engine, not compiled (the same numbers, more slowly): {why}; "
        "fit(compile=False) says you meant it",
        EagerFallbackWarning,
        stacklevel=4,
    )


class CompiledObjective:
    """A model's batch objective as a compiled step that writes the parameters' ``.grad``.

    With numpy installed the step is the tensor back end where the batch rolls (``exact``:
    bit for bit with the engine, else within its tolerance), and ``arrays_for`` lets the
    trainer keep the gradients as one array for the norms, the clipping and the optimizer."""

    def __init__(self, model: Module, objective: Objective, exact: bool = False) -> None:
        self.model = model
        self.params = model.parameters()
        self.step = compile_step(objective, self.params, warn=False, exact=exact,
                                 key=lambda: model.training, eager=objective)  # fmt: skip

    @property
    def backend(self) -> str:
        """The back end of the latest batch: ``engine`` once the step gave up."""
        last = self.step.last
        return "engine" if self.step.eager_only or last is None else last.backend

    def check_targets(self, X: Sequence[Any], y: Sequence[Any], loss: LossFn) -> None:  # noqa: N803
        """Let the loss check every target once (the traced loss sees them as Values)."""
        with no_grad():
            out = self.model(X[0])
        blank = Value(0.0) if isinstance(out, Value) else [Value(0.0) for _ in out]
        loss([blank] * len(y), y)

    def fallback(self) -> str:
        """Why the step gave up and runs the engine, with what to do about it; ``""`` while
        it compiles."""
        why = self.step.eager_only
        if not why:
            return ""
        by_numbers = "reads .data" in why or "are numbers" in why
        fix = "write it with Value operations only (no .data, no if on a number)"
        return f"{why}; to compile, {fix if by_numbers else 'report it as a bug'}"

    def run(self, xb: Any, yb: Any) -> tuple[float, list[Any], list[float]]:
        """Run the batch and set each parameter's ``.grad`` to its gradient (what zeroing
        and ``backward()`` leave); the loss, the model's outputs as floats (for accuracy),
        and the gradients."""
        loss, grads, outputs = self.step(xb, yb)
        if self.step.numbers is None:  # no array of the numbers: the Values hold the grads
            for p, g in zip(self.params, grads, strict=True):
                p.grad = g
        return loss, _regroup(outputs, self.step.output_nesting), grads


def arrays_for(optimizer: Any, params: list[Value]) -> Any:
    """numpy, when the optimizer is one of nn's own over exactly ``params`` and numpy is
    installed (its update then runs on arrays, with the same numbers); else None."""
    from nn import optim

    kind = type(optimizer)
    own = kind.__module__ == optim.__name__ and kind.step is optim.Optimizer.step
    if not own or optimizer.params != params:
        return None
    try:
        import numpy
    except ImportError:
        return None
    return numpy


def _regroup(flat: list[float], nesting: Any) -> list[Any]:
    """The flat output numbers in the model's shape: a float per example, or a list."""
    grouped: list[Any] = []
    i = 0
    for item in nesting:
        if item is None:
            grouped.append(flat[i])
            i += 1
        else:
            grouped.append(flat[i : i + len(item)])
            i += len(item)
    return grouped


class ArrayBatch:
    """During an epoch the parameters' numbers live in one float64 array, and each batch's
    gradients in another: the norms, the clipping and the optimizer's update run on them with
    the same arithmetic as ``nn.optim`` on Values; the numbers go back into the parameters'
    ``.data`` and ``.grad`` when the epoch ends (before any callback) or the engine runs."""

    def __init__(
        self, np: Any, params: list[Value], groups: list[list[Value]], optimizer: Any,
        clip: float | None,
    ) -> None:  # fmt: skip
        place = {id(p): i for i, p in enumerate(params)}
        self.np, self.params, self.optimizer, self.clip = np, params, optimizer, clip
        self.groups = [np.array([place[id(p)] for p in g], dtype=np.int64) for g in groups]
        self.grads: Any = None
        self.numbers: Any = None  # the parameters' numbers during an epoch, else None

    def begin(self, step: Any) -> None:
        """An epoch starts: the parameters' numbers into one array, which the step reads."""
        self.numbers = self.np.array([p.data for p in self.params], dtype=float)
        step.numbers, step.sync = (lambda: self.numbers), self.finish

    def stop(self, step: Any, grads: list[float]) -> None:
        """The step went to the engine for good: the Values hold the numbers from now on."""
        self.finish()
        step.numbers = step.sync = self.numbers = self.grads = None
        for p, g in zip(self.params, grads, strict=True):
            p.grad = g

    def finish(self) -> None:
        """Write the numbers and the latest gradients back into the Values (at the end of
        an epoch, before callbacks, and before the engine runs a step)."""
        if self.numbers is not None:
            for p, data in zip(self.params, self.numbers.tolist(), strict=True):
                p.data = data
        if self.grads is not None:
            for p, grad in zip(self.params, self.grads.tolist(), strict=True):
                p.grad = grad

    def norms(self, grads: list[float]) -> list[float]:
        """||g|| of every parameter, then of each group's (each sum correctly rounded)."""
        from nn.optim import root_sum

        g = self.grads = self.np.array(grads, dtype=float)
        squares = g * g
        return [root_sum(squares.tolist()), *(root_sum(squares[i].tolist()) for i in self.groups)]

    def update(self, norm: float) -> None:
        """Clip (given the norm before clipping), step, and write the numbers back."""
        from nn.optim import clip_scale

        g = self.grads
        scale = None if self.clip is None else clip_scale(norm, self.clip)
        if scale is not None:
            self.grads = g = g * scale
        self.optimizer.step_arrays(self.numbers, g)
