"""Training batches through a compiled step (``autograd.compile_step``) instead of the engine.

``nn.fit`` uses it by default when the model allows: the whole objective of a batch (the
model's outputs, the loss, the penalties) is traced once per batch size, the targets as
inputs beside the examples, and replayed on floats, with the same numbers as the engine bit
for bit. Models whose training-mode graph depends on more than the inputs are left to the
engine: dropout draws a new mask every step and batch norm updates its running statistics.
A loss that reads numbers while building its graph (binary cross-entropy on probabilities
clamps its logarithm, cross-entropy shifts by the largest logit) is detected by the trace
and runs on the engine too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, compile_step, no_grad
from nn.batchnorm import BatchNorm
from nn.layers import Dropout
from nn.losses import LossFn
from nn.module import Module

Objective = Callable[[list[Any], list[Any]], tuple[Value, list[Any]]]


def why_not_compiled(model: Module, loss: LossFn | None = None) -> str:
    """Why the model's training step cannot be compiled, or ``""`` when it can. The trace
    gives the loss its targets as Values: nn's own losses treat them as numbers do, but a loss
    of your own might compare them (``y == 1`` is never true of a Value), so it runs on the
    engine."""
    if loss is not None and getattr(loss, "__module__", None) != "nn.losses":
        return f"the loss {getattr(loss, '__name__', repr(loss))} is not one of nn.losses"
    for name, module in model.named_modules():
        if module.training and isinstance(module, Dropout) and module.p > 0.0:
            return f"dropout {name or ''} draws a new mask every step".replace("  ", " ")
        if module.training and isinstance(module, BatchNorm):
            return f"batch norm {name or ''} updates its running statistics".replace("  ", " ")
    return ""


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

    def run(self, xb: list[Any], yb: list[Any]) -> tuple[float, list[Any]]:
        """Zero the gradients, run the batch, add its gradients into ``.grad``; the loss and
        the model's outputs (as leaf Values, for accuracy)."""
        self.model.zero_grad()
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
