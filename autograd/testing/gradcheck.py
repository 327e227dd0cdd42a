"""Gradient checks: the engine's derivatives against central differences.

``numeric_grad`` estimates ``d f / d x_i`` by central differences,

    (f(x + eps e_i) - f(x - eps e_i)) / (2 eps),

whose error is O(eps^2) (the one-sided ``(f(x + eps) - f(x)) / eps`` is only O(eps)), plus a
rounding error of about ``ulp(f) / eps``. ``gradcheck`` compares the analytic gradient from
``autograd.grad`` with that estimate and accepts ``|analytic - numeric| <= atol + rtol *
|numeric|``. The defaults are PyTorch's: ``eps=1e-6, atol=1e-5, rtol=1e-3`` (float64).

Central differences are unreliable where ``f`` is not smooth within ``eps`` of the point: at a
kink (``relu`` or ``abs`` at 0 give 0.5 or 0 against a one-sided analytic derivative), within
``eps`` of a domain edge (``log`` or ``sqrt`` near 0, where ``f`` or its curvature explodes),
and where ``f`` is so large that its rounding error divided by ``eps`` exceeds ``atol``. Check
away from those points (``autograd.testing.strategies.floats_in`` draws such inputs). The
errors say which it is: a step that leaves the domain (``log(x)`` at x = 1e-9 with eps = 1e-6
evaluates log(-9.99e-7)) is reported as the step's fault, not the point's, and a mismatch at a
kink names the kinked op instead of calling the gradient wrong (``autograd.testing.kinks``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from autograd.functional import grad
from autograd.grad_mode import no_grad
from autograd.testing.kinks import kink_at
from autograd.value import Value

Function = Callable[..., Any]
Tolerances = tuple[float, float]  # (atol, rtol)


class GradcheckError(AssertionError):
    """A gradient disagrees with central differences (or is not finite, or not reproducible).

    The message names the function, the point, and one line per failing input with the
    analytic and numeric values and their absolute and relative error.
    """


def _output(result: object) -> float:
    """The float a checked function returned (a Value or a number)."""
    return float(result.data if isinstance(result, Value) else result)  # type: ignore[arg-type]


def _point(xs: object, where: str) -> list[float]:
    """The point to check at, as floats: ``xs`` holds numbers or Values (their data), as a
    list, a tuple or an array (anything with ``tolist()``); a single one is a point of one."""
    tolist = getattr(xs, "tolist", None)
    xs = tolist() if callable(tolist) else xs
    items = xs if isinstance(xs, (list, tuple)) else [xs]
    point = []
    for i, x in enumerate(items):
        number = x.data if isinstance(x, Value) else x
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise TypeError(
                f"{where} takes the point as numbers or Values (a list, or one of them), but "
                f"input {i} is {type(x).__name__} {x!r:.40}"
            )
        point.append(float(number))
    return point


def _evaluate(f: Function, point: Sequence[float]) -> float:
    with no_grad():  # only the value is needed: build no graph
        return _output(f(*(Value(x) for x in point)))


def _differences(
    g: Callable[[list[float]], list[float]], point: list[float], eps: float
) -> list[list[float]]:
    """Central differences of a vector function: entry ``[j][k]`` is ``d g_k / d x_j``.
    ``g`` must be defined at ``point`` (its own error is raised if not); a step outside its
    domain is a GradcheckError naming the step."""
    g(point)
    columns = []
    for j in range(len(point)):
        up, down = _steps(g, point, j, eps)
        columns.append([(a - b) / (2.0 * eps) for a, b in zip(up, down, strict=True)])
    return columns


def _steps(
    g: Callable[[list[float]], list[float]], point: list[float], j: int, eps: float
) -> tuple[list[float], list[float]]:
    """``g`` at ``point`` moved by +eps and by -eps along input ``j``."""
    values, x = [], point[j]
    for step, sign in ((eps, "+"), (-eps, "-")):
        shifted = point.copy()
        shifted[j] = x + step
        try:
            values.append(g(shifted))
        except (ValueError, ArithmeticError) as err:
            smaller = 10.0 ** math.floor(math.log10(abs(x))) / 100.0 if x else eps / 100.0
            raise GradcheckError(
                f"central differences leave the function's domain: input {j}: at x{j}={x!r} "
                f"{sign} eps, {err}. The point itself is fine: use an eps smaller than its "
                f"distance to the domain's edge (eps={eps:g} now; try {smaller:g})"
            ) from None
    return values[0], values[1]


def numeric_grad(f: Function, xs: Sequence[Any], eps: float = 1e-6) -> list[float]:
    """``[(f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for each input i]``.

    ``xs`` holds numbers or Values (their data are the point). ``f`` is called as
    ``f(*inputs)`` with one Value per input (inside ``no_grad()``) and may return a Value or a
    number.
    """
    point = _point(xs, "numeric_grad")
    return [column[0] for column in _differences(lambda p: [_evaluate(f, p)], point, eps)]


def _analytic_grad(f: Function, point: Sequence[float]) -> list[float]:
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    out = f(*leaves)
    return grad(out, leaves) if isinstance(out, Value) else [0.0] * len(leaves)


def _analytic_hessian(f: Function, point: Sequence[float]) -> list[list[float]]:
    """``H[i][j] = d2 f / dx_i dx_j`` from ``grad(..., create_graph=True)``, then ``grad``."""
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    out = f(*leaves)
    if not isinstance(out, Value):
        return [[0.0] * len(leaves) for _ in leaves]
    return [grad(g, leaves) for g in grad(out, leaves, create_graph=True)]


def _numeric_hessian(f: Function, point: list[float], eps: float) -> list[list[float]]:
    """``H[i][j]``: central differences in ``x_j`` of the analytic ``d f / dx_i``."""
    columns = _differences(lambda p: _analytic_grad(f, p), point, eps)
    return [[column[i] for column in columns] for i in range(len(point))]


def mismatch(
    name: str,
    analytic: float,
    numeric: float,
    atol: float,
    rtol: float,
    sides: tuple[str, str] = ("analytic", "numeric"),
) -> str:
    """A report line if the two disagree (or either is not finite), else ``""``; the second
    is the reference (``rtol`` is relative to it). ``sides`` names the two in the line."""
    error = abs(analytic - numeric)
    finite = math.isfinite(analytic) and math.isfinite(numeric)
    if finite and error <= atol + rtol * abs(numeric):
        return ""
    relative = error / abs(numeric) if numeric else math.inf
    errors = f"abs error {error:.3g}, rel error {relative:.3g}" if finite else "not finite"
    first, second = sides
    return f"  {name}: {first} {analytic:.10g} vs {second} {numeric:.10g} ({errors})"


def function_name(f: Function) -> str:
    """How a report names ``f``: its qualified name, else its repr."""
    return str(getattr(f, "__qualname__", None) or getattr(f, "__name__", None) or repr(f))


def _fail(f: Function, point: Sequence[float], what: str, lines: list[str]) -> GradcheckError:
    at = ", ".join(f"x{i}={x!r}" for i, x in enumerate(point))
    return GradcheckError(f"gradcheck of {function_name(f)} at ({at}): {what}\n" + "\n".join(lines))


def _first_order_lines(
    f: Function, point: list[float], analytic: list[float], eps: float, tols: Tolerances
) -> tuple[str, list[str]]:
    """What is wrong and one line per mismatching input; a mismatch explained by a kink
    says so (and the error calls the gradient wrong only if some mismatch is not)."""
    pairs = zip(analytic, numeric_grad(f, point, eps), strict=True)
    lines, unexplained = [], False
    for i, (a, n) in enumerate(pairs):
        line = mismatch(f"input {i}", a, n, *tols)
        if line:
            kink = kink_at(f, point, i, eps)
            unexplained = unexplained or kink is None
            lines.append(line if kink is None else f"{line}: {kink}")
    if lines and not unexplained:
        return "the point is at a kink, where the derivative is not defined", lines
    return "the gradient is wrong", lines


def _second_order_lines(f: Function, point: list[float], eps: float, tols: Tolerances) -> list[str]:
    analytic, numeric = _analytic_hessian(f, point), _numeric_hessian(f, point, eps)
    lines = [
        mismatch(f"d2/dx{i} dx{j}", analytic[i][j], numeric[i][j], *tols)
        for i in range(len(point))
        for j in range(len(point))
    ]
    return [line for line in lines if line]


def _reentrancy_lines(first: list[float], second: list[float]) -> list[str]:
    return [
        f"  input {i}: {a!r} on the first run, {b!r} on the second"
        for i, (a, b) in enumerate(zip(first, second, strict=True))
        if a != b and not (math.isnan(a) and math.isnan(b))
    ]


def gradcheck(
    f: Function,
    xs: Sequence[Any],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    order: int = 1,
    raise_exception: bool = True,
) -> bool:
    """True if ``f``'s gradient at ``xs`` matches central differences, else GradcheckError.

    ``xs`` holds numbers or Values (their data are the point). ``f(*values)`` takes one Value
    per input and returns a Value (or a number). Each
    ``d f / d x_i`` from ``autograd.grad`` must satisfy ``|analytic - numeric| <= atol + rtol *
    |numeric|``; a NaN or infinity on either side fails, and so does a gradient that differs
    between two identical runs (state or randomness inside ``f``). ``order=2`` also compares
    every ``d2 f / dx_i dx_j`` from ``grad(..., create_graph=True)`` with central differences of
    the first derivative. With ``raise_exception=False`` a failure returns False instead.
    """
    if order not in (1, 2):
        raise ValueError(f"gradcheck's order must be 1 or 2, got {order!r}")
    point, tols = _point(xs, "gradcheck"), (atol, rtol)
    analytic = _analytic_grad(f, point)
    what = "the gradient differs between two identical runs"
    lines = _reentrancy_lines(analytic, _analytic_grad(f, point))
    if not lines:
        what, lines = _first_order_lines(f, point, analytic, eps, tols)
    if not lines and order == 2:
        what, lines = "second derivatives are wrong", _second_order_lines(f, point, eps, tols)
    if lines and raise_exception:
        raise _fail(f, point, f"{what} [eps={eps}, atol={atol}, rtol={rtol}]", lines)
    return not lines


def gradgradcheck(
    f: Function,
    xs: Sequence[Any],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """``gradcheck(f, xs, order=2, ...)``: first and second derivatives of ``f`` at ``xs``."""
    return gradcheck(f, xs, eps=eps, atol=atol, rtol=rtol, order=2, raise_exception=raise_exception)
