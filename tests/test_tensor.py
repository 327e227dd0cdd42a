"""The tensor back end against the engine: bit for bit in exact mode, on batched graphs over
every row of the table and on the models nn builds."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, compile_step, dot, vsum
from autograd.compiler.arrays import ordered_sum
from autograd.testing.strategies import Expression, floats_in, op_calls, op_cases

CASES = list(op_cases())
IDS = [f"{name}-{arity}" + ("" if param is None else f"-{param}") for name, arity, param in CASES]


def bits(xs: list[float]) -> list[Any]:
    return ["nan" if x != x else struct.pack("<d", x) for x in xs]


def engine(fn: Callable[..., Any], params: list[Value], *args: Any) -> tuple[Any, ...]:
    """The engine's loss, the gradients backward() leaves in zeroed .grad, the outputs."""
    for p in params:
        p.grad = 0.0
    leaves = [[[Value(a) for a in x] if isinstance(x, list) else Value(x) for x in arg]
              for arg in args]  # fmt: skip
    result = fn(*leaves)
    root, outputs = (result, []) if isinstance(result, Value) else result
    root.backward()
    flat = [o for out in outputs for o in (out if isinstance(out, list) else [out])]
    return bits([root.data]), bits([p.grad for p in params]), bits([o.data for o in flat])


def replayed(step: Any, *args: Any) -> tuple[Any, ...]:
    loss, grads, outputs = step(*args)
    return bits([loss]), bits(grads), bits(outputs)


