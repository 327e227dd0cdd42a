"""nn.to_torch and nn.from_torch: the same outputs and parameter gradients, to 1e-12.

Each case builds an MLP with random weights (BatchNorm's gamma, beta and running statistics
too), exports it, runs both on the same random batch, backpropagates the same random
combination of the outputs, and compares outputs, every parameter's gradient and (in training
mode) the running statistics after the step.
"""

import random
from pathlib import Path
from typing import Any

import pytest
import torch

import nn
from autograd import Value, vsum
from nn.torch_bridge import torch_names
from nn.torch_modules import Residual

TOLERANCE = 1e-12
ACTIVATIONS = ["relu", "leaky_relu", "tanh", "sigmoid", "linear"]
CASES: dict[str, dict[str, Any]] = {
    **{
        f"hidden-{a}-output-{b}": {"nouts": [5, 4, 2], "activation": a, "output_activation": b}
        for a, b in zip(ACTIVATIONS, ACTIVATIONS[1:] + ACTIVATIONS[:1], strict=True)
    },
    "one-layer": {"nouts": [3]},
    "dropout-eval": {"nouts": [6, 6, 1], "dropout": 0.3, "eval": True},
    "batchnorm-train": {"nouts": [5, 5, 2], "batchnorm": True, "activation": "tanh"},
    "batchnorm-eval": {"nouts": [5, 5, 2], "batchnorm": True, "eval": True},
    "residual": {"nouts": [4, 4, 4, 1], "residual": True, "activation": "leaky_relu"},
    "everything-train": {"nouts": [4, 4, 4, 2], "residual": True, "batchnorm": True},
    "everything-eval": {
        "nouts": [4, 4, 4, 2], "residual": True, "batchnorm": True, "dropout": 0.5, "eval": True,
        "activation": "sigmoid", "output_activation": "tanh",
    },
}  # fmt: skip


def random_model(case: dict[str, Any], rng: random.Random) -> nn.MLP:
    options = {k: v for k, v in case.items() if k != "eval"}
    model = nn.MLP(3, seed=rng.randrange(1000), **options)
    state = {
        name: rng.uniform(0.5, 2.0) if ".running_var." in name else rng.uniform(-1.0, 1.0)
        for name in model.state_dict()
    }
    model.load_state_dict(state)
    return model.eval() if case.get("eval") else model


Rows = list[list[float]]


def pairs(a: Rows, b: Rows) -> list[tuple[float, float]]:
    return [(x, y) for xs, ys in zip(a, b, strict=True) for x, y in zip(xs, ys, strict=True)]


def scalar_run(model: nn.MLP, xs: Rows, c: Rows) -> Rows:
    """Outputs of the batch; parameters' grads hold d(sum c * outputs)/d parameter."""
    outs = [o if isinstance(o, list) else [o] for o in model.forward_batch(xs)]
    model.zero_grad()
    total = vsum(
        [ci * o for cs, os in zip(c, outs, strict=True) for ci, o in zip(cs, os, strict=True)]
    )
    assert isinstance(total, Value)
    total.backward()
    return [[o.data for o in os] for os in outs]


def torch_run(module: torch.nn.Module, xs: Rows, c: Rows) -> Any:
    out = module(torch.tensor(xs, dtype=torch.float64))
    (out * torch.tensor(c, dtype=torch.float64)).sum().backward()
    return out.detach().tolist()


def largest_differences(case: dict[str, Any], seed: int) -> tuple[float, float, float]:
    """The largest output, gradient and running-statistics differences, relative to
    max(1, |value|), between a random model and its export on a random batch."""
    rng = random.Random(seed)
    model = random_model(case, rng)
    module = nn.to_torch(model)
    xs = [[rng.uniform(-2.0, 2.0) for _ in range(3)] for _ in range(8)]
    c = [[rng.uniform(-1.0, 1.0) for _ in range(case["nouts"][-1])] for _ in range(8)]
    outputs = max(
        relative(a, b) for a, b in pairs(scalar_run(model, xs, c), torch_run(module, xs, c))
    )
    names, params = torch_names(model), dict(module.named_parameters())
    grads = [
        relative(p.grad, params[names[n][0]].grad[names[n][1]].item())  # type: ignore[index]
        for n, p in model.named_parameters()
    ]
    tensors = module.state_dict()
    buffers = [
        relative(v, tensors[names[n][0]][names[n][1]].item()) for n, v in model.named_buffers()
    ]
    return outputs, max(grads), max(buffers, default=0.0)


def relative(a: float, b: float) -> float:
    return abs(a - b) / max(1.0, abs(b))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", CASES)
def test_export_gives_the_same_outputs_gradients_and_statistics(name: str, seed: int) -> None:
    outputs, grads, buffers = largest_differences(CASES[name], seed)
    assert outputs <= TOLERANCE, f"{name}: outputs differ by {outputs:.3g}"
    assert grads <= TOLERANCE, f"{name}: gradients differ by {grads:.3g}"
    assert buffers <= TOLERANCE, f"{name}: running statistics differ by {buffers:.3g}"


@pytest.mark.parametrize("name", CASES)
def test_round_trip_keeps_every_number_and_the_mode(name: str) -> None:
    model = random_model(CASES[name], random.Random(7))
    back = nn.from_torch(nn.to_torch(model))
    assert back.state_dict() == model.state_dict()
    assert repr(back) == repr(model)
    assert back.dropout.p == model.dropout.p
    assert back.training == model.training
    assert [n.activation for n in back.layers[-1].neurons] == [
        n.activation for n in model.layers[-1].neurons
    ]


