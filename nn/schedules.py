"""Learning-rate schedules: eta as a function of the epoch.

A schedule is called as ``schedule(epoch, base_lr)`` (epochs count from 0) and returns the
learning rate for that epoch; ``fit(..., schedule=...)`` sets ``optimizer.lr`` from it at the
start of every epoch. ``LinearWarmup`` wraps any other schedule, so they compose:
``LinearWarmup(5, CosineAnnealingLR(95))``.
"""

from __future__ import annotations

import math
from typing import Protocol


class Schedule(Protocol):
    """Anything called as ``schedule(epoch, base_lr) -> lr``."""

    def __call__(self, epoch: int, base_lr: float) -> float: ...


def _check_epoch(epoch: int) -> int:
    if epoch < 0:
        raise ValueError(f"epoch must be >= 0, got {epoch}")
    return epoch


class ConstantLR:
    """eta_t = eta_0."""

    def __call__(self, epoch: int, base_lr: float) -> float:
        _check_epoch(epoch)
        return base_lr


class StepLR:
    """eta_t = eta_0 gamma^floor(t / step_size): drop by ``gamma`` every ``step_size`` epochs."""

    def __init__(self, step_size: int, gamma: float = 0.1) -> None:
        if step_size < 1:
            raise ValueError(f"step_size must be >= 1, got {step_size}")
        self.step_size, self.gamma = step_size, gamma

    def __call__(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma ** (_check_epoch(epoch) // self.step_size)


class ExponentialLR:
    """eta_t = eta_0 gamma^t."""

    def __init__(self, gamma: float) -> None:
        self.gamma = gamma

    def __call__(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma ** _check_epoch(epoch)


class CosineAnnealingLR:
    """eta_t = eta_min + (eta_0 - eta_min)(1 + cos(pi t / T_max)) / 2, then eta_min after T_max."""

    def __init__(self, T_max: int, eta_min: float = 0.0) -> None:  # noqa: N803 (PyTorch's name)
        if T_max < 1:
            raise ValueError(f"T_max must be >= 1, got {T_max}")
        self.T_max, self.eta_min = T_max, eta_min

    def __call__(self, epoch: int, base_lr: float) -> float:
        t = min(_check_epoch(epoch), self.T_max)
        return (
            self.eta_min + (base_lr - self.eta_min) * (1.0 + math.cos(math.pi * t / self.T_max)) / 2
        )


class LinearWarmup:
    """Ramp linearly up to eta_0 over the first ``warmup_epochs`` (W) epochs, then follow
    ``after`` (constant by default) with its epochs counted from the end of the warm-up:
    eta_t = eta_0 (f + (1 - f)(t + 1) / W) for t < W, else after(t - W, eta_0), where
    f = ``start_factor``; so no epoch is wasted at eta = 0 and epoch W - 1 reaches eta_0."""

    def __init__(
        self, warmup_epochs: int, after: Schedule | None = None, start_factor: float = 0.0
    ) -> None:
        if warmup_epochs < 1:
            raise ValueError(f"warmup_epochs must be >= 1, got {warmup_epochs}")
        self.warmup_epochs, self.start_factor = warmup_epochs, start_factor
        self.after: Schedule = after if after is not None else ConstantLR()

    def __call__(self, epoch: int, base_lr: float) -> float:
        t, w, f = _check_epoch(epoch), self.warmup_epochs, self.start_factor
        if t < w:
            return base_lr * (f + (1.0 - f) * (t + 1) / w)
        return self.after(t - w, base_lr)
