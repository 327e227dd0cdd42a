"""Everything that names ops agrees with the op table: Value's methods, the command's
expression language, the pictures' labels and the README's op list. Adding a row is adding
an op; each test below fails when something else would still need a hand-made edit.

``python tests/test_table.py`` prints the README's op list as the table says it should be."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograd import OPS, Op, Value, apply
from autograd.testing.strategies import boxes
from autograd.viz import to_dot
from autograd.viz.style import op_text
from chainrule.expr import CALLABLE, FUNCTIONS, build, param_names, parse, usage

README = Path(__file__).resolve().parent.parent / "README.md"
BEGIN, END = "<!-- op table: begin -->", "<!-- op table: end -->"


def inputs_for(name: str, arity: int) -> list[Value]:
    return [
        Value(lo + 0.37 * (hi - lo), label=f"x{i}")
        for i, (lo, hi) in enumerate(boxes(OPS[name], arity))
    ]


def op_list() -> str:
    """The README's op list: one line per row, how to call it, what it computes."""
    lines = ["| op | in Python | in expressions | what it computes |", "|---|---|---|---|"]
    for op in OPS.values():
        command = f"`{usage(op)}`" if op.syntax else "the same" if op.symbol else ""
        doc = op.doc.replace("|", "&#124;")
        lines.append(f"| {op.name} | `{python_form(op)}` | {command} | {doc} |")
    return "\n".join(lines)


def python_form(op: Op) -> str:
    """How Python code applies the row: ``x + y``, ``c - x``, ``x.atan2(y)``, ``vsum(xs)``."""
    if op.method:
        names = param_names(op)
        if op.default is not None:
            names = [f"[{name}]" for name in names]
        return f"x.{op.method}({', '.join(['y'][: (op.arity or 1) - 1] + names)})"
    if op.arity is None:
        return {"sum": "vsum(xs)", "dot": "dot(ws, xs, b)"}.get(op.name, f"{op.name}(xs)")
    other = ["y"] if op.arity == 2 else []
    number = ["k" if op.symbol == "**" and not op.reflected else "c"] if op.params else []
    return op.written(["x", *other], number)


def test_every_row_with_a_method_is_a_value_method() -> None:
    for op in OPS.values():
        if op.method:
            x, *others = inputs_for(op.name, op.arity or 1)
            params = op.params[0] if op.params and op.default is None else ()
            assert getattr(x, op.method)(*others, *params).op is op


def test_the_expression_language_is_the_rows_with_a_syntax_name() -> None:
    assert set(CALLABLE) == {op.syntax for op in OPS.values() if op.syntax}
    for name, op in FUNCTIONS.items():
        arity = op.arity or 1
        xs = inputs_for(op.name, arity)
        at = {x.label: x.data for x in xs}
        params = op.params[0] if op.params and op.default is None else ()
        args = [x.label for x in xs] + [repr(p) for p in params]
        out = build(parse(f"{name}({', '.join(args)})", at), {x.label: x for x in xs})
        assert out.op is op, name
        assert out.data == getattr(xs[0], op.method or op.name)(*xs[1:], *params).data


@pytest.mark.parametrize("name", sorted(OPS))
def test_pictures_label_every_op_with_its_rows_symbol(name: str) -> None:
    op = OPS[name]
    arity = op.arity or 3
    param = op.params[0] if op.params else None
    node = apply(op, *inputs_for(name, arity), param=param)
    text = op_text(node, 4)
    assert op.label in text
    assert re.search(r"\S", to_dot(node))


def test_the_readme_op_list_is_the_table() -> None:
    readme = README.read_text(encoding="utf-8")
    section = readme.split(BEGIN)[1].split(END)[0].strip()
    assert section == op_list(), "regenerate it with: python tests/test_table.py"


if __name__ == "__main__":
    print(op_list())
