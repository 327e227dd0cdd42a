"""The op table read on arrays: each row's forward and rule as numpy over a whole group.

A row's forward or rule text (``autograd.compiler.source``) is Python on floats; on arrays a
conditional ``(x if c else y)`` becomes ``where(c, x, y)`` and a call of a row by name calls
that row's array function. A row called by name reads as the numpy function its ``array``
field names (``np.exp`` for ``exp``), else as its own forward text; an n-ary row's ``array``
field declares its structure (``"sum"``: the terms added left to right; ``"dot"``: the bias,
then each weight times its input). Every array form is checked against its row on the
row's sample points (``verify.array_agrees``): bit for bit in exact mode, within
``TOLERANCE`` otherwise. A form that fails (numpy's ``exp`` is not libm's; ``math.fsum`` is
not a left-to-right sum) runs the row's own float function element by element instead.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd.compiler.source import Source, literal, rule_templates
from autograd.compiler.source import _forward_template as forward_template
from autograd.compiler.source import _read as read
from autograd.compiler.straight import NonFiniteError
from autograd.compiler.verify import HOLE, array_agrees, fill
from autograd.ops import OPS, ROWS, Op

Array = Any  # a numpy array (or a float, where a constant broadcasts)


def numpy_text(text: str) -> str:
    """Float expression text as array text: conditionals as ``where``; raises TypeError for
    what has no elementwise meaning (``and``, chained comparisons)."""

    class Where(ast.NodeTransformer):
        def visit_IfExp(self, node: ast.IfExp) -> ast.expr:
            self.generic_visit(node)
            return ast.Call(ast.Name("where", ast.Load()), [node.test, node.body, node.orelse], [])

        def visit_BoolOp(self, node: ast.BoolOp) -> ast.expr:
            raise TypeError("no elementwise and/or")

        def visit_Compare(self, node: ast.Compare) -> ast.expr:
            if len(node.ops) > 1:
                raise TypeError("no elementwise chained comparison")
            self.generic_visit(node)
            return node

    return ast.unparse(Where().visit(ast.parse(text, mode="eval")))


def per_element(function: Callable[..., Any], *arrays: Array) -> Array:
    """``function`` on floats, once per element of the broadcast arrays (the row's own
    numbers, where no array form agrees with it); a tuple result gives a last axis."""
    shaped = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in arrays))
    columns = [a.ravel().tolist() for a in shaped]
    out = np.array([function(*xs) for xs in zip(*columns, strict=True)], dtype=float)
    return out.reshape(shaped[0].shape + out.shape[1:])


def stacked(function: Callable[..., float], terms: Array) -> Array:
    """An n-ary row's own function over the last axis of ``terms``."""
    flat = np.asarray(terms, dtype=float).reshape(-1, terms.shape[-1]).tolist()
    return np.array([function(*t) for t in flat], dtype=float).reshape(terms.shape[:-1])


def ordered_sum(terms: Array) -> Array:
    """sum over axis 0, row after row: numpy adds a C-ordered array's axis 0 in order (tested
    in tests/test_tensor.py), except when a row is one number, which it adds pairwise."""
    terms = np.ascontiguousarray(terms)
    if terms[0].size == 1:
        padded = np.zeros((*terms.shape, 2))
        padded[..., 0] = terms
        return np.add.reduce(padded, axis=0)[..., 0]
    return np.add.reduce(terms, axis=0)


def structure_sum(terms: Array) -> Array:
    """x_0 + x_1 + ... left to right, over the last axis."""
    return ordered_sum(np.moveaxis(terms, -1, 0))


def structure_dot(weights: Array, inputs: Array, bias: Array | None) -> Array:
    """b + w_0 x_0 + w_1 x_1 + ... in that order, over the last axis (0.0 + ... without b)."""
    start = np.zeros(()) if bias is None else np.asarray(bias, dtype=float)
    shape = np.broadcast_shapes(weights.shape[:-1], inputs.shape[:-1], start.shape)
    terms = np.empty((weights.shape[-1] + 1, *shape))
    terms[0] = start
    full = (*shape, weights.shape[-1])
    weights, inputs = np.broadcast_to(weights, full), np.broadcast_to(inputs, full)
    np.multiply(np.moveaxis(weights, -1, 0), np.moveaxis(inputs, -1, 0), out=terms[1:])
    return ordered_sum(terms)


def fast_dot(weights: Array, inputs: Array, bias: Array | None) -> Array:
    """The same sum by BLAS or einsum: another order of additions (within ``TOLERANCE``)."""
    if inputs.ndim == 3 and inputs.shape[1] == 1 and weights.ndim == 2:
        out = inputs[:, 0, :] @ weights.T  # one input vector shared by every column: a matmul
    else:
        out = np.einsum("...i,...i->...", weights, inputs)
    return out if bias is None else out + bias


def rows_sum(start: Array, contributions: Array, rows: Array) -> Array:
    """start + the contributions of each row, added in the order ``rows`` (the engine's)."""
    terms = np.empty((len(rows) + 1, *contributions.shape[1:]))
    terms[0] = start
    np.take(contributions, rows, axis=0, out=terms[1:])
    return ordered_sum(terms)


