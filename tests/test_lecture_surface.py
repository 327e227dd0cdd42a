"""The micrograd lecture's names on Value and in autograd.lecture, at their edges: nodes made by
hand, bad arguments, the picture's bounds and labels."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import nbformat
import pytest
from lecture_cells import PICTURES, boxes_in_svg, lecture_tanh
from nbclient import NotebookClient

from autograd import Value, no_grad
from autograd.lecture import MAX_NODES, MLP, Layer, Neuron, draw_dot
from autograd.viz import to_dot

ROOT = Path(__file__).resolve().parent.parent


def test_a_node_made_by_hand_is_the_node_the_operators_make() -> None:
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    c = Value(a.data * b.data, (a, b), "*", label="c")
    assert (c._op, c._prev, c.parents, c.label) == ("*", {a, b}, (a, b), "c")
    c.backward()
    assert (a.grad, b.grad) == (3.0, 2.0)
    x = Value(0.5)
    t = Value(lecture_tanh(0.5), (x,), "tanh")  # the lecture's tanh: within rounding of ours
    squared = Value(x.data**2, (x,), "**2")
    t.grad = squared.grad = 1.0
    t._backward()
    squared._backward()
    assert x.grad == (1 - t.data**2) + 2 * 0.5
    assert t.data == math.tanh(0.5)  # the node holds the row's own result


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((6.0, "a b", "+"), ValueError, r"'\+'\): \+ of 2.0, 3.0 is 5.0, not 6.0"),
        ((1.0, "a", "relu6"), ValueError, "no op of the table is written 'relu6' with 1 parent"),
        ((1.0, "a", "**x"), ValueError, r"no op of the table is written '\*\*x'"),
        ((1.0, "a", ""), ValueError, "needs both its parents and its op"),
        ((1.0, "", "+"), ValueError, "needs both its parents and its op"),
        ((1.0, "label", ""), TypeError, "_children must be Values .*a label goes in label="),
    ],
)  # fmt: skip
def test_a_node_made_by_hand_that_the_table_cannot_make_is_an_error(
    args: tuple[float, str, str], error: type[Exception], message: str
) -> None:
    data, children, op = args
    values = {"a": Value(2.0), "b": Value(3.0)}
    given = "label" if children == "label" else tuple(values[c] for c in children.split())
    with pytest.raises(error, match=message):
        Value(data, given, op)  # type: ignore[arg-type]


def test_the_lecture_picture_shows_any_label_as_written(tmp_path: Path) -> None:
    label = 'a|b}{"<c>\\N\n'
    x = Value(1.0, label=label)
    y = x * 2
    y.label = "y"
    svg = Path(draw_dot(y).render(tmp_path / "graph")).read_text(encoding="utf-8")
    assert ('a|b}{"<c>\\N\\n', "data 1.0000", "grad 0.0000") in boxes_in_svg(svg)
    assert "* 2" in svg  # the number kept in the op is drawn in it


def test_the_richer_picture_is_a_keyword_away() -> None:
    x = Value(2.0, label="x")
    y = (x * x).tanh()
    y.backward()
    assert draw_dot(y, rich=True).source == to_dot(y, edge_labels=True)
    assert draw_dot(y, rich=True, color=False).source == to_dot(y, edge_labels=True, color=False)
    with pytest.raises(TypeError, match=r"takes no options, got \['color'\]"):
        draw_dot(y, color=False)


def test_a_picture_too_big_to_read_is_refused_with_advice() -> None:
    x = Value(0.0)
    for _ in range(MAX_NODES):
        x = x + 1.0
    with pytest.raises(ValueError, match="1,001 nodes, more than 1,000; draw part of it"):
        draw_dot(x)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Neuron(0), r"positive ints, at least two, got \[0, 1\]"),
        (lambda: Layer(3, 2.0), r"positive ints, at least two, got \[3, 2.0\]"),
        (lambda: MLP(3, []), r"positive ints, at least two, got \[3\]"),
        (lambda: MLP(1000, [1000, 1000]), "make 2,002,000 parameters, more than 1,000,000"),
    ],
)
def test_the_modules_refuse_sizes_that_are_not_a_network(make: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_a_node_made_by_hand_inside_no_grad_is_a_leaf() -> None:
    a, b = Value(2.0), Value(3.0)
    with no_grad():
        c = Value(5.0, (a, b), "+")
    assert (c.data, c.parents, c.op, c._op, c._prev) == (5.0, (), None, "", frozenset())


def test_the_lecture_picture_displays_in_a_notebook() -> None:
    """In a real kernel, as a learner runs it: the cell's result shows as the SVG picture."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "from autograd import Value\nfrom autograd.lecture import draw_dot"
        ),
        nbformat.v4.new_code_cell(
            "a = Value(3.0, label='a')\nb = a + a; b.label = 'b'\nb.backward()"
        ),
        nbformat.v4.new_code_cell("draw_dot(b)"),
    ]
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    shown = notebook.cells[-1].outputs[0]["data"]
    assert boxes_in_svg(shown["image/svg+xml"]) == PICTURES["F31"]
