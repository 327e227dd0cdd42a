"""The op table: every operation the engine knows is one row here, and nothing else defines one.

A row gives the op's name, its forward function on floats and its ``rule``: the local partials
``d out / d x_i``, one per parent, as a function of the forward output ``out``, the inputs
``x_i`` and, for ops with a number parameter (``x + c``, ``x ** k``, ``leaky_relu``'s slope),
that parameter. A rule is plain arithmetic plus the op functions below (``cos(a)``,
``step(a)``), so the one rule is read four ways: on floats (an ordinary backward pass), on
Values (``create_graph=True``: the gradient is a graph, differentiable again), pushed forward
on tangents (``jvp``), and on source text (the compiler writes it out as Python).

Everything else that names ops comes from the rows: Value's methods (``method``), the command's
expression language (``syntax``), the pictures' labels (``symbol``), the README's op list, and
the tests, which draw inputs from ``domain`` away from ``kinks`` and check every partial against
central differences and against the exact derivative of ``symbolic`` (a sympy expression).
Adding an op is adding a row.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from operator import mul
from typing import Any

Interval = tuple[float, float]
LN2, LN10 = math.log(2.0), math.log(10.0)


@dataclass(frozen=True)
class Op:
    """One row of the op table.

    ``forward(*xs[, param])`` computes on floats; ``rule(out, *xs[, param])`` returns the local
    partials, one per input. ``symbolic(sp, *xs[, param])`` is the same function in sympy
    (``sp`` is the sympy module). ``doc`` says what the op computes, with its derivative.
    ``symbol`` is how pictures write the op; ``method`` the name of the Value method that
    applies it (None for an operator such as ``+``); ``syntax`` its name in the command's
    expressions (None when written as an operator). ``arity`` is None for n-ary ops.
    ``domain`` holds a sampling box per input, ``kinks`` the points where the derivative jumps,
    ``requires`` the domain in words for error messages, ``params`` example parameters for the
    tests (empty for ops without a parameter) and ``default`` the parameter a method uses when
    none is given.
    """

    name: str
    forward: Callable[..., float]
    rule: Callable[..., tuple[Any, ...]]
    symbolic: Callable[..., Any]
    doc: str
    symbol: str = ""
    method: str | None = None
    syntax: str | None = None
    arity: int | None = 1
    domain: tuple[Interval, ...] = ((-3.0, 3.0),)
    kinks: tuple[float, ...] = ()
    requires: str = ""
    params: tuple[Any, ...] = ()
    default: Any = None
    smooth: bool = True

    @property
    def label(self) -> str:
        """How pictures and explanations write the op: its symbol, else its name."""
        return self.symbol or self.name


def _on(name: str) -> Callable[[Any], Any]:
    """The op ``name`` as a function that rules call: its forward on a float, and the Value
    method (or the compiler's source builder) of the same name on anything else."""

    def f(x: Any) -> Any:
        return OPS[name].forward(x) if type(x) is float else getattr(x, name)()

    f.__name__ = name
    return f


sin, cos, sinh, cosh, exp = _on("sin"), _on("cos"), _on("sinh"), _on("cosh"), _on("exp")
log, sqrt, sigmoid, sign, step = _on("log"), _on("sqrt"), _on("sigmoid"), _on("sign"), _on("step")


def xlogy(x: Any, y: Any) -> Any:
    """x log y, and 0 where x == 0 (the exponent's partial of a ** b at a base of 0)."""
    return OPS["xlogy"].forward(x, y) if type(x) is float else x.xlogy(y)


# forward functions that need more than one expression; each keeps NaN a NaN
def _step(a: float) -> float:
    return 0.0 if a <= 0.0 else 1.0 if a > 0.0 else a


def _sign(a: float) -> float:
    return 1.0 if a > 0.0 else -1.0 if a < 0.0 else a  # keeps the sign of 0.0 and -0.0


def _sigmoid(a: float) -> float:
    if a >= 0.0:  # two branches so exp never overflows
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _softplus(a: float) -> float:
    # log(1 + e^a) = max(a, 0) + log1p(e^-|a|): exact to rounding and never overflows
    return max(a, 0.0) + math.log1p(math.exp(-abs(a))) if a == a else a


def _xlogy(x: float, y: float) -> float:
    return 0.0 if x == 0.0 and y == y else x * math.log(y)


def _minimum(a: float, b: float) -> float:
    return a if a <= b else b if b < a else a + b  # a NaN from either side stays a NaN


def _maximum(a: float, b: float) -> float:
    return a if a >= b else b if b > a else a + b


def _clamp(a: float, bounds: tuple[float, float]) -> float:
    lo, hi = bounds
    return lo if a < lo else hi if a > hi else a


def _dot(*xs: float) -> float:
    # b + w_0 x_0 + w_1 x_1 + ..., left to right as Python's sum adds; the compiler emits
    # the same order, so compiled and eager agree to the last bit
    n = len(xs) // 2
    return sum(map(mul, xs[:n], xs[n : 2 * n]), xs[-1] if len(xs) % 2 else 0.0)


def _dot_rule(out: Any, *xs: Any) -> tuple[Any, ...]:
    n = len(xs) // 2  # d/dw_i = x_i, d/dx_i = w_i, d/db = 1
    return (*xs[n : 2 * n], *xs[:n]) + ((1.0,) if len(xs) % 2 else ())


def _dot_symbolic(sp: Any, *xs: Any) -> Any:
    n = len(xs) // 2
    total = sp.Add(*(w * x for w, x in zip(xs[:n], xs[n : 2 * n], strict=True)))
    return total + xs[-1] if len(xs) % 2 else total


POSITIVE: Interval = (0.05, 4.0)
UNIT: Interval = (-0.95, 0.95)
TWO: tuple[Interval, ...] = ((-3.0, 3.0), (-3.0, 3.0))

# fmt: off
ROWS = (
    # arithmetic: the operators + - * / ** and unary -
    Op("add", lambda a, b: a + b, lambda out, a, b: (1.0, 1.0), lambda sp, a, b: a + b,
       "a + b", "+", arity=2, domain=TWO),
    Op("sub", lambda a, b: a - b, lambda out, a, b: (1.0, -1.0), lambda sp, a, b: a - b,
       "a - b", "-", arity=2, domain=TWO),
    Op("mul", lambda a, b: a * b, lambda out, a, b: (b, a), lambda sp, a, b: a * b,
       "a * b; d/da = b, d/db = a", "*", arity=2, domain=TWO),
    Op("div", lambda a, b: a / b, lambda out, a, b: (1.0 / b, -out / b), lambda sp, a, b: a / b,
       "a / b; d/da = 1/b, d/db = -a/b^2", "/", arity=2, domain=((-3, 3), POSITIVE),
       requires="a nonzero divisor"),
    Op("pow", math.pow, lambda out, a, b: (b * a ** (b - 1.0), xlogy(out, a)),
       lambda sp, a, b: a**b, "a ** b; d/da = b a^(b-1), d/db = a^b log a", "**", arity=2,
       domain=(POSITIVE, (-3, 3)), requires="a base > 0, or an integer exponent"),
    Op("neg", lambda a: -a, lambda out, a: (-1.0,), lambda sp, a: -a, "-a", "-"),
    # a Value with a number c: the number is the node's param, never a leaf of its own
    Op("addc", lambda a, c: a + c, lambda out, a, c: (1.0,), lambda sp, a, c: a + c,
       "a + c for a number c", "+", params=(0.5, -2.0)),
    Op("subc", lambda a, c: a - c, lambda out, a, c: (1.0,), lambda sp, a, c: a - c,
       "a - c for a number c", "-", params=(0.5,)),
    Op("rsubc", lambda a, c: c - a, lambda out, a, c: (-1.0,), lambda sp, a, c: c - a,
       "c - a for a number c", "c -", params=(1.0,)),
    Op("mulc", lambda a, c: a * c, lambda out, a, c: (c,), lambda sp, a, c: a * c,
       "a * c for a number c", "*", params=(-1.0, 2.5)),
    Op("divc", lambda a, c: a / c, lambda out, a, c: (1.0 / c,), lambda sp, a, c: a / c,
       "a / c for a number c", "/", params=(3.0, -0.5), requires="a nonzero divisor"),
    Op("rdivc", lambda a, c: c / a, lambda out, a, c: (-out / a,), lambda sp, a, c: c / a,
       "c / a for a number c; d/da = -c/a^2", "c /", domain=(POSITIVE,), params=(1.0, -2.0),
       requires="a nonzero divisor"),
    Op("powc", math.pow, lambda out, a, k: (k * a ** (k - 1.0) if k else 0.0,),
       lambda sp, a, k: a**k, "a ** k for a number k; d/da = k a^(k-1)", "**",
       domain=(POSITIVE,), params=(-2.0, -1.0, 0.5, 2.0, 3.0),
       requires="a base >= 0 for a fractional exponent and a nonzero base for a negative one"),
    # functions of one Value: methods x.exp(), ... and names in expressions
    Op("abs", abs, lambda out, a: (sign(a),), lambda sp, a: sp.Abs(a),
       "|a|; d/da = sign(a), taken as 0 at a = 0", method="abs", syntax="abs", kinks=(0.0,),
       smooth=False),
    Op("exp", math.exp, lambda out, a: (out,), lambda sp, a: sp.exp(a),
       "e^a; d/da = e^a", method="exp", syntax="exp"),
    Op("expm1", math.expm1, lambda out, a: (out + 1.0,), lambda sp, a: sp.exp(a) - 1,
       "e^a - 1, accurate near a = 0; d/da = e^a", method="expm1", syntax="expm1"),
    Op("log", math.log, lambda out, a: (1.0 / a,), lambda sp, a: sp.log(a),
       "natural logarithm; d/da = 1/a", method="log", syntax="log", domain=(POSITIVE,),
       requires="x > 0"),
    Op("log1p", math.log1p, lambda out, a: (1.0 / (a + 1.0),), lambda sp, a: sp.log(1 + a),
       "log(1 + a), accurate near a = 0; d/da = 1/(1 + a)", method="log1p", syntax="log1p",
       domain=((-0.9, 3.0),), requires="x > -1"),
    Op("log2", math.log2, lambda out, a: (1.0 / (a * LN2),), lambda sp, a: sp.log(a, 2),
       "base-2 logarithm; d/da = 1/(a ln 2)", method="log2", syntax="log2", domain=(POSITIVE,),
       requires="x > 0"),
    Op("log10", math.log10, lambda out, a: (1.0 / (a * LN10),), lambda sp, a: sp.log(a, 10),
       "base-10 logarithm; d/da = 1/(a ln 10)", method="log10", syntax="log10",
       domain=(POSITIVE,), requires="x > 0"),
    Op("sqrt", math.sqrt, lambda out, a: (0.5 / out,), lambda sp, a: sp.sqrt(a),
       "square root; d/da = 1/(2 sqrt a)", method="sqrt", syntax="sqrt", domain=(POSITIVE,),
       requires="x >= 0"),
    Op("sin", math.sin, lambda out, a: (cos(a),), lambda sp, a: sp.sin(a),
       "sine; d/da = cos a", method="sin", syntax="sin"),
    Op("cos", math.cos, lambda out, a: (-sin(a),), lambda sp, a: sp.cos(a),
       "cosine; d/da = -sin a", method="cos", syntax="cos"),
    Op("tan", math.tan, lambda out, a: (1.0 + out * out,), lambda sp, a: sp.tan(a),
       "tangent; d/da = 1 + tan^2 a", method="tan", syntax="tan", domain=((-1.4, 1.4),)),
    Op("asin", math.asin, lambda out, a: (1.0 / sqrt(1.0 - a * a),), lambda sp, a: sp.asin(a),
       "arcsine; d/da = 1/sqrt(1 - a^2)", method="asin", syntax="asin", domain=(UNIT,),
       requires="-1 <= x <= 1"),
    Op("acos", math.acos, lambda out, a: (-1.0 / sqrt(1.0 - a * a),),
       lambda sp, a: sp.acos(a), "arccosine; d/da = -1/sqrt(1 - a^2)", method="acos",
       syntax="acos", domain=(UNIT,), requires="-1 <= x <= 1"),
    Op("atan", math.atan, lambda out, a: (1.0 / (1.0 + a * a),), lambda sp, a: sp.atan(a),
       "arctangent; d/da = 1/(1 + a^2)", method="atan", syntax="atan"),
    Op("sinh", math.sinh, lambda out, a: (cosh(a),), lambda sp, a: sp.sinh(a),
       "hyperbolic sine; d/da = cosh a", method="sinh", syntax="sinh"),
    Op("cosh", math.cosh, lambda out, a: (sinh(a),), lambda sp, a: sp.cosh(a),
       "hyperbolic cosine; d/da = sinh a", method="cosh", syntax="cosh"),
    Op("tanh", math.tanh, lambda out, a: (1.0 - out * out,), lambda sp, a: sp.tanh(a),
       "hyperbolic tangent; d/da = 1 - tanh^2 a", method="tanh", syntax="tanh"),
    Op("asinh", math.asinh, lambda out, a: (1.0 / sqrt(a * a + 1.0),),
       lambda sp, a: sp.asinh(a), "inverse hyperbolic sine; d/da = 1/sqrt(a^2 + 1)",
       method="asinh", syntax="asinh"),
    Op("acosh", math.acosh, lambda out, a: (1.0 / sqrt(a * a - 1.0),),
       lambda sp, a: sp.acosh(a), "inverse hyperbolic cosine; d/da = 1/sqrt(a^2 - 1)",
       method="acosh", syntax="acosh", domain=((1.05, 4.0),), requires="x >= 1"),
    Op("atanh", math.atanh, lambda out, a: (1.0 / (1.0 - a * a),), lambda sp, a: sp.atanh(a),
       "inverse hyperbolic tangent; d/da = 1/(1 - a^2)", method="atanh", syntax="atanh",
       domain=(UNIT,), requires="-1 < x < 1"),
    Op("erf", math.erf, lambda out, a: (2.0 / math.sqrt(math.pi) * exp(-a * a),),
       lambda sp, a: sp.erf(a), "the error function; d/da = 2/sqrt(pi) e^(-a^2)", method="erf",
       syntax="erf"),
    Op("sigmoid", _sigmoid, lambda out, a: (out * (1.0 - out),),
       lambda sp, a: 1 / (1 + sp.exp(-a)), "1/(1 + e^-a); d/da = sigmoid(a) (1 - sigmoid(a))",
       method="sigmoid", syntax="sigmoid"),
    Op("softplus", _softplus, lambda out, a: (sigmoid(a),), lambda sp, a: sp.log(1 + sp.exp(a)),
       "log(1 + e^a), without overflow; d/da = sigmoid(a)", method="softplus",
       syntax="softplus"),
    Op("relu", lambda a: 0.0 if a <= 0.0 else a, lambda out, a: (step(a),),
       lambda sp, a: sp.Max(a, 0), "max(a, 0); d/da = 1 for a > 0, else 0", method="relu",
       syntax="relu", kinks=(0.0,), smooth=False),
    Op("leaky_relu", lambda a, s: s * a if a <= 0.0 else a,
       lambda out, a, s: (step(a) + s * (1.0 - step(a)),),
       lambda sp, a, s: sp.Max(a, 0) + s * sp.Min(a, 0),
       "a for a > 0, slope * a otherwise", method="leaky_relu", syntax="leaky_relu",
       kinks=(0.0,), smooth=False, params=(0.01, 0.2), default=0.01),
    Op("step", _step, lambda out, a: (0.0,), lambda sp, a: sp.Heaviside(a, 0),
       "1 for a > 0, else 0; its derivative is 0 (relu's slope)", method="step", syntax="step",
       kinks=(0.0,), smooth=False),
    Op("sign", _sign, lambda out, a: (0.0,),
       lambda sp, a: sp.Heaviside(a, 0) - sp.Heaviside(-a, 0),
       "1, 0 or -1 by the sign of a; its derivative is 0 (no gradient flows through it)",
       method="sign", syntax="sign", kinks=(0.0,), smooth=False),
    Op("clamp", _clamp, lambda out, a, bounds: (step(a - bounds[0]) * step(bounds[1] - a),),
       lambda sp, a, bounds: sp.Min(sp.Max(a, bounds[0]), bounds[1]),
       "a held inside [lo, hi]; d/da = 1 inside, 0 outside", method="clamp", syntax="clamp",
       kinks=(-1.0, 1.0), smooth=False, params=((-1.0, 1.0),)),
    # functions of two Values: x.atan2(y), ...
    Op("atan2", math.atan2, lambda out, a, b: (b / (a * a + b * b), -a / (a * a + b * b)),
       lambda sp, a, b: sp.atan2(a, b), "the angle of the point (b, a); d/da = b/(a^2+b^2)",
       method="atan2", syntax="atan2", arity=2, domain=((-3, 3), POSITIVE)),
    Op("hypot", math.hypot, lambda out, a, b: (a / out, b / out),
       lambda sp, a, b: sp.sqrt(a**2 + b**2), "sqrt(a^2 + b^2) without overflow; d/da = a/out",
       method="hypot", syntax="hypot", arity=2, domain=(POSITIVE, (-3, 3))),
    Op("minimum", _minimum,
       lambda out, a, b: ((1.0 + sign(b - a)) * 0.5, (1.0 - sign(b - a)) * 0.5),
       lambda sp, a, b: sp.Min(a, b), "the smaller of a and b (half the gradient each at a tie)",
       method="minimum", syntax="min", arity=2, domain=TWO, smooth=False),
    Op("maximum", _maximum,
       lambda out, a, b: ((1.0 + sign(a - b)) * 0.5, (1.0 - sign(a - b)) * 0.5),
       lambda sp, a, b: sp.Max(a, b), "the larger of a and b (half the gradient each at a tie)",
       method="maximum", syntax="max", arity=2, domain=TWO, smooth=False),
    Op("xlogy", _xlogy, lambda out, a, b: (log(b), a / b),
       lambda sp, a, b: a * sp.log(b), "a log b, and 0 where a = 0; d/da = log b, d/db = a/b",
       method="xlogy", syntax="xlogy", arity=2, domain=((-3, 3), POSITIVE), requires="b > 0"),
    # n-ary: one node for a whole sum (functions vsum and dot)
    Op("sum", lambda *xs: math.fsum(xs), lambda out, *xs: (1.0,) * len(xs),
       lambda sp, *xs: sp.Add(*xs), "x_0 + x_1 + ... as one node", arity=None),
    Op("dot", _dot, _dot_rule, _dot_symbolic,
       "b + sum_i w_i x_i as one node (a neuron's z); d/dw_i = x_i, d/dx_i = w_i, d/db = 1",
       arity=None),
)
# fmt: on
OPS: dict[str, Op] = {op.name: op for op in ROWS}
