"""fit(): the demos reach their accuracies, the stopping rules, history, callbacks, progress."""

# ruff: noqa: N806 (X: the usual name for a batch of inputs)
import math

import pytest

import nn
from nn import data


def stop_at(accuracy):
    return lambda epoch, history: history.accuracy[-1] >= accuracy


def test_moons_with_hinge_loss_reaches_97_percent():
    X, y = data.make_moons(100, noise=0.1, seed=0)
    targets = data.signed(y)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1, momentum=0.9)
    history = nn.fit(
        model,
        X,
        targets,
        loss=nn.hinge_loss,
        optimizer=optimizer,
        epochs=100,
        callbacks=[stop_at(0.98)],
    )
    assert history.stopped == "callback"
    assert nn.evaluate(model, X, targets, nn.hinge_loss)[1] >= 0.97


def test_spirals_with_a_tanh_mlp_reaches_90_percent():
    X, y = data.make_spirals(100, classes=2, seed=0)
    model = nn.MLP(2, [16, 16, 2], activation="tanh", seed=0)
    optimizer = nn.Adam(model.parameters(), lr=0.05)
    history = nn.fit(
        model,
        X,
        y,
        loss=nn.cross_entropy,
        optimizer=optimizer,
        epochs=150,
        callbacks=[stop_at(0.95)],
    )
    assert history.stopped == "callback"
    assert nn.evaluate(model, X, y, nn.cross_entropy)[1] >= 0.90


def test_stops_at_tolerance_or_max_epochs():
    X, y = data.make_xor()
    model = nn.MLP(2, [4, 1], activation="tanh", seed=1)
    history = nn.fit(model, X, y, epochs=5)
    assert (history.stopped, history.epochs) == ("max_epochs", 5)
    history = nn.fit(
        model, X, y, optimizer=nn.Adam(model.parameters(), lr=0.05), epochs=2000, tol=1e-3
    )
    assert history.stopped == "tol"
    assert history.loss[-1] <= 1e-3 < history.loss[-2]
    assert history.accuracy[-1] == 1.0


@pytest.mark.parametrize("batch_size", [None, 8, 1])
def test_batch_minibatch_and_stochastic_descent_learn_and_are_seeded(batch_size):
    X, y = data.make_blobs(24, centers=2, std=0.5, seed=3)
    runs = []
    for _ in range(2):
        model = nn.MLP(2, [4, 1], seed=0)
        runs.append(
            nn.fit(
                model,
                X,
                y,
                loss=nn.binary_cross_entropy_with_logits,
                epochs=6,
                batch_size=batch_size,
                seed=4,
            )
        )
    assert runs[0].loss == runs[1].loss
    assert runs[0].loss[-1] < runs[0].loss[0]
    assert len(runs[0].lr) == len(runs[0].grad_norm) == len(runs[0].seconds) == 6


def test_history_records_the_schedule():
    X, y = data.make_xor()
    model = nn.MLP(2, [3, 1], seed=0)
    schedule = nn.LinearWarmup(2, nn.StepLR(2, gamma=0.5))
    history = nn.fit(
        model, X, y, optimizer=nn.SGD(model.parameters(), lr=0.4), epochs=6, schedule=schedule
    )
    assert history.lr == pytest.approx([0.2, 0.4, 0.4, 0.4, 0.2, 0.2])


def test_clip_bounds_each_update():
    X, y = data.make_moons(20, seed=0)
    model = nn.MLP(2, [8, 1], seed=0)
    before = [p.data for p in model.parameters()]
    history = nn.fit(
        model,
        X,
        [10 * t for t in y],
        optimizer=nn.SGD(model.parameters(), lr=0.1),
        epochs=1,
        clip=0.01,
    )
    moved = math.sqrt(
        sum((p.data - b) ** 2 for p, b in zip(model.parameters(), before, strict=True))
    )
    assert history.grad_norm[0] > 0.01  # recorded before clipping
    assert moved <= 0.1 * 0.01 + 1e-12


def test_l2_penalty_is_part_of_the_recorded_loss():
    X, y = data.make_xor()
    model = nn.MLP(2, [3, 1], seed=0)
    plain, _ = nn.evaluate(model, X, y)
    weights = [p.data for name, p in model.named_parameters() if not name.endswith(".b")]
    history = nn.fit(model, X, y, epochs=1, l2=0.1, l1=0.01)
    penalty = 0.1 * sum(w * w for w in weights) + 0.01 * sum(abs(w) for w in weights)
    assert history.loss[0] == pytest.approx(plain + penalty, rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_layer_gradient_norms_show_vanishing_gradients(seed):
    X, y = data.make_moons(40, seed=0)

    def first_over_last(activation):
        model = nn.MLP(2, [8] * 6 + [1], activation=activation, seed=seed)
        norms = nn.fit(
            model, X, y, loss=nn.binary_cross_entropy_with_logits, epochs=1
        ).layer_grad_norms[0]
        assert len(norms) == 7
        return norms[0] / norms[-1]

    assert first_over_last("sigmoid") < 0.05
    assert first_over_last("relu") > 0.2


def test_callbacks_see_every_epoch_and_can_stop():
    X, y = data.make_xor()
    seen = []
    callbacks = [lambda e, h: seen.append((e, h.epochs)), lambda e, h: e == 3]
    history = nn.fit(nn.MLP(2, [3, 1], seed=0), X, y, epochs=10, callbacks=callbacks)
    assert seen == [(0, 1), (1, 2), (2, 3), (3, 4)]
    assert history.stopped == "callback"


def test_progress_bar_only_when_asked_or_on_a_terminal(capsys):
    X, y = data.make_xor()
    nn.fit(nn.MLP(2, [3, 1], seed=0), X, y, epochs=3)  # stderr is captured: not a terminal
    assert capsys.readouterr().err == ""
    nn.fit(nn.MLP(2, [3, 1], seed=0), X, y, epochs=3, progress=True)
    err = capsys.readouterr().err
    assert "3/3" in err
    assert "loss=" in err


def test_empty_data_is_refused():
    with pytest.raises(ValueError, match="fit needs at least one example"):
        nn.fit(nn.MLP(2, [1]), [], [])


def test_evaluate_restores_training_mode_and_handles_regression():
    model = nn.MLP(2, [3, 1], dropout=0.5, seed=0)
    loss, accuracy = nn.evaluate(model, [[0.0, 1.0], [1.0, 1.0]], [0.3, 2.5])
    assert accuracy is None
    assert loss > 0
    assert model.training
    assert model.dropout.training
