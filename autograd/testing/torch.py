"""Checking PyTorch code with this engine (``pip install 'chainrule[torch]'``).

``compare_with_torch(f, xs)`` runs the scalar function ``f`` twice at the point ``xs``: on
float64 torch scalars, differentiated by ``torch.autograd.grad``, and on Values,
differentiated by ``autograd.grad``. Two independent engines computing the same derivative
agree to rounding, so a disagreement beyond ``atol + rtol |engine's|`` (defaults 1e-12 and
1e-9: far tighter than a finite-difference check can be) means one of them was given a wrong
derivative: a custom ``torch.autograd.Function``, a hand-written backward, a formula that
differs between the two versions. It raises ``TorchMismatchError`` with one line per
disagreement. A function written with what both support (``+ - * / **``, ``abs()``,
``.exp() .log() .sqrt() .tanh() .sigmoid() .relu() .sin() .cos()``) runs on both as it is;
otherwise pass this engine's version as ``engine_f``.

``torch_function(e)`` is the torch version of an ``autograd.testing.strategies`` Expression,
op by op (``TORCH_OPS``), so ``@given(expressions())`` puts torch, this engine and sympy's
exact derivatives (``symbolic(e)``) side by side on random graphs.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

try:
    import torch
    import torch.nn.functional as F  # noqa: N812 (PyTorch's own spelling)
except ImportError as err:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "autograd.testing.torch needs PyTorch, which is not installed: "
        "pip install 'chainrule[torch]'"
    ) from err

from autograd.functional import grad
from autograd.ops import OPS, Op
from autograd.testing.gradcheck import function_name, mismatch
from autograd.value import Value

if TYPE_CHECKING:  # strategies needs hypothesis, which the torch extra does not bring
    from autograd.testing.strategies import Expression

Function = Callable[..., Any]


def _dot(*xs: torch.Tensor) -> torch.Tensor:
    """dot(w_0..w_n-1, x_0..x_n-1[, bias]), as autograd.dot takes its arguments."""
    n = len(xs) // 2
    total = torch.dot(torch.stack(xs[:n]), torch.stack(xs[n : 2 * n]))
    return total + xs[-1] if len(xs) % 2 else total


# The operators' rows apply the Python operator of their symbol (the number first for a
# reflected row); every other row maps to the torch function of its name (torch.tan,
# torch.atan2, F.gelu, ...) but these, whose torch form differs
_NOT_BY_NAME: dict[str, Function] = {
    "step": lambda a: torch.relu(torch.sign(a)),  # torch.heaviside has no derivative
    "clamp": lambda a, bounds: torch.clamp(a, *bounds),
    "sum": lambda *xs: torch.stack(xs).sum(),
    "dot": _dot,
    "logsumexp": lambda *xs: torch.logsumexp(torch.stack(xs), 0),
    "bce": lambda a, y: (
        -(
            y * torch.clamp(torch.log(a), min=-100.0)
            + (1.0 - y) * torch.clamp(torch.log(1.0 - a), min=-100.0)
        )
    ),
}
_OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
              "**": operator.pow}  # fmt: skip


def _torch_form(op: Op) -> Function | None:
    if op.name in _NOT_BY_NAME:
        return _NOT_BY_NAME[op.name]
    if op.symbol:
        if op.arity == 1 and not op.params:
            return operator.neg
        infix = _OPERATORS[op.symbol]
        return (lambda a, c: infix(c, a)) if op.reflected else infix
    name = op.method or op.name
    return getattr(torch, name, None) or getattr(F, name, None)


TORCH_OPS: dict[str, Function] = {
    op.name: form for op in OPS.values() if (form := _torch_form(op)) is not None
}


class TorchMismatchError(AssertionError):
    """PyTorch and this engine disagree on a function's value or gradient: the message names
    the function, the point, and one line per disagreement."""


def torch_function(expr: Expression) -> Function:
    """A function computing ``expr`` on torch tensors with the ops of ``TORCH_OPS``."""
    missing = sorted({step.op for step in expr.steps} - set(TORCH_OPS))
    if missing:
        raise ValueError(f"torch_function: no torch counterpart for op(s) {missing}")

    def f(*xs: torch.Tensor) -> torch.Tensor:
        nodes = list(xs)
        for step in expr.steps:
            params = () if step.param is None else (step.param,)
            nodes.append(TORCH_OPS[step.op](*(nodes[i] for i in step.args), *params))
        return nodes[-1]

    f.__name__ = f.__qualname__ = expr.text
    return f


def _engine(f: Function, point: list[float]) -> tuple[float, list[float]]:
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"{function_name(f)} returned {type(out).__name__}, not a Value")
    return out.data, grad(out, leaves)


def _torch(f: Function, point: list[float]) -> tuple[float, list[float]]:
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]
    out = f(*leaves)
    if not (isinstance(out, torch.Tensor) and out.numel() == 1):
        raise TypeError(f"{function_name(f)} returned {type(out).__name__}, not a torch scalar")
    grads = torch.autograd.grad(out, leaves, allow_unused=True)
    return out.item(), [0.0 if g is None else g.item() for g in grads]


def compare_with_torch(
    f: Function,
    xs: Sequence[float],
    engine_f: Function | None = None,
    *,
    atol: float = 1e-12,
    rtol: float = 1e-9,
) -> tuple[float, list[float]]:
    """``f``'s value and gradient at ``xs`` from PyTorch and from this engine (``engine_f``,
    default ``f`` itself, on Values): this engine's ``(value, [df/dx_i])`` when they agree,
    ``|torch - engine| <= atol + rtol |engine|`` everywhere, else TorchMismatchError."""
    point = [float(x) for x in xs]
    value, grads = _engine(engine_f or f, point)
    theirs, their_grads = _torch(f, point)
    sides = ("torch", "engine")
    lines = [mismatch("value", theirs, value, atol, rtol, sides)]
    lines += [
        mismatch(f"d/dx{i}", t, e, atol, rtol, sides)
        for i, (t, e) in enumerate(zip(their_grads, grads, strict=True))
    ]
    if any(lines):
        at = ", ".join(f"x{i}={x!r}" for i, x in enumerate(point))
        raise TorchMismatchError(
            f"torch and the engine disagree on {function_name(f)} at ({at}) "
            f"[atol={atol}, rtol={rtol}]\n" + "\n".join(line for line in lines if line)
        )
    return value, grads
