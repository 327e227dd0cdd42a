"""Value: one float, the Values it was computed from, and the op that made it.

A Value stores its ``data``, its ``parents`` (a tuple, so ``x + x`` keeps both edges), ``op``,
the row of the op table that made it, and ``param``, a number operand (``x + 0.5``) kept in
the op. ``apply`` is the one place a node is made; the operators and the methods made from the
table (``x.tanh()``, ``x.atan2(y)``) all call it. Local partials come from the op's rule when
asked for, so a node holds no closure and no reference to its children: a graph nobody refers
to is freed at once by reference counting.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from autograd import grad_mode
from autograd.backprop import backpropagate, data_of, local_partials
from autograd.by_hand import LectureNames, row_for
from autograd.errors import Param, all_finite, as_float, as_param, forward_error
from autograd.ops import OPS, Op

Number = int | float
Method = TypeVar("Method", bound=Callable[..., Any])
# the rows the operators apply
ADD, SUB, MUL, DIV, POW, NEG, ABS = (
    OPS[n] for n in ("add", "sub", "mul", "div", "pow", "neg", "abs")
)
ADDC, SUBC, RSUBC, MULC, DIVC, RDIVC, POWC, RPOWC = (
    OPS[n] for n in ("addc", "subc", "rsubc", "mulc", "divc", "rdivc", "powc", "rpowc")
)


def _unary(op: Op) -> Callable[[Value], Value]:
    """The method ``x.<row>()`` of a row with one input and no number."""

    def method(self: Value) -> Value:
        return apply(op, self)

    return _named(method, op)


def _binary(op: Op) -> Callable[[Value, Value | Number], Value]:
    """The method ``x.<row>(y)`` of a row with two inputs and no number."""

    def method(self: Value, other: Value | Number) -> Value:
        return apply(op, self, other)

    return _named(method, op)


def _with_number(op: Op) -> Callable[..., Value]:
    """The method ``x.<row>(*others, *numbers)`` of a row with a number: one, or several as a
    tuple (clamp's bounds); the row's ``default`` when none is given."""
    others = (op.arity or 1) - 1

    def method(self: Value, *args: Any) -> Value:
        values, numbers = args[:others], args[others:]
        if len(values) < others:
            raise TypeError(f"{op.method}() takes {others} Value argument(s), got {len(args)}")
        if not numbers and op.default is None:
            raise TypeError(f"{op.method}() needs its parameter, as in x.{op.method}{op.params[0]}")
        given = numbers[0] if len(numbers) == 1 else numbers or op.default
        return apply(op, self, *values, param=given)  # apply converts it, naming the op

    return _named(method, op)


def _named(method: Method, op: Op) -> Method:
    method.__name__ = op.method or op.name
    method.__qualname__ = f"Value.{method.__name__}"
    method.__doc__ = op.doc
    return method


class Value(LectureNames):
    """A scalar in a computation graph.

    ``data`` is the float; ``grad`` is ``d root / d self`` after ``root.backward()``; ``label``
    names it in pictures and errors; ``op`` is the row of the op table that made it (None for
    a leaf; ``v.op.name`` is its name), ``param`` that op's number; ``parents`` are the Values
    it was computed from and ``partials`` the local derivatives ``d self / d parent``. Besides
    the operators, every op of the table with a ``method`` is a method: ``x.tanh()``,
    ``x.atan2(y)``, ``x.clamp(0, 1)``. A Value takes other attributes too (optimizer state
    such as ``p.m``) and weak references.
    """

    __slots__ = ("__dict__", "__weakref__", "data", "grad", "label", "op", "param", "parents")
    op: Op | None
    parents: tuple[Value, ...]
    param: Param | None

    def __init__(
        self, data: Number, _children: Iterable[Value] = (), _op: str = "", label: str = ""
    ) -> None:
        self.data = data if type(data) is float else as_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self.parents, self.op, self.param = (), None, None
        if _children or _op:  # the micrograd lecture's node made by hand: autograd/by_hand.py
            op, parents, param = row_for(_op, _children, self.data)
            node = apply(op, *parents, param=param)  # a leaf inside no_grad(), as ever
            self.data, self.parents = node.data, node.parents
            self.op, self.param = node.op, node.param

    @property
    def partials(self) -> tuple[float, ...]:
        """``d self / d parent`` for each parent, in the order of ``parents``."""
        return local_partials(self)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op.name!r}" if self.op is not None else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{op})"

    def __format__(self, spec: str) -> str:
        """``f"{loss:.4f}"`` formats the data; an empty spec gives the repr."""
        return format(self.data, spec) if spec else repr(self)

    # The operators. A number beside a Value is the node's param (rows addc, rsubc, mulc, ...),
    # as PyTorch keeps a Python scalar, so a constant is never a leaf with a gradient.
    def __add__(self, other: Value | Number) -> Value:
        return (
            apply(ADD, self, other) if isinstance(other, Value) else apply(ADDC, self, param=other)
        )

    def __radd__(self, other: Number) -> Value:
        return apply(ADDC, self, param=other)  # c + x == x + c exactly: IEEE addition commutes

    def __sub__(self, other: Value | Number) -> Value:
        return (
            apply(SUB, self, other) if isinstance(other, Value) else apply(SUBC, self, param=other)
        )

    def __rsub__(self, other: Number) -> Value:
        return apply(RSUBC, self, param=other)

    def __mul__(self, other: Value | Number) -> Value:
        return (
            apply(MUL, self, other) if isinstance(other, Value) else apply(MULC, self, param=other)
        )

    def __rmul__(self, other: Number) -> Value:
        return apply(MULC, self, param=other)

    def __truediv__(self, other: Value | Number) -> Value:
        return (
            apply(DIV, self, other) if isinstance(other, Value) else apply(DIVC, self, param=other)
        )

    def __rtruediv__(self, other: Number) -> Value:
        return apply(RDIVC, self, param=other)

    def __pow__(self, other: Value | Number) -> Value:
        return (
            apply(POW, self, other) if isinstance(other, Value) else apply(POWC, self, param=other)
        )

    def __rpow__(self, other: Number) -> Value:
        return apply(RPOWC, self, param=other)  # d/dx c**x = c**x log c, and 0 at c = 0

    def __neg__(self) -> Value:
        return apply(NEG, self)

    def __abs__(self) -> Value:
        return apply(ABS, self)

    def backward(self, grad: float = 1.0) -> None:
        """Add ``grad * d self / d leaf`` to every leaf's ``.grad`` (the chain rule, once per edge).

        Interior nodes get fresh gradients on every call, so calling backward twice adds to the
        leaves exactly what two separate passes would; leaves keep accumulating until zeroed.
        """
        order, grads = backpropagate(self, as_float(grad, "backward's grad"))
        for node in order:
            g = grads.get(node, 0.0)
            if node.parents:
                node.grad = g
            else:
                node.grad += g

    # begin: the table's methods (python tests/test_table.py writes them)
    abs = _unary(OPS["abs"])
    exp = _unary(OPS["exp"])
    expm1 = _unary(OPS["expm1"])
    log = _unary(OPS["log"])
    log1p = _unary(OPS["log1p"])
    log2 = _unary(OPS["log2"])
    log10 = _unary(OPS["log10"])
    sqrt = _unary(OPS["sqrt"])
    sin = _unary(OPS["sin"])
    cos = _unary(OPS["cos"])
    tan = _unary(OPS["tan"])
    asin = _unary(OPS["asin"])
    acos = _unary(OPS["acos"])
    atan = _unary(OPS["atan"])
    sinh = _unary(OPS["sinh"])
    cosh = _unary(OPS["cosh"])
    tanh = _unary(OPS["tanh"])
    asinh = _unary(OPS["asinh"])
    acosh = _unary(OPS["acosh"])
    atanh = _unary(OPS["atanh"])
    erf = _unary(OPS["erf"])
    sigmoid = _unary(OPS["sigmoid"])
    softplus = _unary(OPS["softplus"])
    gelu = _unary(OPS["gelu"])
    relu = _unary(OPS["relu"])
    leaky_relu = _with_number(OPS["leaky_relu"])
    step = _unary(OPS["step"])
    sign = _unary(OPS["sign"])
    clamp = _with_number(OPS["clamp"])
    atan2 = _binary(OPS["atan2"])
    hypot = _binary(OPS["hypot"])
    minimum = _binary(OPS["minimum"])
    maximum = _binary(OPS["maximum"])
    xlogy = _binary(OPS["xlogy"])
    # end: the table's methods


# the float of a Value, a TypeError for anything else: one C-level pass over a node's
# arguments checks and reads them (isinstance first, then the read, costs about 2,300
# instructions more per node: 11% of a step of the random DAG benchmark)
_data_of_value = vars(Value)["data"].__get__


def apply(op: Op, *args: Value | Number, param: object = None) -> Value:
    """The one node constructor: run ``op`` forward on the inputs' floats and record the edge.

    Numbers among ``args`` become leaf Values; ``param`` is the op's number (``x + 0.5``'s
    0.5, a tuple for clamp's bounds), None for ops without one. Outside ``no_grad()`` the
    result remembers its parents, op and param; inside it is a leaf. A result that is not
    finite where every input is finite is an error naming the op and the inputs
    (``exp(710.0) overflows a float``), never a silent inf or NaN; NaN and inf given as inputs
    propagate.
    """
    try:
        xs = list(map(_data_of_value, args))
        parents = args
    except TypeError:  # numbers among them: they become leaves
        parents = tuple(map(_lift, args))
        xs = list(map(data_of, parents))
    number = param if param is None or type(param) is float else as_param(param, op)
    try:
        out = op.forward_at(xs, number)
        if not math.isfinite(out) and all_finite(xs, number):
            raise OverflowError if out == out else ValueError("math domain error")
    except (ValueError, ArithmeticError) as err:
        raise forward_error(op, xs, number, err) from None
    except TypeError:
        if param is None and op.params:  # x + None: the error names what was given
            as_param(param, op)
        raise
    node = object.__new__(Value)  # a leaf's __init__ checks its data; out is a float already
    node.data, node.grad, node.label = out, 0.0, ""
    if not grad_mode.open_blocks or grad_mode.mode.enabled:
        node.parents, node.op, node.param = parents, op, number  # type: ignore[assignment]
    else:
        node.parents, node.op, node.param = (), None, None
    return node


def _lift(x: object) -> Value:
    return x if isinstance(x, Value) else Value(as_float(x, "a Value operation"))


def vsum(terms: Sequence[Value | Number]) -> Value:
    """sum_i x_i as one node with one edge per term (``sum()`` would make a chain of adds)."""
    return apply(OPS["sum"], *terms)


def dot(
    weights: Sequence[Value | Number],
    inputs: Sequence[Value | Number],
    bias: Value | Number | None = None,
) -> Value:
    """z = b + sum_i w_i x_i as one node: a neuron's weighted sum."""
    if len(weights) != len(inputs):
        raise ValueError(
            f"dot needs as many weights as inputs, got {len(weights)} and {len(inputs)}"
        )
    terms = (*weights, *inputs) if bias is None else (*weights, *inputs, bias)
    return apply(OPS["dot"], *terms)


def logsumexp(terms: Sequence[Value | Number]) -> Value:
    """log sum_i e^(x_i) as one node, computed without overflow; its partials are the
    softmax, d/dx_i = e^(x_i - out)."""
    if not terms:
        raise ValueError("logsumexp needs at least one term, got none")
    return apply(OPS["logsumexp"], *terms)
