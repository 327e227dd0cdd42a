"""Residual connections (He et al., 2015): a layer outputs h = f(z) + x instead of f(z).

Why it helps: dh/dx = f'(z) w + 1, so through a stack of such layers the error signal
delta reaches the early layers through the identity term, undiminished, however small the
f'(z) w factors are (sigmoid's f' is at most 1/4: without the skip, delta shrinks by that
factor or more per layer). The skip needs the layer's output as wide as its input.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value


def add_input(x: Sequence[Value | float], outs: list[Value], names: list[str]) -> list[Value]:
    """h_j = a_j + x_j for each output, labelled ``<names[j]>.res``."""
    sums = [a + xi for a, xi in zip(outs, x, strict=True)]
    for name, h in zip(names, sums, strict=True):
        h.label = f"{name}.res"
    return sums


def check_residual_widths(sizes: Sequence[int]) -> None:
    """An MLP with layer widths ``sizes`` (inputs first) can add each hidden layer's input to
    its output from the second hidden layer on: those layers must keep their input's width."""
    hidden = sizes[1:-1]
    if len(hidden) < 2:
        raise ValueError(
            "residual=True adds each hidden layer's input to its output from the second hidden "
            f"layer on, but this MLP has {len(hidden)} hidden layer(s)"
        )
    for i in range(1, len(hidden)):
        if sizes[i] != sizes[i + 1]:
            raise ValueError(
                f"residual=True: layer layers.{i} maps {sizes[i]} inputs to {sizes[i + 1]} "
                "outputs, but layer(x) + x needs equal widths"
            )
