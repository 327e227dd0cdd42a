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
VALUE = README.parent / "autograd" / "value.py"
BEGIN, END = "<!-- op table: begin -->", "<!-- op table: end -->"
METHODS_BEGIN = "# begin: the table's methods (python tests/test_table.py writes them)"
METHODS_END = "# end: the table's methods"


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
    functions = {"sum": "vsum(xs)", "dot": "dot(ws, xs, b)", "bce": "binary_cross_entropy"}
    if op.name in functions or op.arity is None:
        return functions.get(op.name, f"{op.name}(xs)")
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


def methods_block() -> str:
    """Value's methods as the table makes them, one line per row with a method, so that a type
    checker knows each (``x.tahn()`` is an error, ``x.tanh()`` a Value)."""
    lines = []
    for op in OPS.values():
        if op.method:
            shape = "_with_number" if op.params else "_binary" if op.arity == 2 else "_unary"
            lines.append(f'    {op.method} = {shape}(OPS["{op.name}"])')
    return "\n".join(lines)


def sections() -> dict[Path, tuple[str, str, str]]:
    """Each file holding text made from the table: its markers and the text between them."""
    return {
        README: (BEGIN, END, op_list()),
        VALUE: (METHODS_BEGIN, METHODS_END, methods_block()),
    }


def section_of(text: str, begin: str, end: str) -> str:
    return text.split(begin)[1].split(end)[0]


@pytest.mark.parametrize("path", [README, VALUE], ids=["readme-op-list", "value-methods"])
def test_the_text_made_from_the_table_is_up_to_date(path: Path) -> None:
    begin, end, expected = sections()[path]
    found = section_of(path.read_text(encoding="utf-8"), begin, end)
    assert found.strip() == expected.strip(), "regenerate it with: python tests/test_table.py"


def write_sections() -> None:
    """Rewrite the README's op list and Value's methods from the table."""
    for path, (begin, end, expected) in sections().items():
        head, rest = path.read_text(encoding="utf-8").split(begin + "\n", 1)
        body, tail = rest.split(end, 1)
        margin = body[body.rfind("\n") + 1 :]  # the end marker's indentation
        path.write_text(f"{head}{begin}\n{expected}\n{margin}{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    write_sections()
