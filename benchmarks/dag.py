"""A seeded random DAG of + * tanh exp over reused operands, the same structure for every engine.

The structure is a list of ``(op, i, j)`` rows over earlier node indices, drawn once from a
seeded generator. Operands come mostly from nodes nobody has used yet (so nearly every node
reaches the output) and otherwise from a recent window (so nodes are reused); an op whose
result would leave a tame range becomes tanh, so no engine ever meets inf or nan. Nodes still
unused at the end are folded into the output with adds.
"""

from __future__ import annotations

import math
import operator
import random
from collections.abc import Callable
from typing import Any

import micrograd_ext
from micrograd.engine import Value as MgValue

from autograd import Value

INPUTS = 64
Row = tuple[str, int, int]  # (op, i, j); j is -1 for a unary op
FLOAT_OPS: dict[str, Callable[..., Any]] = {
    "add": operator.add, "mul": operator.mul, "tanh": math.tanh, "exp": math.exp,
}  # fmt: skip
MICROGRAD_OPS = {**FLOAT_OPS, "tanh": micrograd_ext.tanh, "exp": micrograd_ext.exp}
CHAINRULE_OPS = {**FLOAT_OPS, "tanh": Value.tanh, "exp": Value.exp}


def structure(n_nodes: int = 20_000, seed: int = 0) -> tuple[list[float], list[Row]]:
    """Input values and about ``n_nodes`` rows (exactly ``len(rows)`` op nodes)."""
    rng = random.Random(seed)
    values = [rng.uniform(-1, 1) for _ in range(INPUTS)]
    unused = list(range(INPUTS))
    rows: list[Row] = []

    def pick() -> int:
        if unused and rng.random() < 0.6:
            k = rng.randrange(len(unused))
            unused[k], unused[-1] = unused[-1], unused[k]
            return unused.pop()
        return rng.randrange(max(0, len(values) - 200), len(values))

    while len(rows) + len(unused) < n_nodes:
        op, i = rng.choice(("add", "mul", "tanh", "exp")), pick()
        j = pick() if op in ("add", "mul") else -1
        out = run_row(FLOAT_OPS, op, values[i], values[j]) if op != "exp" else values[i]
        if abs(out) > 3:
            op, j = "tanh", -1
        rows.append((op, i, j))
        values.append(run_row(FLOAT_OPS, op, values[i], values[j]))
        unused.append(len(values) - 1)
    return values[:INPUTS], rows + _fold(sorted(unused), len(values))


def run_row(ops: dict[str, Callable[..., Any]], op: str, a: Any, b: Any) -> Any:
    return ops[op](a, b) if op in ("add", "mul") else ops[op](a)


def _fold(leftover: list[int], next_index: int) -> list[Row]:
    rows, total = [], leftover[0]
    for i in leftover[1:]:
        rows.append(("add", total, i))
        total, next_index = next_index, next_index + 1
    return rows


def forward(ops: dict[str, Callable[..., Any]], inputs: list[Any], rows: list[Row]) -> Any:
    """Every node of the DAG in order; the last is the output."""
    nodes = list(inputs)
    append = nodes.append
    for op, i, j in rows:
        append(ops[op](nodes[i], nodes[j]) if j >= 0 else ops[op](nodes[i]))
    return nodes[-1]


def engines(n_nodes: int) -> dict[str, tuple[Callable[[], Any], Callable[[Any], Any]]]:
    inputs, rows = structure(n_nodes)

    def float_run(state: Any) -> tuple[float, list[float]]:
        return forward(FLOAT_OPS, inputs, rows), []

    def micrograd_run(leaves: list[MgValue]) -> tuple[float, list[float]]:
        out = forward(MICROGRAD_OPS, leaves, rows)
        out.backward()
        return out.data, [x.grad for x in leaves]

    def chainrule_run(leaves: list[Value]) -> tuple[float, list[float]]:
        out = forward(CHAINRULE_OPS, leaves, rows)
        out.backward()
        return out.data, [x.grad for x in leaves]

    return {
        "floats": (lambda: None, float_run),
        "micrograd": (lambda: [MgValue(x) for x in inputs], micrograd_run),
        "chainrule": (lambda: [Value(x) for x in inputs], chainrule_run),
    }


def node_count(n_nodes: int) -> int:
    """Nodes in the graph: the inputs and one per row."""
    return INPUTS + len(structure(n_nodes)[1])
