"""Random restarts: train the same architecture from several seeds and keep the best.

Gradient descent finds a minimum near where it starts; which one depends on the initial
weights. Training from several random initialisations and keeping the run with the lowest
final loss is the classic cure for bad local minima (and for unlucky starts in general).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Value
from nn.history import History
from nn.module import Module
from nn.optim import Optimizer
from nn.train import fit


@dataclass
class Run:
    """One training run: its seed, the trained model and its History."""

    seed: int
    model: Module
    history: History

    @property
    def final_loss(self) -> float:
        """The loss of the last epoch."""
        return self.history.loss[-1]


@dataclass
class Restarts:
    """Every run, in the order of ``seeds``, and the best (lowest final loss; the first
    seed wins a tie)."""

    runs: list[Run]
    best: Run

    @property
    def final_losses(self) -> list[float]:
        """Each run's final loss, in the order of ``seeds``."""
        return [run.final_loss for run in self.runs]


def random_restarts(
    make_model: Callable[[int], Module],
    seeds: Sequence[int],
    X: Sequence[Any],  # noqa: N803 (the usual name for the inputs)
    y: Sequence[Any],
    make_optimizer: Callable[[list[Value]], Optimizer] | None = None,
    **fit_kwargs: Any,
) -> Restarts:
    """Train ``make_model(seed)`` on ``(X, y)`` with ``nn.fit(**fit_kwargs)`` for each seed
    and return all runs and the best by final loss.

    Each run gets a fresh optimizer, ``make_optimizer(model.parameters())`` (default: fit's
    SGD), and, unless ``fit_kwargs`` sets one, ``seed`` also fixes fit's batch shuffling.
    A run that fails (a loss or gradient that stops being finite) raises fit's error with
    the seed in front.
    """
    if not seeds:
        raise ValueError("random_restarts needs at least one seed")
    if "optimizer" in fit_kwargs:
        raise TypeError(
            "random_restarts trains a fresh model per seed, so one optimizer cannot serve them "
            "all: pass make_optimizer=lambda params: nn.Adam(params, lr=...) instead"
        )
    runs = []
    for seed in seeds:
        model = make_model(seed)
        optimizer = make_optimizer(model.parameters()) if make_optimizer else None
        kwargs = {"seed": seed, **fit_kwargs}
        try:
            history = fit(model, X, y, optimizer=optimizer, **kwargs)
        except (ArithmeticError, ValueError) as err:  # diverged: say which seed did it
            raise type(err)(f"random_restarts, seed {seed}: {err}") from err
        runs.append(Run(seed, model, history))
    return Restarts(runs, min(runs, key=lambda run: run.final_loss))
