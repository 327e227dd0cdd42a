"""Losses and penalties: values, gradients, numerical stability, shape errors."""

import math

import pytest

import nn
from autograd import Value, grad


def values(*xs):
    return [Value(x) for x in xs]


def test_mse_and_squared_error():
    a = values(1.0, 2.0)
    assert nn.mse_loss(a, [0.0, 4.0]).data == pytest.approx((1 + 4) / 2)
    assert nn.mse_loss(a, [0.0, 4.0], reduction="sum").data == 5.0
    # L = 1/2 (y - a)^2 on the worked example of docs/backprop.md: a = sigmoid(0.2), y = 1
    loss = nn.squared_error([Value(0.2).sigmoid()], [1.0])
    assert loss.data == pytest.approx(0.1013247, abs=1e-7)
    out = Value(0.3)
    nn.squared_error([[out]], [[1.0]]).backward()
    assert out.grad == pytest.approx(0.3 - 1.0)  # dL/da = a - y


def test_binary_cross_entropy_values_and_saturation():
    p = Value(0.8)
    loss = nn.binary_cross_entropy([p], [1.0])
    assert loss.data == pytest.approx(-math.log(0.8))
    loss.backward()
    assert p.grad == pytest.approx(-1 / 0.8)
    # a saturated probability gives a large finite loss, as in PyTorch (log clamped at -100)
    assert nn.binary_cross_entropy([Value(0.0)], [1.0]).data == 100.0
    assert nn.binary_cross_entropy([Value(1.0)], [1.0]).data == 0.0


@pytest.mark.parametrize("z", [-800.0, -30.0, -1.5, 0.0, 2.0, 40.0, 800.0])
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_bce_with_logits_is_stable_with_gradient_sigmoid_minus_y(z, y):
    logit = Value(z)
    loss = nn.binary_cross_entropy_with_logits([logit], [y])
    exact = max(z, 0.0) + math.log1p(math.exp(-abs(z))) - y * z
    assert loss.data == pytest.approx(exact, rel=1e-12, abs=1e-300)
    loss.backward()
    sigma = 1 / (1 + math.exp(-z)) if z > -700 else 0.0
    assert logit.grad == pytest.approx(sigma - y, abs=1e-15)


def test_hinge_loss():
    s = values(2.0, 0.5, -0.5)
    assert nn.hinge_loss(s, [1.0, 1.0, 1.0], reduction="sum").data == pytest.approx(0 + 0.5 + 1.5)
    with pytest.raises(ValueError, match=r"hinge_loss needs targets -1 or \+1, got 0\.0"):
        nn.hinge_loss(s, [1, 0, 1])


def test_cross_entropy_matches_softmax_and_survives_huge_logits():
    logits = values(1.0, 2.0, 3.0)
    loss = nn.cross_entropy([logits], [0])
    total = sum(math.exp(v) for v in (1.0, 2.0, 3.0))
    assert loss.data == pytest.approx(-math.log(math.exp(1.0) / total))
    derivatives = grad(loss, logits)
    softmax = [math.exp(v) / total for v in (1.0, 2.0, 3.0)]
    assert derivatives == pytest.approx([softmax[0] - 1, softmax[1], softmax[2]])
    big = nn.cross_entropy([values(1000.0, 0.0)], [1])  # e^1000 would overflow
    assert big.data == pytest.approx(1000.0)
    assert sum(p.data for p in nn.log_softmax(values(1000.0, 999.0))) < 0


def test_cross_entropy_bad_targets_are_named():
    with pytest.raises(ValueError, match="example 0 has 2 logits and class 2"):
        nn.cross_entropy([values(1.0, 2.0)], [2])
    with pytest.raises(ValueError, match="1 outputs but 2 targets"):
        nn.cross_entropy([values(1.0, 2.0)], [0, 1])


def test_shape_mismatches_and_reduction_are_named():
    with pytest.raises(ValueError, match="mse_loss: 2 outputs but 1 targets"):
        nn.mse_loss(values(1.0, 2.0), [1.0])
    with pytest.raises(ValueError, match="example 0 has 2 outputs but 1 targets"):
        nn.mse_loss([values(1.0, 2.0)], [1.0])
    with pytest.raises(ValueError, match="reduction must be 'mean' or 'sum'"):
        nn.mse_loss(values(1.0), [1.0], reduction="avg")


def test_penalties():
    ws = values(-2.0, 3.0)
    assert nn.l1_penalty(ws).data == 5.0
    assert nn.l2_penalty(ws).data == 13.0
    assert grad(nn.l2_penalty(ws), ws) == [-4.0, 6.0]
    assert grad(nn.l1_penalty(ws), ws) == [-1.0, 1.0]


REFUSED = [
    (
        lambda: nn.binary_cross_entropy([Value(2.0)], [1]),
        "bce\\(2.0, 1.0\\) is undefined \\(math domain error\\): bce needs a probability 0 <= a "
        "<= 1 \\(an MLP's linear output is a logit: use nn.binary_cross_entropy_with_logits on "
        "it, or give the model output_activation='sigmoid'\\)",
    ),
    (
        lambda: nn.binary_cross_entropy([Value(0.5)], [2]),
        "binary_cross_entropy needs targets in \\[0, 1\\] \\(labels 0 and 1\\), got 2.0",
    ),
    (
        lambda: nn.binary_cross_entropy_with_logits(values(0.5, 1.0), [-1, 1]),
        "needs targets in \\[0, 1\\] \\(labels 0 and 1\\), got -1.0: for labels -1/\\+1 use hinge",
    ),
    (lambda: nn.hinge_loss(values(0.5), [0]), "nn.data.signed\\(labels\\) maps labels 0/1"),
    (lambda: nn.cross_entropy([values(1.0, 2.0)], [-1]), "classes are the ints 0 to 1"),
    (lambda: nn.cross_entropy([Value(1.0)], [0]), "for two classes and one output use binary"),
    (lambda: nn.mse_loss(values(1.0, 2.0), [1.0]), "give one target per example"),
    (lambda: nn.mse_loss(values(1.0), [math.nan]), "target 0 must be a finite number, got nan"),
    (lambda: nn.mse_loss(values(1.0), ["1"]), "target 0 is str '1': expected a number"),
    (
        lambda: nn.mse_loss([1.0], [1.0]),
        "output 0 is float 1.0: expected a Value or a list of them \\(the model's outputs\\)",
    ),
]


@pytest.mark.parametrize(("call", "message"), REFUSED)
def test_losses_refuse_wrong_input_naming_the_fix(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_probabilities_at_the_ends_are_still_accepted():
    assert nn.binary_cross_entropy(values(0.0, 1.0), [0, 1]).data == 0.0
    assert nn.binary_cross_entropy(values(0.25), [0.5]).data > 0.0  # soft labels
