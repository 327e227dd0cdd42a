"""The micrograd lecture's first notebook, cell by cell, on this library's Value.

Cell names and the stored numbers are in tests/lecture_cells.py. What the notebook prints in
full is checked to the bit; its pictures box by box at their four decimals. The lecture's tanh,
(e^2x - 1)/(e^2x + 1), and ``math.tanh`` differ in the last bit at the neuron's n, so o and what
is computed from it are compared with the lecture's formula to the last bits (o differs by one
unit in the last place, 1 - o**2 by two).
"""

from __future__ import annotations

import math
from pathlib import Path

from lecture_cells import (
    F16_TOPO_DATA,
    PICTURES,
    boxes_in_dot,
    boxes_in_svg,
    build_topo,
    lecture_tanh,
    neuron,
    trace,
)
from lecture_cells import draw_dot as learners_draw_dot

from autograd import Value
from autograd.lecture import draw_dot


def drawn(root: Value, tmp_path: Path) -> str:
    """``draw_dot(root)`` rendered to a real SVG file, and its text."""
    picture = draw_dot(root)
    learners = learners_draw_dot(root).source  # F8's picture, typed by the learner
    assert learners.count("shape=record") == picture.source.count("shape=record")
    assert boxes_in_dot(learners) == boxes_in_dot(picture.source)
    return Path(picture.render(tmp_path / "graph")).read_text(encoding="utf-8")


def expression() -> dict[str, Value]:
    """F7: L = (a * b + c) * f with every node labelled."""
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f  # noqa: N806 (the lecture's name)
    L.label = "L"
    return dict(a=a, b=b, c=c, d=d, e=e, f=f, L=L)


def test_cells_f7_to_f11_an_expression_its_picture_and_a_nudge(tmp_path: Path) -> None:
    v = expression()
    assert repr(v["L"]).startswith("Value(data=-8.0,")  # F7 prints Value(data=-8.0)
    # the lecture's picture F9 shows the gradients its video filled in by hand
    for name, grad in dict(L=1.0, f=4.0, d=-2.0, c=-2.0, e=-2.0, b=-4.0, a=6.0).items():
        v[name].grad = grad
    assert boxes_in_svg(drawn(v["L"], tmp_path)) == PICTURES["F9"]
    by_backward = expression()
    by_backward["L"].backward()
    assert {k: n.grad for k, n in by_backward.items()} == {k: n.grad for k, n in v.items()}
    for name in "abcf":  # F10: one step along the gradient
        v[name].data += 0.01 * v[name].grad
    a, b, c, f = (v[name] for name in "abcf")
    assert ((a * b + c) * f).data == -7.286496

    def slope_in_b(h: float = 0.001) -> float:  # F11: dL/db by a finite difference
        first = expression()["L"].data
        nudged = expression()
        nudged["b"].data += h
        e = nudged["a"] * nudged["b"]
        return ((e + nudged["c"]) * nudged["f"]).data - first

    assert slope_in_b() / 0.001 == -3.9999999999995595


def test_cells_f13_to_f16_a_neuron_its_picture_backward_and_the_order(tmp_path: Path) -> None:
    v = neuron()
    n, o = v["n"], v["o"]
    assert n.data == 0.8813735870195432
    assert abs(o.data - lecture_tanh(n.data)) <= math.ulp(o.data)  # F16: 0.7071067811865476
    o.backward()  # F15
    assert boxes_in_svg(drawn(o, tmp_path)) == PICTURES["F14"]
    order = build_topo(o)  # F16: the lecture's walk over _prev
    assert sorted(node.data for node in order[:-1]) == sorted(F16_TOPO_DATA[:-1])
    assert order[-1] is o
    assert len(order) == len(set(order)) == 10
    for position, node in enumerate(order):
        assert all(order.index(parent) < position for parent in node._prev)
    nodes, links = trace(o)
    assert nodes == set(order)
    assert len(links) == 9


def test_cells_f17_to_f22_backward_one_node_at_a_time() -> None:
    v = neuron()
    v["o"].grad = 1.0
    for name in ("o", "n", "b", "x1w1x2w2", "x2w2", "x1w1"):  # as the lecture calls _backward
        v[name]._backward()
    assert v["n"].grad == 1 - v["o"].data ** 2  # F29: the local derivative of tanh
    assert abs(v["n"].grad - (1 - lecture_tanh(v["n"].data) ** 2)) <= math.ulp(0.5)
    assert v["b"].grad == v["x1w1x2w2"].grad == v["x1w1"].grad == v["x2w2"].grad == v["n"].grad
    g = v["n"].grad
    assert (v["x1"].grad, v["w1"].grad, v["x2"].grad, v["w2"].grad) == (-3 * g, 2 * g, g, 0.0)
    again = neuron()
    again["o"].backward()
    assert {k: n.grad for k, n in again.items()} == {k: n.grad for k, n in v.items()}


def test_cells_f23_to_f29_gradients_by_hand(tmp_path: Path) -> None:
    v = neuron()
    v["o"].grad = 1.0  # F28, then up the notebook as the video goes back through the graph
    v["n"].grad = 0.5  # F27
    v["x1w1x2w2"].grad = v["b"].grad = 0.5  # F26
    v["x1w1"].grad = v["x2w2"].grad = 0.5  # F25
    v["x2"].grad = v["w2"].data * v["x2w2"].grad  # F24
    v["w2"].grad = v["x2"].data * v["x2w2"].grad
    v["x1"].grad = v["w1"].data * v["x1w1"].grad  # F23
    v["w1"].grad = v["x1"].data * v["x1w1"].grad
    assert boxes_in_svg(drawn(v["o"], tmp_path)) == PICTURES["F14"]
    assert 1 - v["o"].data ** 2 == 0.4999999999999998  # F29 prints 0.4999999999999999


def test_cell_f31_a_value_used_twice(tmp_path: Path) -> None:
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    b.backward()
    assert a.grad == 2.0
    assert boxes_in_svg(drawn(b, tmp_path)) == PICTURES["F31"]
    assert draw_dot(b).source.count("n0 -> n1op") == 2  # both edges of a + a are drawn
    assert b._prev == {a}
    assert b.parents == (a, a)


def test_cell_f32_two_paths_to_each_input(tmp_path: Path) -> None:
    a, b = Value(-2.0, label="a"), Value(3.0, label="b")
    d = a * b
    d.label = "d"
    e = a + b
    e.label = "e"
    f = d * e
    f.label = "f"
    f.backward()
    assert (a.grad, b.grad) == (-3.0, -8.0)
    assert boxes_in_svg(drawn(f, tmp_path)) == PICTURES["F32"]