def fast_rows_sum(start: Array, contributions: Array, rows: Array) -> Array:
    return start + contributions.sum(axis=0)


def weights_sum(local: Array, delta: Array) -> Array:
    """sum over rows of local * delta (the weights' gradient of a layer) by BLAS."""
    if local.shape[1] == 1:
        return delta.T @ local[:, 0, :]
    return np.einsum("bwl,bw->wl", local, delta)


def inputs_sum(weights: Array, delta: Array) -> Array:
    """sum over columns w, last first, of weights[w] * delta[:, w]: a layer's inputs' deltas
    in the engine's order (each column's node comes later in the template than the last)."""
    terms = np.multiply(weights[::-1, None, :], delta.T[::-1, :, None])
    return ordered_sum(terms)


def fast_inputs_sum(weights: Array, delta: Array) -> Array:
    return delta @ weights


def _row_call(op: Op, exact: bool) -> Callable[..., Array]:
    """What a call of ``op`` by name does on arrays (its inputs, then its param)."""
    arity = op.arity or 1

    def call(*args: Array) -> Array:
        xs, rest = args[:arity], args[arity:]
        param = (rest[0] if len(rest) == 1 else tuple(rest)) if rest else None
        return elementwise(op, arity, param, exact)(*xs)

    return call


def stacked_rule(function: Callable[..., Any], out: Array, terms: Array) -> Array:
    """An n-ary row's own rule per element: the partials along a last axis."""
    n = terms.shape[-1]
    outs = np.broadcast_to(out, terms.shape[:-1]).ravel().tolist()
    flat = np.asarray(terms, dtype=float).reshape(-1, n).tolist()
    partials = [function(o, *t) for o, t in zip(outs, flat, strict=True)]
    return np.array(partials, dtype=float).reshape(terms.shape)


def joined(*blocks: Array) -> Array:
    """Blocks of an n-ary group's terms side by side along the last axis."""
    lead = np.broadcast_shapes(*(np.shape(b)[:-1] for b in blocks))
    return np.concatenate([np.broadcast_to(b, (*lead, np.shape(b)[-1])) for b in blocks], -1)


def finite(*values: Array) -> None:
    """Raise NonFiniteError unless every number of every array is finite."""
    for v in values:
        if not np.isfinite(v).all():
            raise NonFiniteError


def gradients(total: Array) -> list[float]:
    """The gradients as floats, a zero as 0.0 (the engine's 0.0 + delta); NonFiniteError
    where one is not finite (the engine names an overflow, or agrees)."""
    finite(total)
    return (total + 0.0).tolist()  # type: ignore[no-any-return]


def rule_of(name: str, *param: Any) -> Callable[..., tuple[float, ...]]:
    """The row's rule for ``per_element``: with its param given, or else the param the last
    argument (a number per column)."""
    op = OPS[name]
    if param:
        return lambda out, *xs: tuple(op.partials_at(out, xs, param[0]))
    if op.params:
        return lambda out, *xs: tuple(op.partials_at(out, xs[:-1], xs[-1]))
    return lambda out, *xs: tuple(op.partials_at(out, xs))


def forward_of(name: str) -> Callable[..., float]:
    """The row's forward for ``per_element``, its param (a number per column) last."""
    op = OPS[name]
    return lambda *xs: op.forward_at(xs[:-1], xs[-1])


@functools.cache
def namespace(exact: bool) -> dict[str, Any]:
    """The globals of array code: each row by name, where, inf, nan and the helpers."""
    names: dict[str, Any] = {op.name: _row_call(op, exact) for op in ROWS if op.arity is not None}
    names.update(where=np.where, inf=np.inf, nan=np.nan, abs=np.abs)  # abs: Python's, on arrays
    names.update({f"row_{op.name}": op.forward for op in ROWS})
    names.update({f"row_rule_{op.name}": op.rule for op in ROWS})
    names.update({f"nary_{op.name}": nary(op, exact) for op in ROWS if op.arity is None})
    names.update(asarray=np.asarray, zeros=np.zeros, broadcast_to=np.broadcast_to,
                 full=np.full, joined=joined,
                 dot=structure_dot, fast_dot=fast_dot, sum_in_order=ordered_sum,
                 stacked=stacked,
                 stacked_rule=stacked_rule, per_element=per_element, rule_of=rule_of,
                 forward_of=forward_of,
                 finite=finite, gradients=gradients, rows_sum=rows_sum, fast_rows_sum=fast_rows_sum,
                 weights_sum=weights_sum, inputs_sum=inputs_sum,
                 fast_inputs_sum=fast_inputs_sum)  # fmt: skip
    return names


@functools.cache
def _inlined(op: Op, arity: int, param: Any, exact: bool) -> str | None:
    try:
        template = forward_template(op, arity, param)
        if template is not None and array_agrees(
            op, arity, param, _compiled(template, arity, exact), exact
        ):
            return template
    except (TypeError, SyntaxError):
        pass
    return None


