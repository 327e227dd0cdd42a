"""Toy data sets, generated (no downloads, no numpy), a real one (``load_digits``), and
batching.

Every generator returns ``(X, y)``: ``X`` a list of points (lists of floats), ``y`` a list of
int class labels 0, 1, ... Each takes a ``seed`` for a private ``random.Random``, so the
same seed gives the same data and the global random state is never touched. For the hinge
loss, which wants labels -1 and +1, use ``signed(y)``. ``batches`` and ``train_test_split``
take lists or numpy arrays and give lists.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from operator import index
from typing import TypeVar

from nn.digits import load_digits as load_digits
from nn.inputs import plain

Point = list[float]
Dataset = tuple[list[Point], list[int]]
T = TypeVar("T")
U = TypeVar("U")
Seed = int | random.Random | None


def _rng(seed: Seed) -> random.Random:
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def _check_n(n: int, least: int = 1, what: str = "the number of points") -> int:
    """``n`` as an int (a numpy integer too), at least ``least``; else an error naming it."""
    try:
        count = index(n) if not isinstance(n, bool) else None
    except TypeError:
        count = None
    if count is None or count < least:
        raise ValueError(f"{what} must be an int >= {least}, got {n!r}")
    return count


def _shuffled(points: list[Point], labels: list[int], rng: random.Random) -> Dataset:
    order = list(range(len(points)))
    rng.shuffle(order)
    return [points[i] for i in order], [labels[i] for i in order]


def signed(y: Sequence[int]) -> list[float]:
    """Labels 0/1 as -1.0/+1.0 (for ``hinge_loss``); a list or an array."""
    return [2.0 * t - 1.0 for t in plain(y)]


XOR_POINTS = ([0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0])


def make_xor(n: int = 4, noise: float = 0.0, seed: Seed = None) -> Dataset:
    """XOR: y = x1 xor x2 at the corners of the unit square. The defaults give the four
    corners in order; ``n`` points cycle through them, each moved by Gaussian noise of std
    ``noise``."""
    rng, n = _rng(seed), _check_n(n)
    points = [
        [c + rng.gauss(0, noise) if noise else c for c in XOR_POINTS[i % 4]] for i in range(n)
    ]
    return points, [(0, 1, 1, 0)[i % 4] for i in range(n)]


def make_moons(n: int = 100, noise: float = 0.1, seed: Seed = None) -> Dataset:
    """Two interleaving half circles (as scikit-learn's), Gaussian noise of std ``noise``."""
    rng, n_out = _rng(seed), _check_n(n, 2) // 2
    points: list[Point] = []
    labels: list[int] = []
    for i, count in enumerate((n_out, n - n_out)):
        for j in range(count):
            t = math.pi * j / max(count - 1, 1)
            x = [math.cos(t), math.sin(t)] if i == 0 else [1 - math.cos(t), 0.5 - math.sin(t)]
            points.append([x[0] + rng.gauss(0, noise), x[1] + rng.gauss(0, noise)])
            labels.append(i)
    return _shuffled(points, labels, rng)


def make_circles(
    n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: Seed = None
) -> Dataset:
    """A circle of radius 1 (class 0) around one of radius ``factor`` (class 1)."""
    rng, n_out = _rng(seed), _check_n(n, 2) // 2
    points: list[Point] = []
    labels: list[int] = []
    for i, (count, radius) in enumerate(((n_out, 1.0), (n - n_out, factor))):
        for j in range(count):
            t = 2 * math.pi * j / count
            points.append(
                [
                    radius * math.cos(t) + rng.gauss(0, noise),
                    radius * math.sin(t) + rng.gauss(0, noise),
                ]
            )
            labels.append(i)
    return _shuffled(points, labels, rng)


def make_spirals(
    n: int = 100, classes: int = 2, turns: float = 1.0, noise: float = 0.0, seed: Seed = None
) -> Dataset:
    """``classes`` interleaved spiral arms from the origin, each turning ``turns`` times; arm k
    is rotated by 2 pi k / classes. ``noise`` jitters the angle (radians)."""
    classes = _check_n(classes, 1, "classes")
    rng, n = _rng(seed), _check_n(n, classes)
    points: list[Point] = []
    labels: list[int] = []
    for k in range(classes):
        per_class = n // classes + (k < n % classes)
        for j in range(per_class):
            r = (j + 1) / per_class
            theta = 2 * math.pi * (turns * r + k / classes) + rng.gauss(0, noise)
            points.append([r * math.cos(theta), r * math.sin(theta)])
            labels.append(k)
    return _shuffled(points, labels, rng)


def make_blobs(
    n: int = 100,
    centers: int = 3,
    std: float = 1.0,
    box: float = 10.0,
    seed: Seed = None,
    classes: int | None = None,
) -> Dataset:
    """Gaussian blobs of std ``std`` around ``classes`` (or ``centers``: the same) points
    drawn uniformly in [-box, box]^2; point i belongs to blob i mod classes."""
    rng = _rng(seed)
    centers = _check_n(centers if classes is None else classes, 1, "classes (centers)")
    middles = [[rng.uniform(-box, box), rng.uniform(-box, box)] for _ in range(centers)]
    points: list[Point] = []
    labels: list[int] = []
    for i in range(_check_n(n)):
        cx, cy = middles[i % centers]
        points.append([rng.gauss(cx, std), rng.gauss(cy, std)])
        labels.append(i % centers)
    return _shuffled(points, labels, rng)


def batches(
    X: Sequence[T],  # noqa: N803 (the usual name for a batch of inputs)
    y: Sequence[U],
    batch_size: int | None = None,
    shuffle: bool = True,
    seed: Seed = None,
) -> Iterator[tuple[list[T], list[U]]]:
    """Yield ``(X_batch, y_batch)`` covering the data once: ``batch_size`` None is one full
    batch (batch gradient descent), 1 is stochastic gradient descent, k is mini-batch; the
    last batch may be smaller. ``shuffle`` reorders the examples first."""
    X, y = plain(X), plain(y)  # noqa: N806
    if len(X) != len(y):
        raise ValueError(f"batches: {len(X)} inputs but {len(y)} targets")
    size = len(X) if batch_size is None else batch_size
    if type(size) is not int or size < 1:
        raise ValueError(f"batch_size must be None or an int >= 1, got {batch_size!r}")
    order = list(range(len(X)))
    if shuffle:
        _rng(seed).shuffle(order)
    for start in range(0, len(order), size):
        chunk = order[start : start + size]
        yield [X[i] for i in chunk], [y[i] for i in chunk]


def train_test_split(
    X: Sequence[T],  # noqa: N803
    y: Sequence[U],
    test_size: float = 0.25,
    seed: Seed = None,
) -> tuple[list[T], list[T], list[U], list[U]]:
    """Shuffle and split into ``X_train, X_test, y_train, y_test`` (scikit-learn's order);
    ``test_size`` is a fraction in (0, 1)."""
    X, y = plain(X), plain(y)  # noqa: N806
    if len(X) != len(y):
        raise ValueError(f"train_test_split: {len(X)} inputs but {len(y)} targets")
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}")
    order = list(range(len(X)))
    _rng(seed).shuffle(order)
    n_test = max(1, round(len(X) * test_size))
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]
