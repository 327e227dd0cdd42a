"""Residual connections: h = layer(x) + x, its gradients, and clear errors for bad widths."""

import json
import random

import pytest

import nn
from autograd import Value, grad, gradcheck
from nn.model_file import signed


def test_residual_layer_outputs_layer_of_x_plus_x():
    plain = nn.Layer(3, 3, activation="tanh", rng=random.Random(4))
    residual = nn.Layer(3, 3, activation="tanh", rng=random.Random(4), residual=True)
    x = [0.5, -1.25, 2.0]
    assert [h.data for h in residual(x)] == [a.data + xi for a, xi in zip(plain(x), x, strict=True)]
    assert [h.label for h in residual(x)] == [f"neurons.{j}.res" for j in range(3)]


def test_residual_layer_gradients_match_central_differences():
    layer = nn.Layer(2, 2, activation="sigmoid", rng=random.Random(1), residual=True)

    def f(x0, x1, w):
        layer.neurons[1].w[0] = w  # a weight as an input too
        h = layer([x0, x1])
        return h[0] * 1.5 - h[1] * h[1]

    assert gradcheck(f, [0.3, -0.8, 0.6])


def test_the_jacobian_is_the_plain_layers_plus_the_identity():
    """dh_j/dx_i = da_j/dx_i + [i == j]: the skip hands delta back unchanged."""
    residual = nn.Layer(3, 3, activation="sigmoid", rng=random.Random(5), residual=True)
    plain = nn.Layer(3, 3, activation="sigmoid", rng=random.Random(5))
    xs = [Value(v) for v in (0.4, -1.1, 0.9)]
    for j, (h, a) in enumerate(zip(residual(xs), plain(xs), strict=True)):
        skip = [1.0 if i == j else 0.0 for i in range(3)]
        expected = [d + s for d, s in zip(grad(a, xs), skip, strict=True)]
        assert grad(h, xs) == pytest.approx(expected, rel=1e-12)


def test_mlp_residual_skips_every_hidden_layer_after_the_first():
    model = nn.MLP(2, [4, 4, 4, 1], activation="relu", residual=True, seed=0)
    assert [layer.residual for layer in model.layers] == [False, True, True, False]
    plain = nn.MLP(2, [4, 4, 4, 1], activation="relu", seed=0)
    assert model.state_dict() == plain.state_dict()  # the same weights, one extra edge each
    x = [0.3, -0.7]
    a0 = plain.layers[0](x)
    h1 = [a.data + b.data for a, b in zip(plain.layers[1](a0), a0, strict=True)]
    h2 = [a.data + b for a, b in zip(plain.layers[2](h1), h1, strict=True)]
    assert model(x).data == pytest.approx(plain.layers[3](h2)[0].data, rel=1e-12)
    assert "residual=True" in repr(model)


def test_mismatched_widths_name_the_layer_and_both_widths():
    with pytest.raises(ValueError, match=r"layer layers\.2 maps 8 inputs to 4 outputs"):
        nn.MLP(2, [8, 8, 4, 1], residual=True)
    with pytest.raises(ValueError, match="needs as many outputs as inputs: got 3 inputs and 2"):
        nn.Layer(3, 2, residual=True)
    with pytest.raises(ValueError, match="this MLP has 1 hidden layer"):
        nn.MLP(2, [8, 1], residual=True)


def test_residual_and_batchnorm_models_round_trip_through_files(tmp_path):
    model = nn.MLP(2, [3, 3, 3, 1], activation="sigmoid", residual=True, batchnorm=True, seed=2)
    model.forward_batch([[0.0, 1.0], [1.0, 0.5], [-1.0, 2.0]])  # moves the running statistics
    path = nn.save(model, tmp_path / "r.json")
    architecture = json.loads(path.read_text())["architecture"]
    assert architecture["residual"] is True
    loaded = nn.load(path)
    assert loaded.residual
    assert loaded.state_dict() == model.state_dict()
    model.eval(), loaded.eval()
    assert loaded([0.2, 0.4]).data == model([0.2, 0.4]).data
    document = json.loads(path.read_text())
    document["architecture"]["residual"] = "yes"
    path.write_text(json.dumps(signed(document)))
    with pytest.raises(nn.ModelFileError, match="field 'residual' must be true or false"):
        nn.load(path)
