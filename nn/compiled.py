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
    """A model's batch objective as a compiled step that writes the parameters' ``.grad``."""

    def __init__(self, model: Module, objective: Objective) -> None:
        self.model = model
        self.step = compile_step(objective, model.parameters(), warn=False,
                                 key=lambda: model.training, eager=objective)  # fmt: skip

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

    def run(self, xb: list[Any], yb: list[Any]) -> tuple[float, list[Any]]:
        """Zero the gradients, run the batch, add its gradients into ``.grad``; the loss and
        the model's outputs (as leaf Values, for accuracy)."""
        for p in self.step.params:  # the model's parameters, listed once (zero_grad walks it)
            p.grad = 0.0
        loss, outputs = self.step.backward(xb, yb)
        return loss, _regroup(outputs, self.step.output_nesting)


def _regroup(flat: list[float], nesting: Any) -> list[Any]:
    """The flat output numbers in the model's shape: a Value per example, or a list."""
    grouped: list[Any] = []
    i = 0
    for item in nesting:
        if item is None:
            grouped.append(Value(flat[i]))
            i += 1
        else:
            grouped.append([Value(f) for f in flat[i : i + len(item)]])
            i += len(item)
    return grouped
