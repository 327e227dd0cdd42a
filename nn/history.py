"""What a training run records, epoch by epoch (``fit`` fills it; a divergence carries it)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass
class History:
    """Per-epoch records: the loss (batch losses averaged, weighted by batch size), accuracy
    on the examples as seen during the epoch (None for regression targets), learning rate,
    gradient norm ||g|| and per-layer gradient norms (means over the epoch's batches, before
    clipping) and wall-clock seconds. ``stopped`` says why training ended: ``"tol"``,
    ``"max_epochs"``, ``"callback"``, or ``"diverged"`` (in ``DivergenceError.history``);
    ``backend`` what ran the last epoch's steps (``"engine"``, ``"tensor"``, ``"rolled"``...)."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    layer_grad_norms: list[list[float]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    stopped: str = ""
    backend: str = "engine"  # what ran the steps: the engine or a compiled back end

    @property
    def epochs(self) -> int:
        """How many epochs ran."""
        return len(self.loss)

    def truncate(self, epochs: int) -> None:
        """Keep the first ``epochs`` epochs of every per-epoch column."""
        for column in fields(self):
            value = getattr(self, column.name)
            if isinstance(value, list):
                del value[epochs:]