@functools.cache
def param_templates(op: Op, arity: int, params: tuple[float, ...], exact: bool) -> Any:
    """The forward and the rule with the op's number as one more hole (after the inputs),
    for a group whose columns have the numbers ``params``; None unless each number filled in
    gives the text already checked for it."""
    holes = [Source(HOLE.format(i)) for i in range(arity + 2)]
    try:
        forward = read(lambda: op.forward_at(holes[:arity], holes[arity]))
        rules = read(lambda: op.partials_at(holes[0], holes[1 : arity + 1], holes[arity + 1]))
    except (TypeError, ValueError, ArithmeticError, AttributeError, RecursionError):
        return None
    if not isinstance(forward, str) or not isinstance(rules, tuple):
        return None
    for p in params:
        names = [HOLE.format(i) for i in range(arity)]
        if _inlined(op, arity, p, exact) != fill(forward, [*names, literal(p)]):
            return None
        checked = rule(op, arity, p, exact)
        names = [HOLE.format(i) for i in range(arity + 1)]
        if checked is None or list(checked) != [fill(r, [*names, literal(p)]) for r in rules]:
            return None
    return forward, rules


def forward_text(op: Op, arity: int, param: Any, texts: list[str], exact: bool) -> str:
    """Array text for a fixed-arity row on operand texts: its forward text inlined when that
    agrees with the row on arrays, else a call of the row by name (its array function)."""
    template = _inlined(op, arity, param, exact)
    if template is not None:
        return numpy_text(fill(template, texts))
    extra = [] if param is None else [literal(param)]
    return f"{op.name}({', '.join([*texts, *extra])})"


def _compiled(text: str, holes: int, exact: bool) -> Callable[..., Array]:
    args = [f"a{i}" for i in range(holes)]
    body = numpy_text(fill(text, args))
    return eval(f"lambda {', '.join(args)}: {body}", namespace(exact))  # type: ignore[no-any-return]


@functools.cache
def elementwise(op: Op, arity: int, param: Any, exact: bool) -> Callable[..., Array]:
    """The forward of a fixed-arity row on arrays: the first form that agrees with it."""
    extra = () if param is None else (param,)
    candidates: list[Callable[..., Array]] = []
    if op.array and hasattr(np, op.array):
        function = getattr(np, op.array)
        candidates.append(lambda *xs: function(*xs, *extra))
    try:
        text = forward_template(op, arity, param)
        if text is not None:
            candidates.append(_compiled(text, arity, exact))
    except (TypeError, SyntaxError):
        pass
    for candidate in candidates:
        if array_agrees(op, arity, param, candidate, exact):
            return candidate
    return lambda *xs: per_element(lambda *a: op.forward_at(a, param), *xs)


@functools.cache
def nary(op: Op, exact: bool) -> Callable[..., Array] | None:
    """The declared structure of an n-ary row if it agrees with the row (checked at a few
    arities), else None: the row's own function runs per element."""
    if op.array == "dot":
        dot = structure_dot if exact else fast_dot
        for n in (4, 5, 9):
            m = n // 2

            def form(terms: Array, m: int = m, odd: bool = n % 2 == 1) -> Array:
                return dot(terms[..., :m], terms[..., m : 2 * m], terms[..., -1] if odd else None)

            if not array_agrees(op, n, None, form, exact, terms=True):
                return None
        return dot
    declared = STRUCTURES.get(op.array, (None, None))[0 if exact else 1]
    if declared is None:
        return None
    ok = all(array_agrees(op, n, None, declared, exact, terms=True) for n in (3, 9))
    return declared if ok else None


def fast_sum(terms: Array) -> Array:
    return np.sum(terms, axis=-1)


def fast_logsumexp(terms: Array) -> Array:
    """m + log sum e^(x - m), m the largest term, over the last axis."""
    m = np.max(terms, axis=-1)
    return m + np.log(np.sum(np.exp(terms - m[..., None]), axis=-1))


# the n-ary structures a row may declare: (exact form, fast form); None where there is none
STRUCTURES: dict[str, tuple[Callable[..., Array] | None, Callable[..., Array] | None]] = {
    "sum": (structure_sum, fast_sum),
    "logsumexp": (None, fast_logsumexp),
}


@functools.cache
def rule(op: Op, arity: int, param: Any, exact: bool) -> tuple[str, ...] | None:
    """The local partials as array text templates (hole 0 ``out``, holes 1.. the inputs), if
    the row's rule reads as text and its array form agrees with the rule."""
    texts = rule_templates(op, arity, param)
    if texts is None:
        return None
    if op.arity is None:  # n-ary rules are holes and constants: the same on arrays
        return texts
    try:
        forms = [_compiled(t, arity + 1, exact) for t in texts]
    except (TypeError, SyntaxError):
        return None

    def partials(out: Array, *xs: Array) -> tuple[Array, ...]:
        return tuple(f(out, *xs) for f in forms)

    return texts if array_agrees(op, arity, param, partials, exact, rule=True) else None


__all__ = ["elementwise", "fill", "forward_text", "nary", "numpy_text", "ordered_sum", "rule"]
