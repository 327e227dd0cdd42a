"""The micrograd lecture's ``Neuron``, ``Layer``, ``MLP`` and ``draw_dot``, on this library's Value.

Andrej Karpathy's lecture "The spelled-out intro to neural networks and backpropagation"
(karpathy/nn-zero-to-hero, lectures/micrograd) types out its own ``Value``; a learner can use
``from autograd import Value`` instead, and this module for the rest::

    from autograd import Value
    from autograd.lecture import MLP, Layer, Neuron, draw_dot

The classes behave as the lecture's: a neuron is ``tanh(b + sum_i w_i x_i)`` with its weights and
bias drawn from U(-1, 1) by the ``random`` module (so ``random.seed`` makes a model reproducible),
a layer of one neuron returns that neuron's Value, and an MLP has tanh in every layer. They are
not ``nn``'s modules, whose defaults (relu, He initialisation, a linear output, their own random
generator) suit training rather than following the lecture. README.md, "Following the micrograd
lecture", lists what else differs and why.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from autograd.graph import topo_order
from autograd.value import Value, dot
from autograd.viz.style import op_text, visible

Inputs = Sequence[Value | float]
MAX_NODES = 1000  # a bigger picture takes minutes to lay out and cannot be read
MAX_PARAMETERS = 1_000_000  # about 240 MB of Values; the lecture's MLP has 41


def _sizes(*sizes: int) -> list[int]:
    """The layer sizes, checked: positive ints, and not more parameters than MAX_PARAMETERS."""
    if len(sizes) < 2 or any(type(n) is not int or n < 1 for n in sizes):
        raise ValueError(f"layer sizes must be positive ints, at least two, got {list(sizes)}")
    count = sum((nin + 1) * nout for nin, nout in pairwise(sizes))
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"sizes {list(sizes)} make {count:,} parameters, more than {MAX_PARAMETERS:,}"
        )
    return list(sizes)


class Neuron:
    """``tanh(b + w_1 x_1 + ... + w_n x_n)``, the sum added in the lecture's order."""

    def __init__(self, nin: int) -> None:
        _sizes(nin, 1)
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x: Inputs) -> Value:
        return dot(self.w, x, self.b).tanh()

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]


class Layer:
    """``nout`` neurons on the same inputs; their outputs, or the one Value when ``nout == 1``."""

    def __init__(self, nin: int, nout: int) -> None:
        _sizes(nin, nout)
        self.neurons = [Neuron(nin) for _ in range(nout)]

    def __call__(self, x: Inputs) -> Value | list[Value]:
        outs = [neuron(x) for neuron in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self) -> list[Value]:
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP:
    """Layers of sizes ``nin -> nouts[0] -> nouts[1] -> ...``, tanh in every one."""

    def __init__(self, nin: int, nouts: Sequence[int]) -> None:
        sizes = _sizes(nin, *nouts)
        self.layers = [Layer(a, b) for a, b in pairwise(sizes)]

    def __call__(self, x: Inputs) -> Value | list[Value]:
        *hidden, last = self.layers
        for layer in hidden:
            out = layer(x)
            x = [out] if isinstance(out, Value) else out
        return last(x)

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]


def draw_dot(root: Value, rich: bool = False, **options: Any) -> Any:
    """The graph that computed ``root`` as a ``graphviz.Digraph`` (it displays in a notebook).

    By default in the lecture's style: left to right, each Value a record
    ``label | data 2.0000 | grad -1.5000``, each op a small node in front of the Value it made,
    and one arrow per parent (``a + a`` draws two). ``rich=True`` draws this library's picture
    instead (``autograd.viz.draw_graph``): boxes coloured by gradient and each edge labelled
    with its chain-rule step, ``local x upstream = contribution``; ``options`` go to it.
    """
    if rich:
        from autograd.viz import draw_graph

        return draw_graph(root, **{"edge_labels": True, **options})
    if options:
        raise TypeError(f"draw_dot's lecture picture takes no options, got {sorted(options)}")
    from autograd.viz.renderer import digraph

    picture = digraph("micrograd", _lecture_statements(root))
    picture.format = "svg"
    return picture


def _lecture_statements(root: Value) -> list[str]:
    order = topo_order(root)
    if len(order) > MAX_NODES:
        raise ValueError(
            f"draw_dot: the graph has {len(order):,} nodes, more than {MAX_NODES:,}; draw "
            "part of it, or use autograd.viz.draw_graph(root, group_by=...)"
        )
    number = {node: i for i, node in enumerate(order)}
    lines = ["\tgraph [rankdir=LR]\n"]
    for node, i in number.items():
        text = f"{{ {_record(node.label)} | data {node.data:.4f} | grad {node.grad:.4f} }}"
        lines.append(f'\tn{i} [label="{text}", shape=record]\n')
        if node.parents:
            lines.append(f'\tn{i}op [label="{_record(op_text(node, 4))}"]\n\tn{i}op -> n{i}\n')
            lines.extend(f"\tn{number[parent]} -> n{i}op\n" for parent in node.parents)
    return lines


def _record(text: str) -> str:
    """``text`` inside a DOT record label: what a picture cannot show as escapes, and the
    record's field separators, quotes and backslashes escaped."""
    return re.sub(r'([\\{}|<>"])', r"\\\1", visible(text))
