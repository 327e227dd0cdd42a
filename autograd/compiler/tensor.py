"""The tensor back end: a rolled step's groups (``groups``) replayed as numpy arrays.

Forward, one line per group: a group of ``dot`` nodes is a contraction of a weight matrix
with its inputs, a ``sum`` a reduction, any other row its own forward text on arrays
(``arrays``). Backward, one line per group and parent position: the row's rule on arrays
times the group's delta, placed in the slot the engine's order gives that edge; a delta is
its slots added in order (``arrays.ordered_sum``), so in exact mode every number is the
engine's to the last bit. Outside exact mode contractions go to BLAS and deltas are added in
numpy's order, within ``TOLERANCE``. Any value that is not finite sends the call to the
engine, which raises its named error or agrees.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from autograd.compiler import arrays
from autograd.compiler.emit import squashes
from autograd.compiler.groups import Backward, Group, Grouping, backward_edges, group
from autograd.compiler.rolled import Plan
from autograd.compiler.source import literal
from autograd.compiler.trace import Tape

HOLES = re.compile("\x00([0-9]+)\x00")

TOLERANCE = 1e-11  # relative to the largest magnitude compared, outside exact mode


class Writer:
    """The source of one tensor step and the constant arrays it reads."""

    def __init__(self, grouping: Grouping, exact: bool) -> None:
        self.g, self.exact = grouping, exact
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self.names: dict[str, Group] = {g.name: g for g in grouping.groups}
        self.bound: dict[str, str] = {}  # operand text -> the local name holding it
        self.known: dict[Any, str] = {}
        # values a later op could turn finite again (relu(-inf) = 0): the engine would have
        # raised where they were made, so the replay checks them, and the loss
        self.checks: list[str] = []

    def const(self, array: Any, prefix: str = "I") -> str:
        """A name bound to ``array`` (one name per distinct array)."""
        array = np.ascontiguousarray(array)
        key = (prefix, array.dtype.str, array.shape, array.tobytes())
        if key not in self.known:
            self.known[key] = f"{prefix}{len(self.constants)}"
            self.constants[self.known[key]] = array
        return self.known[key]

    def line(self, text: str, group: Group | None = None) -> None:
        """One line of the step; a group's forward line says what it computes."""
        if group is not None:
            where = f"{self.g.batch} rows x " if group.rows else ""
            label = next((v.label for v in group.nodes if v.label), "")
            text += f"  # {where}{group.width} {group.op.name}" + (f" ({label}...)" * bool(label))
        self.lines.append("    " + text)

    def width(self, source: str) -> int:
        if source.startswith("X"):
            return self.g.widths[int(source[1:])]
        return self.names[source].width if source != "P" else len(self.g.tape.params)

    def gather(self, g: Group, source: str, index: Any, values: Any) -> str:
        """The text of the parents of one position (index [W]) or block (index [W, L])."""
        index = np.asarray(index)
        if source == "C":
            v = np.asarray(values, dtype=float)
            same = v.size and (v == v.flat[0]).all()
            return literal(float(v.flat[0])) if same else self.const(v, "C")
        rows_source = source.startswith("X") or (self.names.get(source, g).rows and source != "P")
        if source == "P" or not g.rows:
            flat = source != "P" and rows_source  # the tail reads a row's value by flat place
            if not flat and index.ndim == 1 and index.tolist() == list(range(self.width(source))):
                return source
            return f"{source}{'.ravel()' if flat else ''}[{self.const(index)}]"
        if index.ndim == 1:
            if index.tolist() == list(range(self.width(source))):
                return source
            return f"{source}[:, {self.const(index)}]"
        if (index == index[0]).all():  # every column reads the same parents: one shared vector
            first = index[0]
            if first.tolist() == list(range(self.width(source))):
                return f"{source}[:, None, :]"
            return f"{source}[:, None, {self.const(first)}]"
        return f"{source}[:, {self.const(index)}]"

    def shape(self, g: Group, n: int) -> str:
        """The shape of n of an n-ary group's terms, [B, W, n] or [W, n]."""
        return f"({self.g.batch}, {g.width}, {n})" if g.rows else f"({g.width}, {n})"

    def bind(self, text: str, name: str) -> str:
        if text.isidentifier() or text[:1].isdigit() or text[:1] == "(":
            return text
        if text not in self.bound:
            self.line(f"{name} = {text}")
            self.bound[text] = name
        return self.bound[text]

    def operand(self, g: Group, j: int) -> str:
        text = self.gather(g, g.sources[j], g.index[j], g.values[j])
        return self.bind(text, f"{g.name.lower()}_{j}")

    def block(self, g: Group, a: int, b: int) -> str:
        """Positions a..b-1 of an n-ary group as one [.., W, b - a] array."""
        if a == b:
            return f"zeros(({g.width}, 0))"
        pieces, start = [], a
        for j in range(a + 1, b + 1):
            if j == b or g.sources[j] != g.sources[start]:
                index = np.array(g.index[start:j]).T
                values = np.array(g.values[start:j]).T if g.sources[start] == "C" else None
                text = self.gather(g, g.sources[start], index, values)
                if g.sources[start] == "C" or text[:1].isdigit() or text[:1] == "(":
                    text = f"full(({g.width}, {j - start}), {text})" if text[:1] != "C" else text
                pieces.append(text)
                start = j
        text = pieces[0] if len(pieces) == 1 else f"joined({', '.join(pieces)})"
        return self.bind(text, f"{g.name.lower()}_{a}_{b}")

    def forward(self, g: Group) -> None:
        op, n = g.op, g.arity
        if op.arity is None:
            structure = arrays.nary(op, self.exact)
            if structure is not None and op.array == "dot":
                m = n // 2
                bias = self.operand(g, n - 1) if n % 2 else "None"
                weights, inputs = self.block(g, 0, m), self.block(g, m, 2 * m)
                name = "dot" if self.exact else "fast_dot"
                self.line(f"{g.name} = {name}({weights}, {inputs}, {bias})", g)
            elif structure is not None:
                self.line(f"{g.name} = nary_{op.name}({self.block(g, 0, n)})", g)
            else:
                self.line(f"{g.name} = stacked(row_{op.name}, {self.block(g, 0, n)})", g)
            if squashes(op, n, g.param):
                self.checks.append(self.block(g, 0, n))
            return
        texts = [self.operand(g, j) for j in range(n)]
        if g.varied:
            numbers = self.const(np.array(g.params, dtype=float), "C")
            forms = arrays.param_templates(op, n, tuple(dict.fromkeys(g.params)), self.exact)
            if forms is not None:
                text = arrays.numpy_text(arrays.fill(forms[0], [*texts, numbers]))
            else:
                text = f"per_element(forward_of('{op.name}'), {', '.join(texts)}, {numbers})"
            self.line(f"{g.name} = {text}", g)
        else:
            self.line(f"{g.name} = {arrays.forward_text(op, n, g.param, texts, self.exact)}", g)
        squashed = {j for p in dict.fromkeys(g.params) for j in squashes(op, n, p)}
        self.checks += [texts[j] for j in sorted(squashed) if texts[j].isidentifier()]


