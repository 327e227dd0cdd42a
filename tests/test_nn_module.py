"""Module, Neuron, Layer, MLP, Dropout and initialisation."""

import math
import random
import statistics

import pytest

import nn
from autograd import OPS, Value
from nn import init


def test_parameter_counts():
    assert len(nn.MLP(2, [16, 16, 1]).parameters()) == 337
    assert len(nn.MLP(3, [4, 4, 1]).parameters()) == 41  # micrograd's README model
    assert len(nn.Layer(5, 3).parameters()) == 18
    assert len(nn.Neuron(4).parameters()) == 5


def test_named_parameters_are_dotted_and_label_the_values():
    model = nn.MLP(2, [4, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-1] == "layers.1.neurons.0.b"
    assert "layers.0.neurons.3.w.1" in names
    assert all(p.label == name for name, p in model.named_parameters())
    assert list(model.state_dict()) == names


def test_forward_labels_z_and_a_nodes():
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    out = model([0.5, -1.0])
    assert out.label == "layers.1.neurons.0.z"  # a linear output neuron: z is its output
    assert out.op is OPS["dot"]
    hidden = [p for p in out.parents if p.op is OPS["tanh"]]
    assert [h.label for h in hidden] == [f"layers.0.neurons.{j}.a" for j in range(3)]
    assert hidden[0].parents[0].label == "layers.0.neurons.0.z"
    # one dot node per neuron: weights, inputs, then the bias
    z = hidden[0].parents[0]
    assert [p.label for p in z.parents[:2]] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1"]
    assert z.parents[-1].label == "layers.0.neurons.0.b"


def test_neuron_computes_activation_of_weighted_sum():
    neuron = nn.Neuron(2, activation="sigmoid")
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 0.4, -0.3, 0.1
    a = neuron([2.0, 1.0])
    assert a.data == pytest.approx(1 / (1 + math.exp(-(0.8 - 0.3 + 0.1))), abs=1e-15)
    assert a.label == "a"
    assert a.parents[0].label == "z"


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "tanh", "sigmoid", "linear"])
def test_every_activation_builds_and_backpropagates(activation):
    model = nn.MLP(2, [3, 1], activation=activation, seed=1)
    model([0.3, -0.7]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())


def test_one_neuron_hidden_layer_works():
    # micrograd's MLP returned a bare Value from a 1-neuron hidden layer, breaking the next one
    model = nn.MLP(2, [1, 1, 2], seed=0)
    out = model([1.0, 2.0])
    assert isinstance(out, list)
    assert len(out) == 2
    (out[0] + out[1]).backward()


def test_seed_reproducible_and_leaves_global_random_alone():
    random.seed(123)
    expected_next = random.random()
    random.seed(123)
    a, b = nn.MLP(2, [8, 1], seed=7), nn.MLP(2, [8, 1], seed=7)
    assert random.random() == expected_next
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != nn.MLP(2, [8, 1], seed=8).state_dict()


def _weights(model):
    return [p.data for name, p in model.named_parameters() if not name.endswith(".b")]


@pytest.mark.parametrize(
    ("scheme", "bound"),
    [("uniform", 1.0), ("xavier_uniform", math.sqrt(6 / 130)), ("he_uniform", math.sqrt(6 / 64))],
)
def test_uniform_inits_respect_their_bounds(scheme, bound):
    model = nn.MLP(64, [66, 1], init=scheme, seed=0)
    hidden = _weights(model)[: 64 * 66]
    assert max(abs(w) for w in hidden) <= bound
    assert max(abs(w) for w in hidden) > 0.95 * bound
    assert all(p.data == 0.0 for name, p in model.named_parameters() if name.endswith(".b"))


@pytest.mark.parametrize(
    ("scheme", "std"), [("xavier_normal", math.sqrt(2 / 130)), ("he_normal", math.sqrt(2 / 64))]
)
def test_normal_inits_have_their_variance(scheme, std):
    hidden = _weights(nn.MLP(64, [66, 1], init=scheme, seed=0))[: 64 * 66]
    assert statistics.pstdev(hidden) == pytest.approx(std, rel=0.05)
    assert statistics.mean(hidden) == pytest.approx(0.0, abs=0.1 * std)


def test_default_init_follows_the_activation():
    assert init.get_initializer(None, "relu") is init.he_uniform
    assert init.get_initializer(None, "tanh") is init.xavier_uniform
    with pytest.raises(ValueError, match="unknown init 'bogus'"):
        nn.MLP(2, [2], init="bogus")


def test_bad_construction_and_input_are_named():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nn.MLP(2, [2], activation="swish")
    with pytest.raises(ValueError, match="layer size must be a positive int, got 0"):
        nn.MLP(2, [3, 0])
    with pytest.raises(ValueError, match=r"layer layers\.0: got 3 inputs, but this model takes 2"):
        nn.MLP(2, [3, 1])([1.0, 2.0, 3.0])


def test_zero_grad_train_eval():
    model = nn.MLP(2, [3, 1], seed=0)
    model([1.0, 1.0]).backward()
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert model.eval() is model
    assert not any(m.training for _, m in model.named_modules())
    model.train()
    assert all(m.training for _, m in model.named_modules())


def test_load_state_dict_round_trip_and_errors():
    a, b = nn.MLP(2, [3, 1], seed=0), nn.MLP(2, [3, 1], seed=1)
    b.load_state_dict(a.state_dict())
    assert b([0.2, 0.3]).data == a([0.2, 0.3]).data
    state = a.state_dict()
    del state["layers.1.neurons.0.b"]
    with pytest.raises(KeyError, match=r"missing \['layers.1.neurons.0.b'\]"):
        b.load_state_dict(state)
    with pytest.raises(
        ValueError, match=r"state_dict\['layers.0.neurons.0.w.0'\] must be a finite"
    ):
        b.load_state_dict({**a.state_dict(), "layers.0.neurons.0.w.0": math.nan})


def test_dropout_train_and_eval():
    xs = [Value(1.0) for _ in range(2000)]
    drop = nn.Dropout(0.25, seed=0)
    out = drop(xs)
    kept = [v.data for v in out if v.data != 0.0]
    assert all(k == pytest.approx(1 / 0.75) for k in kept)
    assert len(kept) / len(xs) == pytest.approx(0.75, abs=0.03)
    drop.eval()
    assert drop(xs) == xs
    with pytest.raises(ValueError, match="dropout probability"):
        nn.Dropout(1.0)


def test_mlp_dropout_only_in_training():
    model = nn.MLP(2, [32, 1], dropout=0.5, seed=0)
    x = [0.4, -0.9]
    train_outputs = {model(x).data for _ in range(5)}
    model.eval()
    assert len(train_outputs) > 1
    assert model(x).data == model(x).data


def test_a_bare_number_or_a_wrong_width_is_named_with_the_fix() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(TypeError, match=r"layer layers.0: got the single number 1.0.*write \[1.0"):
        model(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="got 1 inputs, but this model takes 2"):
        model([1.0])
