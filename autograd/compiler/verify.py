"""Checking a piece of generated Python against the op table's row, bit for bit.

A text read from a row (``autograd.compiler.source``) is compiled and run beside the row's
own function on sample points: inside the row's sampling box and at special values (signed
zeros, infinities, NaN, tiny and huge numbers). Results must agree bit for bit, or both raise
the same kind of error; otherwise the row's function is called instead of inlined. This is
what catches, for instance, Python's ``sum`` adding with compensation (3.12+) where a dot
written out as ``+`` would not.
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Callable, Sequence
from typing import Any

from autograd.ops import ROWS, Op

Param = Any  # float, tuple of floats or None
HOLE = "\x00{}\x00"  # where the i-th argument goes in a template
_HOLES = re.compile("\x00([0-9]+)\x00")


def fill(template: str, texts: Sequence[str]) -> str:
    """A template with its holes replaced by the argument texts."""
    return _HOLES.sub(lambda m: texts[int(m.group(1))], template)


def call_name(op: Op) -> str:
    """The name the generated module binds to the row's forward function."""
    return op.name


SPECIAL = (0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -2.5, math.inf, -math.inf, math.nan, 1e-300, 1e300)


def namespace() -> dict[str, Any]:
    """The globals of generated code: every row's forward under its name, inf and nan."""
    names: dict[str, Any] = {"inf": math.inf, "nan": math.nan, "abs": abs}
    names.update({call_name(op): op.forward for op in ROWS})
    return names


def _bits(x: Any) -> Any:
    if isinstance(x, float):
        return "nan" if x != x else struct.pack("<d", x)
    return ("type", type(x).__name__)


def _outcome(function: Callable[[], Any]) -> Any:
    try:
        result = function()
    except (ValueError, ArithmeticError) as err:
        return ("raises", type(err).__name__)
    return tuple(map(_bits, result))


def _samples(op: Op, arity: int) -> list[tuple[float, ...]]:
    boxes = op.domain if len(op.domain) == arity else op.domain[:1] * arity
    points = []
    for k in range(24):  # points inside the sampling box, then special values
        points.append(tuple(lo + (hi - lo) * ((k * 0.618034 + i * 0.414214) % 1.0)
                            for i, (lo, hi) in enumerate(boxes)))  # fmt: skip
    for k, s in enumerate(SPECIAL):
        points.append(tuple(SPECIAL[(k + 3 * i) % len(SPECIAL)] if i else s for i in range(arity)))
        points.append(tuple(s for _ in range(arity)))
    return points


def agrees(op: Op, arity: int, param: Param, text: str, rule: bool = False) -> bool:
    """Whether the template ``text`` computes what the row does (its forward, or with
    ``rule`` its partials from ``out`` and the inputs) at every sample point."""
    holes = [f"a{i}" for i in range(arity + rule)]
    try:
        compiled = eval(f"lambda {', '.join(holes)}: {fill(text, holes)}", namespace())
    except SyntaxError:
        return False
    for xs in _samples(op, arity):
        if not rule:
            mine = _outcome(lambda xs=xs: (compiled(*xs),))  # type: ignore[misc]
            theirs = _outcome(lambda xs=xs: (op.forward_at(xs, param),))  # type: ignore[misc]
        else:
            try:
                out = op.forward_at(xs, param)
            except (ValueError, ArithmeticError):
                continue
            mine = _outcome(lambda xs=xs, out=out: compiled(out, *xs))  # type: ignore[misc]
            theirs = _outcome(lambda xs=xs, out=out: op.partials_at(out, xs, param))  # type: ignore[misc]
        if mine != theirs:
            return False
    return True
