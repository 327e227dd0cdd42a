"""Handwritten digits: a real data set of 1,797 images of 8x8 pixels, ten classes.

The images come with scikit-learn (the optional ``data`` extra; the ``viz`` and ``dev``
extras bring it too), which keeps them inside its own package: nothing is downloaded. They
are the test set of the UCI "Optical Recognition of Handwritten Digits" data: 8x8 counts of
ink in 4x4 blocks of a 32x32 bitmap, so each pixel is an integer from 0 to 16.
"""

from __future__ import annotations

SIDE = 8  # an image is SIDE x SIDE pixels, row after row
INK = 16.0  # the largest pixel value


def load_digits(classes: int = 10) -> tuple[list[list[float]], list[int]]:
    """``(X, y)``: each image as a list of 64 floats in [0, 1] (pixel / 16, row after row),
    and its digit 0-9 as an int; with ``classes`` k < 10, only the digits 0 to k - 1. Plain
    lists, in scikit-learn's order (shuffle with ``nn.train_test_split``)."""
    if type(classes) is not int or not 2 <= classes <= 10:
        raise ValueError(f"load_digits: classes must be an int from 2 to 10, got {classes!r}")
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        raise ImportError(
            "nn.data.load_digits needs scikit-learn, which carries the digits data set (no "
            "download): pip install 'chainrule[data]'"
        ) from None
    bunch = sklearn_digits(n_class=classes)
    X = [[pixel / INK for pixel in row] for row in bunch.data.tolist()]  # noqa: N806
    return X, [int(t) for t in bunch.target.tolist()]
