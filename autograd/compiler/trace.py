"""Tracing: run a step once with Values and keep its graph as a tape.

The traced function gets one leaf Value per input float (the arguments may be nested lists,
a batch of rows); the parameters are Values it already holds. Its graph is recorded parents
first, each leaf marked as a parameter, an input (with its row) or a constant.

A trace is only valid for other inputs if the function did not look at the numbers: a Python
``if`` on ``x.data`` takes a branch the replay would never re-check. While tracing, every read
of ``.data`` by code outside the engine is caught (the attribute is swapped for a watching
property for the duration), and such a trace is refused with :class:`DataDependentTraceError`.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd.graph import topo_order
from autograd.value import Value, apply

ENGINE_FILES = {os.path.join(os.path.dirname(os.path.dirname(__file__)), "value.py")}
_SLOT = Value.__dict__["data"]
_ENGINE_FILE = apply.__code__.co_filename
_lock = threading.RLock()  # a traced function may itself trace another


class DataDependentTraceError(Exception):
    """The traced function read ``.data`` of a Value: its graph may depend on the numbers."""


@dataclass
class Tape:
    """A traced graph. ``nodes`` are the op nodes parents first; ``root`` the loss; ``outputs``
    the extra Values whose numbers a step returns (a model's outputs, for accuracy).
    ``params`` the parameter Values in the caller's order; ``inputs`` the input leaves in the
    order of the flattened arguments, with ``row_of`` their row (the index along the first
    axis of a list argument) and ``shape`` the arguments' nesting (floats as None)."""

    root: Value
    nodes: list[Value]
    params: list[Value]
    inputs: list[Value]
    shape: Any
    outputs: Any = None
    row_of: dict[Value, int] = field(default_factory=dict)
    param_index: dict[Value, int] = field(default_factory=dict)
    input_index: dict[Value, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.param_index = {p: i for i, p in enumerate(self.params)}
        self.input_index = {x: i for i, x in enumerate(self.inputs)}

    def output_values(self) -> list[Value]:
        """The Values among ``outputs``, flattened in order."""
        return _flatten_values(self.outputs)


def shape_of(arg: Any) -> Any:
    """The nesting of an argument: None for a number, a tuple of shapes for a list."""
    if isinstance(arg, (list, tuple)):
        return tuple(shape_of(a) for a in arg)
    return None


def _lift(arg: Any, inputs: list[Value], rows: dict[Value, int], row: int) -> Any:
    if isinstance(arg, (list, tuple)):
        return [_lift(a, inputs, rows, row) for a in arg]
    leaf = Value(arg)
    inputs.append(leaf)
    if row >= 0:
        rows[leaf] = row
    return leaf


def _flatten_values(obj: Any) -> list[Value]:
    if isinstance(obj, Value):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return [v for o in obj for v in _flatten_values(o)]
    return []


def trace(fn: Callable[..., Any], params: Sequence[Value], args: Sequence[Any]) -> Tape:
    """Call ``fn`` on leaf Values made from ``args`` and record its graph. ``fn`` returns the
    loss, or ``(loss, outputs)``. Raises :class:`DataDependentTraceError` if it read ``.data``."""
    inputs: list[Value] = []
    rows: dict[Value, int] = {}
    lifted = []
    for arg in args:
        if isinstance(arg, (list, tuple)):
            lifted.append([_lift(a, inputs, rows, i) for i, a in enumerate(arg)])
        else:
            lifted.append(_lift(arg, inputs, rows, -1))
    reads = _watching_data(fn, lifted)
    result, where = reads
    if where:
        raise DataDependentTraceError(
            f"the traced function reads .data ({where}): its graph may depend on the numbers"
        )
    root, outputs = (result, None) if isinstance(result, Value) else (result[0], result[1])
    if not isinstance(root, Value):
        raise TypeError(f"a compiled step returns a Value (the loss), got {type(root).__name__}")
    nodes = [n for n in topo_order(root) if n.parents]
    seen = set(nodes)
    for out in _flatten_values(outputs):
        if out in seen or not out.parents:
            continue
        for n in topo_order(out):
            if n.parents and n not in seen:
                seen.add(n)
                nodes.append(n)
    shape = tuple(shape_of(a) for a in args)
    return Tape(root, nodes, list(params), inputs, shape, outputs, rows)


def _watching_data(fn: Callable[..., Any], lifted: list[Any]) -> tuple[Any, str]:
    """``fn(*lifted)`` with reads of ``Value.data`` from outside the engine recorded."""
    thread, where = threading.get_ident(), list[str]()
    engine, get_frame, get_slot = _ENGINE_FILE, sys._getframe, _SLOT.__get__

    def read(value: Value) -> float:
        frame = get_frame(1)
        # every module's code shares one filename object: an identity test is the cheapest
        if frame.f_code.co_filename is not engine and not where:
            code = frame.f_code
            if code.co_filename not in ENGINE_FILES and threading.get_ident() == thread:
                file = os.path.basename(code.co_filename)
                where.append(f"{code.co_name} in {file}, line {frame.f_lineno}")
        return get_slot(value)  # type: ignore[no-any-return]

    with _lock:
        outer = Value.__dict__["data"]  # the slot, or an enclosing trace's watch
        Value.data = property(read, _SLOT.__set__)  # type: ignore[assignment]
        try:
            result = fn(*lifted)
        finally:
            Value.data = outer
    return result, where[0] if where else ""
