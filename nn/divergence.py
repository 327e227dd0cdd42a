"""Telling when training diverges, and stopping there with what was learned so far.

Gradient descent with too large a step overshoots the minimum by more each time: the loss
grows geometrically until it overflows. ``fit`` watches every batch and stops at the first

- loss that is not finite (NaN or infinity), or an overflow inside the forward or backward
  pass;
- loss that has exploded: above ``EXPLODING`` times the first batch's loss (or times 1, if
  that was smaller), a growth no converging run shows;
- gradient whose norm is not finite,

before that batch's update, so the parameters are never overwritten with non-finite numbers.
The last update, which no batch sees, is checked by one more loss on the last batch when
training stops; an error from an op of the loss (``log`` of a negative number, say) once the
weights have moved counts as divergence too. fit then restores the parameters, buffers and
optimizer state (its step count, Adam's moments) of the end of the last complete epoch and
raises ``DivergenceError``, which carries the history of the epochs before.

Why an error rather than a flag in ``History``: a flag is silent, and silence is what let a
run reach a loss of 1e248 unnoticed. The error is a ``FloatingPointError`` (an
``ArithmeticError``), so code that caught fit's earlier overflow errors catches it too, and
its ``history`` keeps everything a flag would have.
"""

from __future__ import annotations

import math

from nn.history import History

EXPLODING = 1e6


class DivergenceError(FloatingPointError):
    """``fit`` stopped because the loss stopped being finite or exploded. ``reason`` says
    what happened, ``epoch`` in which epoch (counting from 0, as callbacks do), and ``history``
    holds the complete epochs before it (``history.stopped == "diverged"``); the model keeps
    its parameters from the end of the last of those."""

    def __init__(self, reason: str, epoch: int, history: History, lr: float) -> None:
        kept = (
            f"the model keeps its parameters from the end of epoch {epoch - 1}"
            if epoch
            else "the model keeps its initial parameters"
        )
        super().__init__(
            f"fit: training diverged at epoch {epoch}: {reason}; {kept} and the history of the "
            f"{epoch} epoch(s) before. Remedies: a smaller learning rate (lr is {lr:g}; try "
            f"{lr / 10:g}), gradient clipping (fit(..., clip=1.0)), a schedule with warm-up, "
            "or inputs scaled to about [-1, 1]"
        )
        self.reason, self.epoch, self.history = reason, epoch, history


class Diverging(Exception):  # noqa: N818 (a signal inside fit, never seen outside it)
    """Raised by ``Watch`` inside an epoch; ``fit`` turns it into ``DivergenceError``."""


class Watch:
    """The checks on each batch; ``reference`` is the first batch's loss."""

    def __init__(self) -> None:
        self.reference: float | None = None

    def loss(self, loss: float) -> None:
        if not math.isfinite(loss):
            raise Diverging(f"the loss became {loss}")
        if self.reference is None:
            self.reference = loss
        limit = EXPLODING * max(self.reference, 1.0)
        if loss > limit:
            raise Diverging(
                f"the loss grew to {loss:.3g}, over {EXPLODING:g} times the first batch's "
                f"{self.reference:.3g}"
            )

    def gradient(self, norm: float) -> None:
        if not math.isfinite(norm):
            raise Diverging(f"the gradient's norm became {norm}")
