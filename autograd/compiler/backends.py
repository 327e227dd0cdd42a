"""The back ends behind one call: which one replays a traced structure, and how.

``straight`` writes the whole step as one function (fastest to run, compiled in about 30 us a
node); ``rolled`` writes one row's code in a loop when the step is one graph per row of a
batch (fast, and compiled in milliseconds at any batch size); ``tensor`` writes the same
batch as numpy over [batch, width] arrays, one line per group of like nodes (the fastest
where numpy is installed); ``interpreter`` runs a flat program over a list of floats, for
graphs beyond ``STRAIGHT_LIMIT`` nodes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograd.compiler import interpreter, rolled, straight
from autograd.compiler.trace import Tape

Result = tuple[float, list[float], list[float]]


@dataclass
class Compiled:
    """One structure's replay: the function, its back end, its source and compile time."""

    run: Callable[..., Result]
    backend: str
    source: str
    shape: Any
    seconds: float
    nodes: int
    outputs: Any = None  # the nesting of the extra outputs (None for a Value)


def has_numpy() -> bool:
    """numpy can be imported: ``auto`` then prefers the tensor back end where a step rolls."""
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def compile_tape(tape: Tape, backend: str = "auto", exact: bool = True) -> Compiled:
    """The replay of one traced structure with the chosen back end (``auto``: when the graph
    is one example's graph repeated per row, the tensor back end if numpy is installed, else
    rolled; otherwise straight-line up to its size limit, the interpreter beyond)."""
    if backend in ("auto", "rolled", "tensor"):
        plan = rolled.plan(tape)
        if plan is not None and (backend == "tensor" or (backend == "auto" and has_numpy())):
            from autograd.compiler import tensor

            built = tensor.build(tape, plan, exact)
            if built is not None:
                return Compiled(built[0], "tensor", built[1], tape.shape, 0.0, len(tape.nodes))
        if backend == "tensor":
            raise ValueError("this step is not one graph per row of a batch: no tensor form")
        if plan is not None:
            source = rolled.rolled_source(tape, plan)
            return Compiled(
                straight.build(source), "rolled", source, tape.shape, 0.0, len(tape.nodes)
            )
        if backend == "rolled":
            raise ValueError("this step is not one graph per row of a batch: it cannot be rolled")
    if backend == "interpreter" or (
        backend == "auto" and len(tape.nodes) > straight.STRAIGHT_LIMIT
    ):
        run = interpreter.program(tape)
        return Compiled(
            run, "interpreter", interpreter.listing(tape), tape.shape, 0.0, len(tape.nodes)
        )
    source = straight.straight_source(tape)
    return Compiled(straight.build(source), "straight", source, tape.shape, 0.0, len(tape.nodes))
