"""What Karpathy's micrograd lecture shows, and the code a learner types in it, in our words.

The lecture is two notebooks in karpathy/nn-zero-to-hero, lectures/micrograd:
``micrograd_lecture_first_half_roughly.ipynb`` (its code cells are named F0 ... F33 here) and
``micrograd_lecture_second_half_roughly.ipynb`` (S0 ... S19). 33 of their cells use a Value:
F7-F11, F13-F29, F31, F32 and S7-S11, S14, S15, S17, S18. The learner types the lecture's code
but imports this library's Value instead of typing the lecture's (F7, S7), and the Neuron,
Layer and MLP of ``autograd.lecture`` instead of typing those (S14). The tests in
test_lecture_first_half.py and test_lecture_second_half.py run those cells; this file holds
the numbers the notebooks store and the lecture's own helpers (F8: ``trace`` and
``draw_dot``, F16: ``build_topo``) as a learner would write them against any Value with
``_prev``, ``_op``, ``label``, ``data`` and ``grad``.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from typing import Any

import graphviz

from autograd import Value

Box = tuple[str, str, str]  # (label, "data 2.0000", "grad -1.5000") as a picture writes it


def boxes(text: str) -> Counter[Box]:
    """Boxes written ``"label data grad; ..."`` (``_`` for a box without a label)."""
    found = (entry.strip().rsplit(" ", 2) for entry in text.split(";"))
    return Counter(
        (" " if label == "_" else label, f"data {float(data):.4f}", f"grad {float(grad):.4f}")
        for label, data, grad in found
    )


NEURON = boxes(
    "x1 2 -1.5; w1 -3 1; x2 0 0.5; w2 1 0; x1*w1 -6 0.5; x2*w2 0 0.5; x1*w1 + x2*w2 -6 0.5; "
    "b 6.8814 0.5; n 0.8814 0.5; o 0.7071 1"
)
# S11's boxes that are not Values here: the constants 2, -1 and 1 (a number in an op is the op's
# parameter: ``2 * n`` is one node) and (e + 1)**-1 (the lecture divides by multiplying with it)
S11_CONSTANTS = boxes("_ 2 0.2203; _ -1 0.1464; _ 1 -0.1036; _ 0.1464 4.8284")
# the pictures the notebooks store, read off their SVG: every box's text
PICTURES = {
    "F9": boxes("a 2 6; b -3 -4; c 10 -2; e -6 -2; d 4 -2; f -2 4; L -8 1"),
    "F14": NEURON,
    "F31": boxes("a 3 2; b 6 1"),
    "F32": boxes("a -2 -3; b 3 -8; d -6 1; e 1 -6; f -6 1"),
    "S10": NEURON,
    "S11": NEURON  # and 2*n, e = exp(2*n), e - 1, e + 1; then the constants
    + boxes("_ 1.7627 0.25; _ 5.8284 0.0429; _ 4.8284 0.1464; _ 6.8284 -0.1036")
    + S11_CONSTANTS,
}
# F16 prints build_topo's list: the data of the neuron's ten nodes, in an order its set gave
F16_TOPO_DATA = [6.881373587019543, 2.0, -3.0, -6.0, 0.0, 1.0, 0.0, -6.0, 0.8813735870195432]
F16_TOPO_DATA.append(0.7071067811865476)  # o, the last: tanh as the lecture computes it


def boxes_in_svg(svg: str) -> Counter[Box]:
    """Every record box of a rendered picture: the three texts ``label, data .., grad ..``."""
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    return Counter(
        (texts[i - 1], text, texts[i + 1]) for i, text in enumerate(texts) if text[:5] == "data "
    )


def lecture_tanh(x: float) -> float:
    """tanh as the lecture computes it, (e^2x - 1)/(e^2x + 1): to compare with math.tanh."""
    return (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)


def neuron() -> dict[str, Value]:
    """F13 (and S9): the neuron o = tanh(x1 w1 + x2 w2 + b), every node labelled."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, x1w1=x1w1, x2w2=x2w2, x1w1x2w2=x1w1x2w2, n=n, o=o)


# F8 and F16 in a learner's words: what they need of a Value is _prev, _op, label, data, grad
def trace(root: Any) -> tuple[set[Any], set[tuple[Any, Any]]]:
    """All nodes behind ``root`` and the (parent, child) pairs, walking ``_prev``."""
    nodes: set[Any] = set()
    links: set[tuple[Any, Any]] = set()
    todo = [root]
    while todo:
        v = todo.pop()
        if v not in nodes:
            nodes.add(v)
            links.update((parent, v) for parent in v._prev)
            todo.extend(v._prev)
    return nodes, links


def draw_dot(root: Any) -> graphviz.Digraph:
    """The lecture's picture: a record per Value, an op node in front of each computed one."""
    picture = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, links = trace(root)
    for v in nodes:
        key = str(id(v))
        text = "{ %s | data %.4f | grad %.4f }" % (v.label, v.data, v.grad)  # noqa: UP031
        picture.node(name=key, label=text, shape="record")
        if v._op:
            picture.node(name=key + v._op, label=v._op)
            picture.edge(key + v._op, key)
    for parent, child in links:
        picture.edge(str(id(parent)), str(id(child)) + child._op)
    return picture


def build_topo(root: Any) -> list[Any]:
    """F16: parents before children, by a depth-first walk over ``_prev``."""
    topo: list[Any] = []
    visited: set[Any] = set()

    def visit(v: Any) -> None:
        if v not in visited:
            visited.add(v)
            for parent in v._prev:
                visit(parent)
            topo.append(v)

    visit(root)
    return topo


def boxes_in_dot(source: str) -> Counter[Box]:
    """The record boxes of DOT text as the lecture's draw_dot writes it."""
    found = re.findall(r'label="\{ (.*?) \| (data \S+) \| (grad \S+) \}"', source)
    return Counter((label or " ", data, grad) for label, data, grad in found)
