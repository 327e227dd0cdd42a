"""The op table: every operation the engine knows is one row here, and nothing else defines one.

A row gives the op's name, its forward function on floats and its ``rule``: the local partials
``d out / d x_i``, one per parent, as a function of the forward output ``out``, the inputs
``x_i`` and, for ops with a number parameter (``x + c``, ``x ** k``, ``leaky_relu``'s slope),
that parameter. A rule is plain arithmetic plus other rows called by name (``fn.cos(a)``,
``fn.step(a)``: every row with a method, from no list but the table), so the one rule is read
four ways: on floats (an ordinary backward pass), on Values (``create_graph=True``: the
gradient is a graph, differentiable again), pushed forward on tangents (``jvp``), and on
source text (the compiler writes it out as Python).

Everything else that names ops comes from the rows: Value's methods (``method``), the command's
expression language (``syntax``), the pictures' labels (``symbol``), the README's op list, and
the tests, which draw inputs from ``domain`` away from ``kinks`` and check every partial against
central differences and against the exact derivative of ``symbolic`` (a sympy expression).
Adding an op is adding a row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import mul
from typing import Any

Interval = tuple[float, float]
LN2, LN10 = math.log(2.0), math.log(10.0)
SQRT2, SQRT2PI = math.sqrt(2.0), math.sqrt(2.0 * math.pi)


@dataclass(frozen=True, eq=False)  # a row is equal only to itself, and hashes as fast
class Op:
    """One row of the op table.

    ``forward(*xs[, param])`` computes on floats; ``rule(out, *xs[, param])`` returns the local
    partials, one per input. ``symbolic(sp, *xs[, param])`` is the same function in sympy
    (``sp`` is the sympy module). ``doc`` says what the op computes, with its derivative.
    ``symbol`` is how pictures write an operator (``+``); ``reflected`` says the number comes
    first (``c - x``). ``method`` is the name of the Value method that applies the op and
    ``syntax`` its name in the command's expressions; both default to the row's name (``""``),
    and ``method=None`` says there is none (an operator, or a function such as ``vsum``), which
    makes ``syntax`` None too unless given. ``arity`` is None for n-ary ops. ``domain`` holds
    a sampling box per input, ``kinks`` the points where the derivative jumps, ``requires``
    the domain in words for error messages, ``params`` example parameters for the tests
    (empty for ops without a parameter) and ``default`` the parameter a method uses when none
    is given. ``array`` says how the op reads on arrays when it is called by name: the numpy
    function of the same meaning (``"exp"``), or for an n-ary op its structure (``"sum"``,
    ``"dot"``); the tensor back end checks it against ``forward`` before using it.
    """

    name: str
    forward: Callable[..., float]
    rule: Callable[..., tuple[Any, ...]]
    symbolic: Callable[..., Any]
    doc: str
    symbol: str = ""
    reflected: bool = False
    method: str | None = ""
    syntax: str | None = ""
    arity: int | None = 1
    domain: tuple[Interval, ...] = ((-3.0, 3.0),)
    kinks: tuple[float, ...] = ()
    requires: str = ""
    params: tuple[Any, ...] = ()
    default: Any = None
    smooth: bool = True
    array: str = ""

    def __post_init__(self) -> None:
        if self.method == "":
            object.__setattr__(self, "method", self.name)
        if self.syntax == "":
            object.__setattr__(self, "syntax", self.method)

    def __repr__(self) -> str:
        return f"OPS[{self.name!r}]"

    @property
    def label(self) -> str:
        """How pictures and explanations write the op: its symbol, else its name."""
        return self.symbol or self.name

    def forward_at(self, xs: Iterable[Any], param: Any = None) -> Any:
        """The forward on the inputs ``xs`` and the op's number (None when it has none)."""
        return self.forward(*xs) if param is None else self.forward(*xs, param)

    def partials_at(self, out: Any, xs: Iterable[Any], param: Any = None) -> tuple[Any, ...]:
        """The local partials ``d out / d x_i`` at the inputs ``xs`` and the output ``out``."""
        return self.rule(out, *xs) if param is None else self.rule(out, *xs, param)

    def symbolic_at(self, sp: Any, xs: Iterable[Any], param: Any = None) -> Any:
        """The op as a sympy expression of the symbols or numbers ``xs``."""
        return self.symbolic(sp, *xs) if param is None else self.symbolic(sp, *xs, param)

    def written(self, args: Sequence[str], params: Sequence[str] = ()) -> str:
        """The op on argument texts as Python writes it: ``a + b``, ``a + c``, ``c - a`` (a
        reflected row), ``-a``, ``tanh(a)``, ``clamp(a, (-1.0, 1.0))``."""
        if not self.symbol:
            return f"{self.name}({', '.join([*args, *params])})"
        operands = [*params, *args] if self.reflected else [*args, *params]
        if len(operands) == 1:
            return f"{self.symbol}{operands[0]}"
        return f" {self.symbol} ".join(operands)


