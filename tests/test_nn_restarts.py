"""Random restarts: every seed's run is reported and the best is the lowest final loss."""

# ruff: noqa: N806 (X: the usual name for a batch of inputs)
import pytest

import nn
from nn import data

SEEDS = [0, 1, 2, 3, 4]


def make_model(seed):
    return nn.MLP(2, [3, 1], activation="tanh", seed=seed)


def test_best_run_has_the_least_final_loss_and_every_run_is_reported():
    X, y = data.make_xor()
    result = nn.random_restarts(make_model, SEEDS, X, y, epochs=30)
    assert [run.seed for run in result.runs] == SEEDS
    assert all(run.history.epochs == 30 for run in result.runs)
    assert result.final_losses == [run.history.loss[-1] for run in result.runs]
    assert result.best.final_loss == min(result.final_losses)
    assert len(set(result.final_losses)) == len(SEEDS)  # other random seeds, other runs
    assert result.best.model in [run.model for run in result.runs]


def test_each_run_is_what_fit_gives_for_its_seed():
    X, y = data.make_moons(20, seed=0)
    loss = nn.binary_cross_entropy_with_logits

    def adam(params):
        return nn.Adam(params, lr=0.02)

    result = nn.random_restarts(
        make_model, [7, 8], X, y, make_optimizer=adam, loss=loss, epochs=5, batch_size=5
    )
    for run in result.runs:
        model = make_model(run.seed)
        history = nn.fit(
            model,
            X,
            y,
            optimizer=adam(model.parameters()),
            loss=loss,
            epochs=5,
            batch_size=5,
            seed=run.seed,
        )
        assert history.loss == run.history.loss
        assert model.state_dict() == run.model.state_dict()


def test_bad_calls_are_named():
    X, y = data.make_xor()
    with pytest.raises(ValueError, match="at least one seed"):
        nn.random_restarts(make_model, [], X, y)
    optimizer = nn.SGD(make_model(0).parameters())
    with pytest.raises(TypeError, match="pass make_optimizer=lambda params"):
        nn.random_restarts(make_model, [0], X, y, optimizer=optimizer)
    nan_input = [[float("nan"), 0.0], *X[1:]]
    with pytest.raises(ValueError, match=r"random_restarts, seed 1: fit: X\[0\]: input 0 is nan"):
        nn.random_restarts(make_model, [1], nan_input, y)
