"""The interpreter back end: the traced graph as a flat program over one list of floats.

For graphs too large to compile as source: no Value is made, each node is one entry
``(forward, rule, param, argument slots, slot)``, and the backward pass is the engine's loop
(``autograd.backprop``) on floats, with the same skips and the same order of additions.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from autograd.compiler.straight import NonFiniteError
from autograd.compiler.trace import Tape, shape_of
from autograd.value import Value

Result = tuple[float, list[float], list[float]]


def _flat(arg: Any, out: list[float]) -> None:
    if isinstance(arg, (list, tuple)):
        for a in arg:
            _flat(a, out)
    else:
        out.append(arg)


def program(tape: Tape) -> Callable[..., Result]:
    """A function ``run(P, *args)`` replaying the tape on floats."""
    slot: dict[Value, int] = {}
    for v in (*tape.params, *tape.inputs):
        slot.setdefault(v, len(slot))
    constants = []
    for node in tape.nodes:
        for p in node.parents:
            if p not in slot and not p.parents:
                slot[p] = len(slot)
                constants.append(p.data)
    first_node = len(slot)
    for node in tape.nodes:
        slot[node] = len(slot)
    steps = []
    for n in tape.nodes:
        op = n.op
        assert op is not None
        slots = [slot[p] for p in n.parents]
        # itemgetter fetches the arguments in one call; with one slot it gives the value bare
        get = itemgetter(*slots) if len(slots) > 1 else itemgetter(slots[0], slots[0])
        steps.append((op.forward_at, op.partials_at, n.param, get, len(slots) == 1, slot[n]))
    root = slot.get(tape.root, -1)
    wanted = [slot[p] for p in tape.params]
    outputs = [slot[v] for v in tape.output_values()]
    shape, n_params, size = tape.shape, len(tape.params), len(slot)
    backward = [(rule, param, get, one, k, n.parents) for (_, rule, param, get, one, k), n
                in zip(steps, tape.nodes, strict=True)][::-1]  # fmt: skip
    order = [[slot[p] for p in n.parents] for n in tape.nodes][::-1]
    isfinite = math.isfinite

    def run(params: list[float], *args: Any) -> Result:
        if tuple(map(shape_of, args)) != shape:
            raise ValueError("the arguments' shapes changed since the trace")
        vals: list[Any] = list(params[:n_params])
        for a in args:
            _flat(a, vals)
        vals += constants
        vals += [0.0] * (size - first_node)
        for forward, _, param, get, one, k in steps:
            xs = get(vals)[:1] if one else get(vals)
            out = forward(xs, param)
            if not -math.inf < out < math.inf and all(map(isfinite, xs)):
                raise NonFiniteError
            vals[k] = out
        loss = vals[root] if root >= 0 else tape.root.data
        if not isfinite(loss):
            raise NonFiniteError
        delta: list[Any] = [None] * size
        if root >= 0:
            delta[root] = 1.0
        for (rule, param, get, one, k, _), slots in zip(backward, order, strict=True):
            upstream = delta[k]
            if upstream is None or upstream == 0.0:
                continue
            xs = get(vals)[:1] if one else get(vals)
            partials = rule(vals[k], xs, param)
            for j, local in zip(slots, partials, strict=True):
                contribution = upstream if local == 1.0 else local * upstream
                earlier = delta[j]
                delta[j] = contribution if earlier is None else earlier + contribution
        grads = [0.0 + (delta[j] if delta[j] is not None else 0.0) for j in wanted]
        if tape.root in tape.param_index:
            grads[tape.param_index[tape.root]] = 1.0
        if not all(map(isfinite, grads)):  # an overflow is the engine's named error
            raise NonFiniteError
        return loss, grads, [vals[j] for j in outputs]

    return run


def listing(tape: Tape) -> str:
    """A readable listing of the program: one line per node."""
    names = {v: f"p{i}" for i, v in enumerate(tape.params)}
    names.update({v: f"x{i}" for i, v in enumerate(tape.inputs)})
    names.update({v: f"v{k}" for k, v in enumerate(tape.nodes)})
    lines = []
    for node in tape.nodes:
        args = ", ".join(names.get(p, repr(p.data)) for p in node.parents)
        param = "" if node.param is None else f", param={node.param!r}"
        lines.append(f"{names[node]} = {node.op.name if node.op else ''}({args}{param})")
    return "\n".join(lines) + "\n"
