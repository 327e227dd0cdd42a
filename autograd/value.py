"""Value: one float, the Values it was computed from, and the op that made it.

A Value stores its ``data``, its ``parents`` (a tuple, so ``x + x`` keeps both edges) and the
op that made it, with a number operand (``x + 0.5``) kept as the op's ``param``. ``apply`` is
the one place a node is made; the operators below and the methods made from the op table
(``x.tanh()``, ``x.atan2(y)``) all call it. Its local partials come from the op's rule when
asked for, so a node holds no closure and no reference to its children: a graph nobody refers
to is freed at once by reference counting.
"""

from __future__ import annotations

import functools
import inspect
import math
import threading
from collections.abc import Callable, Sequence
from contextlib import ContextDecorator
from numbers import Real
from typing import TYPE_CHECKING, Any, TypeVar, cast

from autograd.backprop import backpropagate, data_of, local_partials
from autograd.ops import OPS, ROWS, Op

Number = int | float
Param = float | tuple[float, ...]
F = TypeVar("F", bound=Callable[..., Any])


class _GradMode(threading.local):
    """Whether ops record a graph, kept per thread (as PyTorch keeps it), with the settings
    that ``no_grad`` blocks entered in this thread will restore."""

    def __init__(self) -> None:
        self.enabled = True
        self.saved: list[bool] = []


_mode = _GradMode()
# no_grad blocks open in any thread. While there are none, apply skips reading the thread's
# mode: a thread-local read costs about 600 instructions, 3% of a step of the random DAG.
_open_blocks = 0
_count_lock = threading.Lock()


class no_grad(ContextDecorator):  # noqa: N801 (named like torch.no_grad, used like a function)
    """Inside ``with no_grad():`` (or in a function decorated ``@no_grad()``) ops build no graph
    in this thread: results are plain leaf Values, for inference and for optimizer updates.
    Other threads are not affected; leaving restores what was set before entering."""

    def __enter__(self) -> no_grad:
        global _open_blocks
        with _count_lock:
            _open_blocks += 1
        _mode.saved.append(_mode.enabled)
        _mode.enabled = False
        return self

    def __exit__(self, *exc: object) -> None:
        global _open_blocks
        _mode.enabled = _mode.saved.pop()
        with _count_lock:
            _open_blocks -= 1

    def __call__(self, func: F) -> F:
        """``@no_grad()``: the function's body runs without a graph; a generator's body too,
        step by step (between its yields the caller's setting holds, as in PyTorch)."""
        if inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func):
            raise TypeError(
                f"@no_grad() cannot cover the awaits of async {func.__qualname__}: other "
                "tasks of this thread would run without a graph too; write 'with no_grad():' "
                "around its lines that need none"
            )
        if not inspect.isgeneratorfunction(func):
            return super().__call__(func)

        @functools.wraps(func)
        def generator(*args: Any, **kwargs: Any) -> Any:
            steps = func(*args, **kwargs)
            resume, value = steps.send, None
            while True:
                with no_grad():
                    try:
                        answer = resume(value)
                    except StopIteration as end:
                        return end.value
                try:
                    value, resume = (yield answer), steps.send
                except GeneratorExit:
                    with no_grad():
                        steps.close()
                    raise
                except BaseException as thrown:  # into the generator, without a graph
                    value, resume = thrown, steps.throw

        return cast(F, generator)


def is_grad_enabled() -> bool:
    """False inside ``no_grad()`` in this thread."""
    return _mode.enabled


def _as_float(x: object, where: str) -> float:
    """``x`` as a float, or a TypeError naming its type. bool is not data: it is almost
    always a comparison that slipped in; write ``float(flag)`` to mean it."""
    if type(x) is float:
        return x
    if isinstance(x, Real) and not isinstance(x, bool):
        return float(x)
    raise TypeError(f"{where} takes a real number (int or float), got {type(x).__name__}: {x!r}")


def _as_param(x: object, op: Op) -> Param:
    where = f"{op.name}'s parameter"
    return tuple(_as_float(c, where) for c in x) if type(x) is tuple else _as_float(x, where)


def _lift(x: object) -> Value:
    return x if isinstance(x, Value) else Value(_as_float(x, "a Value operation"))


def _domain_error(op: Op, xs: Sequence[float], param: Param | None, err: Exception) -> Exception:
    """The error for an op that has no value at ``xs``, naming the op and the values."""
    call = op.written([repr(x) for x in xs], () if param is None else (repr(param),))
    if isinstance(err, OverflowError):
        return OverflowError(f"{call} overflows a float (results beyond 1.8e308 are not finite)")
    need = f": {op.label} needs {op.requires}" if op.requires else ""
    return type(err)(f"{call} is undefined ({err}){need}")


def _all_finite(xs: Sequence[float], param: Param | None) -> bool:
    constants = () if param is None else param if type(param) is tuple else (param,)
    return all(map(math.isfinite, (*xs, *constants)))


