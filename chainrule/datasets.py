"""The data sets ``chainrule train`` knows, with the defaults that suit each.

The 2-D toys are generated (``nn.data``); ``digits`` is the real one: 8x8 images of
handwritten digits, 64 inputs and up to ten classes, trained with softmax cross-entropy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chainrule.options import CommandError, UsageError
from nn.data import (
    Dataset,
    load_digits,
    make_blobs,
    make_circles,
    make_moons,
    make_spirals,
    make_xor,
)

DIGITS_IMAGES = 1797  # scikit-learn's copy of the UCI test set


@dataclass(frozen=True)
class DataSet:
    """``make(n, seed, classes)`` gives ``(X, y)``; the rest are the command's defaults for
    it and what it allows."""

    make: Callable[[int, int, int], Dataset]
    summary: str
    inputs: int = 2
    most_classes: int = 2  # --classes from 2 up to this
    classes: int = 2
    samples: int = 200
    hidden: tuple[int, ...] = (16, 16)
    epochs: int = 50
    batch_size: int = 16
    images: bool = False  # examples are SIDE x SIDE images (mistakes are drawn)


def _digits(n: int, seed: int, classes: int) -> Dataset:
    try:
        X, y = load_digits(classes)  # noqa: N806
    except ImportError as err:  # names the extra to install
        raise CommandError(str(err)) from None
    if n > len(X):
        raise UsageError(f"--samples {n:,}: digits has {len(X):,} images of {classes} classes")
    return X[:n], y[:n]


DATASETS: dict[str, DataSet] = {
    "moons": DataSet(lambda n, seed, k: make_moons(n, seed=seed),
                     "two interleaved half moons (the default)"),
    "circles": DataSet(lambda n, seed, k: make_circles(n, seed=seed), "a circle in a circle"),
    "spirals": DataSet(lambda n, seed, k: make_spirals(n, classes=k, seed=seed),
                       "interleaved spiral arms, one per class", most_classes=10),
    "blobs": DataSet(lambda n, seed, k: make_blobs(n, classes=k, seed=seed),
                     "Gaussian blobs, one per class", most_classes=10),
    "xor": DataSet(lambda n, seed, k: make_xor(n, noise=0.15, seed=seed), "noisy XOR corners"),
    "digits": DataSet(_digits, "8x8 images of handwritten digits (scikit-learn's)", inputs=64,
                      most_classes=10, classes=10, samples=DIGITS_IMAGES, hidden=(32,),
                      epochs=10, batch_size=32, images=True),
}  # fmt: skip
DATASET_HELP = "; ".join(f"{name}: {d.summary}" for name, d in DATASETS.items())


def check_classes(dataset: str, classes: int) -> int:
    """``classes`` if ``dataset`` can have that many, else a UsageError naming the choices."""
    most = DATASETS[dataset].most_classes
    if not 2 <= classes <= most:
        many = [name for name, d in DATASETS.items() if d.most_classes > 2]
        has = "has 2 classes" if most == 2 else f"takes 2 to {most} classes"
        raise UsageError(f"--classes {classes}: {dataset} {has}; --classes works with "
                         f"{', '.join(many)} (2 to 10 classes)")  # fmt: skip
    return classes
