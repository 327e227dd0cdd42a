"""Writing a traced graph out as Python: one line per node forward, one line per edge backward.

Backward keeps the engine's order and its rules exactly (``autograd.backprop``): nodes last
first; a node whose delta is 0.0 passes nothing on (``if d:``); each edge adds
``local * upstream`` to its parent, the first one reaching a parent assigning it. When the
first edge's node was skipped, its ``else:`` sets the parent to -0.0, the one float that adds
to anything without changing a bit, so whichever edge comes first at run time gives the sum
the engine's additions give.
"""

from __future__ import annotations

import ast
import functools
import keyword
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd.compiler.source import (
    call_text,
    fill,
    forward_text,
    literal,
    namespace,
    rule_templates,
)
from autograd.ops import Op
from autograd.value import Value

PROBES = (-2.0, -0.5, 0.0, 0.5, 1.0, 2.0)


@dataclass
class Code:
    """Lines of forward and backward code and the values whose finiteness guards the replay."""

    forward: list[str] = field(default_factory=list)
    backward: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    assigned: set[str] = field(default_factory=set)
    zeros: list[str] = field(default_factory=list)


RESERVED = set(namespace()) | set(dir(__builtins__)) | {"P", "T", "D"}


def identifier(label: str, taken: set[str]) -> str | None:
    """``label`` as a variable name if it is a free identifier, else None."""
    name = label.replace(".", "_")
    if not name.isidentifier() or keyword.iskeyword(name) or name in RESERVED or name in taken:
        return None
    if name.startswith(("v", "d", "p", "x", "_")) and name[1:].isdigit():
        return None
    return name


@functools.cache
def squashes(op: Op, arity: int, param: Any) -> tuple[int, ...]:
    """Positions where a non-finite input can give a finite output (relu(-inf) = 0, tanh,
    1/x ...): the replay checks those inputs, since the engine would have raised earlier."""
    positions = []
    probed = range(arity) if arity <= 8 else sorted({0, 1, 2, arity // 2 - 1, arity // 2,
                                                    arity - 2, arity - 1})  # fmt: skip
    for i in probed:
        for bad in (math.inf, -math.inf, math.nan):
            for other in PROBES:
                xs = [other] * arity
                xs[i] = bad
                try:
                    out = op.forward_at(xs, param)
                except (ValueError, ArithmeticError, TypeError):
                    continue
                if math.isfinite(out):
                    positions.append(i)
                    break
            else:
                continue
            break
    return tuple(positions)


def _plain(text: str) -> bool:
    return text.isidentifier() or text.replace(".", "", 1).lstrip("(-").rstrip(")").isdigit()


def emit(
    nodes: Sequence[Value],
    value_of: dict[Value, str],
    delta_of: Callable[[Value], str],
    seeds: dict[Value, str],
    wanted: set[Value],
    ready: set[str],
    comments: bool = False,
    zeros_first: bool = False,
) -> Code:
    """Forward and backward code for ``nodes`` (parents first). ``value_of`` names every value
    outside ``nodes`` (leaves; a constant leaf not in it is written as its number) and gets
    the names of the nodes; ``seeds`` are the nodes whose delta is given (the root: its
    number; a delta already assigned: its name); ``wanted`` the leaves whose deltas the code
    must leave in ``delta_of(leaf)``; ``ready`` the delta names already holding a number.
    With ``zeros_first`` the deltas that an ``else:`` would set to -0.0 are listed in
    ``code.zeros`` instead, for the caller to set once before the backward pass: half the
    lines to compile, a few nanoseconds a node to run."""
    code = Code()
    for node in nodes:
        texts = [_value(p, value_of) for p in node.parents]
        op = node.op
        assert op is not None
        arity, param = len(texts), node.param
        name = value_of[node]
        line = f"{name} = {forward_text(op, arity, param, texts)}"
        if comments:
            line += f"  # {node.label or name} = {op.name}({', '.join(texts)})"
        code.forward.append(line)
        code.checks.extend(texts[i] for i in squashes(op, arity, param) if texts[i].isidentifier())
    need: set[Value] = set()
    for node in nodes:
        if any(p in wanted or p in need for p in node.parents):
            need.add(node)
    reached = set(seeds)
    before = set(ready)
    for node in reversed(nodes):
        if node not in need or node not in reached:
            continue
        d = delta_of(node)
        seed = seeds.get(node)
        always = seed is not None and not seed.isidentifier() and float(seed) != 0.0
        indent = "" if always else "    "
        body, firsts = _edges(node, value_of, delta_of, d, wanted, need, ready, comments)
        reached.update(p for p in node.parents if p in need or p in wanted)
        if always:
            code.backward.append(f"{d} = {seed}")
            code.backward.extend(body)
            continue
        code.backward.append(f"if {d}:")
        code.backward.extend(indent + line for line in body)
        if firsts and zeros_first:
            code.zeros.extend(firsts)
        elif firsts:
            code.backward.append("else:")
            code.backward.extend(f"    {f} = -0.0" for f in firsts)
    code.assigned = ready - before
    return code