def apply(op: Op, *args: Value | Number, param: object = None) -> Value:
    """The one node constructor: run ``op`` forward on the inputs' floats and record the edge.

    Numbers among ``args`` become leaf Values; ``param`` is the op's number (``x + 0.5``'s
    0.5, a tuple for clamp's bounds), None for ops without one. Outside ``no_grad()`` the
    result remembers its parents, op and param; inside it is a leaf. A result that is not
    finite where every input is finite is an error naming the op and the inputs
    (``exp(710.0) overflows a float``), never a silent inf or NaN; NaN and inf given as inputs
    propagate.
    """
    try:  # reading the floats through the slot checks that each argument is a Value
        xs = list(map(_data_of_value, args))
        parents = args
    except TypeError:  # numbers among them: they become leaves
        parents = tuple(map(_lift, args))
        xs = list(map(data_of, parents))
    plain = type(param) is float or (param is None and not op.params)
    number = param if plain else _as_param(param, op)  # x + None names NoneType
    try:
        out = op.forward_at(xs, number)
        if out - out != 0.0 and _all_finite(xs, number):  # out is inf or NaN
            raise OverflowError if out == out else ValueError("math domain error")
    except (ValueError, ArithmeticError) as err:
        raise _domain_error(op, xs, number, err) from None
    node = _new(Value)  # a leaf's __init__ checks its data; out is a float already
    node.data, node.grad, node.label = out, 0.0, ""
    if not _open_blocks or _mode.enabled:
        node.parents, node.op, node.param = parents, op, number  # type: ignore[assignment]
    else:
        node.parents, node.op, node.param = (), None, None
    return node


class Value:
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

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = data if type(data) is float else _as_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self.parents, self.op, self.param = (), None, None

    @property
    def partials(self) -> tuple[float, ...]:
        """``d self / d parent`` for each parent, in the order of ``parents``."""
        return local_partials(self)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op.name!r}" if self.op is not None else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{op})"

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

    def __pow__(self, exponent: Value | Number) -> Value:
        if isinstance(exponent, Value):
            return apply(POW, self, exponent)
        return apply(POWC, self, param=exponent)

    def __rpow__(self, base: Number) -> Value:
        return apply(RPOWC, self, param=base)  # d/dx c**x = c**x log c, and 0 at c = 0

    def __neg__(self) -> Value:
        return apply(NEG, self)

    def __abs__(self) -> Value:
        return apply(ABS, self)

    def backward(self, grad: float = 1.0) -> None:
        """Add ``grad * d self / d leaf`` to every leaf's ``.grad`` (the chain rule, once per edge).

        Interior nodes get fresh gradients on every call, so calling backward twice adds to the
        leaves exactly what two separate passes would; leaves keep accumulating until zeroed.
        """
        order, grads = backpropagate(self, _as_float(grad, "backward's grad"))
        for node in order:
            g = grads.get(node, 0.0)
            if node.parents:
                node.grad = g
            else:
                node.grad += g

    if TYPE_CHECKING:  # the methods made from the table below, as a type checker sees them

        def __getattr__(self, name: str) -> Callable[..., Value]: ...


def _method(op: Op) -> Callable[..., Value]:
    """``x.<op.method>(*others, *params)``: the op on x, the other Values, and its parameter
    (one number, or several as a tuple; the row's ``default`` when none is given)."""
    others = (op.arity or 1) - 1

    def unary(self: Value) -> Value:
        return apply(op, self)

    def method(self: Value, *args: Any) -> Value:
        values, constants = args[:others], args[others:]
        if len(values) < others or (constants and not op.params):
            raise TypeError(f"{op.method}() takes {others} Value argument(s), got {len(args)}")
        if op.params and not constants and op.default is None:
            raise TypeError(f"{op.method}() needs its parameter, as in x.{op.method}{op.params[0]}")
        if not op.params:
            return apply(op, self, *values)
        given = constants[0] if len(constants) == 1 else constants or op.default
        return apply(op, self, *values, param=_as_param(given, op))

    made = unary if op.arity == 1 and not op.params else method  # one call less, most rows
    made.__name__ = made.__qualname__ = op.method or op.name
    made.__doc__ = op.doc
    return made


for _row in ROWS:
    if _row.method:
        setattr(Value, _row.method, _method(_row))


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


_new = object.__new__
# the float of a Value, a TypeError for anything else: one C-level pass over a node's
# arguments checks and reads them (isinstance first, then the read, costs about 2,300
# instructions more per node: 11% of a step of the random DAG)
_data_of_value = vars(Value)["data"].__get__
ADD, SUB, MUL, DIV, NEG, POW, ABS = (
    OPS[n] for n in ("add", "sub", "mul", "div", "neg", "pow", "abs")
)
ADDC, SUBC, RSUBC, MULC, DIVC, RDIVC, POWC, RPOWC = (
    OPS[n] for n in ("addc", "subc", "rsubc", "mulc", "divc", "rdivc", "powc", "rpowc")
)
