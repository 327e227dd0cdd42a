"""A training run of the command: its data, model and results, read by every output."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import nn


@dataclass(frozen=True)
class TestClasses:
    """The test set's true and predicted classes, ``confusion[t][p]`` and per-class accuracy
    (``chainrule.classes`` computes them)."""

    truths: list[int]
    predictions: list[int]
    confusion: list[list[int]]
    per_class: list[float | None]


@dataclass
class Run:
    """A training run's data, model and results."""

    args: argparse.Namespace
    X_train: list[list[float]]
    X_test: list[list[float]]
    y_train: list[Any]
    y_test: list[Any]
    model: nn.MLP
    threshold: float  # an output above it predicts class 1
    lr: float
    loss: Callable[..., Any]  # outputs, targets -> the loss Value
    history: nn.History = field(default_factory=nn.History)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float | None] = field(default_factory=list)
    seconds: float = 0.0
    test_classes: TestClasses | None = None  # once computed