def _edges(
    node: Value,
    value_of: dict[Value, str],
    delta_of: Callable[[Value], str],
    d: str,
    wanted: set[Value],
    need: set[Value],
    ready: set[str],
    comments: bool,
) -> tuple[list[str], list[str]]:
    """The lines of one node's edges, and the deltas they assign first."""
    op = node.op
    assert op is not None
    texts = [_value(p, value_of) for p in node.parents]
    out = value_of[node]
    templates = rule_templates(op, len(texts), node.param)
    lines: list[str] = []
    if templates is None:  # a rule that cannot be read as text is called on the floats
        lines.append(f"_t = {call_text(f'rule_{op.name}', [out, *texts], node.param)}")
        locals_ = [f"_t[{j}]" for j in range(len(texts))]
    else:
        filled = [_fill(t, [out, *texts]) for t in templates]
        locals_ = filled
    firsts: list[str] = []
    for j, (parent, local) in enumerate(zip(node.parents, locals_, strict=True)):
        if parent not in wanted and parent not in need:
            if templates is not None and not _plain(local):
                lines.append(local)  # the engine computes every partial: keep its errors
            continue
        contribution = times(local, d)
        target = delta_of(parent)
        if target in ready:
            line = f"{target} += {contribution}"
        else:
            line = f"{target} = {contribution}"
            ready.add(target)
            firsts.append(target)
        if comments:
            line += f"  # {parent.label or texts[j]} <- {node.label or out} ({op.name}, edge {j})"
        lines.append(line)
    return lines, firsts


def times(local: str, d: str) -> str:
    """``local * d`` as text, the product taken into a conditional's branches, where a branch
    of 1.0 gives ``d`` itself: ``(0.0 if z <= 0.0 else 1.0) * d`` runs as ``(0.0 * d if z <=
    0.0 else d)``, the same bits (as the engine, a local of 1.0 passes ``d`` on unchanged)."""
    if local == "1.0":
        return d
    if " if " not in local:
        return f"{local} * {d}"
    return _distributed(local).replace("\x00D\x00", d)


@functools.lru_cache(maxsize=4096)
def _distributed(local: str) -> str:
    tree = ast.parse(local.replace("\x00", "_hole_"), mode="eval").body

    def spread(node: ast.expr) -> ast.expr:
        if isinstance(node, ast.IfExp):
            return ast.IfExp(node.test, spread(node.body), spread(node.orelse))
        if isinstance(node, ast.Constant) and node.value == 1.0:
            return ast.Name("_hole_D_hole_")
        return ast.BinOp(node, ast.Mult(), ast.Name("_hole_D_hole_"))

    return ast.unparse(spread(tree)).replace("_hole_", "\x00")


def _fill(template: str, texts: Sequence[str]) -> str:
    return fill(template, texts)


def _value(node: Value, value_of: dict[Value, str]) -> str:
    name = value_of.get(node)
    return literal(node.data) if name is None else name


def rule_names() -> dict[str, Any]:
    """``rule_<op>`` for every row, for rules that are called rather than written out."""
    from autograd.ops import ROWS

    return {f"rule_{op.name}": op.rule for op in ROWS}
