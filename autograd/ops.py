"""The op table: every operation the engine knows is one row here.

A row gives the op's name, its forward function on floats, and its ``rule``: the local
partials ``d out / d x_i``, one per parent, as a function of the forward output ``out``, the
inputs ``x_i`` and, for ops with a number parameter (``x + c`` and the like, ``pow`` by a
constant, ``leaky_relu``'s slope), that parameter. Rules use plain arithmetic and the dual
helpers below, so the same rule runs on floats (an ordinary backward pass) and on Values
(``create_graph=True``, which makes the gradient itself differentiable).

The remaining fields exist for the tests and the documentation: the domain the op is defined
on (a sentence for error messages, a box for property tests), its kinks, and its exact
meaning as a sympy expression so derivatives can be checked symbolically.

Adding an op is adding a row (and, if it should be a method, a one-line method on Value);
forward, gradient and symbolic tests pick it up from this table.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from operator import mul
from typing import Any

Interval = tuple[float, float]


@dataclass(frozen=True)
class Op:
    """One row of the op table.

    ``forward(*xs[, param])`` computes on floats; ``rule(out, *xs[, param])`` returns the local
    partials, one per input, and must run on floats and on Values alike. ``symbolic(sp, *xs[,
    param])`` builds the same function with the sympy module ``sp``. ``arity`` is ``None`` for
    n-ary ops. ``domain`` holds a sampling box per input for property tests, ``kinks`` the
    points where the derivative jumps, ``requires`` the domain in words for error messages,
    and ``params`` example parameter values for tests (empty for ops without a parameter).
    """

    name: str
    symbol: str
    forward: Callable[..., float]
    rule: Callable[..., tuple[Any, ...]]
    symbolic: Callable[..., Any]
    arity: int | None = 1
    domain: tuple[Interval, ...] = ((-3.0, 3.0),)
    kinks: tuple[float, ...] = ()
    requires: str = ""
    params: tuple[float, ...] = ()
    smooth: bool = True


def _dual(method: str, on_float: Callable[[float], float]) -> Callable[[Any], Any]:
    """A function that computes on floats directly and calls ``x.method()`` on Values."""

    def f(x: Any) -> Any:
        return on_float(x) if type(x) is float else getattr(x, method)()

    f.__name__ = method
    return f


def value_of(x: Any) -> float:
    """The float behind ``x``: a float itself, or a Value's ``data``."""
    return x if type(x) is float else float(x.data)


def _sigmoid(a: float) -> float:
    # Two branches so exp never overflows: exp(-a) for a >= 0, exp(a) otherwise.
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _softplus(a: float) -> float:
    # log(1 + e^a) = max(a, 0) + log1p(e^-|a|): exact to rounding and never overflows.
    return max(a, 0.0) + math.log1p(math.exp(-abs(a)))


def _sign(a: float) -> float:
    return 1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0


sin, cos, log = _dual("sin", math.sin), _dual("cos", math.cos), _dual("log", math.log)
sigmoid = _dual("sigmoid", _sigmoid)


def _pow_forward(a: float, b: float) -> float:
    if a > 0.0:
        return math.pow(a, b)
    raise ValueError("the base must be positive")


def _dot_forward(*xs: float) -> float:
    # b + w_0 x_0 + w_1 x_1 + ..., left to right as Python's sum (and autograd.dot) adds
    n = len(xs) // 2
    return sum(map(mul, xs[:n], xs[n : 2 * n]), xs[-1] if len(xs) % 2 else 0.0)


def _dot_rule(out: Any, *xs: Any) -> tuple[Any, ...]:
    # d/dw_i = x_i, d/dx_i = w_i, d/dbias = 1
    n = len(xs) // 2
    return (*xs[n : 2 * n], *xs[:n]) + ((1.0,) if len(xs) % 2 else ())


def _dot_symbolic(sp: Any, *xs: Any) -> Any:
    n = len(xs) // 2
    total = sp.Add(*(w * x for w, x in zip(xs[:n], xs[n : 2 * n], strict=True)))
    return total + xs[-1] if len(xs) % 2 else total


def leaky(z: float, slope: float) -> float:
    """f(z) = z for z > 0, slope * z otherwise; exactly 0.0 for slope 0 (ReLU, even at -inf)."""
    return z if z > 0.0 else slope * z if slope else 0.0


def _neuron_forward(*xs_and_slope: float) -> float:
    *xs, slope = xs_and_slope
    if slope < 0.0:
        raise ValueError(f"the slope is {slope}")
    return leaky(_dot_forward(*xs), slope)


def _neuron_rule(out: Any, *xs_and_slope: Any) -> tuple[Any, ...]:
    # a = f(z), z = w . x + b: the dot's partials times f'(z), which is 1 where a > 0 and the
    # slope elsewhere (for a slope >= 0, a > 0 exactly when z > 0)
    *xs, slope = xs_and_slope
    partials = _dot_rule(out, *xs)
    if value_of(out) > 0.0 or slope == 1.0:
        return partials
    return tuple(slope * d for d in partials) if slope else (0.0,) * len(partials)


