"""sympy's exact derivatives for ``chainrule check``, with a time limit.

sympy has none of its own, and short input can keep it busy for minutes: ``x**x**...``
sixteen levels deep (46 characters) took 45 s, nested ``tanh`` more than 100 s. So the exact
derivatives are computed in the sympy oracle's worker process (``autograd.testing.oracle``),
which is killed when the limit passes, or when the command itself is interrupted; its memory
is capped too. A check that runs out of time says so in the table and the
numeric check, which needs no sympy, still decides.
"""

from __future__ import annotations

import importlib.util
import math
from typing import Any

from autograd.testing.oracle import OracleTimeoutError, call
from chainrule.expr import Node, to_sympy


def exact_derivatives(
    node: Node, bindings: dict[str, float], seconds: float
) -> tuple[str, list[str], str]:
    """(column title, one text per variable, a note for after the table or "")."""
    n = len(bindings)
    if importlib.util.find_spec("sympy") is None:
        return "exact", ["(no sympy)"] * n, ""
    if seconds <= 0:
        return "exact", ["(skipped)"] * n, ""
    try:
        return "exact (sympy)", call(_derivatives, node, bindings, seconds=seconds), ""
    except MemoryError:
        return "exact (sympy)", ["n/a (memory)"] * n, ""
    except ChildProcessError:
        return "exact (sympy)", ["n/a"] * n, "sympy's exact check failed (out of memory?)"
    except OracleTimeoutError:
        note = (
            f"sympy's exact check did not finish in {seconds:g} s and was stopped (raise the "
            "limit with --exact-timeout); the numeric check below still stands"
        )
        return "exact (sympy)", ["(too slow)"] * n, note


def _derivatives(node: Node, bindings: dict[str, float]) -> list[str]:
    import sympy as sp

    symbols = {name: sp.Symbol(name, real=True) for name in bindings}
    at = {symbols[name]: sp.Rational(value) for name, value in bindings.items()}
    expression = to_sympy(node, symbols)
    return [_evaluate(sp.diff, expression, s, at) for s in symbols.values()]


def _evaluate(diff: Any, expression: Any, symbol: Any, at: dict[Any, Any]) -> str:
    # sympy may fail or answer with something that is not a real number (zoo, nan, a
    # Subs object): the column then says n/a, since the other two still stand.
    try:
        value = complex(diff(expression, symbol).subs(at).evalf(30))
    except Exception:
        return "n/a"
    return f"{value.real:.12g}" if value.imag == 0 and math.isfinite(value.real) else "n/a"
