"""Grouping a rolled step by signature: the columns of the tensor back end.

The rolled back end finds one example's graph (the template) repeated per row of a batch,
and a tail joining the rows. Two template nodes are in one group when they have the same
row, param and arity and, position by position, parents of the same kind: a parameter, an
input, a constant, or a node of the same group. A group is then one array, [batch, width]
for the template's groups (one column per node) and [width] for the tail's, and each
parent position is one gather from a parameter vector, an input array or an earlier group.
The 16 ``dot`` nodes of a layer form one group: their weights index a parameter matrix.

A group's kind of parent never includes the group itself (its first node's parents were
grouped before it), so the groups in the order they were made are a topological order.

Backward, each delta is the engine's sum in the engine's order: the tail's nodes last first,
then the rows last first, inside a row the template's nodes last first and a node's edges in
order. ``Slots`` numbers every edge reaching a delta by that order, so the replay can place
each contribution in its slot and add the slots in order (``tensor.ordered_sum``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autograd.compiler.rolled import Plan
from autograd.compiler.trace import Tape
from autograd.ops import Op
from autograd.value import Value


def row_of(node: Value) -> Op:
    """The row that made ``node`` (the one place the compiler's tensor writer reads it)."""
    op = node.op
    assert op is not None
    return op


@dataclass
class Group:
    """Nodes computed by one array expression: ``sources[j]`` is where position j's
    parents live and ``index[j]`` their places there (per column); constants in ``values``."""

    name: str
    op: Op
    param: Any
    arity: int
    rows: bool  # one value per row of the batch ([B, W]), or one for the batch ([W])
    nodes: list[Value] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    index: list[list[int]] = field(default_factory=list)
    values: list[list[float]] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)  # each column's param

    @property
    def width(self) -> int:
        return len(self.nodes)

    @property
    def varied(self) -> bool:
        """The columns' params differ: the param is an operand of its own."""
        return any(p != self.param for p in self.params)


@dataclass
class Grouping:
    """The groups of a rolled tape and where each of its values lives."""

    tape: Tape
    plan: Plan
    groups: list[Group]
    place: dict[Value, tuple[Group, int]]  # a template or tail node: its group and column
    batch: int
    input_columns: list[tuple[int, int]]  # template input j: (argument, column)
    widths: list[int]  # the number of input columns of each argument
    flat: dict[Value, int]  # a row's node: its place in its group's array, flattened


def group(tape: Tape, plan: Plan) -> Grouping:
    """The template's and the tail's nodes grouped by signature."""
    first = plan.order[0]
    template = plan.rows[first]
    widths = [_leaves(s[0]) for s in tape.shape]
    columns = [(a, c) for a, w in enumerate(widths) for c in range(w)]
    x_ref = {x: (f"X{columns[j][0]}", columns[j][1]) for j, x in enumerate(plan.inputs[first])}
    groups: list[Group] = []
    place: dict[Value, tuple[Group, int]] = {}
    by_signature: dict[Any, Group] = {}

    def ref(parent: Value, node_rows: bool) -> tuple[str, int] | tuple[str, float]:
        if parent in tape.param_index:
            return ("P", tape.param_index[parent])
        if parent in place:
            g, c = place[parent]
            return (g.name, c) if g.rows == node_rows else (g.name, flat[parent])
        if node_rows and parent in x_ref:
            return x_ref[parent]
        if not node_rows and parent in tape.row_of:  # an input read by the tail
            j = plan.inputs[tape.row_of[parent]].index(parent)
            arg, col = columns[j]
            return (f"X{arg}", tape.row_of[parent] * widths[arg] + col)
        if parent.parents and parent not in plan.folded:
            raise KeyError("a parent outside the template and the tail")
        return ("C", parent.data)

    def add(node: Value, node_rows: bool) -> None:
        op = row_of(node)
        refs = [ref(p, node_rows) for p in node.parents]
        kinds = tuple(s for s, _ in refs)
        # a number param may differ between columns (x - k for each class k): it is then one
        # more operand, a constant per column
        number = isinstance(node.param, (int, float)) and not isinstance(node.param, bool)
        param = "number" if number else None if node.param is None else repr(node.param)
        signature = (node_rows, op.name, param, kinds)
        g = by_signature.get(signature)
        if g is None:
            name = f"{'V' if node_rows else 'T'}{len(groups)}"
            g = Group(name, op, node.param, len(refs), node_rows, sources=list(kinds))
            g.index = [[] for _ in refs]
            g.values = [[] for _ in refs]
            by_signature[signature] = g
            groups.append(g)
        place[node] = (g, g.width)
        g.nodes.append(node)
        g.params.append(node.param)
        for j, (s, i) in enumerate(refs):
            if s == "C":
                g.values[j].append(float(i))
                g.index[j].append(0)
            else:
                g.index[j].append(int(i))

    for node in template:
        add(node, True)
    # every row's nodes live where the template's do; the tail reads them by flat index
    flat: dict[Value, int] = {}
    for r in plan.order:
        for t, v in zip(template, plan.rows[r], strict=True):
            g, c = place[t]
            flat[v] = r * g.width + c
            if r != first:
                place[v] = (g, c)
    for node in plan.tail:
        add(node, False)
    return Grouping(tape, plan, groups, place, len(plan.order), columns, widths, flat)


