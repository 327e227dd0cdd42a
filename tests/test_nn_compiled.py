"""nn.fit with the compiled step and without it: the same numbers, epoch after epoch."""

from __future__ import annotations

from typing import Any

import pytest

import nn
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
    (nn.binary_cross_entropy, LABELS, {"output_activation": "sigmoid"}),  # reads .data
    (nn.hinge_loss, nn.data.signed(LABELS), {"dropout": 0.2}),  # a new mask every step
    (nn.hinge_loss, nn.data.signed(LABELS), {"batchnorm": True}),  # running statistics
]


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


def test_dropout_and_batch_norm_in_training_mode_are_left_to_the_engine() -> None:
    assert why_not_compiled(nn.MLP(2, [4, 1], dropout=0.5)).startswith("dropout")
    assert why_not_compiled(nn.MLP(2, [4, 1], batchnorm=True)).startswith("batch norm")
    assert why_not_compiled(nn.MLP(2, [4, 1], dropout=0.5).eval()) == ""
    assert why_not_compiled(nn.MLP(2, [4, 1])) == ""
    assert why_not_compiled(nn.MLP(2, [4, 1]), nn.mse_loss) == ""


def test_a_loss_of_your_own_runs_on_the_engine() -> None:
    def mine(outputs: list[Any], targets: list[Any]) -> Any:
        return nn.mse_loss(outputs, [1.0 if t == 1 else 0.0 for t in targets])

    assert "not one of nn.losses" in why_not_compiled(nn.MLP(2, [4, 1]), mine)
    X, labels = nn.data.make_moons(20, seed=0)  # noqa: N806
    histories = [
        nn.fit(nn.MLP(2, [3, 1], seed=0), X, labels, loss=mine, epochs=2, compile=c).loss
        for c in (False, True)
    ]
    assert histories[0] == histories[1]


def test_bad_targets_are_refused_as_the_engine_refuses_them() -> None:
    X, labels = nn.data.make_moons(20, seed=0)  # noqa: N806
    for compile_ in (False, True):
        with pytest.raises(ValueError, match="hinge_loss needs targets -1 or"):
            nn.fit(nn.MLP(2, [3, 1], seed=0), X, labels, loss=nn.hinge_loss, epochs=1,
                   compile=compile_)  # fmt: skip
