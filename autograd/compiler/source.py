"""Python source for each op of the table, read from the table itself.

A :class:`Source` is a piece of Python expression text that does arithmetic: ``a + b`` on two
Sources (or a Source and a float) is the Source ``(a + b)``, ``a.cos()`` is the source of the
``cos`` row's forward applied to ``a``. Running an op's rule on Sources instead of floats
therefore writes the rule out as Python, and so does running its forward: the compiler has no
code of its own for any op. A comparison gives a Source too, and a branch on it (``x if a <= 0
else y``) is followed both ways, so a forward such as relu's becomes a conditional expression.
A forward that cannot be read this way (one that calls ``math.exp``) is called by name.

Every text read from a row is checked against the row's own function (``verify``) before it
is used, so an inlined form can never differ from the engine.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from autograd.compiler.verify import HOLE, agrees, call_name, fill, namespace
from autograd.ops import ROWS, Op

Param = Any  # float, tuple of floats or None


class _BranchError(Exception):
    """A Source was used as a truth value past the decisions given for this run."""


class Source:
    """An expression's text; arithmetic and the table's methods build bigger ones."""

    __slots__ = ("text",)
    _decisions: ClassVar[list[bool] | None] = None  # set while a function is read on one path
    _conditions: ClassVar[list[str]] = []

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        decisions, conditions = Source._decisions, Source._conditions
        if decisions is None:
            raise TypeError(f"the truth of {self.text} depends on data")
        conditions.append(self.text)
        if len(conditions) > len(decisions):
            raise _BranchError
        return decisions[len(conditions) - 1]

    __hash__ = None  # type: ignore[assignment]

    def __neg__(self) -> Source:
        return Source(f"(-{self.text})")

    def __abs__(self) -> Source:
        return Source(f"abs({self.text})")  # Python's abs, as a row whose forward is abs


def literal(x: object) -> str:
    """A constant as Python text that reads back bit for bit (``inf`` and ``nan`` are names
    the generated module binds; tuples hold clamp's bounds)."""
    if isinstance(x, tuple):
        return "(" + "".join(f"{literal(c)}, " for c in x) + ")"
    if isinstance(x, Source):
        return x.text
    x = float(x)  # type: ignore[arg-type]
    if x != x:
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "(-inf)"
    return f"({x!r})" if math.copysign(1.0, x) < 0 else repr(x)


def _binary(symbol: str, reflected: bool = False) -> Callable[[Any, Any], Source]:
    def op(a: Any, b: Any) -> Source:
        if not isinstance(b, (Source, float, int)) or isinstance(b, bool):
            return NotImplemented  # type: ignore[no-any-return]
        left, right = (b, a) if reflected else (a, b)
        return Source(f"({literal(left)} {symbol} {literal(right)})")

    return op


for _name, _symbol in (("add", "+"), ("sub", "-"), ("mul", "*"), ("truediv", "/"),
                       ("pow", "**"), ("lt", "<"), ("le", "<="), ("gt", ">"), ("ge", ">="),
                       ("eq", "=="), ("ne", "!=")):  # fmt: skip
    setattr(Source, f"__{_name}__", _binary(_symbol))
    if _name in ("add", "sub", "mul", "truediv", "pow"):
        setattr(Source, f"__r{_name}__", _binary(_symbol, reflected=True))


def _row_method(op: Op) -> Callable[..., Source]:
    """``a.<row>(*others, *params)`` on Sources: the row's forward written out."""
    others = (op.arity or 1) - 1

    def method(self: Source, *args: Any) -> Source:
        values, constants = args[:others], args[others:]
        param = (constants[0] if len(constants) == 1 else constants) if constants else op.default
        texts = [self.text, *(literal(v) for v in values)]
        return Source(forward_text(op, len(texts), param if op.params else None, texts))

    return method


for _row in ROWS:  # every row by its name (what rules call) and by its method name
    for _attr in (_row.name, _row.method):
        if _attr and not hasattr(Source, _attr):
            setattr(Source, _attr, _row_method(_row))


def _read(function: Callable[[], Any]) -> Any:
    """Run ``function`` (a row's forward or rule on Sources), following every branch on a
    Source both ways; the result (a Source, a float or a tuple of them) as text, or a tuple of
    texts."""

    def run(decisions: list[bool]) -> tuple[Any, list[str]]:
        saved = Source._decisions, Source._conditions
        Source._decisions, Source._conditions = decisions, []
        try:
            return function(), []
        except _BranchError:
            return None, Source._conditions
        finally:
            Source._decisions, Source._conditions = saved

    def explore(decisions: list[bool], depth: int) -> Any:
        result, conditions = run(decisions)
        if not conditions:
            return _as_text(result)
        if depth > 6:
            raise TypeError("too many branches to inline")
        condition = conditions[-1]
        yes, no = explore([*decisions, True], depth + 1), explore([*decisions, False], depth + 1)
        if isinstance(yes, tuple):
            return tuple(f"({y} if {condition} else {n})" for y, n in zip(yes, no, strict=True))
        return f"({yes} if {condition} else {no})"

    return explore([], 0)


def _as_text(result: Any) -> Any:
    if isinstance(result, tuple):
        return tuple(_as_text(r) for r in result)
    if isinstance(result, (Source, float)) and not isinstance(result, bool):
        return literal(result)
    raise TypeError(f"not an expression: {result!r}")


def _checked_arity(op: Op, arity: int) -> int:
    """The arity at which an n-ary row's reading is checked: a few terms show whether the
    text adds as the row does (a thousand-term dot reads the same way as a nine-term one)."""
    return arity if op.arity is not None or arity <= 9 else 9 - arity % 2


@functools.cache
def _forward_template(op: Op, arity: int, param: Param) -> str | None:
    """The forward as a template, or None when it must be called."""
    small = _checked_arity(op, arity)
    if small != arity and _forward_template(op, small, param) is None:
        return None
    holes = [Source(HOLE.format(i)) for i in range(arity)]
    try:
        text = _read(lambda: op.forward_at(holes, param))
    except (TypeError, ValueError, ArithmeticError, AttributeError, RecursionError):
        return None
    if not isinstance(text, str):
        return None
    return text if small != arity or agrees(op, arity, param, text) else None


def forward_text(op: Op, arity: int, param: Param, texts: Sequence[str]) -> str:
    """Python text computing the op's forward on the argument texts: inlined when the row's
    forward reads as an expression that agrees with it, else a call of the row's function."""
    # past a few dozen terms an inlined sum nests deeper than Python's parser allows
    template = _forward_template(op, arity, param) if arity <= 64 else None
    if template is not None:
        return fill(template, texts)
    return call_text(call_name(op), texts, param)


def call_text(function: str, texts: Sequence[str], param: Param) -> str:
    """A call of ``function`` on the argument texts and the op's number, if it has one."""
    args = list(texts) if param is None else [*texts, literal(param)]
    return f"{function}({', '.join(args)})"


@functools.cache
def rule_templates(op: Op, arity: int, param: Param) -> tuple[str, ...] | None:
    """The local partials as templates (hole 0 is ``out``, holes 1.. the inputs), or None."""
    small = _checked_arity(op, arity)
    if small != arity and rule_templates(op, small, param) is None:
        return None
    holes = [Source(HOLE.format(i)) for i in range(arity + 1)]
    try:
        texts = _read(lambda: op.partials_at(holes[0], holes[1:], param))
    except (TypeError, ValueError, ArithmeticError, AttributeError, RecursionError):
        return None
    if not isinstance(texts, tuple) or len(texts) != arity:
        return None

    checked = small != arity or agrees(op, arity, param, "(" + ", ".join(texts) + ",)", rule=True)
    return texts if checked else None


__all__ = ["Source", "call_text", "fill", "forward_text", "literal", "namespace", "rule_templates"]
