"""Deep chains: ``x = -x`` then ``x = x + 0.5``, alternating, so every local derivative is +-1
and the gradient neither vanishes nor explodes however deep the chain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from micrograd.engine import Value as MgValue

from autograd import Value


def build(x: Any, n_nodes: int) -> Any:
    """``n_nodes`` op nodes deep (plus the constant leaves an engine may make)."""
    for _ in range(n_nodes // 2):
        x = x * -1.0
        x = x + 0.5
    return x


def engines(n_nodes: int) -> dict[str, tuple[Callable[[], Any], Callable[[Any], Any]]]:
    def float_run(x: float) -> tuple[float, list[float]]:
        return build(x, n_nodes), []

    def engine_run(x: Any) -> tuple[float, list[float]]:
        out = build(x, n_nodes)
        out.backward()
        return out.data, [x.grad]

    return {
        "floats": (lambda: 0.25, float_run),
        "micrograd": (lambda: MgValue(0.25), engine_run),
        "chainrule": (lambda: Value(0.25), engine_run),
    }


def micrograd_depth_limit(low: int = 2, high: int = 4000) -> int:
    """The longest chain micrograd backpropagates (its topological sort recurses)."""
    while high - low > 2:
        mid = (low + high) // 4 * 2
        try:
            build(MgValue(0.25), mid).backward()
            low = mid
        except RecursionError:
            high = mid
    return low