class _ByName:
    """Every row with a method as a function that rules call by name, ``fn.cos(a)``: the
    row's forward on a float, and the method ``a.cos()`` on anything else (a Value, when a
    rule runs on Values; the compiler's source text, when it writes a rule out)."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        op = OPS.get(name)
        if op is None or op.method is None:
            raise AttributeError(f"no row named {name!r} with a method for rules to call")
        forward, method = op.forward, op.method

        def function(x: Any, *rest: Any) -> Any:
            return forward(x, *rest) if type(x) is float else getattr(x, method)(*rest)

        function.__name__ = name
        setattr(self, name, function)  # found without __getattr__ from now on
        return function


fn = _ByName()


# forward functions that need more than one expression; every forward keeps NaN a NaN
def power(a: Any, b: Any) -> Any:
    """``a ** b`` as the pow rows compute it: ``math.pow`` on floats (a ValueError at
    ``0.0 ** -1.0``, where Python's ``**`` raises ZeroDivisionError), so a rule's power
    fails the same way on floats as on Values."""
    return math.pow(a, b) if type(a) is float and type(b) is float else a**b


def divide(a: Any, b: Any) -> Any:
    """``a / b``, in IEEE arithmetic where ``a`` is NaN or inf (``nan / 0.0`` is nan,
    ``inf / -0.0`` is -inf). Python raises ZeroDivisionError for every ``x / 0.0``; for a
    finite ``a`` that stays the error, named by ``apply``. Rules call it for a quotient whose
    numerator may be NaN or inf, so floats give what Values (whose ``/`` is this) give."""
    try:
        return a / b
    except ZeroDivisionError:
        if type(a) is not float or math.isfinite(a):  # a Value's error is named already
            raise
        return a * math.copysign(math.inf, b)


def _sigmoid(a: float) -> float:
    if a >= 0.0:  # two branches so exp never overflows
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _softplus(a: float) -> float:
    # log(1 + e^a) = max(a, 0) + log1p(e^-|a|): exact to rounding and never overflows
    return max(a, 0.0) + math.log1p(math.exp(-abs(a))) if a == a else a


def _dot(*xs: float) -> float:
    # b + w_0 x_0 + w_1 x_1 + ..., left to right as Python's sum adds; the compiler emits
    # the same order, so compiled and eager agree to the last bit
    n = len(xs) // 2
    return sum(map(mul, xs[:n], xs[n : 2 * n]), xs[-1] if len(xs) % 2 else 0.0)


def _logsumexp(*xs: float) -> float:
    # m + log sum_i e^(x_i - m) with m = max x: every exponent is <= 0, so nothing overflows,
    # and the largest term is e^0 = 1, so the logarithm never sees 0
    m = max(xs)
    if m - m != 0.0:  # m is inf or NaN: log sum e^x is m (inf), -inf, or NaN
        return m if all(x == x for x in xs) else math.nan
    return m + math.log(math.fsum([math.exp(x - m) for x in xs]))


HELD = math.exp(-100.0)  # a probability at or below it has its log held at log(HELD) = -100


def _bce(a: float, y: float) -> float:
    # each log held at -100, as PyTorch holds it: a saturated sigmoid (exactly 0.0 or 1.0)
    # gives a large finite loss, not a domain error
    if not 0.0 <= a <= 1.0:
        if a != a:
            return a
        raise ValueError("math domain error")
    return -(y * math.log(max(a, HELD)) + (1.0 - y) * math.log(max(1.0 - a, HELD)))


def _bce_rule(out: Any, a: Any, y: Any) -> tuple[Any, Any]:
    # a held log is a constant: it passes no gradient to a
    pa, pb = fn.maximum(a, HELD), fn.maximum(1.0 - a, HELD)
    da = fn.step(a - HELD) * -y / pa + fn.step(1.0 - a - HELD) * (1.0 - y) / pb
    return da, fn.log(pb) - fn.log(pa)


# Rules written so no step overflows where the derivative itself is a float: a * a is beyond
# a float for |a| > 1.3e154, an error on Values although 1 / (1 + a^2) is merely tiny there.
def _atan_rule(a: Any) -> Any:
    r = 1.0 / fn.hypot(a, 1.0)  # 1 / (1 + a^2) = r^2
    return r * r


def _atan2_rule(a: Any, b: Any) -> tuple[Any, Any]:
    h = fn.hypot(a, b)  # a^2 + b^2 = h^2
    return b / h / h, -a / h / h


def _gauss(a: Any, bound: float, k: float) -> Any:
    # e^(-k a^2), with a held at the bound beyond which it is exactly 0.0 in floats anyway
    c = fn.clamp(a, (-bound, bound))
    return fn.exp(-k * c * c)


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
       "a + b", "+", method=None, arity=2, domain=TWO),
    Op("sub", lambda a, b: a - b, lambda out, a, b: (1.0, -1.0), lambda sp, a, b: a - b,
       "a - b", "-", method=None, arity=2, domain=TWO),
    Op("mul", lambda a, b: a * b, lambda out, a, b: (b, a), lambda sp, a, b: a * b,
       "a * b; d/da = b, d/db = a", "*", method=None, arity=2, domain=TWO),
    Op("div", divide, lambda out, a, b: (1.0 / b, divide(-out, b)), lambda sp, a, b: a / b,
       "a / b; d/da = 1/b, d/db = -a/b^2", "/", method=None, arity=2,
       domain=((-3, 3), POSITIVE), requires="a nonzero divisor"),
    Op("pow", math.pow, lambda out, a, b: (b * power(a, b - 1.0), fn.xlogy(out, a)),
       lambda sp, a, b: a**b, "a ** b; d/da = b a^(b-1), d/db = a^b log a", "**", method=None,
       arity=2, domain=(POSITIVE, (-3, 3)), requires="a base > 0, or an integer exponent",
       array="power"),
    Op("neg", lambda a: -a, lambda out, a: (-1.0,), lambda sp, a: -a, "-a", "-", method=None),
    # a Value with a number c: the number is the node's param, never a leaf of its own
    Op("addc", lambda a, c: a + c, lambda out, a, c: (1.0,), lambda sp, a, c: a + c,
       "a + c for a number c", "+", method=None, params=(0.5, -2.0)),
    Op("subc", lambda a, c: a - c, lambda out, a, c: (1.0,), lambda sp, a, c: a - c,
       "a - c for a number c", "-", method=None, params=(0.5,)),
    Op("rsubc", lambda a, c: c - a, lambda out, a, c: (-1.0,), lambda sp, a, c: c - a,
       "c - a for a number c", "-", reflected=True, method=None, params=(1.0,)),
    Op("mulc", lambda a, c: a * c, lambda out, a, c: (c,), lambda sp, a, c: a * c,
       "a * c for a number c", "*", method=None, params=(-1.0, 2.5)),
    Op("divc", divide, lambda out, a, c: (1.0 / c,), lambda sp, a, c: a / c,
       "a / c for a number c", "/", method=None, params=(3.0, -0.5),
       requires="a nonzero divisor"),
    Op("rdivc", lambda a, c: divide(c, a), lambda out, a, c: (divide(-out, a),),
       lambda sp, a, c: c / a,
       "c / a for a number c; d/da = -c/a^2", "/", reflected=True, method=None,
       domain=(POSITIVE,), params=(1.0, -2.0), requires="a nonzero divisor"),
    Op("powc", math.pow, lambda out, a, k: (k * power(a, k - 1.0) if k else 0.0,),
       lambda sp, a, k: a**k, "a ** k for a number k; d/da = k a^(k-1)", "**", method=None,
       domain=(POSITIVE,), params=(-2.0, -1.0, 0.5, 2.0, 3.0),
       requires="a base >= 0 for a fractional exponent and a nonzero base for a negative one",
       array="power"),
    Op("rpowc", lambda a, c: math.pow(c, a), lambda out, a, c: (out * math.log(c) if c else 0.0,),
       lambda sp, a, c: c**a, "c ** a for a number c; d/da = c^a log c, taken as 0 at c = 0",
       "**", reflected=True, method=None, params=(0.5, 2.0, 3.0),
       requires="a base c > 0, or c = 0 with an exponent >= 0"),
    # functions of one Value: methods x.exp(), ... and names in expressions
    Op("abs", abs, lambda out, a: (fn.sign(a),), lambda sp, a: sp.Abs(a),
       "|a|; d/da = sign(a), taken as 0 at a = 0", kinks=(0.0,), smooth=False),
    Op("exp", math.exp, lambda out, a: (out,), lambda sp, a: sp.exp(a), "e^a; d/da = e^a",
       array="exp"),
    Op("expm1", math.expm1, lambda out, a: (out + 1.0,), lambda sp, a: sp.exp(a) - 1,
       "e^a - 1, accurate near a = 0; d/da = e^a", array="expm1"),
    Op("log", math.log, lambda out, a: (1.0 / a,), lambda sp, a: sp.log(a),
       "natural logarithm; d/da = 1/a", domain=(POSITIVE,), requires="x > 0", array="log"),
    Op("log1p", math.log1p, lambda out, a: (1.0 / (a + 1.0),), lambda sp, a: sp.log(1 + a),
       "log(1 + a), accurate near a = 0; d/da = 1/(1 + a)", domain=((-0.9, 3.0),),
       requires="x > -1", array="log1p"),
    Op("log2", math.log2, lambda out, a: (1.0 / (a * LN2),), lambda sp, a: sp.log(a, 2),
       "base-2 logarithm; d/da = 1/(a ln 2)", domain=(POSITIVE,), requires="x > 0", array="log2"),
    Op("log10", math.log10, lambda out, a: (1.0 / (a * LN10),), lambda sp, a: sp.log(a, 10),
       "base-10 logarithm; d/da = 1/(a ln 10)", domain=(POSITIVE,), requires="x > 0",
       array="log10"),
    Op("sqrt", math.sqrt, lambda out, a: (0.5 / out,), lambda sp, a: sp.sqrt(a),
       "square root; d/da = 1/(2 sqrt a)", domain=(POSITIVE,), requires="x >= 0", array="sqrt"),
    Op("sin", math.sin, lambda out, a: (fn.cos(a),), lambda sp, a: sp.sin(a),
       "sine; d/da = cos a", array="sin"),
    Op("cos", math.cos, lambda out, a: (-fn.sin(a),), lambda sp, a: sp.cos(a),
       "cosine; d/da = -sin a", array="cos"),
    Op("tan", math.tan, lambda out, a: (1.0 + out * out,), lambda sp, a: sp.tan(a),
       "tangent; d/da = 1 + tan^2 a", domain=((-1.4, 1.4),), array="tan"),
    Op("asin", math.asin, lambda out, a: (1.0 / fn.sqrt(1.0 - a * a),), lambda sp, a: sp.asin(a),
       "arcsine; d/da = 1/sqrt(1 - a^2)", domain=(UNIT,), requires="-1 <= x <= 1", array="arcsin"),
    Op("acos", math.acos, lambda out, a: (-1.0 / fn.sqrt(1.0 - a * a),),
       lambda sp, a: sp.acos(a), "arccosine; d/da = -1/sqrt(1 - a^2)", domain=(UNIT,),
       requires="-1 <= x <= 1", array="arccos"),
    Op("atan", math.atan, lambda out, a: (_atan_rule(a),), lambda sp, a: sp.atan(a),
       "arctangent; d/da = 1/(1 + a^2)", array="arctan"),
    Op("sinh", math.sinh, lambda out, a: (fn.cosh(a),), lambda sp, a: sp.sinh(a),
       "hyperbolic sine; d/da = cosh a", array="sinh"),
    Op("cosh", math.cosh, lambda out, a: (fn.sinh(a),), lambda sp, a: sp.cosh(a),
       "hyperbolic cosine; d/da = sinh a", array="cosh"),
    Op("tanh", math.tanh, lambda out, a: (1.0 - out * out,), lambda sp, a: sp.tanh(a),
       "hyperbolic tangent; d/da = 1 - tanh^2 a", array="tanh"),
    Op("asinh", math.asinh, lambda out, a: (1.0 / fn.hypot(a, 1.0),),
       lambda sp, a: sp.asinh(a), "inverse hyperbolic sine; d/da = 1/sqrt(a^2 + 1)",
       array="arcsinh"),
    Op("acosh", math.acosh, lambda out, a: (1.0 / (fn.sqrt(a - 1.0) * fn.sqrt(a + 1.0)),),
       lambda sp, a: sp.acosh(a), "inverse hyperbolic cosine; d/da = 1/sqrt(a^2 - 1)",
       domain=((1.05, 4.0),), requires="x >= 1", array="arccosh"),
    Op("atanh", math.atanh, lambda out, a: (1.0 / (1.0 - a * a),), lambda sp, a: sp.atanh(a),
       "inverse hyperbolic tangent; d/da = 1/(1 - a^2)", domain=(UNIT,), requires="-1 < x < 1",
       array="arctanh"),
    Op("erf", math.erf, lambda out, a: (2.0 / math.sqrt(math.pi) * _gauss(a, 28.0, 1.0),),
       lambda sp, a: sp.erf(a), "the error function; d/da = 2/sqrt(pi) e^(-a^2)"),
    Op("sigmoid", _sigmoid, lambda out, a: (out * (1.0 - out),),
       lambda sp, a: 1 / (1 + sp.exp(-a)), "1/(1 + e^-a); d/da = sigmoid(a) (1 - sigmoid(a))"),
    Op("softplus", _softplus, lambda out, a: (fn.sigmoid(a),),
       lambda sp, a: sp.log(1 + sp.exp(a)), "log(1 + e^a), without overflow; d/da = sigmoid(a)"),
    Op("gelu", lambda a: 0.5 * a * (1.0 + math.erf(a / SQRT2)),
       lambda out, a: (0.5 * (1.0 + fn.erf(a / SQRT2)) + a * _gauss(a, 40.0, 0.5) / SQRT2PI,),
       lambda sp, a: a * (1 + sp.erf(a / sp.sqrt(2))) / 2,
       "a Phi(a), Phi the normal CDF; d/da = Phi(a) + a e^(-a^2/2) / sqrt(2 pi)"),
    Op("relu", lambda a: 0.0 if a <= 0.0 else a, lambda out, a: (fn.step(a),),
       lambda sp, a: sp.Max(a, 0), "max(a, 0); d/da = 1 for a > 0, else 0", kinks=(0.0,),
       smooth=False),
    Op("leaky_relu", lambda a, s: s * a if a <= 0.0 else a,
       lambda out, a, s: (fn.step(a) + s * (1.0 - fn.step(a)),),
       lambda sp, a, s: sp.Max(a, 0) + s * sp.Min(a, 0),
       "a for a > 0, slope * a otherwise", kinks=(0.0,), smooth=False, params=(0.01, 0.2),
       default=0.01),
    Op("step", lambda a: 0.0 if a <= 0.0 else 1.0 if a > 0.0 else a, lambda out, a: (0.0,),
       lambda sp, a: sp.Heaviside(a, 0),
       "1 for a > 0, else 0; its derivative is 0 (relu's slope)", kinks=(0.0,), smooth=False),
    Op("sign", lambda a: 1.0 if a > 0.0 else -1.0 if a < 0.0 else a,  # keeps 0.0 and -0.0
       lambda out, a: (0.0,),
       lambda sp, a: sp.Heaviside(a, 0) - sp.Heaviside(-a, 0),
       "1, 0 or -1 by the sign of a; its derivative is 0 (no gradient flows through it)",
       kinks=(0.0,), smooth=False),
    # clamp is min(max(a, lo), hi), as its sympy meaning, numpy and torch: hi where lo > hi,
    # and NaN where a bound is NaN
    Op("clamp",
       lambda a, bounds: bounds[1] if bounds[0] > bounds[1] else bounds[0] if a < bounds[0]
       else bounds[1] if a > bounds[1] else a if bounds[0] == bounds[0]
       and bounds[1] == bounds[1] else math.nan,
       lambda out, a, bounds: (fn.step(a - bounds[0]) * fn.step(bounds[1] - a),),
       lambda sp, a, bounds: sp.Min(sp.Max(a, bounds[0]), bounds[1]),
       "a held inside [lo, hi]; d/da = 1 inside, 0 outside", kinks=(-1.0, 1.0), smooth=False,
       params=((-1.0, 1.0),)),
    # functions of two Values: x.atan2(y), ...
    Op("atan2", math.atan2, lambda out, a, b: _atan2_rule(a, b),
       lambda sp, a, b: sp.atan2(a, b), "the angle of the point (b, a); d/da = b/(a^2+b^2)",
       arity=2, domain=((-3, 3), POSITIVE), array="arctan2"),
    Op("hypot", math.hypot, lambda out, a, b: (a / out, b / out),
       lambda sp, a, b: sp.sqrt(a**2 + b**2), "sqrt(a^2 + b^2) without overflow; d/da = a/out",
       arity=2, domain=(POSITIVE, (-3, 3)), array="hypot"),
    Op("minimum", lambda a, b: a if a <= b else b if b < a else a + b,  # a NaN stays a NaN
       lambda out, a, b: ((1.0 + fn.sign(b - a)) * 0.5, (1.0 - fn.sign(b - a)) * 0.5),
       lambda sp, a, b: sp.Min(a, b), "the smaller of a and b (half the gradient each at a tie)",
       syntax="min", arity=2, domain=TWO, smooth=False),
    Op("maximum", lambda a, b: a if a >= b else b if b > a else a + b,
       lambda out, a, b: ((1.0 + fn.sign(a - b)) * 0.5, (1.0 - fn.sign(a - b)) * 0.5),
       lambda sp, a, b: sp.Max(a, b), "the larger of a and b (half the gradient each at a tie)",
       syntax="max", arity=2, domain=TWO, smooth=False),
    Op("xlogy", lambda a, b: 0.0 if a == 0.0 and b == b else a * math.log(b),
       lambda out, a, b: (fn.log(b), divide(a, b)),
       lambda sp, a, b: a * sp.log(b), "a log b, and 0 where a = 0; d/da = log b, d/db = a/b",
       arity=2, domain=((-3, 3), POSITIVE), requires="b > 0"),
    Op("bce", _bce, _bce_rule, lambda sp, a, y: -(y * sp.log(a) + (1 - y) * sp.log(1 - a)),
       "binary cross-entropy -(y log a + (1 - y) log(1 - a)) of a probability a and a label y, "
       "each log held at -100; d/da = (a - y)/(a (1 - a)), d/dy = log(1 - a) - log a",
       method=None, arity=2, domain=((0.05, 0.95), (0.0, 1.0)),
       requires="a probability 0 <= a <= 1 (an MLP's linear output is a logit: use "
       "nn.binary_cross_entropy_with_logits on it, or give the model "
       "output_activation='sigmoid')"),
    # n-ary: one node for a whole sum (functions vsum and dot)
    Op("sum", lambda *xs: math.fsum(xs), lambda out, *xs: (1.0,) * len(xs),
       lambda sp, *xs: sp.Add(*xs), "x_0 + x_1 + ... as one node", method=None, arity=None,
       array="sum"),
    Op("dot", _dot, _dot_rule, _dot_symbolic,
       "b + sum_i w_i x_i as one node (a neuron's z); d/dw_i = x_i, d/dx_i = w_i, d/db = 1",
       method=None, arity=None, array="dot"),
    Op("logsumexp", _logsumexp, lambda out, *xs: tuple(fn.exp(x - out) for x in xs),
       lambda sp, *xs: sp.log(sp.Add(*(sp.exp(x) for x in xs))),
       "log sum_i e^(x_i) as one node, never overflowing; d/dx_i = e^(x_i - out), the softmax",
       method=None, arity=None, domain=((-30.0, 30.0),), array="logsumexp"),
)
# fmt: on
OPS: dict[str, Op] = {op.name: op for op in ROWS}
