"""fit stops at the first diverging batch, says so, and keeps what was learned before it;
bad data sets and bad examples are refused before training."""

# ruff: noqa: N803, N806 (X: the usual name for a batch of inputs)
import math

import pytest

import nn
from nn import data
from nn.inputs import check_sample


def xor_run(epochs: int) -> tuple[nn.MLP, nn.History | None, nn.DivergenceError | None]:
    X, y = data.make_xor()
    model = nn.MLP(2, [4, 1], "tanh", seed=0)
    try:
        history = nn.fit(model, X, y, optimizer=nn.SGD(model.parameters(), lr=0.5), epochs=epochs)
    except nn.DivergenceError as err:
        return model, None, err
    return model, history, None


def test_a_diverging_run_stops_at_the_epoch_the_loss_explodes():
    # SGD with lr=0.5 on XOR: the loss falls to 0.01, then grows a thousandfold per epoch
    _, _, err = xor_run(400)
    assert err is not None
    assert isinstance(err, FloatingPointError)
    message = str(err)
    assert message.startswith(f"fit: training diverged at epoch {err.epoch}: the loss grew to ")
    assert "over 1e+06 times the first batch's 0.697" in message
    assert "lr is 0.5; try 0.05" in message
    assert "gradient clipping (fit(..., clip=1.0))" in message
    assert 80 < err.epoch < 110
    history = err.history
    assert (history.stopped, history.epochs) == ("diverged", err.epoch)
    assert all(math.isfinite(loss) for loss in history.loss)
    # a run of just those epochs checks the loss after its last update too, which has
    # exploded: it raises one epoch earlier and keeps what a run one epoch shorter ends with
    same, finished, again = xor_run(err.epoch)
    assert finished is None
    assert again is not None
    assert (again.epoch, again.history.loss) == (err.epoch - 1, history.loss[:-1])
    shorter, finished, _ = xor_run(err.epoch - 1)
    assert finished is not None
    assert finished.loss == history.loss[:-1]
    assert same.state_dict() == shorter.state_dict()


def test_a_loss_that_is_not_finite_stops_before_any_update():
    X, y = data.make_xor()
    model = nn.MLP(2, [4, 1], "relu", seed=0)
    start = model.state_dict()
    with pytest.raises(nn.DivergenceError, match="at epoch 0: an overflow") as info:
        nn.fit(model, [[1e200, 1e200]] * 4, y, epochs=5)
    assert "the model keeps its initial parameters" in str(info.value)
    assert model.state_dict() == start
    assert info.value.history.epochs == 0
    history = nn.fit(model, X, y, epochs=3, clip=1.0)  # still trainable afterwards
    assert history.stopped == "max_epochs"


def test_clipping_and_a_smaller_rate_are_remedies_that_work():
    X, y = data.make_xor()
    for options in ({"lr": 0.05}, {"lr": 0.5, "clip": 0.1}):
        model = nn.MLP(2, [4, 1], "tanh", seed=0)
        optimizer = nn.SGD(model.parameters(), lr=options["lr"])
        history = nn.fit(model, X, y, optimizer=optimizer, epochs=300, clip=options.get("clip"))
        assert history.stopped == "max_epochs"


BAD_DATA = [
    ([1.0, 2.0], [0, 1], TypeError, r"fit: X\[0\]: got the single number 1.0, but one example is "
     r"a list of 2 numbers \(one per input\): write \[1.0, ...\]"),
    ([[1.0, 2.0, 3.0]], [0], ValueError, r"fit: X\[0\]: got 3 inputs, but this model takes 2"),
    ([[1.0, math.inf]], [0], ValueError, r"X\[0\]: input 1 is inf: inputs must be finite"),
    ([[1.0, "2"]], [0], ValueError, r"X\[0\]: input 1 is str '2', not a number"),
    (["ab"], [0], TypeError, r"X\[0\]: got str 'ab', but one example is a list of 2 numbers"),
    ([[1.0, 2.0]], [0, 1], ValueError, "fit: 1 examples but 2 targets: give one per example"),
    ([], [], ValueError, "fit needs at least one example"),
]  # fmt: skip


@pytest.mark.parametrize(("X", "y", "error", "message"), BAD_DATA)
def test_bad_data_sets_are_refused_before_training(X, y, error, message):
    model = nn.MLP(2, [3, 1], seed=0)
    start = model.state_dict()
    with pytest.raises(error, match=message):
        nn.fit(model, X, y, epochs=1)
    assert model.state_dict() == start
    with pytest.raises(error, match=message.replace("fit", "evaluate")):
        nn.evaluate(model, X, y)


def test_one_example_given_as_a_number_is_named_with_the_fix():
    with pytest.raises(TypeError, match=r"MLP: got the single number 1.0, .* write \[1.0, ...\]"):
        check_sample(1.0, 2, "MLP")
    check_sample([1.0, 2.0], 2, "MLP")


def test_the_last_update_of_the_last_epoch_is_checked_too():
    """lr=1e308: the one update of a one-epoch run sends the weights where every input
    overflows; no batch's loss sees that, so the loss after it is checked."""
    X, y = data.make_xor()
    model = nn.MLP(2, [4, 1], "tanh", seed=0)
    start = model.state_dict()
    with pytest.raises(nn.DivergenceError, match="at epoch 0") as info:
        nn.fit(model, X, y, optimizer=nn.SGD(model.parameters(), lr=1e308), epochs=1)
    assert model.state_dict() == start
    assert info.value.history.epochs == 0


def test_the_optimizer_s_state_comes_back_with_the_weights():
    X, y = data.make_xor()
    model = nn.MLP(2, [4, 1], "tanh", seed=0)
    optimizer = nn.Adam(model.parameters(), lr=0.05)
    states = []
    nn.fit(model, X, y, optimizer=optimizer, epochs=3, callbacks=[
        lambda epoch, history: states.append(optimizer.state_dict())])  # fmt: skip
    optimizer.lr = 1e300  # the next epoch's first update sends the weights to 1e300
    with pytest.raises(nn.DivergenceError):
        nn.fit(model, X, y, optimizer=optimizer, epochs=1)
    state = optimizer.state_dict()
    assert (state["steps"], state["state"]) == (states[-1]["steps"], states[-1]["state"])


def test_an_error_from_the_loss_mid_epoch_is_divergence_with_the_last_epoch_back():
    X, y = data.make_xor()
    model = nn.MLP(2, [4, 1], "tanh", seed=0)
    calls = []

    def loss(outputs, targets):
        calls.append(1)
        if len(calls) == 7:  # epoch 1, third batch: after two of its updates
            raise ValueError("log(-0.5) is undefined")
        return nn.mse_loss(outputs, targets)

    weights = []
    with pytest.raises(nn.DivergenceError, match="at epoch 1: an op of the loss failed"):
        nn.fit(model, X, y, loss=loss, epochs=3, batch_size=1, seed=0, compile=False,
               callbacks=[lambda epoch, history: weights.append(model.state_dict())])  # fmt: skip
    assert model.state_dict() == weights[0]
