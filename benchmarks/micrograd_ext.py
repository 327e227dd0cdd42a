"""tanh and exp for micrograd 0.1.0, written in its own closure style.

micrograd's Value has + * ** relu only. These two functions add what the workloads need
without touching the installed package: each builds an output node and a ``_backward``
closure that adds its local derivative times ``out.grad`` to its input, as micrograd does.
"""

from __future__ import annotations

import math

from micrograd.engine import Value


def tanh(self: Value) -> Value:
    """tanh(x); d/dx = 1 - tanh(x)^2."""
    t = math.tanh(self.data)
    out = Value(t, (self,), "tanh")

    def _backward() -> None:
        self.grad += (1 - t * t) * out.grad

    out._backward = _backward
    return out


def exp(self: Value) -> Value:
    """e^x; d/dx = e^x."""
    e = math.exp(self.data)
    out = Value(e, (self,), "exp")

    def _backward() -> None:
        self.grad += e * out.grad

    out._backward = _backward
    return out