def test_export_is_float64_in_the_models_mode() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    assert all(p.dtype == torch.float64 for p in nn.to_torch(model).parameters())
    assert nn.to_torch(model).training
    assert not nn.to_torch(model.eval()).training


def test_a_torch_network_written_by_hand_comes_over() -> None:
    torch.manual_seed(0)
    f64 = torch.float64
    module = torch.nn.Sequential(
        torch.nn.Sequential(torch.nn.Linear(2, 4, bias=False, dtype=f64), torch.nn.Tanh()),
        torch.nn.Identity(),
        torch.nn.Dropout(0.0),
        Residual(torch.nn.Sequential(torch.nn.Linear(4, 4, dtype=f64), torch.nn.Tanh())),
        Residual(torch.nn.Sequential(torch.nn.Linear(4, 4, dtype=f64), torch.nn.Tanh())),
        torch.nn.Linear(4, 1, dtype=f64),
    ).eval()
    model = nn.from_torch(module)
    assert repr(model) == (
        "MLP(2, [4, 4, 4, 1], activation='tanh', output_activation='linear', dropout=0.0, "
        "batchnorm=False, residual=True)"
    )
    assert not model.training
    rng = random.Random(1)
    for _ in range(5):
        x = [rng.uniform(-2, 2), rng.uniform(-2, 2)]
        expected = module(torch.tensor([x], dtype=f64)).item()
        assert relative(model(x).data, expected) <= TOLERANCE  # type: ignore[union-attr]
    assert nn.from_torch(torch.nn.Linear(3, 2)).nouts == [2]  # one Linear; float32 read as is


def test_training_continues_the_same_way_in_torch() -> None:
    """Five SGD steps here and five in torch from the same start: the same weights."""
    xs, y = nn.data.make_moons(16, seed=0)
    model = nn.MLP(2, [6, 6, 1], activation="tanh", batchnorm=True, seed=0)
    module = nn.to_torch(model)
    sgd = nn.SGD(model.parameters(), lr=0.1)
    nn.fit(model, xs, [float(t) for t in y], nn.mse_loss, sgd, epochs=5, progress=False)
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
    inputs, targets = torch.tensor(xs, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    for _ in range(5):
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(module(inputs).squeeze(1), targets).backward()
        optimizer.step()
    back = nn.from_torch(module).state_dict()
    assert max(relative(v, back[k]) for k, v in model.state_dict().items()) <= 1e-10


def test_a_pickled_export_loads_again(tmp_path: Path) -> None:
    module = nn.to_torch(nn.MLP(2, [3, 3, 3, 1], residual=True, seed=0))
    torch.save(module, tmp_path / "model.pt")
    loaded = torch.load(tmp_path / "model.pt", weights_only=False)
    assert nn.from_torch(loaded).state_dict() == nn.from_torch(module).state_dict()


def f64(*modules: torch.nn.Module) -> torch.nn.Sequential:
    return torch.nn.Sequential(*modules).double()


L, BN = torch.nn.Linear, torch.nn.BatchNorm1d


@pytest.mark.parametrize(
    ("module", "message"),
    [
        (f64(L(2, 3), torch.nn.GELU(), L(3, 1)), "1 is a GELU; nn maps Linear"),
        (f64(L(2, 3), torch.nn.LeakyReLU(0.2), L(3, 1)), "1 is LeakyReLU(0.2)"),
        (f64(L(2, 3), torch.nn.ReLU(), L(3, 3), torch.nn.Tanh(), L(3, 1)), "different activations"),
        (f64(L(2, 3), BN(3, momentum=None), L(3, 1)), "1 (BatchNorm1d) has momentum=None"),
        (f64(L(2, 3), BN(3, affine=False), L(3, 1)), "has no affine weight"),
        (f64(L(2, 3), L(3, 1), BN(1)), "the output layer 1 has BatchNorm"),
        (f64(L(2, 3), BN(3), L(3, 3), L(3, 1)), "some hidden layers have BatchNorm"),
        (f64(L(2, 3), L(3, 1), torch.nn.Dropout(0.5)), "2 (Dropout) must stand between"),
        (f64(L(2, 3), torch.nn.Dropout(0.5), L(3, 3), L(3, 1)), "dropout differs"),
        (f64(L(2, 3), L(4, 1)), "1 takes 4 inputs but 0 gives 3"),
        (f64(L(2, 3), torch.nn.ReLU(), BN(3)), "2 (BatchNorm1d) must follow a Linear directly"),
        (f64(torch.nn.ReLU()), "0 (ReLU) must follow a Linear"),
        (f64(Residual(L(2, 2)), L(2, 2), L(2, 1)), "residual layers must be every hidden layer"),
        (f64(Residual(f64(L(2, 2), L(2, 2))), L(2, 1)), "0 (Residual) must wrap exactly one"),
        (f64(), "has no Linear layer"),
        (torch.nn.Conv1d(1, 1, 1), "the module is a Conv1d"),
    ],
)
def test_what_nn_cannot_express_is_refused_by_name(module: torch.nn.Module, message: str) -> None:
    with pytest.raises(ValueError, match="from_torch") as err:
        nn.from_torch(module)
    assert message in str(err.value)


def test_wrong_types_are_refused() -> None:
    with pytest.raises(TypeError, match=r"to_torch converts an nn\.MLP, got Layer"):
        nn.to_torch(nn.Layer(2, 2))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"from_torch converts a torch\.nn\.Module, got MLP"):
        nn.from_torch(nn.MLP(2, [1]))  # type: ignore[arg-type]
