"""micrograd's neuron, o = tanh(x1 w1 + x2 w2 + b) with every node labelled: the graph the
picture, page and browser tests draw."""

from __future__ import annotations

from autograd import Value


def micrograd_neuron() -> tuple[Value, dict[str, Value]]:
    """The output ``o`` and the nodes by label (x1, x2, w1, w2, b, n, o)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n, "o": o}
