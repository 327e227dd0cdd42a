"""BatchNorm: the textbook formula, gradients through the batch statistics, running
statistics as PyTorch keeps them, eval mode, state_dict and model files."""

# ruff: noqa: N806 (X: the usual name for a batch of inputs)
import json
import math

import pytest

import nn
from autograd import Value, gradcheck
from nn import data
from nn.model_file import signed

BATCH = [[1.0, -2.0, 0.5], [3.0, 0.0, 0.25], [-1.0, 4.0, 1.0], [2.0, 1.0, -0.75]]


def columns(batch):
    return [list(column) for column in zip(*batch, strict=True)]


def test_forward_matches_the_textbook_formula():
    bn = nn.BatchNorm(3, eps=1e-3)
    bn.gamma = [Value(2.0), Value(-0.5), Value(1.5)]
    bn.beta = [Value(0.1), Value(0.0), Value(-3.0)]
    out = bn.forward_batch(BATCH)
    for j, column in enumerate(columns(BATCH)):
        mean = sum(column) / 4
        var = sum((x - mean) ** 2 for x in column) / 4  # biased, as in the paper
        gamma, beta = bn.gamma[j].data, bn.beta[j].data
        expected = [gamma * (x - mean) / math.sqrt(var + 1e-3) + beta for x in column]
        assert [row[j].data for row in out] == pytest.approx(expected, rel=1e-12)


def test_normalised_features_have_mean_0_and_variance_1():
    out = nn.BatchNorm(3, eps=1e-12).forward_batch(BATCH)
    for column in columns([[v.data for v in row] for row in out]):
        assert sum(column) / 4 == pytest.approx(0.0, abs=1e-12)
        assert sum(x * x for x in column) / 4 == pytest.approx(1.0, rel=1e-9)


def test_gradients_through_the_batch_statistics_match_central_differences():
    """gradcheck over every input of a 3 x 2 batch and over gamma and beta; a weighted sum
    of the outputs, since their plain sum does not depend on the inputs at all."""
    coefficients = [0.3, -1.2, 0.7, 2.0, -0.4, 1.1]

    def f(*values):
        bn = nn.BatchNorm(2, eps=0.1)
        xs, bn.gamma, bn.beta = values[:6], list(values[6:8]), list(values[8:])
        out = bn.forward_batch([xs[0:2], xs[2:4], xs[4:6]])
        flat = [v for row in out for v in row]
        return sum(c * v for c, v in zip(coefficients, flat, strict=True))

    point = [0.5, -1.0, 2.0, 0.3, -0.7, 1.4, 1.5, -0.8, 0.2, 0.9]
    assert gradcheck(f, point)
    x0 = Value(point[0])
    f(x0, *map(Value, point[1:])).backward()
    assert x0.grad != pytest.approx(0.0, abs=1e-3)  # the statistics do pass a gradient on


def test_running_statistics_update_as_pytorch_does():
    """running = (1 - momentum) running + momentum batch, with the unbiased variance."""
    bn = nn.BatchNorm(3, momentum=0.25)
    mean, var = [0.0] * 3, [1.0] * 3
    for batch in (BATCH, [[x * 2 + 1 for x in row] for row in BATCH[:3]]):
        bn.forward_batch(batch)
        m = len(batch)
        for j, column in enumerate(columns(batch)):
            mu = sum(column) / m
            unbiased = sum((x - mu) ** 2 for x in column) / (m - 1)
            mean[j] = 0.75 * mean[j] + 0.25 * mu
            var[j] = 0.75 * var[j] + 0.25 * unbiased
        assert bn.running_mean == pytest.approx(mean, rel=1e-12)
        assert bn.running_var == pytest.approx(var, rel=1e-12)
    assert [v for _, v in bn.named_buffers()] == [*bn.running_mean, *bn.running_var]
    assert [name for name, _ in bn.named_parameters()][:2] == ["gamma.0", "gamma.1"]
    assert len(bn.parameters()) == 6  # gamma and beta only: the statistics are buffers


