"""Neuron, Layer, MLP and Dropout: networks made of Values.

A neuron computes its weighted sum z = w . x + b as one n-ary ``dot`` node, then its
activation a = f(z). It labels the two nodes ``<name>.z`` and ``<name>.a`` (for a linear
neuron z is the output), next to its parameters' labels ``<name>.w.i`` and ``<name>.b``, so
pictures, ``explain()`` and grouping show both, and after ``loss.backward()`` the gradient
dL/dz reaching z, the neuron's delta, is there to read.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from operator import methodcaller

from autograd import Value, dot
from nn.batchnorm import BatchNorm
from nn.init import Initializer, get_initializer
from nn.inputs import check_sample, plain
from nn.module import Module
from nn.residual import add_input, check_residual_widths

Input = Sequence[Value | float]
Output = Value | list[Value]

# methodcallers, not lambdas, so that a model pickles
ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    name: methodcaller(name) for name in ("relu", "leaky_relu", "tanh", "sigmoid")
}
ACTIVATIONS["linear"] = None  # a = z


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
        return self.activate(self.weighted_sum(x))

    def weighted_sum(self, x: Input) -> Value:
        """z = w . x + b, labelled ``<name>.z``."""
        z = dot(self.w, x, self.b)
        z.label = self._z_label
        return z

    def activate(self, z: Value) -> Value:
        """a = f(z), labelled ``<name>.a`` (z itself for a linear neuron). BatchNorm goes
        between ``weighted_sum`` and ``activate``."""
        if self._f is None:
            return z
        a = self._f(z)
        a.label = self._a_label
        return a

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons, each seeing all ``nin`` inputs.

    ``batchnorm=True`` normalises the weighted sums over the batch before the activation,
    a = f(BN(z)) (the original paper's place; ``bn`` holds it). ``residual=True`` adds the
    input to the output, a + x (needs ``nout == nin``), labelled ``<neuron>.res``.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        init: str | Initializer | None = None,
        rng: random.Random | None = None,
        batchnorm: bool = False,
        residual: bool = False,
    ) -> None:
        _check_count(nout, "nout")
        if residual and nin != nout:
            raise ValueError(
                f"a residual layer outputs layer(x) + x, so it needs as many outputs as inputs: "
                f"got {nin} inputs and {nout} outputs"
            )
        rng = rng or random.Random()
        self.neurons = [Neuron(nin, activation, init, rng, fan_out=nout) for _ in range(nout)]
        self.bn = BatchNorm(nout) if batchnorm else None
        self.nin, self.activation, self.residual = nin, activation, residual
        self._label()

    def __call__(self, x: Input) -> list[Value]:
        x = self._inputs(x)
        if self.bn is None:
            return self._add_input(x, [n(x) for n in self.neurons])
        return self._add_input(x, self._activate(self.bn(self._weighted_sums(x))))

    def forward_batch(self, xs: Sequence[Input]) -> list[list[Value]]:
        """A batch of samples; with BatchNorm in training mode, normalised over the batch."""
        if self.bn is None or not self.training:
            return [self(x) for x in xs]
        xs = [self._inputs(x) for x in xs]
        zs = self.bn.forward_batch([self._weighted_sums(x) for x in xs])
        return [self._add_input(x, self._activate(z)) for x, z in zip(xs, zs, strict=True)]

    def _inputs(self, x: Input) -> Sequence[Value]:
        """``x`` as Values: numbers become leaves once, shared by all the layer's neurons
        (not once per neuron); a bare number or a wrong width is an error naming the layer."""
        if not isinstance(x, Sequence):
            x = plain(x)  # a numpy row
        if not isinstance(x, Sequence) or len(x) != self.nin:
            check_sample(x, self.nin, f"layer {self._name}" if self._name else "layer")  # raises
        if all(isinstance(v, Value) for v in x):
            return x  # type: ignore[return-value]
        return [v if isinstance(v, Value) else Value(v) for v in x]

    def _weighted_sums(self, x: Input) -> list[Value]:
        return [n.weighted_sum(x) for n in self.neurons]

    def _activate(self, zs: Sequence[Value]) -> list[Value]:
        return [n.activate(z) for n, z in zip(self.neurons, zs, strict=True)]

    def _add_input(self, x: Input, outs: list[Value]) -> list[Value]:
        return add_input(x, outs, [n._name for n in self.neurons]) if self.residual else outs

    def __repr__(self) -> str:
        return (f"Layer({self.nin}, {len(self.neurons)}, activation={self.activation!r}, "
                f"batchnorm={self.bn is not None}, residual={self.residual})")  # fmt: skip


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
    Dropout after every hidden layer. ``batchnorm=True`` puts a BatchNorm in every hidden
    layer, between z and the activation (train it through ``forward_batch``, as ``nn.fit``
    does). ``residual=True`` makes every hidden layer after the first output a + x (widths
    must match). Calling the model returns a Value when the last layer has one neuron, a list
    of Values otherwise (as micrograd does).
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
        batchnorm: bool = False,
        residual: bool = False,
    ) -> None:
        if not nouts:
            raise ValueError("nouts must list at least one layer size")
        rng, hidden = random.Random(seed), len(nouts) - 1
        sizes = [_check_count(nin, "nin"), *(_check_count(n, "layer size") for n in nouts)]
        if residual:
            check_residual_widths(sizes)
        last = _check_activation(output_activation or "linear")
        acts = [_check_activation(activation)] * hidden + [last]
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                acts[i],
                init,
                rng,
                batchnorm and i < hidden,
                residual and 0 < i < hidden,
            )
            for i in range(len(nouts))
        ]
        self.nin, self.nouts, self.batchnorm, self.residual = nin, list(nouts), batchnorm, residual
        self.activation, self.output_activation = activation, output_activation or "linear"
        self.dropout = Dropout(dropout, rng)
        self._label()

    def __call__(self, x: Input) -> Output:
        outs = self.layers[0](x)
        for layer in self.layers[1:]:
            outs = layer(self.dropout(outs))
        return outs[0] if len(outs) == 1 else outs

    def forward_batch(self, xs: Sequence[Input]) -> list[Output]:
        """The outputs for a batch of samples; in training mode with ``batchnorm=True`` each
        hidden layer sees the whole batch at once (otherwise: the model on each sample)."""
        if not (self.batchnorm and self.training):
            return [self(x) for x in xs]
        outs = self.layers[0].forward_batch(xs)
        for layer in self.layers[1:]:
            outs = layer.forward_batch([self.dropout(o) for o in outs])
        return [o[0] if len(o) == 1 else o for o in outs]

    def __repr__(self) -> str:
        # every setting of the network as it is now (not how its first weights were drawn)
        settings = {"activation": self.activation, "output_activation": self.output_activation,
                    "dropout": self.dropout.p, "batchnorm": self.batchnorm,
                    "residual": self.residual}  # fmt: skip
        shown = ", ".join(f"{k}={v!r}" for k, v in settings.items())
        return f"MLP({self.nin}, {self.nouts}, {shown})"