def tensor_source(tape: Tape, plan: Plan, exact: bool) -> tuple[str, dict[str, Any]] | None:
    """The source of ``step(P, *args)`` over arrays and the constants it reads, or None when
    the loss is not one of the tail's nodes."""
    grouping = group(tape, plan)
    root = grouping.place.get(tape.root)
    if root is None or root[0].rows:
        return None
    w = Writer(grouping, exact)
    batch = grouping.batch
    args = [f"A{k}" for k in range(len(tape.shape))]
    w.lines.append(f"def step(P, {', '.join(args)}):")
    w.line("P = asarray(P, dtype=float)")
    for k, width in enumerate(grouping.widths):
        w.line(f"X{k} = asarray(A{k}, dtype=float).reshape({batch}, {width})")
    for g in grouping.groups:
        w.forward(g)
    loss = f"{root[0].name}[{root[1]}]"
    w.line(f"finite({', '.join(dict.fromkeys([*w.checks, loss]))})")
    backward = backward_edges(grouping)
    grads = _backward(w, backward)
    outs = _outputs(w)
    w.line(f"return float({loss}), gradients({grads}), {outs}")
    return "\n".join(w.lines) + "\n", w.constants


def _backward(w: Writer, b: Backward) -> str:
    """Lines of the backward pass; the text of the gradients' array.

    Every delta and gradient is a sum of contributions in the engine's order. In general
    each contribution is placed in its numbered slot (``E<target>[slot, element]``) and the
    slots are added in order. Two common shapes skip the slots: a parameter met once per row
    (a weight) gets its rows' contributions as one reduction over the rows, last row first,
    after what the tail gave it; and the inputs of a layer's ``dot`` group, read by every
    column once and by nothing else, get theirs as one contraction with the weights."""
    grouping, batch = w.g, w.g.batch
    n_params = len(grouping.tape.params)
    reduced = b.per_row.get("P", 0) == 1
    slots = {t: b.tail.get(t, 0) + b.per_row.get(t, 0) * (batch if t == "P" and not reduced else 1)
             for t in {e.target for e in b.edges.values()} | set(b.tail)}  # fmt: skip
    if not any(e.target == "P" for e in b.edges.values()):
        return f"zeros({n_params})"
    slots["P"] = slots.get("P", 0)
    blocks = {g.name: _blocks(w, g, b) for g in grouping.groups if g.name in b.needs}
    direct = {t for name, runs in blocks.items() for *_, t in
              [(a, z, local, _contraction(w, b, w.names[name], a, z)) for a, z, local in runs]
              if t}  # fmt: skip
    size = {g.name: g.width * (batch if g.rows else 1) for g in grouping.groups}
    size["P"] = n_params
    for t, m in sorted(slots.items()):
        if t not in direct:
            w.line(f"E{t} = zeros(({max(m, 1)}, {size[t]}))")
    assert b.root is not None
    w.line(f"E{b.root[0].name}[0, {b.root[1]}] = 1.0")
    rows = w.const(np.array(grouping.plan.order[::-1]))
    gradients = False
    for g in reversed(grouping.groups):
        if g.name not in b.needs or g.name not in slots:
            continue
        if g.name not in direct:
            shape = f".reshape({batch}, {g.width})" if g.rows else ""
            total = f"E{g.name}[0]" if slots[g.name] == 1 else f"sum_in_order(E{g.name})"
            w.line(f"D{g.name} = {total}{shape}")
        for a, z, local in blocks[g.name]:
            edges = [b.edges[(g.name, j)] for j in range(a, z)]
            target, nary = edges[0].target, g.op.arity is None
            d = f"D{g.name}[..., None]" if nary else f"D{g.name}"
            contribution = d if local == "1.0" else f"{local} * {d}"
            into = _contraction(w, b, g, a, z)
            if into and (not nary or _alone(b, into)):
                whole_of = w.names[into]
                shape = f"({batch}, {whole_of.width})" if whole_of.rows else f"({whole_of.width},)"
                whole = f"broadcast_to({contribution}, {w.shape(g, z - a)}).reshape({shape})"
                w.line(f"D{into} = {contribution if not nary else whole}")
                continue
            if into:
                name = "inputs_sum" if w.exact else "fast_inputs_sum"
                w.line(f"D{into} = {name}({local}, D{g.name})")
                continue
            slot = np.array([e.slot for e in edges]).T  # [W, L]
            element = np.array([e.element for e in edges]).T
            if not nary:
                slot, element = slot[:, 0], element[:, 0]
            if reduced and g.rows and target == "P":
                if not gradients:
                    w.line("G = sum_in_order(EP)")
                    gradients = True
                index = w.const(element)
                if nary and local != "1.0" and not w.exact:
                    w.line(f"G[{index}] = G[{index}] + weights_sum({local}, D{g.name})")
                else:
                    total = "rows_sum" if w.exact else "fast_rows_sum"
                    w.line(f"G[{index}] = {total}(G[{index}], {contribution}, {rows})")
                continue
            slot, element = _placed(w, b, g, target, slot, element)
            w.line(f"E{target}[{w.const(slot)}, {w.const(element)}] = {contribution}")
    if not gradients:
        w.line("G = sum_in_order(EP)")
    w.line("finite(G)")
    return "G"