@dataclass
class Edge:
    """Where position j of a group sends its contributions: ``target`` ("P" or a group), per
    column the target's element (a parameter, a column, or for the tail a flat place) and
    its slot: absolute for the tail, within one row of the template for a row group."""

    target: str
    element: list[int]
    slot: list[int]


@dataclass
class Backward:
    """The edges of every group that passes a delta on, and per target the slots the tail
    takes (``tail``: they come first) and one row of the template takes (``per_row``)."""

    edges: dict[tuple[str, int], Edge]
    needs: set[str]
    tail: dict[str, int]
    per_row: dict[str, int]
    root: tuple[Group, int] | None


def backward_edges(grouping: Grouping) -> Backward:
    """Every edge towards a parameter, numbered in the engine's order of additions."""
    tape, place = grouping.tape, grouping.place
    needs: set[str] = set()
    for g in grouping.groups:
        if any(s == "P" or s in needs for s in g.sources):
            needs.add(g.name)
    counts: dict[tuple[str, int], int] = {}
    root = place.get(tape.root)
    if root is not None and root[0].name in needs:
        counts[(root[0].name, root[1])] = 1  # the seed, delta(root) = 1, comes first
    edges: dict[tuple[str, int], Edge] = {}

    def visit(nodes: list[Value], in_tail: bool) -> dict[str, int]:
        for node in reversed(nodes):
            g, w = place[node]
            if g.name not in needs:
                continue
            for j, parent in enumerate(node.parents):
                target = _target(grouping, parent, needs, in_tail)
                if target is None:
                    continue
                edge = edges.get((g.name, j))
                if edge is None:
                    edge = edges[(g.name, j)] = Edge(target[0], [0] * g.width, [0] * g.width)
                n = counts.get(target, 0)
                counts[target] = n + 1
                edge.element[w], edge.slot[w] = target[1], n
        most: dict[str, int] = {}
        for (name, _), n in counts.items():
            most[name] = max(most.get(name, 0), n)
        return most

    tail = visit(grouping.plan.tail, True)
    counts.clear()
    per_row = visit(grouping.plan.rows[grouping.plan.order[0]], False)
    return Backward(edges, needs, tail, per_row, root)


def _target(
    grouping: Grouping, parent: Value, needs: set[str], in_tail: bool
) -> tuple[str, int] | None:
    if parent in grouping.tape.param_index:
        return ("P", grouping.tape.param_index[parent])
    where = grouping.place.get(parent)
    if where is None or where[0].name not in needs:
        return None
    g, c = where
    return (g.name, grouping.flat[parent] if in_tail and g.rows else c)


def _leaves(shape: Any) -> int:
    return 1 if shape is None else sum(_leaves(s) for s in shape)
