"""The backward pass: the chain rule applied once per edge, in reverse topological order.

Write ``delta(v) = dL/dv`` for the gradient of the output ``L`` with respect to a node ``v``.
Starting from ``delta(L)``, each node ``out``, last first, passes its delta to each parent::

    delta(parent) += d out / d parent  *  delta(out)
                     (local partial)      (upstream)

The local partials come from the op's rule in ``autograd.ops``. This is the only chain-rule
loop of the engine: ``backward()``, ``grad()`` (on floats, or on Values for
``create_graph=True``) and ``explain()`` all run it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from autograd.errors import all_finite, backward_error
from autograd.graph import N, topo_order

data_of = attrgetter("data")  # a Value's float, for map() over parents
# called once per edge, for explain(): (parent, out, local, upstream, contribution, delta(parent))
EdgeHook = Callable[[N, N, Any, Any, Any, Any], None]


def local_partials(node: N, on_values: bool = False) -> tuple[Any, ...]:
    """``d node / d parent`` for each parent, from the op's rule: on floats, or on Values
    (whose graph can be differentiated again) when ``on_values``."""
    op = node.op
    if op is None:
        return ()
    if on_values:
        return op.partials_at(node, node.parents, node.param)
    return op.partials_at(node.data, map(data_of, node.parents), node.param)


def _partials_if_finite(node: N) -> tuple[Any, ...]:
    """The Values' partials of ``node``, or none where its rule fails or is not finite."""
    try:
        partials = local_partials(node, on_values=True)
    except (ValueError, ArithmeticError):
        return ()
    finite = all(math.isfinite(getattr(p, "data", p)) for p in partials)
    return partials if finite else ()


def _add_zero(earlier: Any, zero: Any) -> Any:
    """``earlier + zero`` for a Value ``zero`` whose data is 0.0 or -0.0, with the data the
    float reading has, which adds nothing (0.0 where there was nothing): the graph keeps
    ``zero``'s derivatives, the signs of zeros stay those of floats. (``-z + 0.0`` is +0.0
    whatever the sign of z, and ``e - 0.0`` is e, -0.0 included.)"""
    if earlier is None:
        return zero + 0.0
    return earlier - (-zero + 0.0)


def _check_overflow(node: N, upstream: Any, earlier: Any) -> None:
    """A non-finite gradient made from finite numbers (the inputs, the op's number, the
    upstream and earlier gradients) overflowed: an error naming the node, never a silent
    inf. On Values most overflows are already errors of ``apply``; this catches those of a
    rule's arithmetic on plain numbers (``1.0 / c`` for a tiny c)."""
    grads = [upstream] if earlier is None else [upstream, earlier]
    made_of = [*(getattr(g, "data", g) for g in grads), *map(data_of, node.parents)]
    if all_finite(made_of, node.param):
        raise OverflowError("a gradient beyond 1.8e308 is not finite")


def backpropagate(
    root: N, seed: Any, on_values: bool = False, on_edge: EdgeHook[N] | None = None
) -> tuple[list[N], dict[N, Any]]:
    """The graph's nodes (parents first) and ``delta`` of each node the chain rule reached,
    starting from ``delta(root) = seed``; no ``.grad`` is touched.

    A node whose delta is exactly 0 passes nothing on: every contribution it would make is
    0 (a dead ReLU's inputs, say), so on floats its partials are not even computed. On Values
    the delta is a graph whose derivatives need not be 0 (``d/dz`` of ``x*y*z``'s ``d/dx`` at
    z = 0 is y), so the rule still runs; only where it fails or is not finite (``sqrt`` at 0)
    does the node pass nothing, the value every reading then agrees on. A gradient that
    overflows a float is an error naming the node in both readings.
    """
    order = topo_order(root)
    delta: dict[N, Any] = {root: seed}
    node = root
    try:
        for node in reversed(order):
            upstream = delta.get(node)
            if upstream is None or not node.parents:
                continue
            zero = upstream.data == 0.0 if on_values else upstream == 0.0
            if not on_values:
                if zero:
                    continue
                partials = local_partials(node)
            elif zero:
                partials = _partials_if_finite(node)
                if not partials:
                    continue
            else:
                partials = local_partials(node, on_values)
            for parent, local in zip(node.parents, partials, strict=True):
                contribution = upstream if local == 1.0 else local * upstream
                earlier = delta.get(parent)
                if zero:  # on Values only: floats with a zero upstream were skipped
                    total = _add_zero(earlier, contribution)
                else:
                    total = contribution if earlier is None else earlier + contribution
                delta[parent] = total
                # this and the zero test above: 2.8% more instructions on the demo step (callgrind)
                if not math.isfinite(total.data if on_values else total):
                    _check_overflow(node, upstream, earlier)
                if on_edge is not None:
                    on_edge(parent, node, local, upstream, contribution, total)
    except (ValueError, ArithmeticError) as err:
        raise backward_error(node.op, [p.data for p in node.parents], err) from None
    return order, delta