def _contraction(w: Writer, b: Backward, g: Group, a: int, z: int) -> str:
    """The row group that positions a..z-1 of ``g`` give their whole delta to at once, or
    ``""``: the group's only edge per element, in column order (an activation's input), or
    a layer's inputs, which every column of a ``dot`` group reads in order and nothing else
    does (a contraction with the weights, the matching parameters)."""
    edge = b.edges.get((g.name, a))
    if edge is None or edge.target == "P":
        return ""
    target = w.names[edge.target]
    if g.op.arity is not None:  # one edge into each of the target's elements, in order
        count = b.per_row.get(target.name, 0) + b.tail.get(target.name, 0)
        alone = count == 1 and g.width == target.width and g.rows == target.rows
        return target.name if alone and edge.element == list(range(g.width)) else ""
    edges = [b.edges[(g.name, j)] for j in range(a, z)]
    element, slot = np.array([e.element for e in edges]).T, np.array([e.slot for e in edges]).T
    size = target.width * (w.g.batch if target.rows else 1)
    count = b.per_row.get(target.name, 0) + b.tail.get(target.name, 0)
    if count == 1 and element.size == size and (element.ravel() == np.arange(size)).all():
        return target.name  # a sum's terms, each read once and in order (a batch's mean)
    if not g.rows or b.tail.get(edge.target, 0):
        return ""
    weights = a - g.arity // 2
    if (
        g.op.array == "dot"
        and b.per_row.get(target.name) == g.width
        and z - a == target.width
        and weights >= 0
        and all(s == "P" for s in g.sources[weights : weights + target.width])
        and (element == np.arange(target.width)).all()
        and (slot == np.arange(g.width)[::-1, None]).all()
    ):
        return target.name
    return ""


