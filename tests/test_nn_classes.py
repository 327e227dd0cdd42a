"""Many classes: softmax, cross-entropy on index, one-hot and soft targets, the predicted
class, against torch and central differences."""

from __future__ import annotations

import math
import pickle

import pytest
import torch

import nn
from autograd import OPS, Value, grad, gradcheck, logsumexp, numeric_grad
from nn.predict import predicted_class, target_class

LOGITS = [0.3, -1.2, 2.0, 0.5]


def values(*xs: float) -> list[Value]:
    return [Value(x) for x in xs]


def test_softmax_and_log_softmax_match_torch_and_never_overflow() -> None:
    expected = torch.softmax(torch.tensor(LOGITS, dtype=torch.float64), 0).tolist()
    assert [p.data for p in nn.softmax(values(*LOGITS))] == pytest.approx(expected, rel=1e-15)
    huge = nn.softmax(values(1000.0, 999.0, -1000.0))
    assert math.fsum(p.data for p in huge) == pytest.approx(1.0)
    assert [p.data for p in nn.log_softmax(values(1000.0, 0.0))] == [0.0, -1000.0]
    assert logsumexp([Value(-1000.0), Value(-1000.0)]).data == pytest.approx(-1000 + math.log(2))


def test_logsumexp_is_one_node_whose_partials_are_the_softmax() -> None:
    z = values(*LOGITS)
    node = logsumexp(z)
    assert (node.op, node.parents) == (OPS["logsumexp"], tuple(z))
    assert list(node.partials) == pytest.approx([p.data for p in nn.softmax(z)], rel=1e-15)
    with pytest.raises(ValueError, match="logsumexp needs at least one term"):
        logsumexp([])


def torch_loss(targets: list[list[float]] | list[int], smoothing: float = 0.0) -> list[float]:
    z = torch.tensor([LOGITS, LOGITS[::-1]], dtype=torch.float64, requires_grad=True)
    t = torch.tensor(targets, dtype=torch.float64 if isinstance(targets[0], list) else torch.long)
    loss = torch.nn.functional.cross_entropy(z, t, label_smoothing=smoothing)
    loss.backward()
    assert z.grad is not None
    return [loss.item(), *z.grad.flatten().tolist()]


TARGETS = {
    "indices": [2, 0],
    "one-hot": [[0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0]],
    "soft": [[0.1, 0.2, 0.6, 0.1], [0.25, 0.25, 0.25, 0.25]],
}


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("kind", list(TARGETS))
def test_cross_entropy_matches_torch_on_every_kind_of_target(kind: str, smoothing: float) -> None:
    logits = [values(*LOGITS), values(*LOGITS[::-1])]
    loss = nn.cross_entropy(logits, TARGETS[kind], label_smoothing=smoothing)
    leaves = [z for row in logits for z in row]
    got = [loss.data, *grad(loss, leaves)]
    assert got == pytest.approx(torch_loss(TARGETS[kind], smoothing), rel=1e-12, abs=1e-15)


def test_cross_entropy_gradient_against_central_differences() -> None:
    def f(*z: Value) -> Value:
        return nn.cross_entropy([list(z)], [1], label_smoothing=0.1)

    assert gradcheck(f, LOGITS)
    assert gradcheck(f, values(*LOGITS))  # Values are taken for their data


def test_index_and_one_hot_targets_give_the_same_bits() -> None:
    by_index = nn.cross_entropy([values(*LOGITS)], [2])
    by_row = nn.cross_entropy([values(*LOGITS)], [[0, 0, 1, 0]])
    assert by_index.data == by_row.data
    assert nn.cross_entropy([values(*LOGITS)], [2.0]).data == by_index.data  # a float class


BAD_TARGETS = [
    ([4], ValueError, r"example 0 has 4 logits and class 4: classes are the ints 0 to 3"),
    ([1.5], ValueError, r"class 1.5: classes are the ints"),
    (["cat"], ValueError, r"class 'cat'"),
    ([float("nan")], ValueError, r"class nan: classes are the ints"),
    ([float("inf")], ValueError, r"class inf: classes are the ints"),
    ([[0.5, 0.5]], ValueError, r"4 logits but a target row of 2"),
    ([[0.5, 0.6, 0.0, 0.0]], ValueError, r"needs numbers in \[0, 1\] that sum to 1"),
    ([[-0.5, 1.5, 0.0, 0.0]], ValueError, r"needs numbers in \[0, 1\] that sum to 1"),
]


