"""The worked 2-2-1 sigmoid example of docs/backprop.md and notebook 02, built from Values.

A 2-2-1 network with sigmoid units, input x = [0.5, 0.8], target y = 1, squared-error loss
L = 1/2 (y - a_o)^2. The weights are chosen to give round weighted sums: z_h = [0.1, 0.3],
z_o = 0.2 with w_o = [0.4, 0.6]. The engine's deltas and gradients are checked against the
three-decimal values and, exactly, against the delta formulas
delta_o = (a_o - y) sigma'(z_o) and delta_h = (w_o^T delta_o) * sigma'(z_h).
"""

import math
from typing import Any

from autograd import Value, dot, grad


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def two_two_one() -> dict[str, Any]:
    x = [Value(0.5, label="x1"), Value(0.8, label="x2")]
    w_h = [[Value(0.1), Value(0.1)], [Value(0.2), Value(0.2)]]
    b_h = [Value(0.1 - 0.13), Value(0.3 - 0.26)]  # w_h x = [0.13, 0.26]
    z_h = [dot(w, x, b) for w, b in zip(w_h, b_h, strict=True)]
    a_h = [z.sigmoid() for z in z_h]
    w_o = [Value(0.4), Value(0.6)]
    b_o = Value(0.2 - 0.4 * sigmoid(0.1) - 0.6 * sigmoid(0.3))
    z_o = dot(w_o, a_h, b_o)
    a_o = z_o.sigmoid()
    loss = 0.5 * (1.0 - a_o) ** 2
    return {"z_h": z_h, "a_h": a_h, "z_o": z_o, "a_o": a_o, "loss": loss, "w_o": w_o, "w_h": w_h}


def r3(values: list[float]) -> list[float]:
    return [round(v, 3) for v in values]


def test_forward_pass() -> None:
    net = two_two_one()
    assert r3([z.data for z in net["z_h"]]) == [0.1, 0.3]
    assert r3([a.data for a in net["a_h"]]) == [0.525, 0.574]
    assert round(net["z_o"].data, 3) == 0.2
    assert round(net["a_o"].data, 3) == 0.550
    assert round(net["loss"].data, 6) == 0.101325


def test_deltas_and_weight_gradients() -> None:
    net = two_two_one()
    loss, z_o, z_h = net["loss"], net["z_o"], net["z_h"]
    delta_o, *delta_h = grad(loss, [z_o, *z_h])  # delta = dL/dz
    assert round(delta_o, 3) == -0.111
    assert r3(delta_h) == [-0.011, -0.016]
    loss.backward()
    assert r3([w.grad for w in net["w_o"]]) == [-0.058, -0.064]
    assert [r3([w.grad for w in row]) for row in net["w_h"]] == [
        [-0.006, -0.009],
        [-0.008, -0.013],
    ]


def test_engine_deltas_equal_the_delta_formulas_exactly() -> None:
    net = two_two_one()
    a_o, a_h = net["a_o"].data, [a.data for a in net["a_h"]]
    delta_o = (a_o - 1.0) * a_o * (1 - a_o)  # (a_L - y) * sigma'(z_L)
    # delta_h = (w_o^T delta_o) * sigma'(z_h)
    delta_h = [w * delta_o * a * (1 - a) for w, a in zip([0.4, 0.6], a_h, strict=True)]
    engine = grad(net["loss"], [net["z_o"], *net["z_h"]])
    assert engine[0] == delta_o
    for got, want in zip(engine[1:], delta_h, strict=True):
        assert abs(got - want) < 1e-16
