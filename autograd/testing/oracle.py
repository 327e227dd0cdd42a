"""sympy as an exact oracle, with a time limit (``pip install 'chainrule[check]'``).

``exact_values([f, (f, x0), (f, x0, x1)], point)`` evaluates sympy expressions over
``x0, x1, ...`` (here f and two of its derivatives) at a point, exactly: each expression is
compiled to mpmath (``sympy.lambdify``) and run at ``DIGITS`` significant digits on the
point's floats, which mpmath holds exactly, so ``Min``, ``Max`` and ``Piecewise`` compare the
very numbers the engine saw. sympy's own ``evalf(subs=...)`` compares floats symbolically,
where it can fail ("the argument '0.e-125' is not comparable") or recurse without end, and
exact rational substitution sets sympy factoring integers of hundreds of digits.

Short expressions can still keep sympy busy for minutes, so the work runs in a worker process
(forked once, then sent the expressions) that is killed after ``seconds`` and started again
at the next call, with its memory capped. Inside a hypothesis test an example that runs out of
time is rejected (hypothesis draws another), never failed; elsewhere :class:`OracleTimeoutError`
is raised (``ChildProcessError`` if the worker died, out of memory).
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import signal
from collections.abc import Callable, Mapping, Sequence
from multiprocessing.connection import Connection
from typing import Any, NoReturn, TypeVar

SECONDS = 20.0  # per call: sympy takes milliseconds on every expression the tests draw
MEMORY = 2 << 30  # bytes of address space the worker may use
DIGITS = 60

T = TypeVar("T")


class OracleTimeoutError(Exception):
    """sympy did not finish in the time allowed."""


def symbols(n: int) -> tuple[Any, ...]:
    """The sympy symbols ``x0 .. x(n-1)`` (real) that ``strategies.symbolic`` uses."""
    import sympy as sp

    return tuple(sp.Symbol(f"x{i}", real=True) for i in range(n))


def exact_values(
    items: Sequence[Any], point: Sequence[float] | Mapping[Any, float], seconds: float = SECONDS
) -> list[Any]:
    """Each item evaluated exactly at ``point`` (one float per symbol ``x0, x1, ...``, or a
    mapping from sympy symbols to floats). An item is a sympy expression, a tuple
    ``(f, x, y, ...)`` for ``sympy.diff(f, x, y, ...)`` (so differentiating is under the time
    limit too) or a list of items, answered by a list (a Hessian's rows)."""
    at = point if isinstance(point, Mapping) else dict(zip(symbols(len(point)), point, strict=True))
    return call(evaluate_all, list(items), at, seconds=seconds)


def evaluate_all(items: Sequence[Any], at: Mapping[Any, float]) -> list[Any]:
    """What :func:`exact_values` computes, here in this process and with no time limit."""
    import sympy as sp

    def one(item: Any) -> Any:
        if type(item) is list:
            return [one(i) for i in item]
        return evaluate(sp.diff(*item) if type(item) is tuple else item, at)

    return [one(item) for item in items]


def evaluate(expr: Any, at: Mapping[Any, float]) -> float:
    """One expression at the point, computed by mpmath at ``DIGITS`` digits."""
    import mpmath
    import sympy as sp

    names = list(at)
    function = sp.lambdify(names, expr, modules=[STEPS, "mpmath"], printer=_printer())
    with mpmath.workdps(DIGITS):
        value = mpmath.mpmathify(function(*(mpmath.mpf(at[s]) for s in names)))
    if mpmath.im(value) != 0:
        raise ValueError(f"sympy's value of {expr} at {dict(at)} is not a real number: {value}")
    return float(mpmath.re(value))


# sympy's printer writes Heaviside as a Piecewise, which it cannot build for arguments that
# may be infinite (log(max(x, 0))): both step functions are called by name instead. Away from
# kinks, where the tests stay, a derivative's DiracDelta is 0.
STEPS = {
    "Heaviside": lambda x, h0=0.5: 1 if x > 0 else 0 if x < 0 else h0,
    "DiracDelta": lambda x, k=0: 0 if x != 0 else float("nan"),
}


@functools.cache
def _printer() -> Any:
    from sympy.printing.pycode import MpmathPrinter

    def by_name(printer: Any, e: Any) -> str:
        return f"{type(e).__name__}({', '.join(printer._print(a) for a in e.args)})"

    settings = {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True}
    return type("Printer", (MpmathPrinter,), {f"_print_{n}": by_name for n in STEPS})(settings)


_worker: tuple[Any, Connection] | None = None  # the process and our end of its pipe


def call(fn: Callable[..., T], *args: Any, seconds: float = SECONDS) -> T:
    """``fn(*args)`` in the oracle's worker process, which is stopped (and started again at
    the next call) when ``seconds`` pass; ``fn`` must be importable by name and ``args``
    picklable. The worker's exceptions are raised here again, without their traceback. Where
    the system cannot fork, ``fn(*args)`` runs here with no time limit."""
    global _worker
    if "fork" not in multiprocessing.get_all_start_methods():
        return fn(*args)
    _worker = _worker or _start()
    connection = _worker[1]
    try:
        connection.send((fn, args))
        if not connection.poll(seconds):
            _stop()
            _no_answer(OracleTimeoutError(f"sympy did not finish in {seconds:g} s and was stopped"))
        ok, answer = connection.recv()
    except EOFError:
        _stop()
        _no_answer(ChildProcessError("sympy's process ended without an answer (out of memory?)"))
    except BaseException:  # an interrupt: the worker may be busy, so it goes too
        _stop()
        raise
    if not ok:
        raise answer
    return answer  # type: ignore[no-any-return]


def _start() -> tuple[Any, Connection]:
    ours, theirs = multiprocessing.Pipe(duplex=True)
    context = multiprocessing.get_context("fork")  # starts at once; sympy is imported already
    process = context.Process(target=_serve, args=(theirs, MEMORY), daemon=True)
    process.start()
    theirs.close()
    return process, ours


def _stop() -> None:
    global _worker
    if _worker is not None:
        process, connection = _worker
        _worker = None
        process.kill()
        process.join()
        connection.close()


def _no_answer(error: Exception) -> NoReturn:
    with contextlib.suppress(ImportError):
        from hypothesis import currently_in_test_context, reject

        if currently_in_test_context():
            reject()  # not an answer: hypothesis draws another example
    raise error


def _serve(connection: Connection, memory: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if soft == resource.RLIM_INFINITY or soft > memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, hard))
    while True:
        try:
            fn, args = connection.recv()
        except EOFError:  # the parent has gone
            return
        try:
            connection.send((True, fn(*args)))
        except Exception as error:
            try:
                connection.send((False, error))
            except Exception:  # an error that does not pickle is sent as its text
                connection.send((False, RuntimeError(f"{type(error).__name__}: {error}")))