@pytest.mark.parametrize(("targets", "error", "message"), BAD_TARGETS)
def test_bad_class_targets_are_named(targets: list[object], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        nn.cross_entropy([values(*LOGITS)], targets)


def test_bad_outputs_and_smoothing_are_named() -> None:
    with pytest.raises(ValueError, match="example 0 has one output: cross_entropy needs one"):
        nn.cross_entropy([Value(1.0)], [0])
    with pytest.raises(TypeError, match=r"output 0 holds float 1.0, not a Value"):
        nn.cross_entropy([[1.0, 2.0]], [0])
    with pytest.raises(ValueError, match=r"label_smoothing must be a number in \[0, 1\], got 2"):
        nn.cross_entropy([values(*LOGITS)], [0], label_smoothing=2)


def test_the_predicted_class_rule() -> None:
    assert predicted_class(values(0.1, 0.9, 0.3)) == 1
    assert predicted_class(Value(0.2)) == 1.0
    assert predicted_class(Value(0.2), threshold=0.5) == 0.0
    assert predicted_class([Value(-0.2)], low=-1.0) == -1.0
    assert target_class([0.0, 0.0, 1.0]) == 2
    assert target_class(3) == 3


def test_one_hot_targets_score_the_argmax_accuracy() -> None:
    X, y = nn.data.make_blobs(60, classes=3, std=0.5, seed=0)  # noqa: N806
    one_hot = [[float(k == c) for k in range(3)] for c in y]
    model = nn.MLP(2, [8, 3], seed=0)
    history = nn.fit(model, X, one_hot, loss=nn.cross_entropy, epochs=20, batch_size=10, seed=0)
    by_index = nn.evaluate(model, X, y, nn.cross_entropy)
    assert nn.evaluate(model, X, one_hot, nn.cross_entropy) == by_index
    assert by_index[1] is not None
    assert by_index[1] >= 0.9
    assert history.accuracy[-1] is not None
    assert history.accuracy[-1] >= 0.9
    predicted = nn.predict(model, X)
    assert all(type(k) is int for k in predicted)
    assert sum(p == t for p, t in zip(predicted, y, strict=True)) / len(y) == by_index[1]


def test_predict_gives_outputs_for_regression_and_classes_with_a_threshold() -> None:
    model = nn.MLP(2, [4, 1], seed=0)
    X = [[0.5, -1.0], [2.0, 0.0]]  # noqa: N806
    outputs = nn.predict(model, X)
    assert outputs == [model(x).data for x in X]
    assert nn.predict(model, X, threshold=0.0) == [int(o > 0.0) for o in outputs]
    with pytest.raises(ValueError, match="predict: X\\[1\\]: got 3 inputs, but this model takes 2"):
        nn.predict(model, [[1.0, 2.0], [1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="predict needs a non-empty list of examples"):
        nn.predict(model, [])


def test_a_model_pickles_and_shows_every_setting() -> None:
    model = nn.MLP(3, [4, 4, 2], dropout=0.2, batchnorm=True, output_activation="sigmoid", seed=0)
    nn.fit(
        model, [[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]], epochs=2, compile=False
    )
    back = pickle.loads(pickle.dumps(model))
    assert back.state_dict() == model.state_dict()
    assert (
        repr(back)
        == repr(model)
        == (
            "MLP(3, [4, 4, 2], activation='relu', output_activation='sigmoid', dropout=0.2, "
            "batchnorm=True, residual=False)"
        )
    )
    assert [v.data for v in back.eval()([1.0, 2.0, 3.0])] == [
        v.data for v in model.eval()([1.0, 2.0, 3.0])
    ]


def test_a_value_formats_as_its_number() -> None:
    loss = Value(0.123456)
    assert f"{loss:.4f}" == "0.1235"
    assert f"{loss:>8.2e}" == "1.23e-01"
    assert f"{loss}" == repr(loss)


def test_numeric_grad_takes_values_or_numbers_and_says_what_it_takes() -> None:
    def f(a: Value, b: Value) -> Value:
        return a * b

    assert numeric_grad(f, [Value(2.0), 3]) == pytest.approx([3.0, 2.0])
    with pytest.raises(TypeError, match="numeric_grad takes the point as numbers or Values"):
        numeric_grad(f, ["2", 3])
    with pytest.raises(TypeError, match="gradcheck takes the point as numbers or Values"):
        gradcheck(f, [None, 3])
