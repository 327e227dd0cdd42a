"""XOR: a numpy program that writes backpropagation with matrices, and the engine.

With the same initial weights, one backward pass through a 2-3-1 sigmoid MLP, with binary
cross-entropy summed over the batch (so dL/dz2 = a2 - y), gives the numpy program's dW1, db1,
dW2 and db2; and SGD at eta = 0.1 learns XOR.
"""

# ruff: noqa: N803, N806 (X, W1, dW1: the usual names for matrices)
import numpy as np
import pytest

import nn
from nn import data


def numpy_step(W1, b1, W2, b2, X, y):
    """Forward and backward with matrices: dz2 = a2 - y, dz1 = (dz2 W2^T) * sigma'(z1)."""

    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    def sigmoid_derivative(x):
        return x * (1 - x)

    z1 = np.dot(X, W1) + b1
    a1 = sigmoid(z1)
    z2 = np.dot(a1, W2) + b2
    a2 = sigmoid(z2)
    dz2 = a2 - y
    dW2 = np.dot(a1.T, dz2)
    db2 = np.sum(dz2, axis=0, keepdims=True)
    dz1 = np.dot(dz2, W2.T) * sigmoid_derivative(a1)
    dW1 = np.dot(X.T, dz1)
    db1 = np.sum(dz1, axis=0, keepdims=True)
    return dW1, db1, dW2, db2


def model_from(W1, b1, W2, b2, output_activation):
    model = nn.MLP(2, [3, 1], activation="sigmoid", output_activation=output_activation)
    state = {}
    for j in range(3):
        for i in range(2):
            state[f"layers.0.neurons.{j}.w.{i}"] = float(W1[i, j])
        state[f"layers.0.neurons.{j}.b"] = float(b1[0, j])
        state[f"layers.1.neurons.0.w.{j}"] = float(W2[j, 0])
    state["layers.1.neurons.0.b"] = float(b2[0, 0])
    model.load_state_dict(state)
    return model


def engine_grads(model):
    g = {name: p.grad for name, p in model.named_parameters()}
    dW1 = np.array([[g[f"layers.0.neurons.{j}.w.{i}"] for j in range(3)] for i in range(2)])
    db1 = np.array([[g[f"layers.0.neurons.{j}.b"] for j in range(3)]])
    dW2 = np.array([[g[f"layers.1.neurons.0.w.{j}"]] for j in range(3)])
    db2 = np.array([[g["layers.1.neurons.0.b"]]])
    return dW1, db1, dW2, db2


# Sigmoid output with BCE on probabilities (the numpy program's network), and the equivalent linear
# output with BCE on logits: both have dL/dz2 = a2 - y.
@pytest.mark.parametrize(
    ("output_activation", "loss"),
    [("sigmoid", nn.binary_cross_entropy), ("linear", nn.binary_cross_entropy_with_logits)],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_step_matches_numpy_gradients(seed, output_activation, loss):
    rng = np.random.default_rng(seed)
    W1, b1 = rng.standard_normal((2, 3)), rng.standard_normal((1, 3)) * 0.1
    W2, b2 = rng.standard_normal((3, 1)), rng.standard_normal((1, 1)) * 0.1
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    expected = numpy_step(W1, b1, W2, b2, X, y)

    model = model_from(W1, b1, W2, b2, output_activation)
    outputs = [model(list(x)) for x in X.tolist()]
    loss(outputs, y[:, 0].tolist(), reduction="sum").backward()
    for ours, theirs in zip(engine_grads(model), expected, strict=True):
        assert ours.shape == theirs.shape
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


def test_sgd_at_lr_0_1_learns_xor():
    X, y = data.make_xor()
    model = nn.MLP(2, [3, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    history = nn.fit(
        model,
        X,
        y,
        loss=lambda out, t: nn.binary_cross_entropy(out, t, reduction="sum"),
        optimizer=nn.SGD(model.parameters(), lr=0.1),
        epochs=10_000,
        tol=0.2,
    )
    assert history.stopped == "tol"
    assert history.accuracy[-1] == 1.0
    assert nn.evaluate(model, X, y, nn.binary_cross_entropy)[1] == 1.0
    predictions = [model(x).data for x in X]
    assert [p > 0.5 for p in predictions] == [False, True, True, False]
