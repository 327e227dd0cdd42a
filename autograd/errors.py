"""How the engine names bad input, the same for every op, ``backward()`` and ``grad()``.

A number that is not a real number is a TypeError naming its type; an op with no value at
its inputs is an error naming the op and the values (``log(-1.0) is undefined (math domain
error): log needs x > 0``); a finite input whose result is not finite is an overflow, never a
silent inf or NaN; NaN and inf given as inputs propagate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real

from autograd.ops import Op

Param = float | tuple[float, ...]


def as_float(x: object, where: str) -> float:
    """``x`` as a float, or a TypeError naming its type. bool is not data: it is almost
    always a comparison that slipped in; write ``float(flag)`` to mean it."""
    if type(x) is float:
        return x
    if isinstance(x, Real) and not isinstance(x, bool):
        return float(x)
    raise TypeError(f"{where} takes a real number (int or float), got {type(x).__name__}: {x!r}")


def as_param(x: object, op: Op) -> Param:
    """An op's number (a tuple of them for clamp's bounds) as floats."""
    where = f"{op.name}'s parameter"
    return tuple(as_float(c, where) for c in x) if type(x) is tuple else as_float(x, where)


def all_finite(xs: Sequence[float], param: Param | None) -> bool:
    constants = () if param is None else param if type(param) is tuple else (param,)
    return all(map(math.isfinite, (*xs, *constants)))


def forward_error(op: Op, xs: Sequence[float], param: Param | None, err: Exception) -> Exception:
    """The error for an op that has no value at ``xs``, naming the op and the values."""
    call = op.written([repr(x) for x in xs], () if param is None else (repr(param),))
    if isinstance(err, OverflowError):
        return OverflowError(f"{call} overflows a float (results beyond 1.8e308 are not finite)")
    need = f": {op.label} needs {op.requires}" if op.requires else ""
    return type(err)(f"{call} is undefined ({err}){need}")


def backward_error(op: Op | None, xs: Sequence[float], err: Exception) -> Exception:
    """The error for a rule that failed during a backward pass, naming the op and its inputs."""
    call = f"{op.name if op else ''}({', '.join(map(repr, xs))})"
    if isinstance(err, OverflowError):
        return OverflowError(f"backward through {call}: {err}")
    return type(err)(f"backward through {call}: the derivative is undefined ({err})")
