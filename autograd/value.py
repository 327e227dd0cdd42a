"""Value: one float, the Values it was computed from, and the chain rule over them.

A Value stores its ``data``, its ``parents`` (a tuple, so ``x + x`` keeps both edges) and the
op that made it, with a number operand (``x + 0.5``) as the op's ``param``. The parents live
in two slots rather than in a tuple of their own, so a node is one object for the cyclic
garbage collector to track, not two; ``parents`` rebuilds the tuple. Its local partials
``d self / d parent`` come from the op's rule in ``autograd.ops`` and are computed when asked
for, which keeps nodes small. Nodes hold no closures and no references to their children, so
a graph nobody refers to is freed at once by reference counting.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import ContextDecorator
from numbers import Real
from typing import Any

from autograd.backprop import backpropagate, local_partials
from autograd.graph import interior_order
from autograd.ops import OPS, Op

Number = int | float

_grad_enabled = True


class no_grad(ContextDecorator):  # noqa: N801 (named like torch.no_grad, used like a function)
    """Inside ``with no_grad():`` (or a function decorated ``@no_grad()``) ops build no graph.

    Results are plain leaf Values: for inference and for optimizer updates.
    """

    def __enter__(self) -> no_grad:
        global _grad_enabled
        self._previous, _grad_enabled = _grad_enabled, False
        return self

    def __exit__(self, *exc: object) -> None:
        global _grad_enabled
        _grad_enabled = self._previous


def is_grad_enabled() -> bool:
    """False inside ``no_grad()``."""
    return _grad_enabled


def _as_float(x: object, where: str) -> float:
    """``x`` as a float, or a TypeError naming its type. bool is not data: it is almost
    always a comparison that slipped in; write ``float(flag)`` to mean it."""
    if type(x) is float:
        return x
    if isinstance(x, Real) and not isinstance(x, bool):
        return float(x)
    raise TypeError(f"{where} takes a real number (int or float), got {type(x).__name__}: {x!r}")


def _lift(x: object) -> Value:
    if type(x) is float:
        return _node(x, (), None)
    return x if isinstance(x, Value) else _node(_as_float(x, "a Value operation"), (), None)


def _node(
    data: float, parents: tuple[Value, ...], op: Op | None, param: float | None = None
) -> Value:
    """A Value made without ``__init__``'s checks (the engine's own results, already floats):
    the node for ``op`` on ``parents``, or a leaf inside ``no_grad()``."""
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    if _grad_enabled:
        _link(node, parents, op, param)
    else:
        _link(node, (), None, None)
    return node


def _link(node: Value, parents: tuple[Value, ...], op: Op | None, param: float | None) -> None:
    """Store the parents in the slots: ``_a`` and ``_b`` for one or two, ``_a`` alone holding
    the tuple for an n-ary op (sum, dot, neuron); both None for a leaf."""
    node._op, node._param = op, param
    if not parents:
        node._a = node._b = None
    elif op is not None and op.arity is None:
        node._a, node._b = parents, None
    else:
        node._a, node._b = parents if len(parents) == 2 else (parents[0], None)


def _result(
    data: float, op: Op, a: Value, b: Value | None = None, param: float | None = None
) -> Value:
    """The node for ``op`` on parents ``a`` (and ``b``), or a leaf inside ``no_grad()``."""
    node = _new(Value)  # _node's body again: one call less on the hottest path
    node.data = data
    node.grad = 0.0
    node.label = ""
    if _grad_enabled:
        node._a = a
        node._b = b
        node._op = op
        node._param = param
    else:
        node._a = node._b = node._op = node._param = None
    return node


def _number(x: object) -> float:
    """The number on the other side of + - * / as a float (a TypeError names anything else)."""
    return x if type(x) is float else _as_float(x, "a Value operation")


def _domain_error(op: Op, xs: Sequence[float], param: float | None, err: Exception) -> Exception:
    args = [repr(x) for x in (*xs, *(() if param is None else (param,)))]
    infix = len(args) == 2 and not op.symbol.isalpha()
    call = f" {op.symbol} ".join(args) if infix else f"{op.name}({', '.join(args)})"
    if isinstance(err, OverflowError):
        return OverflowError(f"{call} overflows a float (results beyond 1.8e308 are not finite)")
    need = f": {op.symbol} needs {op.requires}" if op.requires else ""
    return type(err)(f"{call} is undefined ({err}){need}")


def apply(op: Op, *args: object, param: float | None = None) -> Value:
    """The one node constructor: run ``op`` forward on the inputs' floats and record the edge.

    Numbers among ``args`` become leaf Values. Outside ``no_grad()`` the result remembers its
    parents and op; inside it is a leaf.
    """
    parents = tuple(map(_lift, args))
    xs = [p.data for p in parents]
    try:
        out = op.forward(*xs) if param is None else op.forward(*xs, param)
    except (ValueError, ArithmeticError) as err:
        raise _domain_error(op, xs, param, err) from None
    return _node(out, parents, op, param)


class Value:
    """A scalar in a computation graph.

    ``data`` is the float; ``grad`` is ``d root / d self`` after ``root.backward()``; ``label``
    names it in pictures and errors; ``op`` is the name of the op that made it (``""`` for a
    leaf); ``parents`` and ``partials`` are the Values it was computed from and the local
    derivatives with respect to each.
    """

    __slots__ = ("_a", "_b", "_op", "_param", "data", "grad", "label")
    _a: Any  # the first parent; for an n-ary op the tuple of all; None for a leaf
    _b: Any  # the second parent of a binary op, else None
    _op: Op | None
    _param: float | None

    def __init__(
        self,
        data: Number,
        label: str = "",
        _parents: tuple[Value, ...] = (),
        _op: Op | None = None,
        _param: float | None = None,
    ) -> None:
        self.data = data if type(data) is float else _as_float(data, "Value")
        self.grad = 0.0
        self.label = label
        _link(self, _parents, _op, _param)

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from, one entry per edge (``x + x`` lists x twice)."""
        a, b = self._a, self._b
        if b is not None:
            return (a, b)
        return () if a is None else a if type(a) is tuple else (a,)

    @property
    def op(self) -> str:
        """The op's name, ``""`` for a leaf."""
        return "" if self._op is None else self._op.name

    @property
    def param(self) -> float | None:
        """The op's number parameter (``powc``'s exponent, ``leaky_relu``'s slope), or None."""
        return self._param

    @property
    def partials(self) -> tuple[float, ...]:
        """``d self / d parent`` for each parent, in the order of ``parents``."""
        return local_partials(self)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op!r}" if self._op is not None else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{op})"

    # arithmetic. A number on the right of + - * / (or either side of + and *) is kept in the
    # node as its param (rows addc, subc, mulc, divc), as PyTorch keeps a Python scalar: no
    # leaf Value for it, so one object less for the cyclic GC to track. ``c - x`` and ``c / x``
    # lift c into a leaf. + - * build their node directly; the rest go through apply().
    def __add__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):  # exact type first inside isinstance: fast
            return _result(self.data + other.data, ADD, self, other)
        c = _number(other)
        return _result(self.data + c, ADDC, self, None, c)

    def __radd__(self, other: Number) -> Value:
        c = _number(other)  # c + x == x + c exactly: IEEE addition commutes
        return _result(c + self.data, ADDC, self, None, c)

    def __sub__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):  # exact type first inside isinstance: fast
            return _result(self.data - other.data, SUB, self, other)
        c = _number(other)
        return _result(self.data - c, SUBC, self, None, c)

    def __rsub__(self, other: Number) -> Value:
        other_value = _lift(other)
        return _result(other_value.data - self.data, SUB, other_value, self)

    def __mul__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):  # exact type first inside isinstance: fast
            return _result(self.data * other.data, MUL, self, other)
        c = _number(other)
        return _result(self.data * c, MULC, self, None, c)

    def __rmul__(self, other: Number) -> Value:
        c = _number(other)
        return _result(c * self.data, MULC, self, None, c)

    def __truediv__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return apply(DIV, self, other)
        return apply(DIVC, self, param=_number(other))

    def __rtruediv__(self, other: Number) -> Value:
        return apply(DIV, other, self)

    def __pow__(self, exponent: Value | Number) -> Value:
        if isinstance(exponent, Value):
            return apply(POW, self, exponent)
        return apply(POWC, self, param=_as_float(exponent, "the exponent of **"))

    def __rpow__(self, base: Number) -> Value:
        return apply(POW, base, self)

    def __neg__(self) -> Value:
        return _result(-self.data, NEG, self)

    def __abs__(self) -> Value:
        return apply(ABS, self)

    # named functions
    def exp(self) -> Value:
        """e^x; raises OverflowError above x = 709.78."""
        if self.data < 709.0:  # below exp's overflow; beyond it, apply() names the error
            return _result(math.exp(self.data), EXP, self)
        return apply(EXP, self)

    def log(self) -> Value:
        """Natural logarithm, for x > 0."""
        return apply(LOG, self)

    def sqrt(self) -> Value:
        """Square root, for x >= 0."""
        return apply(SQRT, self)

    def tanh(self) -> Value:
        """tanh(x) = (e^x - e^-x) / (e^x + e^-x); d/dx = 1 - tanh(x)^2."""
        return _result(math.tanh(self.data), TANH, self)

    def sigmoid(self) -> Value:
        """sigma(x) = 1 / (1 + e^-x); d/dx = sigma(x) (1 - sigma(x))."""
        return apply(SIGMOID, self)

    def relu(self) -> Value:
        """max(x, 0); the derivative at 0 is taken as 0."""
        return _result(self.data if self.data > 0.0 else 0.0, RELU, self)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x for x > 0, slope * x otherwise."""
        return apply(LEAKY_RELU, self, param=_as_float(slope, "leaky_relu's slope"))

    def softplus(self) -> Value:
        """log(1 + e^x), computed without overflow; d/dx = sigma(x)."""
        return apply(SOFTPLUS, self)

    def sin(self) -> Value:
        """sin(x); d/dx = cos(x)."""
        return apply(SIN, self)

    def cos(self) -> Value:
        """cos(x); d/dx = -sin(x)."""
        return apply(COS, self)

    def backward(self, grad: float = 1.0) -> None:
        """Add ``grad * d self / d leaf`` to every leaf's ``.grad`` (the chain rule, once per edge).

        Interior nodes get fresh gradients on every call, so calling backward twice adds to the
        leaves exactly what two separate passes would; leaves keep accumulating until zeroed.
        """
        seed = grad if type(grad) is float else _as_float(grad, "backward's grad")
        order = interior_order(self)  # also resets every interior grad to 0.0
        self.grad += seed
        backpropagate(order)


ADD, SUB, MUL, DIV, NEG, POW, POWC = (
    OPS[n] for n in ("add", "sub", "mul", "div", "neg", "pow", "powc")
)
ADDC, SUBC, MULC, DIVC = (OPS[n] for n in ("addc", "subc", "mulc", "divc"))
EXP, LOG, SQRT, ABS, TANH, SIGMOID = (
    OPS[n] for n in ("exp", "log", "sqrt", "abs", "tanh", "sigmoid")
)
RELU, LEAKY_RELU, SOFTPLUS, SIN, COS = (
    OPS[n] for n in ("relu", "leaky_relu", "softplus", "sin", "cos")
)
_new = object.__new__
