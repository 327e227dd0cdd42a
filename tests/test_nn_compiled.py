"""nn.fit with the compiled step and without it: the same numbers, epoch after epoch."""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np
import pytest

import nn
from autograd import vsum
from autograd.compiler import EagerFallbackWarning
from nn.compiled import why_not_compiled


def train(compile_: bool, loss: Any, y: list[Any], batch_size: int | None, **model: Any) -> Any:
    X, _ = nn.data.make_moons(40, noise=0.1, seed=0)  # noqa: N806
    net = nn.MLP(2, [6, 6, 1], seed=0, **model)
    history = nn.fit(net, X, y, loss=loss, optimizer=nn.Adam(net.parameters(), lr=0.02),
                     epochs=4, batch_size=batch_size, seed=1, l2=1e-3, l1=1e-4,
                     compile=compile_)  # fmt: skip
    return history, net.state_dict()


LABELS = nn.data.make_moons(40, noise=0.1, seed=0)[1]
LOSSES = [
    (nn.hinge_loss, nn.data.signed(LABELS), {}),
    (nn.binary_cross_entropy_with_logits, LABELS, {}),
    (nn.mse_loss, LABELS, {"activation": "tanh"}),
    (nn.binary_cross_entropy, LABELS, {"output_activation": "sigmoid"}),
    (nn.hinge_loss, nn.data.signed(LABELS), {"dropout": 0.2}),  # a new mask every step
    (nn.hinge_loss, nn.data.signed(LABELS), {"batchnorm": True}),  # running statistics
]


@pytest.mark.filterwarnings("ignore:fit trains on the engine")  # the last two: by design
@pytest.mark.parametrize("batch_size", [None, 8, 1])
@pytest.mark.parametrize(("loss", "y", "model"), LOSSES)
def test_fit_gives_the_same_history_compiled_or_not(
    loss: Any, y: list[Any], model: dict[str, Any], batch_size: int | None
) -> None:
    if batch_size == 1 and model.get("batchnorm"):
        return  # batch norm needs batches of two or more
    (eager, weights), (compiled, compiled_weights) = (
        train(c, loss, y, batch_size, **model) for c in (False, True)
    )
    assert compiled.loss == eager.loss
    assert compiled.accuracy == eager.accuracy
    assert compiled.grad_norm == eager.grad_norm
    assert compiled.layer_grad_norms == eager.layer_grad_norms
    assert compiled_weights == weights


@pytest.mark.parametrize(("loss", "y", "model"), [*LOSSES[:4], (nn.squared_error, LABELS, {})])
def test_every_built_in_loss_compiles(loss: Any, y: list[Any], model: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", EagerFallbackWarning)  # an engine fallback warns
        train(True, loss, y, 8, **model)


CLASSES = nn.data.make_blobs(48, centers=4, seed=0)
TARGETS = {
    "indices": CLASSES[1],
    "one-hot": [[float(k == c) for k in range(4)] for c in CLASSES[1]],
}


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("targets", list(TARGETS))
def test_cross_entropy_compiles_with_index_and_one_hot_targets(targets: str, smoothing: float):
    loss = functools.partial(nn.cross_entropy, label_smoothing=smoothing)
    runs = []
    for compile_ in (False, True):
        model = nn.MLP(2, [5, 4], seed=0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", EagerFallbackWarning)  # an engine fallback warns
            history = nn.fit(model, np.array(CLASSES[0]), np.array(TARGETS[targets]), loss=loss,
                             epochs=3, batch_size=16, seed=0, compile=compile_)  # fmt: skip
        runs.append((history.loss, history.accuracy, model.state_dict()))
    assert runs[0] == runs[1]
    assert (runs[1][1][-1] or 0.0) > 0.5


def test_dropout_and_batch_norm_in_training_mode_are_left_to_the_engine() -> None:
    assert why_not_compiled(nn.MLP(2, [4, 1], dropout=0.5)).startswith("dropout")
    assert why_not_compiled(nn.MLP(2, [4, 1], batchnorm=True)).startswith("batch norm")
    assert why_not_compiled(nn.MLP(2, [4, 1], dropout=0.5).eval()) == ""
    assert why_not_compiled(nn.MLP(2, [4, 1])) == ""
    assert why_not_compiled(nn.MLP(2, [4, 1]), nn.mse_loss) == ""
    assert why_not_compiled(nn.MLP(2, [4, 3]), nn.cross_entropy) == ""
    assert why_not_compiled(nn.MLP(2, [4, 1]), nn.binary_cross_entropy) == ""


def test_a_loss_of_your_own_that_compares_its_targets_runs_on_the_engine_with_a_warning() -> None:
    def mine(outputs: list[Any], targets: list[Any]) -> Any:
        return nn.mse_loss(outputs, [1.0 if t == 1 else 0.0 for t in targets])  # never, on Values

    X, labels = nn.data.make_moons(20, seed=0)  # noqa: N806
    eager = nn.fit(nn.MLP(2, [3, 1], seed=0), X, labels, loss=mine, epochs=2, compile=False)
    with pytest.warns(EagerFallbackWarning, match=r"y == 1 is never true .* Value operations"):
        compiled = nn.fit(nn.MLP(2, [3, 1], seed=0), X, labels, loss=mine, epochs=2)
    assert compiled.loss == eager.loss


def test_a_loss_of_your_own_written_with_value_ops_compiles() -> None:
    def mine(outputs: list[Any], targets: list[Any]) -> Any:
        return vsum([(o - t).abs() for o, t in zip(outputs, targets, strict=True)])

    X, labels = nn.data.make_moons(20, seed=0)  # noqa: N806
    histories = []
    for compile_ in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter("error", EagerFallbackWarning)  # an engine fallback warns
            histories.append(nn.fit(nn.MLP(2, [3, 1], seed=0), X, labels, loss=mine, epochs=3,
                                    batch_size=5, seed=0, compile=compile_).loss)  # fmt: skip
    assert histories[0] == histories[1]
    assert why_not_compiled(nn.MLP(2, [3, 1]), mine) == ""


def test_dropout_warns_once_naming_why_and_the_fix() -> None:
    X, labels = nn.data.make_moons(20, seed=0)  # noqa: N806
    with pytest.warns(EagerFallbackWarning, match=r"dropout draws a new mask .*model.eval\(\)"):
        nn.fit(nn.MLP(2, [3, 1], dropout=0.5, seed=0), X, labels, epochs=2)


def test_bad_targets_are_refused_as_the_engine_refuses_them() -> None:
    X, labels = nn.data.make_moons(20, seed=0)  # noqa: N806
    for compile_ in (False, True):
        with pytest.raises(ValueError, match="hinge_loss needs targets -1 or"):
            nn.fit(nn.MLP(2, [3, 1], seed=0), X, labels, loss=nn.hinge_loss, epochs=1,
                   compile=compile_)  # fmt: skip
