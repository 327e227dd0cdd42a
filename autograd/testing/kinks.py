"""Is a central difference straddling a kink?

``relu``, ``abs`` and ``leaky_relu`` have a kink at 0: their derivative jumps there and
does not exist. The engine takes a one-sided value (relu'(0) = 0), while the central
difference (f(x + eps) - f(x - eps)) / (2 eps) averages the two sides (1/2 for relu): the two
disagree although neither is wrong. That happens exactly when some kinked op's input lies on
its kink, or crosses it, between the points x - eps e_i, x and x + eps e_i; ``kink_at`` finds
such an op by building the graph at the three points and comparing, op by op, on which side
of its kink each input lies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd.graph import topo_order
from autograd.value import Value


def _graph(f: Callable[..., Any], point: Sequence[float]) -> list[Value] | None:
    try:
        out = f(*(Value(x) for x in point))
    except (ValueError, ArithmeticError):
        return None
    return topo_order(out) if isinstance(out, Value) else None


def _side(x: float, kink: float) -> int:
    return (x > kink) - (x < kink)


def kink_at(f: Callable[..., Any], point: Sequence[float], i: int, eps: float) -> str | None:
    """A sentence naming the first kinked op whose input is on its kink, or crosses it, as
    input ``i`` moves by ``eps`` either side of ``point``; None if there is none (or if the
    graphs at the three points differ in shape, when no op can be matched)."""
    down, up = list(point), list(point)
    down[i] -= eps
    up[i] += eps
    graphs = [_graph(f, p) for p in (down, point, up)]
    if any(g is None for g in graphs) or len({len(g or ()) for g in graphs}) != 1:
        return None
    for nodes in zip(*graphs, strict=True):
        node = nodes[1]
        kinks = node.op.kinks if node.op is not None else ()
        if len({n.op for n in nodes}) != 1 or not kinks:
            continue
        for kink in kinks:
            sides = {_side(n.parents[0].data, kink) for n in nodes}
            if len(sides) > 1:  # on the kink and moving, or crossing it
                name = f"{node.label} ({node.op.name})" if node.label else node.op.name
                value = node.parents[0].data
                where = "at" if value == kink else "within eps of"
                return (
                    f"the input of {name} is {value:.6g} here, {where} its kink {kink:g}, where "
                    "the derivative jumps: central differences average the two sides, the "
                    "engine takes one; check a point further than eps from the kink"
                )
    return None