def _alone(b: Backward, target: str) -> bool:
    return b.per_row.get(target, 0) + b.tail.get(target, 0) == 1


def _placed(w: Writer, b: Backward, g: Group, target: str, slot: Any, element: Any) -> Any:
    """A row group's slots and elements for every row: the template's, shifted per row."""
    if not g.rows:
        return slot, element
    batch = w.g.batch
    column = (batch,) + (1,) * slot.ndim  # one number per row, against the template's
    if target == "P":
        position = np.empty(batch, dtype=np.int64)
        position[w.g.plan.order[::-1]] = np.arange(batch)  # the engine visits rows last first
        slot = b.tail.get("P", 0) + position.reshape(column) * b.per_row["P"] + slot
        return slot, element
    rows = np.arange(batch).reshape(column)
    return b.tail.get(target, 0) + slot, rows * w.names[target].width + element


def _blocks(w: Writer, g: Group, b: Backward) -> list[tuple[int, int, str]]:
    """Runs of positions sending contributions to one target with one array local: for a
    fixed-arity row each position alone; for an n-ary row the runs its rule allows (dot's
    weights have the inputs as locals, its inputs the weights, its bias 1.0)."""
    op, n = g.op, g.arity
    texts = arrays.rule(op, n, g.param, w.exact)
    present = [j for j in range(n) if (g.name, j) in b.edges]
    if op.arity is not None:
        return [(j, j + 1, _local(w, g, j, texts)) for j in present]

    def kind(j: int) -> Any:
        """The target and the rule's text at j with each input named by its offset from j."""
        target = b.edges[(g.name, j)].target
        if texts is None:
            return (target, None)
        return (target, HOLES.sub(lambda m: _offset(int(m.group(1)), j), texts[j]))

    runs: list[tuple[int, int, str]] = []
    j = 0
    while j < len(present):
        k = j
        while (k + 1 < len(present) and present[k + 1] == present[k] + 1
               and kind(present[k + 1]) == kind(present[j])):  # fmt: skip
            k += 1
        a, z = present[j], present[k] + 1
        pattern = kind(a)[1]
        if pattern is None:
            call = f"stacked_rule(row_rule_{op.name}, {g.name}, {w.block(g, 0, n)})"
            local = f"{w.bind(call, f'l{g.name.lower()}')}[..., {a}:{z}]"
        else:

            def named(m: re.Match[str], a: int = a, z: int = z) -> str:
                shift = m.group(1)
                if shift == "out":
                    return f"{g.name}[..., None]"
                return w.block(g, a + int(shift), z + int(shift))

            local = arrays.numpy_text(re.sub(r"@(out|-?[0-9]+)@", named, pattern))
            local = local if local.isidentifier() or local == "1.0" else f"({local})"
        runs.append((a, z, local))
        j = k + 1
    return runs