def test_eval_mode_uses_the_running_statistics_and_changes_nothing():
    bn = nn.BatchNorm(3, eps=1e-5)
    bn.forward_batch(BATCH)
    bn.gamma[1].data, bn.beta[1].data = 3.0, -1.0
    bn.eval()
    state = bn.state_dict()
    x = [0.7, -0.2, 5.0]
    single = bn(x)
    for j in range(3):
        expected = (x[j] - bn.running_mean[j]) / math.sqrt(bn.running_var[j] + 1e-5)
        expected = bn.gamma[j].data * expected + bn.beta[j].data
        assert single[j].data == pytest.approx(expected, rel=1e-12)
    batch = bn.forward_batch([x, x])  # a batch of one value per channel is fine in eval
    assert [v.data for v in batch[0]] == [v.data for v in single]
    assert bn.state_dict() == state


def test_training_mode_refuses_a_single_sample_and_a_batch_of_one():
    bn = nn.MLP(2, [3, 1], batchnorm=True, seed=0)
    with pytest.raises(RuntimeError, match=r"BatchNorm layers\.0\.bn needs the whole batch"):
        bn([1.0, 2.0])
    with pytest.raises(ValueError, match="expected more than 1 value per channel when training"):
        bn.forward_batch([[1.0, 2.0]])
    with pytest.raises(ValueError, match="expected more than 1 value per channel"):
        nn.fit(bn, [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1], batch_size=1, epochs=1)
    with pytest.raises(ValueError, match=r"layers\.0\.bn expects 3 features, got 2"):
        bn.layers[0].bn.forward_batch([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_features": 0}, "num_features must be a positive int"),
        ({"num_features": 2, "eps": 0.0}, "eps must be positive"),
        ({"num_features": 2, "momentum": 1.5}, r"momentum must be in \[0, 1\]"),
    ],
)
def test_bad_settings_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        nn.BatchNorm(**kwargs)


