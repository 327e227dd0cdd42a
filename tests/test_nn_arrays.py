"""numpy arrays in, wherever a user gives data: the same numbers as lists, and bad arrays
named (numpy is a test dependency only: the library reads arrays through ``tolist()``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import nn

X_LIST, Y_LIST = nn.data.make_blobs(40, classes=3, std=0.6, seed=1)
DTYPES = [np.float64, np.float32, np.int64]


def trained(X: Any, y: Any, **fit: Any) -> tuple[list[float], dict[str, float]]:  # noqa: N803
    model = nn.MLP(2, [6, 3], seed=0)
    history = nn.fit(model, X, y, loss=nn.cross_entropy, epochs=3, batch_size=8, seed=0, **fit)
    return history.loss, model.state_dict()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fit_on_arrays_gives_what_fit_on_lists_gives(dtype: Any) -> None:
    X = np.array(X_LIST, dtype=dtype)  # noqa: N806
    as_lists = trained(X.tolist(), Y_LIST)
    assert trained(X, np.array(Y_LIST)) == as_lists
    assert trained(X, np.array(Y_LIST, dtype=np.int32), compile=False) == as_lists
    assert trained(X, np.eye(3)[Y_LIST]) == as_lists  # one-hot rows as a 2-D array


def test_evaluate_predict_and_calling_the_model_take_arrays() -> None:
    model = nn.MLP(2, [6, 3], seed=0)
    X = np.array(X_LIST)  # noqa: N806
    assert nn.evaluate(model, X, np.array(Y_LIST), nn.cross_entropy) == nn.evaluate(
        model, X_LIST, Y_LIST, nn.cross_entropy
    )
    assert nn.predict(model, X) == nn.predict(model, X_LIST)
    assert [v.data for v in model(X[0])] == [v.data for v in model(X_LIST[0])]
    assert [v.data for v in model(np.array([1, 2]))] == [v.data for v in model([1.0, 2.0])]


@pytest.mark.parametrize("dtype", DTYPES)
def test_batches_split_and_losses_take_arrays(dtype: Any) -> None:
    X, y = np.array(X_LIST).astype(dtype), np.array(Y_LIST)  # noqa: N806
    assert nn.train_test_split(X, y, seed=3) == nn.train_test_split(X.tolist(), Y_LIST, seed=3)
    assert list(nn.batches(X, y, 7, seed=2)) == list(nn.batches(X.tolist(), Y_LIST, 7, seed=2))
    outputs = [nn.MLP(2, [3], seed=0)(x) for x in X_LIST[:4]]
    expected = nn.cross_entropy(outputs, Y_LIST[:4]).data
    assert nn.cross_entropy(outputs, y[:4]).data == expected
    one = [nn.MLP(2, [1], seed=0)(x) for x in X_LIST[:4]]
    labels = np.array([0, 1, 1, 0], dtype=dtype)
    assert nn.mse_loss(one, labels).data == nn.mse_loss(one, [0, 1, 1, 0]).data
    assert nn.data.signed(labels) == [-1.0, 1.0, 1.0, -1.0]


def test_numpy_integers_count_as_ints() -> None:
    X, y = nn.data.make_spirals(np.int64(30), classes=np.int64(3), seed=0)  # noqa: N806
    assert (len(X), set(y)) == (30, {0, 1, 2})


BAD = [
    (np.array([[1.0, np.nan]]), [0], ValueError, r"fit: X\[0\]: input 1 is nan: inputs must be "),
    (np.array([1.0, 2.0]), [0, 1], TypeError, r"fit: X\[0\]: got the single number 1.0, but "
     r"one example is a list of 2 numbers \(one per input\): write \[1.0, ...\]"),
    (np.array([["a", "b"]]), [0], ValueError, r"fit: X\[0\]: input 0 is str 'a', not a number"),
    (np.zeros((0, 2)), [], ValueError, "fit needs at least one example"),
    (np.zeros((3, 2)), np.zeros(2), ValueError, "fit: 3 examples but 2 targets: give one per"),
    (np.zeros((1, 2)), np.array([np.inf]), ValueError, r"fit: y\[0\] is inf: targets must be"),
    (np.zeros((1, 2)), np.array(["cat"]), TypeError, r"fit: y\[0\] is str 'cat', not a number: "
     r"give class labels as ints 0, 1, ..."),
    (np.zeros((1, 3)), [0], ValueError, r"fit: X\[0\]: got 3 inputs, but this model takes 2"),
    (3.0, [0], TypeError, r"fit: X is float 3.0: give a list \(or an array\) with one entry per"),
]  # fmt: skip


@pytest.mark.parametrize(("X", "y", "error", "message"), BAD)
def test_bad_arrays_are_named_with_the_argument_the_index_and_the_fix(
    X: Any,  # noqa: N803
    y: Any,
    error: type,
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        nn.fit(nn.MLP(2, [3, 1], seed=0), X, y, epochs=1)


def test_ragged_examples_are_named_for_a_module_of_ones_own() -> None:
    class Summer(nn.Module):
        def __call__(self, x: Any) -> Any:
            return sum(x)

    with pytest.raises(ValueError, match=r"fit: X\[1\] has 3 inputs but X\[0\] has 2: every"):
        nn.fit(Summer(), [[1.0, 2.0], [1.0, 2.0, 3.0]], [0, 1], epochs=1)