@pytest.mark.parametrize(
    "shape", [(7, 3, 5), (100, 64, 32), (1000, 1), (1000, 2), (65, 64, 1), (3, 1000, 16), (5,)]
)
def test_ordered_sum_adds_axis_0_row_after_row(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(0)
    terms = rng.standard_normal(shape) * 10.0 ** rng.integers(-8, 8, shape)
    rows = terms.reshape(shape[0], -1).tolist()
    total = rows[0]
    for row in rows[1:]:
        total = [a + b for a, b in zip(total, row, strict=True)]
    assert ordered_sum(terms).reshape(-1).tolist() == total


def check_batched(e: Expression, xs: list[float]) -> None:
    """Each of the expression's inputs an input per row plus one parameter p = 0.0 (so the
    gradient runs through every op); every row the same graph."""
    p = Value(0.0)
    rows = [list(e.inputs), *[[v + 0.01 * x for v in e.inputs] for x in xs]]

    def fn(batch: list[list[Value]]) -> Any:
        outs = [e.fn(*[x + p for x in row]) for row in batch]
        return vsum(outs) * 0.5 + p * p, outs

    try:
        expected = engine(fn, [p], rows)
    except (ValueError, ArithmeticError):
        return
    step = compile_step(fn, [p], backend="tensor", exact=True)
    assert replayed(step, rows) == expected  # traced
    assert replayed(step, rows) == expected  # replayed
    assert step.last is not None
    assert step.last.backend == "tensor"
    assert step.eager_runs == 0


@pytest.mark.parametrize(("name", "arity", "param"), CASES, ids=IDS)
def test_every_row_replays_as_arrays_with_the_engine_s_numbers(
    name: str, arity: int, param: Any
) -> None:
    @settings(max_examples=max(5, settings.default.max_examples // 10), deadline=None)
    @given(op_calls(name, arity, param), st.lists(floats_in((-1.0, 1.0)), min_size=3, max_size=3))
    def check(e: Expression, xs: list[float]) -> None:
        check_batched(e, xs)

    check()


def model_step(model: nn.Module, loss: Any, l2: float = 0.0) -> Callable[..., Any]:
    weights = model.parameters()

    def objective(xb: list[Any], yb: list[Any]) -> Any:
        outputs = model.forward_batch(xb)
        total = loss(outputs, yb)
        if l2:
            total = total + l2 * nn.l2_penalty(weights)
        return total, outputs

    return objective


def check_model(model: nn.Module, loss: Any, y: list[Any], n: int = 12, l2: float = 0.0) -> None:
    X, _ = nn.data.make_moons(n, noise=0.1, seed=0)  # noqa: N806
    fn, params = model_step(model, loss, l2), model.parameters()
    step = compile_step(fn, params, backend="tensor", exact=True)
    for _ in range(3):
        assert replayed(step, X, y[:n]) == engine(fn, params, X, y[:n])
        assert step.last is not None
        assert step.last.backend == "tensor"
        for p in params:
            p.data -= 0.05 * p.grad
    assert step.eager_runs == 0


LABELS = nn.data.make_moons(12, noise=0.1, seed=0)[1]


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "tanh", "sigmoid", "linear"])
def test_mlps_with_every_activation_replay_bit_for_bit(activation: str) -> None:
    model = nn.MLP(2, [5, 4, 1], activation=activation, seed=2)
    check_model(model, nn.mse_loss, [float(t) for t in LABELS], l2=1e-3)


@pytest.mark.parametrize(
    ("loss", "y", "extra"),
    [
        (nn.mse_loss, [float(t) for t in LABELS], {}),
        (nn.squared_error, [float(t) for t in LABELS], {}),
        (nn.hinge_loss, nn.data.signed(LABELS), {}),
        (nn.binary_cross_entropy_with_logits, LABELS, {}),
        (nn.mse_loss, [float(t) for t in LABELS], {"output_activation": "tanh"}),
    ],
)
def test_mlps_with_every_loss_replay_bit_for_bit(loss: Any, y: list[Any], extra: Any) -> None:
    check_model(nn.MLP(2, [6, 1], seed=4, **extra), loss, y)


def test_residual_layers_and_batch_norm_in_eval_mode_replay_bit_for_bit() -> None:
    y = [float(t) for t in LABELS]
    check_model(nn.MLP(2, [4, 4, 4, 1], residual=True, seed=5), nn.mse_loss, y)
    model = nn.MLP(2, [4, 4, 1], batchnorm=True, seed=6)
    nn.fit(model, *nn.data.make_moons(12, noise=0.1, seed=0)[:1], y, epochs=2, compile=False)
    check_model(model.eval(), nn.mse_loss, y)


def test_softmax_cross_entropy_replays_bit_for_bit() -> None:
    X, _ = nn.data.make_moons(12, noise=0.1, seed=0)  # noqa: N806
    model = nn.MLP(2, [5, 3], activation="tanh", seed=7)
    classes = [i % 3 for i in range(12)]
    fn, params = model_step(model, nn.cross_entropy), model.parameters()
    step = compile_step(fn, params, backend="tensor", exact=True)
    for _ in range(2):
        assert replayed(step, X, classes) == engine(fn, params, X, classes)
        assert step.last is not None
        assert step.last.backend == "tensor"
    assert "logsumexp" in step.source


def test_the_demo_s_source_is_short_and_is_the_step_that_runs() -> None:
    """micrograd's demo (MLP(2, [16, 16, 1]), 100 points, hinge loss and L2): one line per
    group, and the shown source, compiled again, gives the step's numbers."""
    X, labels = nn.data.make_moons(100, noise=0.1, seed=0)  # noqa: N806
    y = nn.data.signed(labels)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    params = model.parameters()

    def fn(xb: list[Any], yb: list[Any]) -> Value:
        scores = [model(x) for x in xb]
        losses = [(1.0 - t * s).relu() for t, s in zip(yb, scores, strict=True)]
        return vsum(losses) * (1.0 / len(losses)) + 1e-4 * dot(params, params)

    step = compile_step(fn, params)
    step(X, y)
    assert step.last is not None
    assert step.last.backend == "tensor"
    lines = step.source.splitlines()
    assert len(lines) < 100
    assert not [line for line in lines if "+ 0.0" in line or "-0.0" in line or "+=" in line]
    scope = dict(step.last.run.scope)  # type: ignore[attr-defined]
    exec(compile(step.source, "<shown>", "exec"), scope)
    P = [p.data for p in params]  # noqa: N806
    with np.errstate(all="ignore"):
        assert scope["step"](P, X, y) == step(X, y)


@pytest.mark.parametrize("exact", [True, False])
def test_no_array_is_added_into_while_another_name_holds_it(exact: bool) -> None:
    """An add passes its delta on unchanged, so its parents' deltas are one array under two
    names; a later contribution to one of them must not change the other."""
    w, c = Value(0.5), Value(-1.5)

    def fn(xb: list[Any]) -> Value:
        terms = []
        for x in xb:
            a, b = w * x[0], c * x[1]
            s = a + b  # delta(a) and delta(b) are delta(s)
            terms.append(s * s + a.tanh() + (b * w).exp())  # more edges into a and b
        return vsum(terms)

    X = [[0.3, -0.2], [1.1, 0.4], [-0.7, 0.9]]  # noqa: N806
    step = compile_step(fn, [w, c], backend="tensor", exact=exact)
    step(X)
    expected = engine(fn, [w, c], X)
    assert "+=" not in step.source
    if exact:
        assert replayed(step, X) == expected
    else:
        grads = [w.grad, c.grad]
        assert step(X)[1] == pytest.approx(grads, rel=1e-11)
    assert step.eager_runs == 0


def test_without_numpy_everything_runs_as_before() -> None:
    """numpy made unimportable: a batch rolls as generated Python and fit trains, bit for bit
    with the engine, saying which back end ran."""
    import subprocess
    import sys

    code = """
import sys
sys.modules["numpy"] = None  # import numpy now raises ImportError
import nn
X, labels = nn.data.make_moons(16, noise=0.1, seed=0)
runs = [nn.fit(nn.MLP(2, [4, 1], seed=0), X, labels, loss=nn.binary_cross_entropy_with_logits,
               epochs=2, batch_size=8, seed=0, compile=c) for c in (False, True)]
assert runs[0].loss == runs[1].loss, runs
print(runs[1].backend)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)  # fmt: skip
    assert out.stdout.strip() == "rolled"


@pytest.mark.parametrize("exact", [True, False])
def test_columns_with_different_numbers_are_one_group(exact: bool) -> None:
    """x - k for each class k, (x * c) ** k, leaky_relu's slope: a number per column."""
    w = Value(0.7)

    def fn(xb: list[Any]) -> Value:
        terms = []
        for x in xb:
            z = w * x[0]
            for k in (0.0, 1.0, 2.0, 3.5):
                terms.append(((z - k) * (k + 0.5)).leaky_relu(0.01 * (k + 1.0)))
                terms.append((z * (0.25 + k)).abs() ** (1.0 + k))
        return vsum(terms)

    X = [[0.3], [1.1], [-0.7], [2.4]]  # noqa: N806
    step = compile_step(fn, [w], backend="tensor", exact=exact)
    step(X)
    expected = engine(fn, [w], X)
    assert "subc" in step.source
    assert "4 subc" in step.source  # one line for the four numbers
    if exact:
        assert replayed(step, X) == expected
    else:
        assert step(X)[1] == pytest.approx([w.grad], rel=1e-11)
    assert step.eager_runs == 0