def _offset(hole: int, j: int) -> str:
    return "@out@" if hole == 0 else f"@{hole - 1 - j}@"


def _local(w: Writer, g: Group, j: int, texts: tuple[str, ...] | None) -> str:
    """The array text of the local partial of position j of a fixed-arity row."""
    operands = [w.operand(g, k) for k in range(g.arity)]
    if g.varied:
        numbers = w.const(np.array(g.params, dtype=float), "C")
        forms = arrays.param_templates(g.op, g.arity, tuple(dict.fromkeys(g.params)), w.exact)
        if forms is None:
            call = (
                f"per_element(rule_of('{g.op.name}'), {g.name}, {', '.join(operands)}, {numbers})"
            )
            return f"{w.bind(call, 'l' + g.name.lower())}[..., {j}]"
        texts, operands = forms[1], [*operands, numbers]
    if texts is None:
        extra = "" if g.param is None else f", {literal(g.param)}"
        call = f"per_element(rule_of('{g.op.name}'{extra}), {g.name}, {', '.join(operands)})"
        return f"{w.bind(call, 'l' + g.name.lower())}[..., {j}]"
    text = arrays.numpy_text(arrays.fill(texts[j], [g.name, *operands]))
    return text if text.isidentifier() or text == "1.0" else f"({text})"


def _outputs(w: Writer) -> str:
    """The text of the outputs' list: runs of one array's numbers, read by flat index."""
    tape, grouping = w.g.tape, w.g
    places: list[tuple[str, int | str]] = []
    for v in tape.output_values():
        if v in tape.param_index:
            places.append(("P", tape.param_index[v]))
        elif v in grouping.place:
            g, c = grouping.place[v]
            places.append((g.name, grouping.flat.get(v, c)))
        else:
            places.append(("", literal(v.data)))
    parts, k = [], 0
    while k < len(places):
        source = places[k][0]
        run = k
        while run < len(places) and places[run][0] == source:
            run += 1
        if source:
            index = w.const(np.array([i for _, i in places[k:run]], dtype=np.int64))
            parts.append(f"*{source}.ravel()[{index}].tolist()")
        else:
            parts += [str(t) for _, t in places[k:run]]
        k = run
    return "[" + ", ".join(parts) + "]"


def build(tape: Tape, plan: Plan, exact: bool) -> tuple[Any, str] | None:
    """The replay function of the tensor back end and its source, or None."""
    written = tensor_source(tape, plan, exact)
    if written is None:
        return None
    source, constants = written
    scope = {**arrays.namespace(exact), **constants}
    exec(compile(source, "<tensor step>", "exec"), scope)
    step = scope["step"]

    def run(params: list[float], *args: Any) -> Any:
        with np.errstate(all="ignore"):
            return step(params, *args)

    run.scope = scope  # type: ignore[attr-defined]
    return run, source


__all__ = ["TOLERANCE", "build", "tensor_source"]