def test_mlp_labels_bn_parameters_and_statistics():
    model = nn.MLP(2, [4, 3, 1], activation="tanh", batchnorm=True, seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert "layers.0.bn.gamma.3" in names
    assert "layers.1.bn.beta.2" in names
    assert not any(name.startswith("layers.2.bn") for name in names)  # none on the output
    buffers = dict(model.named_buffers())
    assert list(buffers)[:2] == ["layers.0.bn.running_mean.0", "layers.0.bn.running_mean.1"]
    assert set(buffers) <= set(model.state_dict())
    out = model.forward_batch([[0.1, 0.2], [0.3, -0.4], [1.0, 0.0]])
    labels = {node.label for node in _ancestors(out[0])}
    assert {"layers.0.bn.mean.3", "layers.0.bn.var.3", "layers.0.bn.y.3"} <= labels
    assert {"layers.0.neurons.3.z", "layers.0.neurons.3.a", "layers.0.bn.gamma.3"} <= labels


def _ancestors(root):
    seen, stack = [], [root]
    while stack:
        node = stack.pop()
        if all(node is not s for s in seen):
            seen.append(node)
            stack.extend(node.parents)
    return seen


def test_state_dict_and_model_files_carry_the_running_statistics(tmp_path):
    X, y = data.make_moons(24, seed=1)
    model = nn.MLP(2, [5, 5, 1], activation="relu", batchnorm=True, seed=3)
    nn.fit(model, X, y, loss=nn.binary_cross_entropy_with_logits, epochs=3, batch_size=8, seed=0)
    running = model.layers[1].bn.running_var
    assert running != [1.0] * 5
    copy = nn.MLP(2, [5, 5, 1], activation="relu", batchnorm=True, seed=99)
    copy.load_state_dict(model.state_dict())
    assert copy.layers[1].bn.running_var == running
    document = json.loads(nn.save(model, tmp_path / "bn.json").read_text())
    assert document["version"] == 3
    assert document["architecture"]["batchnorm"] is True
    assert document["buffers"]["layers.1.bn.running_var.4"] == running[4]
    assert "layers.1.bn.running_var.4" not in document["weights"]
    loaded = nn.load(tmp_path / "bn.json")
    assert loaded.state_dict() == model.state_dict()
    model.eval(), loaded.eval()
    assert [loaded(x).data for x in X] == [model(x).data for x in X]


def test_bad_buffers_in_state_dict_and_files_are_named(tmp_path):
    model = nn.MLP(2, [3, 1], batchnorm=True, seed=0)
    state = {**model.state_dict(), "layers.0.bn.running_var.1": -0.5}
    with pytest.raises(ValueError, match=r"running_var\.1'\]: a running variance cannot be neg"):
        model.load_state_dict(state)
    assert model.layers[0].bn.running_var == [1.0] * 3  # checked before anything is copied
    path = nn.save(model, tmp_path / "m.json")
    document = json.loads(path.read_text())
    document["buffers"].pop("layers.0.bn.running_mean.2")
    path.write_text(json.dumps(signed(document)))
    with pytest.raises(nn.ModelFileError, match=r"needs 6 buffers, the file has 5"):
        nn.load(path)
    document["buffers"]["layers.0.bn.running_mean.2"] = "x"
    path.write_text(json.dumps(signed(document)))
    with pytest.raises(
        nn.ModelFileError, match=r"buffer 'layers\.0\.bn\.running_mean\.2' must be a"
    ):
        nn.load(path)
    document["buffers"]["layers.0.bn.running_mean.2"] = 0.0
    document["buffers"]["layers.0.bn.running_var.0"] = -1.0
    path.write_text(json.dumps(signed(document)))
    with pytest.raises(nn.ModelFileError, match="running variance cannot be negative"):
        nn.load(path)


def test_old_version_1_and_2_files_still_load(tmp_path):
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    architecture = {"nin": 2, "nouts": [3, 1], "activation": "tanh",
                    "output_activation": "linear", "dropout": 0.0}  # fmt: skip
    path = tmp_path / "plain.json"
    for version, extra in ((1, {}), (2, {"buffers": {}})):
        weights = model.state_dict()
        document = {"format": "chainrule.mlp", "version": version,
                    "architecture": architecture, "weights": weights, **extra}  # fmt: skip
        path.write_text(json.dumps(document))  # no checksum: older files have none
        loaded = nn.load(path)
        assert loaded.state_dict() == model.state_dict()
        assert not loaded.batchnorm


def test_fit_trains_a_batchnorm_mlp_on_moons():
    X, y = data.make_moons(40, noise=0.1, seed=0)
    model = nn.MLP(2, [6, 6, 1], activation="relu", batchnorm=True, seed=0)
    optimizer = nn.Adam(model.parameters(), lr=0.05)
    loss = nn.binary_cross_entropy_with_logits
    history = nn.fit(model, X, y, loss=loss, optimizer=optimizer, epochs=25, batch_size=20, seed=0)
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert nn.evaluate(model, X, y, loss=loss)[1] >= 0.85  # eval mode: running statistics


def test_decision_boundary_scores_in_eval_mode_and_restores_the_mode():
    from chainrule.plots import plot_decision_boundary

    X, y = data.make_moons(20, seed=0)
    model = nn.MLP(2, [4, 1], batchnorm=True, seed=0)
    assert model.training
    fig = plot_decision_boundary(model, X, y, steps=5)  # per-point calls: needs eval mode
    assert fig.axes
    assert model.training


def test_weight_penalties_leave_biases_and_batchnorm_scale_and_shift_alone():
    from nn.train import _is_weight

    model = nn.MLP(2, [3, 1], batchnorm=True, seed=0)
    penalised = {name for name, _ in model.named_parameters() if _is_weight(name)}
    assert penalised == {
        f"layers.{i}.neurons.{j}.w.{k}"
        for i, j, k in [(0, j, k) for j in range(3) for k in range(2)]
        + [(1, 0, k) for k in range(3)]
    }
