"""The rolled back end: one example's code in a loop over the rows of a batch.

A batch's graph is usually the same small graph once per row (a model and its loss term on
one example) and a tail joining them (the mean, a penalty on the weights). When the trace
shows exactly that, with each row's nodes one block of the topological order, the step is
written as a loop: the rows forward, the tail forward and backward, then the rows backward,
last row first, which is the engine's order, so every parameter's sum of contributions is
added in the engine's order too. The code is one row long, so it compiles in milliseconds
whatever the batch size; only the tail (a few lines per row) grows with it.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import Any

from autograd.compiler.emit import emit
from autograd.compiler.source import literal
from autograd.compiler.straight import check_lines, pattern, return_lines
from autograd.compiler.trace import Tape
from autograd.value import Value

TAIL = -1


@dataclass
class Plan:
    """Rows in the order of their blocks, each row's nodes, the tail's nodes, and the nodes
    computed from constants alone (batch norm's sqrt(running variance + eps) in eval mode),
    which are constants of the replay."""

    order: list[int]
    rows: dict[int, list[Value]]
    tail: list[Value]
    inputs: dict[int, list[Value]]
    folded: set[Value]


def plan(tape: Tape) -> Plan | None:
    """How to roll the tape, or None when it is not one repeated graph per row."""
    if not tape.row_of or not tape.shape or any(s is None for s in tape.shape):
        return None
    n = len(tape.shape[0])
    if n < 2 or any(len(s) != n or len(set(s)) != 1 for s in tape.shape):
        return None
    row: dict[Value, int] = dict(tape.row_of)
    order: list[int] = []
    rows: dict[int, list[Value]] = {}
    tail: list[Value] = []
    row_of = row.get  # inputs and nodes have a row (or TAIL); parameters and constants none
    folded: set[Value] = set()
    leaves = {*tape.param_index, *tape.input_index}
    for node in tape.nodes:
        if all(p in folded or not (p.parents or p in leaves) for p in node.parents):
            folded.add(node)
            continue
        kinds: set[Any] = set(map(row_of, node.parents))
        kinds.discard(None)
        if len(kinds) == 1 and TAIL not in kinds:
            r = kinds.pop()
            if tail or (order and order[-1] != r and r in rows):
                return None  # a row after the tail began, or a row in two blocks
            if r not in rows:
                order.append(r)
                rows[r] = []
            rows[r].append(node)
            row[node] = r
        else:
            tail.append(node)
            row[node] = TAIL
    if len(order) != n:
        return None
    inputs: dict[int, list[Value]] = {r: [] for r in range(n)}
    for x in tape.inputs:
        inputs[tape.row_of[x]].append(x)
    # every row the same graph: the same ops and params, on the same parameters, the same
    # constants and the same positions among the row's inputs and nodes
    shared: dict[Value, Any] = {p: ("p", i) for i, p in enumerate(tape.params)}
    signature = None
    for r in order:
        refs = {**shared, **{x: ("x", j) for j, x in enumerate(inputs[r])}}
        refs.update((v, k) for k, v in enumerate(rows[r]))
        sig = []
        for v in rows[r]:
            parents = tuple(map(refs.get, v.parents))
            if None in parents:  # constants: by their bits; anything else does not roll
                if any(p.parents and p not in refs and p not in folded for p in v.parents):
                    return None
                parents = tuple(refs.get(p, ("c", struct.pack("<d", p.data))) for p in v.parents)
            sig.append((v.op, None if v.param is None else repr(v.param), parents))
        if sig != (signature or sig):
            return None
        signature = sig
    return Plan(order, rows, tail, inputs, folded)


def rolled_source(tape: Tape, plan: Plan) -> str:
    """The source of ``step(P, *args)`` looping over the rows."""
    first = plan.order[0]
    template, template_inputs = plan.rows[first], plan.inputs[first]
    local = {v: k for k, v in enumerate(template)}
    where = {v: (r, k) for r in plan.order for k, v in enumerate(plan.rows[r])}
    values: dict[Value, str] = {p: f"p{i}" for i, p in enumerate(tape.params)}
    deltas: dict[Value, str] = {p: f"dp{i}" for i, p in enumerate(tape.params)}
    row_values = {**values, **{x: f"x{j}" for j, x in enumerate(template_inputs)}}
    row_values.update({v: f"v{k}" for v, k in local.items()})
    row_deltas = {**deltas, **{v: f"d{k}" for v, k in local.items()}}
    # which of a row's values the tail (and the outputs) use
    used = sorted({where[p][1] for t in plan.tail for p in t.parents if p in where}
                  | {where[v][1] for v in tape.output_values() if v in where})  # fmt: skip
    tail_values = dict(values)
    tail_deltas = dict(deltas)
    for v, (r, k) in where.items():
        if k in used:
            tail_values[v], tail_deltas[v] = f"O{k}[{r}]", f"G{k}[{r}]"
    tail_values.update({v: f"t{k}" for k, v in enumerate(plan.tail)})
    tail_deltas.update({v: f"dt{k}" for k, v in enumerate(plan.tail)})
    args = [f"A{k}" for k in range(len(tape.shape))]
    names = [row_values[x] for x in template_inputs]
    targets = ", ".join(pattern(s[0], names) for s in tape.shape)
    wanted = set(tape.params)
    row_code = emit(template, row_values, row_deltas.__getitem__,
                    {v: f"d{k}" for v, k in local.items() if k in used}, wanted,
                    {f"d{k}" for k in used} | {deltas[p] for p in tape.params})  # fmt: skip
    tail_wanted = wanted | {v for v, (r, k) in where.items() if k in used}
    ready = {tail_deltas[v] for v in tail_wanted if v not in wanted}
    tail_code = emit(plan.tail, tail_values, tail_deltas.__getitem__, {tape.root: "1.0"},
                     tail_wanted, ready)  # fmt: skip
    loss = tail_values.get(tape.root) or literal(tape.root.data)
    # a row keeps what its backward reads and what the tail reads, nothing else
    read = set(re.findall(r"\b[vx][0-9]+\b", "\n".join(row_code.backward)))
    read |= {f"v{k}" for k in used}
    every = [row_values[v] for v in template] + [row_values[x] for x in template_inputs]
    saved = [name for name in every if name in read]
    position = {name: i for i, name in enumerate(saved)}
    lines = [f"def step(P, {', '.join(args)}):"]
    if tape.params:
        lines.append(f"    [{', '.join(values[p] for p in tape.params)},] = P")
    lines += ["    T = []", "    _c = 0.0"]
    lines.append(f"    for {targets}, in zip({', '.join(args)}):")
    lines += ["        " + line for line in row_code.forward]
    lines += ["        " + line for line in check_lines(row_code.checks, "0.0")[1:-2]]
    lines.append(f"        T.append(({''.join(s + ', ' for s in saved)}))")
    lines += [f"    O{k} = [t[{position[f'v{k}']}] for t in T]" for k in used]
    lines += ["    " + line for line in tail_code.forward]
    tail_checks = check_lines(tail_code.checks, f"_c + {loss}")
    lines += ["    " + line for line in tail_checks if line != "_c = 0.0"]
    lines += [f"    G{k} = [-0.0] * len(T)" for k in used]
    lines += ["    " + line for line in tail_code.backward]
    lines += [f"    {deltas[p]} = -0.0" for p in tape.params if deltas[p] not in tail_code.assigned]
    natural = plan.order == sorted(plan.order)
    rows = "reversed(range(len(T)))" if natural else repr(plan.order[::-1])
    lines.append(f"    for r in {rows}:")
    lines.append(f"        ({''.join(s + ', ' for s in saved)}) = T[r]")
    lines += [f"        d{k} = G{k}[r]" for k in used]
    lines += ["        " + line for line in row_code.backward]
    grads = [f"{deltas[p]} + 0.0" for p in tape.params]
    outs = [tail_values.get(v) or literal(v.data) for v in tape.output_values()]
    lines += ["    " + line for line in return_lines(loss, grads, outs)]
    return "\n".join(lines) + "\n"
