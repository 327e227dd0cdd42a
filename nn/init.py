"""Weight initialisation: how the first w are drawn, which decides whether signals (and their
gradients) keep their size through many layers.

Each scheme is a function ``(fan_in, fan_out, rng) -> float`` drawing one weight with a
private ``random.Random``, so a seeded model never touches the global random state. Biases
start at 0 in every scheme.

- ``uniform``: micrograd's U(-1, 1), whatever the layer size.
- ``xavier_uniform`` / ``xavier_normal`` (Glorot): Var(w) = 2 / (fan_in + fan_out), which keeps
  the variance of a and of delta about constant for tanh and sigmoid layers.
- ``he_uniform`` / ``he_normal`` (Kaiming): Var(w) = 2 / fan_in, compensating for ReLU zeroing
  half of its inputs.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

Initializer = Callable[[int, int, random.Random], float]


def uniform(fan_in: int, fan_out: int, rng: random.Random) -> float:
    """w ~ U(-1, 1) (micrograd's choice)."""
    return rng.uniform(-1.0, 1.0)


def xavier_uniform(fan_in: int, fan_out: int, rng: random.Random) -> float:
    """w ~ U(-r, r), r = sqrt(6 / (fan_in + fan_out))."""
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound)


def xavier_normal(fan_in: int, fan_out: int, rng: random.Random) -> float:
    """w ~ N(0, 2 / (fan_in + fan_out))."""
    return rng.gauss(0.0, math.sqrt(2.0 / (fan_in + fan_out)))


def he_uniform(fan_in: int, fan_out: int, rng: random.Random) -> float:
    """w ~ U(-r, r), r = sqrt(6 / fan_in)."""
    bound = math.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound)


def he_normal(fan_in: int, fan_out: int, rng: random.Random) -> float:
    """w ~ N(0, 2 / fan_in)."""
    return rng.gauss(0.0, math.sqrt(2.0 / fan_in))


INITIALIZERS: dict[str, Initializer] = {
    "uniform": uniform,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "glorot_uniform": xavier_uniform,
    "glorot_normal": xavier_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "kaiming_uniform": he_uniform,
    "kaiming_normal": he_normal,
}


def get_initializer(init: str | Initializer | None, activation: str) -> Initializer:
    """The scheme named ``init``; ``None`` picks He for (leaky) ReLU layers, Xavier otherwise."""
    if init is None:
        return he_uniform if activation in ("relu", "leaky_relu") else xavier_uniform
    if callable(init):
        return init
    if init not in INITIALIZERS:
        raise ValueError(f"unknown init {init!r}: choose one of {', '.join(INITIALIZERS)}")
    return INITIALIZERS[init]
