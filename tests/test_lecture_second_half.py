"""The micrograd lecture's second notebook, cell by cell, on this library's Value.

Cell names and the stored numbers are in tests/lecture_cells.py. The notebook's MLP numbers
(S15, S17, S18) come from an unseeded random start, so they cannot be reproduced; here the
model is seeded with ``random.seed`` and checked against the lecture's arithmetic done by hand
on floats (``reference_step``): the same weights, the same sums in the same order, the chain
rule written out per layer.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest
from lecture_cells import PICTURES, S11_CONSTANTS, boxes_in_svg, lecture_tanh, neuron

from autograd import Value
from autograd.lecture import MLP, Layer, Neuron, draw_dot

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]  # S16
YS = [1.0, -1.0, -1.0, 1.0]


def rendered(root: Value, tmp_path: Path) -> str:
    return Path(draw_dot(root).render(tmp_path / "graph")).read_text(encoding="utf-8")


def test_cell_s7_the_lectures_operators() -> None:
    a = Value(2.0)
    assert [(a**3).data, (2 * a).data, (a / 4).data, (-a).data, (a - 1).data, (1 + a).data] == [
        8.0, 4.0, 0.5, -2.0, 1.0, 3.0,
    ]  # fmt: skip
    assert a.exp().data == math.exp(2.0)


def test_cells_s9_and_s10_the_neuron_after_backward(tmp_path: Path) -> None:
    v = neuron()
    v["o"].backward()
    assert boxes_in_svg(rendered(v["o"], tmp_path)) == PICTURES["S10"]


def test_cell_s11_tanh_written_with_exp(tmp_path: Path) -> None:
    v = neuron()
    e = (2 * v["n"]).exp()
    o = (e - 1) / (e + 1)
    o.label = "o"
    o.backward()
    assert abs(o.data - lecture_tanh(v["n"].data)) <= math.ulp(o.data)
    assert boxes_in_svg(rendered(o, tmp_path)) == PICTURES["S11"] - S11_CONSTANTS
    assert abs(v["n"].grad - 0.5) < 1e-15


def test_cell_s14_the_lectures_modules() -> None:
    random.seed(1)
    expected = [random.uniform(-1, 1) for _ in range(4)]
    random.seed(1)
    unit = Neuron(3)
    assert [p.data for p in unit.parameters()] == expected  # weights first, then the bias
    assert isinstance(Layer(3, 1)([1.0, 2.0, 3.0]), Value)
    assert len(Layer(3, 2)([1.0, 2.0, 3.0])) == 2  # type: ignore[arg-type]
    assert len(MLP(3, [4, 4, 1]).parameters()) == 4 * 4 + 4 * 5 + 5
    with pytest.raises(ValueError, match="as many weights as inputs, got 3 and 2"):
        unit([1.0, 2.0])
    # the lecture's own Neuron, typed on this Value: a chain of + where ours is one dot node,
    # adding in the same order, so the same bits forward and backward
    x = [Value(2.0), Value(3.0), Value(-1.0)]
    typed = sum((wi * xi for wi, xi in zip(unit.w, x, strict=True)), unit.b).tanh()
    typed.backward()
    typed_grads = [v.grad for v in [*unit.parameters(), *x]]
    for v in [*unit.parameters(), *x]:
        v.grad = 0.0
    ours = unit(x)
    ours.backward()
    assert ours.data == typed.data
    assert [v.grad for v in [*unit.parameters(), *x]] == typed_grads


Weights = list[list[list[float]]]  # weights[layer][neuron] is [w_1, ..., w_n, b]


def reference_forward(weights: Weights, x: list[float]) -> list[list[float]]:
    """Each layer's activations on floats: tanh(b + w_1 x_1 + ...), in the lecture's order."""
    activations = [x]
    for layer in weights:
        a = activations[-1]
        sums = [sum(map(math.prod, zip(w[:-1], a, strict=True)), w[-1]) for w in layer]
        activations.append([math.tanh(z) for z in sums])
    return activations


def reference_step(weights: Weights, lr: float) -> float:
    """One step of S17 on floats: the loss sum_k (y_k - t_k)^2 over XS, its gradient by the chain
    rule layer by layer, and ``w -= lr * grad``."""
    grads = [[[0.0] * len(w) for w in layer] for layer in weights]
    loss = 0.0
    for x, target in zip(XS, YS, strict=True):
        activations = reference_forward(weights, x)
        loss += (activations[-1][0] - target) ** 2
        upstream = [2.0 * (activations[-1][0] - target)]
        for depth in reversed(range(len(weights))):
            a, out = activations[depth], activations[depth + 1]
            deltas = [g * (1.0 - y * y) for g, y in zip(upstream, out, strict=True)]
            for j, delta in enumerate(deltas):
                grads[depth][j] = [
                    g + delta * xi for g, xi in zip(grads[depth][j], [*a, 1.0], strict=True)
                ]
            upstream = [
                sum(d * w[i] for d, w in zip(deltas, weights[depth], strict=True))
                for i in range(len(a))
            ]
    for layer, layer_grads in zip(weights, grads, strict=True):
        for w, g in zip(layer, layer_grads, strict=True):
            w[:] = [wi - lr * gi for wi, gi in zip(w, g, strict=True)]
    return loss


def test_cells_s15_to_s18_training_the_mlp() -> None:
    random.seed(0)
    model = MLP(3, [4, 4, 1])
    weights = [
        [[*(p.data for p in n.w), n.b.data] for n in layer.neurons] for layer in model.layers
    ]
    out = model(XS[0])  # S15: the same sums in the same order, so the same bits
    assert isinstance(out, Value)
    assert out.data == reference_forward(weights, XS[0])[-1][0]
    losses, expected = [], []
    for _ in range(20):  # S17
        predictions = [model(x) for x in XS]
        loss = sum((y - t) ** 2 for t, y in zip(YS, predictions, strict=True))
        for p in model.parameters():
            p.grad = 0.0
        loss.backward()
        for p in model.parameters():
            p.data += -0.1 * p.grad
        losses.append(loss.data)
        expected.append(reference_step(weights, 0.1))
    assert losses == pytest.approx(expected, rel=1e-12)
    assert losses[-1] < 0.1 * losses[0]
    predictions = [model(x) for x in XS]  # S18: the predictions approach the targets
    assert [math.copysign(1.0, y.data) for y in predictions] == YS