def _neuron_symbolic(sp: Any, *xs_and_slope: Any) -> Any:
    *xs, slope = xs_and_slope
    z = _dot_symbolic(sp, *xs)
    return sp.Piecewise((z, z > 0), (slope * z, True))


POSITIVE: Interval = (0.05, 4.0)

# fmt: off
OPS: dict[str, Op] = {op.name: op for op in (
    Op("add", "+", lambda a, b: a + b, lambda out, a, b: (1.0, 1.0),
       lambda sp, a, b: a + b, arity=2, domain=((-3, 3), (-3, 3))),
    Op("sub", "-", lambda a, b: a - b, lambda out, a, b: (1.0, -1.0),
       lambda sp, a, b: a - b, arity=2, domain=((-3, 3), (-3, 3))),
    Op("mul", "*", lambda a, b: a * b, lambda out, a, b: (b, a),
       lambda sp, a, b: a * b, arity=2, domain=((-3, 3), (-3, 3))),
    Op("div", "/", lambda a, b: a / b, lambda out, a, b: (1.0 / b, -out / b),
       lambda sp, a, b: a / b, arity=2, domain=((-3, 3), POSITIVE), requires="a nonzero divisor"),
    # a Value with a number c: the number is the node's param, not a parent
    Op("addc", "+", lambda a, c: a + c, lambda out, a, c: (1.0,), lambda sp, a, c: a + c,
       params=(0.5, -2.0)),
    Op("subc", "-", lambda a, c: a - c, lambda out, a, c: (1.0,), lambda sp, a, c: a - c,
       params=(0.5,)),
    Op("mulc", "*", lambda a, c: a * c, lambda out, a, c: (c,), lambda sp, a, c: a * c,
       params=(-1.0, 2.5)),
    Op("divc", "/", lambda a, c: a / c, lambda out, a, c: (1.0 / c,), lambda sp, a, c: a / c,
       params=(3.0, -0.5), requires="a nonzero divisor"),
    Op("neg", "-", lambda a: -a, lambda out, a: (-1.0,), lambda sp, a: -a),
    Op("pow", "**", _pow_forward, lambda out, a, b: (b * a ** (b - 1.0), out * log(a)),
       lambda sp, a, b: a**b, arity=2, domain=(POSITIVE, (-3, 3)),
       requires="a positive base when the exponent is a Value"),
    Op("powc", "**", math.pow, lambda out, a, k: (k * a ** (k - 1.0) if k else 0.0,),
       lambda sp, a, k: a**k, domain=(POSITIVE,), params=(-2.0, -1.0, 0.5, 2.0, 3.0),
       requires="a base >= 0 for a fractional exponent and a nonzero base for a negative one"),
    Op("exp", "exp", math.exp, lambda out, a: (out,), lambda sp, a: sp.exp(a)),
    Op("log", "log", math.log, lambda out, a: (1.0 / a,), lambda sp, a: sp.log(a),
       domain=(POSITIVE,), requires="x > 0"),
    Op("sqrt", "sqrt", math.sqrt, lambda out, a: (0.5 / out,), lambda sp, a: sp.sqrt(a),
       domain=(POSITIVE,), requires="x >= 0"),
    Op("abs", "abs", abs, lambda out, a: (_sign(value_of(a)),), lambda sp, a: sp.Abs(a),
       kinks=(0.0,), smooth=False),
    Op("tanh", "tanh", math.tanh, lambda out, a: (1.0 - out * out,), lambda sp, a: sp.tanh(a)),
    Op("sigmoid", "sigmoid", _sigmoid, lambda out, a: (out * (1.0 - out),),
       lambda sp, a: 1 / (1 + sp.exp(-a))),
    Op("relu", "relu", lambda a: a if a > 0.0 else 0.0,
       lambda out, a: (1.0 if value_of(a) > 0.0 else 0.0,),
       lambda sp, a: sp.Max(a, 0), kinks=(0.0,), smooth=False),
    Op("leaky_relu", "leaky_relu", lambda a, s: a if a > 0.0 else s * a,
       lambda out, a, s: (1.0 if value_of(a) > 0.0 else s,),
       lambda sp, a, s: sp.Piecewise((a, a > 0), (s * a, True)), kinks=(0.0,), smooth=False,
       params=(0.01, 0.2)),
    Op("softplus", "softplus", _softplus, lambda out, a: (sigmoid(a),),
       lambda sp, a: sp.log(1 + sp.exp(a))),
    Op("sin", "sin", math.sin, lambda out, a: (cos(a),), lambda sp, a: sp.sin(a)),
    Op("cos", "cos", math.cos, lambda out, a: (-sin(a),), lambda sp, a: sp.cos(a)),
    Op("sum", "sum", lambda *xs: math.fsum(xs), lambda out, *xs: (1.0,) * len(xs),
       lambda sp, *xs: sp.Add(*xs), arity=None),
    Op("dot", "dot", _dot_forward, _dot_rule, _dot_symbolic, arity=None),
    Op("neuron", "neuron", _neuron_forward, _neuron_rule, _neuron_symbolic, arity=None,
       smooth=False, params=(0.0, 0.01, 1.0), requires="a slope >= 0"),
)}
# fmt: on
