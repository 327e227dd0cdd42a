"""The usual remedies for vanishing gradients, measured: in a deep sigmoid MLP the first
layer's gradient is tiny, and batch normalization or residual connections restore it. Also:
pictures and explain() on networks with these parts."""

# ruff: noqa: N806 (X: the usual name for a batch of inputs)
import re
from pathlib import Path

import pytest

import nn
from autograd.viz import explain, render, to_dot
from nn import data

DEPTH, WIDTH = 10, 8  # ten hidden sigmoid layers


def first_layer_grad_norm(seed, **remedy):
    """||dL/dw|| over the first layer's parameters, full batch, before any update."""
    X, y = data.make_moons(40, seed=0)
    model = nn.MLP(2, [WIDTH] * DEPTH + [1], activation="sigmoid", seed=seed, **remedy)
    history = nn.fit(model, X, y, loss=nn.binary_cross_entropy_with_logits, epochs=1)
    return history.layer_grad_norms[0][0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batchnorm_and_residual_connections_each_raise_the_first_layers_gradient(seed):
    # measured (seeds 0, 1, 2): plain 6.8e-8, 1.2e-7, 4.3e-7; batchnorm 2.1, 1.9, 0.83;
    # residual 0.18, 0.20, 0.28: five or more orders of magnitude either way
    plain = first_layer_grad_norm(seed)
    assert plain < 1e-5  # vanished: the sigmoid's f'(z) <= 1/4, ten times over
    assert first_layer_grad_norm(seed, batchnorm=True) > 1000 * plain
    assert first_layer_grad_norm(seed, residual=True) > 1000 * plain


@pytest.fixture
def loss():
    """The loss of a small network with both remedies on a batch of three, after backward."""
    model = nn.MLP(2, [3, 3, 3, 1], activation="sigmoid", batchnorm=True, residual=True, seed=0)
    total = nn.mse_loss(model.forward_batch([[0.1, 0.2], [0.5, -1.0], [1.0, 2.0]]), [0, 1, 0])
    total.backward()
    return total


def test_grouped_picture_names_batchnorm_parts_and_renders(tmp_path: Path, loss):
    text = to_dot(loss, group_by=4)
    groups = set(re.findall(r"<B>(layers[^<]*)</B>", text))
    for part in ("gamma", "beta", "mean", "var", "y"):
        assert f"layers.1.bn.{part}" in groups
    assert "layers.2.neurons.1" in groups  # its z, a and residual sum fold into the neuron
    assert text.count("subgraph cluster_") == 4  # a frame per layer, BatchNorm inside it
    picture = render(loss, tmp_path / "remedies.svg", group_by=3)
    svg = picture.read_text()
    assert "<svg" in svg
    assert "layers.0.bn" in svg
    assert "layers.0.neurons" in svg


def test_explain_names_batchnorm_statistics_and_agrees_with_backward(loss):
    explanation = explain(loss)
    by_name = {row.name: row.node for row in explanation.rows}
    for name in ("layers.0.bn.mean.2", "layers.0.bn.var.2", "layers.1.bn.gamma.0"):
        assert name in by_name
        assert explanation.gradients[by_name[name]] == pytest.approx(by_name[name].grad)
    assert "layers.1.neurons.2.res" in str(explanation)


def test_eval_mode_graphs_name_the_running_statistics():
    model = nn.MLP(2, [3, 3, 1], activation="tanh", batchnorm=True, seed=0).eval()
    out = model([0.5, -0.5])
    text = to_dot(out)
    for name in ("layers.0.bn.running_mean.2", "layers.1.bn.running_var.0", "layers.1.bn.y.1"):
        assert f"<B>{name}</B>" in text
    rows = {row.name for row in explain(out).rows}
    assert {"layers.0.bn.running_var.1", "layers.0.bn.gamma.1"} <= rows
