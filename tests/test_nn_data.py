"""Generated data sets, batching and the train/test split."""

# ruff: noqa: N806 (X: the usual name for a batch of inputs)
import math
import random
import subprocess
import sys

import pytest

from nn import data

GENERATORS = {
    "moons": lambda seed: data.make_moons(100, noise=0.1, seed=seed),
    "circles": lambda seed: data.make_circles(100, seed=seed),
    "spirals": lambda seed: data.make_spirals(99, classes=3, noise=0.1, seed=seed),
    "blobs": lambda seed: data.make_blobs(90, centers=3, seed=seed),
    "xor": lambda seed: data.make_xor(40, noise=0.1, seed=seed),
}


@pytest.mark.parametrize("name", GENERATORS)
def test_generators_are_seeded_balanced_and_leave_global_random_alone(name):
    random.seed(5)
    expected = random.random()
    random.seed(5)
    X, y = GENERATORS[name](0)
    assert random.random() == expected
    assert (X, y) == GENERATORS[name](0)
    assert GENERATORS[name](1)[0] != X
    assert all(len(x) == 2 and all(math.isfinite(v) for v in x) for x in X)
    counts = [y.count(k) for k in sorted(set(y))]
    assert max(counts) - min(counts) <= 1


def test_moons_geometry_without_noise():
    X, y = data.make_moons(50, noise=0.0, seed=0)
    for (x1, x2), label in zip(X, y, strict=True):
        centre = (0.0, 0.0) if label == 0 else (1.0, 0.5)
        assert math.hypot(x1 - centre[0], x2 - centre[1]) == pytest.approx(1.0)


def test_circles_radii_and_spiral_radius():
    X, y = data.make_circles(40, noise=0.0, factor=0.3, seed=0)
    assert {round(math.hypot(*x), 9) for x in X} == {1.0, 0.3}
    assert all(
        round(math.hypot(*x), 9) == (1.0 if t == 0 else 0.3) for x, t in zip(X, y, strict=True)
    )
    X, _ = data.make_spirals(40, seed=0)
    assert max(math.hypot(*x) for x in X) == pytest.approx(1.0)


def test_sizes_are_exact_and_bad_sizes_named():
    assert len(data.make_spirals(100, classes=3)[0]) == 100
    assert len(data.make_moons(7)[0]) == 7
    with pytest.raises(ValueError, match="the number of points must be an int >= 2, got 1"):
        data.make_circles(1)
    with pytest.raises(ValueError, match=r"classes \(centers\) must be an int >= 1, got 0"):
        data.make_blobs(10, centers=0)


def test_xor_and_signed():
    X, y = data.make_xor()
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert [int(a) ^ int(b) for a, b in X] == y
    X, y = data.make_xor(10, noise=0.05, seed=0)
    assert [round(a) ^ round(b) for a, b in X] == y == [0, 1, 1, 0] * 2 + [0, 1]
    assert data.signed([0, 1, 1]) == [-1.0, 1.0, 1.0]


def test_batches_cover_the_data_once():
    X, y = list(range(10)), [str(i) for i in range(10)]
    full = list(data.batches(X, y, shuffle=False))
    assert full == [(X, y)]
    sizes = [len(xb) for xb, _ in data.batches(X, y, batch_size=4, seed=0)]
    assert sizes == [4, 4, 2]
    seen = [x for xb, _ in data.batches(X, y, batch_size=3, seed=1) for x in xb]
    assert sorted(seen) == X
    assert seen != X
    for xb, yb in data.batches(X, y, batch_size=1, seed=2):
        assert yb == [str(xb[0])]
    with pytest.raises(ValueError, match="batch_size must be None or an int >= 1, got 0"):
        list(data.batches(X, y, batch_size=0))
    with pytest.raises(ValueError, match="10 inputs but 9 targets"):
        list(data.batches(X, y[:-1]))


def test_train_test_split():
    X, y = list(range(20)), list(range(20))
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.25, seed=0)
    assert len(X_test) == 5
    assert len(X_train) == 15
    assert sorted(X_train + X_test) == X
    assert X_train == y_train
    assert X_test == y_test
    assert data.train_test_split(X, y, seed=0) == data.train_test_split(X, y, seed=0)
    with pytest.raises(ValueError, match="test_size must be a fraction"):
        data.train_test_split(X, y, test_size=1.5)


def test_load_digits_gives_plain_lists_scaled_to_the_unit_interval() -> None:
    X, y = data.load_digits()
    assert (len(X), {len(x) for x in X}, sorted(set(y))) == (1797, {64}, list(range(10)))
    assert type(X[0]) is list
    assert type(X[0][0]) is float
    assert type(y[0]) is int
    assert min(map(min, X)) == 0.0
    assert max(map(max, X)) == 1.0
    assert all(16 * v == int(16 * v) for v in X[5])  # pixels are counts 0..16 of ink
    X3, y3 = data.load_digits(classes=3)
    assert sorted(set(y3)) == [0, 1, 2]
    assert X3[:2] == X[:2]
    with pytest.raises(ValueError, match="classes must be an int from 2 to 10, got 11"):
        data.load_digits(11)


@pytest.mark.slow  # a subprocess
def test_load_digits_without_scikit_learn_names_the_extra() -> None:
    code = ("import sys; sys.modules['sklearn'] = None\n"
            "import nn\ntry:\n    nn.data.load_digits()\nexcept ImportError as err:\n"
            "    print(err)")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)  # fmt: skip
    assert result.stdout.strip() == (
        "nn.data.load_digits needs scikit-learn, which carries the digits data set (no "
        "download): pip install 'chainrule[data]'"
    )
