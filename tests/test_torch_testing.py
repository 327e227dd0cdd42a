"""autograd.testing.torch: PyTorch's gradients against this engine's (and sympy's). Without
torch, importing it is an ImportError saying how to install it: tests/test_wheel.py checks that
in an environment that has no torch."""

import math
from typing import Any

import pytest
import torch
from hypothesis import given

from autograd import OPS, Value
from autograd.testing.oracle import exact_values
from autograd.testing.strategies import Expression, expressions, symbolic, symbols
from autograd.testing.torch import (
    TORCH_OPS,
    TorchMismatchError,
    compare_with_torch,
    torch_function,
)

MAPPED = sorted(TORCH_OPS)


def test_every_op_of_the_table_has_a_torch_counterpart() -> None:
    # "neuron" is the fused relu neuron, which nn no longer needs: it has none
    assert set(OPS) == set(TORCH_OPS)


@given(expressions(ops=MAPPED))
def test_torch_and_the_engine_agree_on_random_graphs(e: Expression) -> None:
    compare_with_torch(torch_function(e), e.inputs, e.fn)


@given(expressions(ops=MAPPED, max_leaves=5))
def test_torch_gradients_match_sympy(e: Expression) -> None:
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in e.inputs]
    grads = torch.autograd.grad(torch_function(e)(*leaves), leaves, allow_unused=True)
    ours = [0.0 if g is None else g.item() for g in grads]
    f = symbolic(e)
    exact = exact_values([(f, x) for x in symbols(len(leaves))], e.inputs)
    assert ours == pytest.approx(exact, rel=1e-7, abs=1e-9), e.text


def shared_code(x: Any, y: Any) -> Any:
    """Runs on Values and on tensors alike."""
    return (x * y).tanh() + x.exp() / y - abs(x) ** 1.5 + (x - y).sigmoid().log()


def test_one_function_runs_on_both_engines() -> None:
    value, grads = compare_with_torch(shared_code, [0.7, -1.3])
    x, y = Value(0.7), Value(-1.3)
    out = shared_code(x, y)
    out.backward()
    assert value == out.data
    assert grads == [x.grad, y.grad]


class WrongSin(torch.autograd.Function):
    """sin with the derivative's sign flipped: the kind of bug the helper is for."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x)
        return torch.sin(x)

    @staticmethod
    def backward(ctx: Any, grad_out: torch.Tensor) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        return -torch.cos(x) * grad_out


def test_a_wrong_torch_backward_is_caught_and_named() -> None:
    def torch_f(x: torch.Tensor, y: torch.Tensor) -> Any:
        return WrongSin.apply(x) * y

    with pytest.raises(TorchMismatchError) as err:
        compare_with_torch(torch_f, [0.5, 2.0], lambda x, y: x.sin() * y)
    lines = str(err.value).splitlines()
    assert lines[0].startswith("torch and the engine disagree on ")
    assert "torch_f at (x0=0.5, x1=2.0)" in lines[0]
    expected = 2 * math.cos(0.5)
    assert lines[1:] == [
        f"  d/dx0: torch {-expected:.10g} vs engine {expected:.10g} (abs error "
        f"{2 * expected:.3g}, rel error 2)"
    ]


def test_tolerances_are_relative_to_the_engine() -> None:
    with pytest.raises(TorchMismatchError, match="value: torch"):
        compare_with_torch(lambda x: x * (1 + 1e-8), [1.0], lambda x: x)
    compare_with_torch(lambda x: x * (1 + 1e-8), [1.0], lambda x: x, rtol=1e-7)


def test_results_that_are_not_scalars_are_refused() -> None:
    with pytest.raises(TypeError, match="returned float, not a Value"):
        compare_with_torch(lambda x: x, [1.0], lambda x: 1.0)
    with pytest.raises(TypeError, match="not a torch scalar"):
        compare_with_torch(lambda x: torch.stack([x, x]), [1.0], lambda x: x)


def test_an_unmapped_op_is_named() -> None:
    from autograd.testing.strategies import Step

    with pytest.raises(ValueError, match=r"no torch counterpart for op\(s\) \['neuron'\]"):
        torch_function(Expression((1.0, 2.0, 3.0), (Step("neuron", (0, 1, 2), 0.0),)))
