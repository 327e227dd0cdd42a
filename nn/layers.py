"""Neuron, Layer, MLP and Dropout: networks made of Values.

A neuron computes z = w . x + b as one n-ary ``dot`` node, then a = f(z). Each neuron labels
the nodes it makes ``<name>.z`` and ``<name>.a`` (for a linear neuron z is the output), next
to its parameters' labels ``<name>.w.i`` and ``<name>.b``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from autograd import Value, dot
from nn.init import Initializer, get_initializer
from nn.module import Module

Input = Sequence[Value | float]
Output = Value | list[Value]

ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "relu": Value.relu,
    "leaky_relu": Value.leaky_relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": None,  # a = z
}


def _check_activation(activation: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}: choose one of {', '.join(ACTIVATIONS)}"
        )
    return activation


def _check_count(n: object, what: str) -> int:
    if type(n) is not int or n < 1:
        raise ValueError(f"{what} must be a positive int, got {n!r}")
    return n


class Neuron(Module):
    """z = w . x + b, a = f(z) with f one of ``ACTIVATIONS``."""

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        init: str | Initializer | None = None,
        rng: random.Random | None = None,
        fan_out: int = 1,
    ) -> None:
        _check_count(nin, "nin")
        self.activation = _check_activation(activation)
        draw, rng = get_initializer(init, activation), rng or random.Random()
        self.w = [Value(draw(nin, fan_out, rng)) for _ in range(nin)]
        self.b = Value(0.0)
        self._f = ACTIVATIONS[activation]
        self._label()

    def _on_named(self) -> None:
        prefix = f"{self._name}." if self._name else ""
        self._z_label, self._a_label = f"{prefix}z", f"{prefix}a"

    def __call__(self, x: Input) -> Value:
        z = dot(self.w, x, self.b)
        z.label = self._z_label
        if self._f is None:
            return z
        a = self._f(z)
        a.label = self._a_label
        return a

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons, each seeing all ``nin`` inputs."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        init: str | Initializer | None = None,
        rng: random.Random | None = None,
    ) -> None:
        _check_count(nout, "nout")
        rng = rng or random.Random()
        self.neurons = [Neuron(nin, activation, init, rng, fan_out=nout) for _ in range(nout)]
        self.nin, self.activation = nin, activation
        self._label()

    def __call__(self, x: Input) -> list[Value]:
        if len(x) != self.nin:
            name = f" {self._name}" if self._name else ""
            raise ValueError(f"layer{name} expects {self.nin} inputs, got {len(x)}")
        return [n(x) for n in self.neurons]

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {len(self.neurons)}, activation={self.activation!r})"


class Dropout(Module):
    """In training mode, zero each input with probability ``p`` and scale the rest by 1/(1-p)
    (so the expected activation is unchanged); in eval mode, pass inputs through."""

    def __init__(self, p: float = 0.5, seed: int | random.Random | None = None) -> None:
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout probability must be in [0, 1), got {p!r}")
        self.p = p
        self._rng = seed if isinstance(seed, random.Random) else random.Random(seed)

    def __call__(self, x: Sequence[Value]) -> list[Value]:
        if not self.training or self.p == 0.0:
            return list(x)
        keep = 1.0 / (1.0 - self.p)
        return [v * (0.0 if self._rng.random() < self.p else keep) for v in x]

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"


class MLP(Module):
    """A multi-layer perceptron: ``nin`` inputs, then one Layer per entry of ``nouts``.

    Hidden layers use ``activation``, the last uses ``output_activation`` (``None``: linear).
    ``seed`` draws the initial weights from a private ``random.Random``. ``dropout`` > 0 adds
    Dropout after every hidden layer. Calling the model returns a Value when the last layer
    has one neuron, a list of Values otherwise (as micrograd does).
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str | None = None,
        init: str | Initializer | None = None,
        seed: int | None = None,
        dropout: float = 0.0,
    ) -> None:
        if not nouts:
            raise ValueError("nouts must list at least one layer size")
        rng = random.Random(seed)
        sizes = [_check_count(nin, "nin"), *(_check_count(n, "layer size") for n in nouts)]
        last = _check_activation(output_activation or "linear")
        acts = [_check_activation(activation)] * (len(nouts) - 1) + [last]
        self.layers = [Layer(sizes[i], sizes[i + 1], acts[i], init, rng) for i in range(len(nouts))]
        self.nin, self.nouts = nin, list(nouts)
        self.activation, self.output_activation = activation, output_activation or "linear"
        self.dropout = Dropout(dropout, rng)
        self._label()

    def __call__(self, x: Input) -> Output:
        outs = self.layers[0](x)
        for layer in self.layers[1:]:
            outs = layer(self.dropout(outs))
        return outs[0] if len(outs) == 1 else outs

    def __repr__(self) -> str:
        return f"MLP({self.nin}, {self.nouts}, activation={self.activation!r})"
