"""One SGD step of micrograd's demo: MLP(2, [16, 16, 1]) on 100 moons points.

Hinge loss ``mean(relu(1 - y score)) + 1e-4 sum(p^2)``, then ``p -= eta grad``. Every engine
starts from the same seeded weights; plain floats run the forward pass (and loss) only.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable
from typing import Any

import micrograd.nn

import autograd
import nn

SIZES = (2, 16, 16, 1)
ALPHA, ETA = 1e-4, 0.1
Layer = tuple[list[list[float]], list[float]]  # (rows of weights, biases)


def moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Two interleaved half circles (scikit-learn's make_moons), labels -1 and +1."""
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        t = math.pi * rng.random()
        upper = i % 2 == 0
        x, y = (math.cos(t), math.sin(t)) if upper else (1 - math.cos(t), 0.5 - math.sin(t))
        xs.append([x + rng.gauss(0, noise), y + rng.gauss(0, noise)])
        ys.append(-1.0 if upper else 1.0)
    return xs, ys


def initial_weights(seed: int = 1) -> list[Layer]:
    rng = random.Random(seed)
    return [
        ([[rng.uniform(-1, 1) for _ in range(nin)] for _ in range(nout)],
         [rng.uniform(-0.1, 0.1) for _ in range(nout)])
        for nin, nout in itertools.pairwise(SIZES)
    ]  # fmt: skip


def flat(weights: list[Layer]) -> list[float]:
    """Parameters in micrograd's order: layer by layer, each neuron's weights then bias."""
    return [v for rows, bs in weights for row, b in zip(rows, bs, strict=True) for v in (*row, b)]


# plain floats: the forward pass and the loss, nothing else
def float_step(state: Any) -> tuple[float, list[float]]:
    weights, xs, ys = state
    losses = []
    for x, y in zip(xs, ys, strict=True):
        for i, (rows, bs) in enumerate(weights):
            zs = [
                sum([w * xi for w, xi in zip(row, x, strict=True)]) + b
                for row, b in zip(rows, bs, strict=True)
            ]
            x = zs if i == len(weights) - 1 else [z if z > 0.0 else 0.0 for z in zs]
        losses.append(max(0.0, 1.0 - y * x[0]))
    return sum(losses) / len(losses) + ALPHA * sum([p * p for p in flat(weights)]), []


# micrograd: its own MLP and the demo's loss, verbatim in style
def micrograd_prepare(weights: list[Layer], data: Any) -> Any:
    model = micrograd.nn.MLP(SIZES[0], list(SIZES[1:]))
    for p, v in zip(model.parameters(), flat(weights), strict=True):
        p.data = v
    return model, *data


def micrograd_step(state: Any) -> tuple[float, list[float]]:
    model, xs, ys = state
    inputs = [list(map(micrograd.engine.Value, x)) for x in xs]
    scores = list(map(model, inputs))
    losses = [(1 + -y * s).relu() for y, s in zip(ys, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    total = data_loss + reg_loss
    model.zero_grad()
    total.backward()
    grads = [p.grad for p in model.parameters()]
    for p in model.parameters():
        p.data -= ETA * p.grad
    return total.data, grads


# chainrule: nn.MLP (each neuron z = dot(w, x, b), then a = relu(z)), the sums one node each
def chainrule_prepare(weights: list[Layer], data: Any) -> Any:
    model = nn.MLP(SIZES[0], list(SIZES[1:]), activation="relu", seed=0)
    params = model.parameters()
    for p, v in zip(params, flat(weights), strict=True):
        p.data = v
    return model, params, *data


def chainrule_step(state: Any) -> tuple[float, list[float]]:
    model, params, xs, ys = state
    scores = [model(list(map(autograd.Value, x))) for x in xs]
    losses = [(1.0 - y * s).relu() for y, s in zip(ys, scores, strict=True)]
    total = autograd.vsum(losses) * (1.0 / len(losses)) + ALPHA * autograd.dot(params, params)
    for p in params:
        p.grad = 0.0
    total.backward()
    grads = [p.grad for p in params]
    for p in params:
        p.data -= ETA * p.grad
    return total.data, grads


def engines() -> dict[str, tuple[Callable[[], Any], Callable[[Any], Any]]]:
    weights, data = initial_weights(), moons()
    return {
        "floats": (lambda: (weights, *data), float_step),
        "micrograd": (lambda: micrograd_prepare(weights, data), micrograd_step),
        "chainrule": (lambda: chainrule_prepare(weights, data), chainrule_step),
    }
