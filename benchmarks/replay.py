"""The compiled back ends as benchmark engines: the MLP step and the random DAG replayed.

Each engine's ``prepare`` builds the step and makes its first call (the trace and the
compilation, timed separately by ``first_calls``); the timed ``run`` is the replay: floats in,
the loss and gradients out, then the SGD update of the parameters' ``.data``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import dag
import mlp

import autograd

Engine = tuple[Callable[[], Any], Callable[[Any], Any]]


def mlp_step_function(weights: list[mlp.Layer], data: Any) -> Any:
    model, params, xs, ys = mlp.chainrule_prepare(weights, data)

    def fn(xb: list[list[autograd.Value]], yb: list[autograd.Value]) -> autograd.Value:
        scores = [model(x) for x in xb]
        losses = [(1.0 - y * s).relu() for y, s in zip(yb, scores, strict=True)]
        return autograd.vsum(losses) * (1.0 / len(losses)) + mlp.ALPHA * autograd.dot(
            params, params
        )

    return fn, params, xs, ys


def mlp_prepare(weights: list[mlp.Layer], data: Any, backend: str) -> Any:
    fn, params, xs, ys = mlp_step_function(weights, data)
    step = autograd.compile_step(fn, params, backend=backend)
    if backend == "tensor":  # its inputs as arrays, as they would be for array code
        import numpy as np

        xs, ys = np.array(xs), np.array(ys)
    step(xs, ys)
    return step, params, xs, ys


def mlp_run(state: Any) -> tuple[float, list[float]]:
    step, params, xs, ys = state
    loss, grads, _ = step(xs, ys)
    for p, g in zip(params, grads, strict=True):
        p.data -= mlp.ETA * g
    return loss, grads


def mlp_engines(
    backends: tuple[str, ...] = ("tensor", "rolled", "straight", "interpreter"),
) -> dict[str, Engine]:
    weights, data = mlp.initial_weights(), mlp.moons()
    return {
        f"compiled {b}": ((lambda b=b: mlp_prepare(weights, data, b)), mlp_run)  # type: ignore[misc]
        for b in backends
    }


def dag_prepare(n_nodes: int, backend: str) -> Any:
    inputs, rows = dag.structure(n_nodes)
    leaves = [autograd.Value(x) for x in inputs]
    step = autograd.compile_step(lambda: dag.forward(dag.CHAINRULE_OPS, leaves, rows), leaves,
                                 backend=backend)  # fmt: skip
    step()
    return step


def dag_run(step: Any) -> tuple[float, list[float]]:
    loss, grads, _ = step()
    return loss, grads


def dag_engines(
    n_nodes: int, backends: tuple[str, ...] = ("straight", "interpreter")
) -> dict[str, Engine]:
    return {
        f"compiled {b}": ((lambda b=b: dag_prepare(n_nodes, b)), dag_run)  # type: ignore[misc]
        for b in backends
    }


def first_calls(n_nodes: int) -> list[tuple[str, float, float]]:
    """(what, seconds of the first call, of which compiling) for each back end."""
    rows = []
    for backend in ("tensor", "rolled", "straight", "interpreter"):
        weights, data = mlp.initial_weights(), mlp.moons()
        fn, params, xs, ys = mlp_step_function(weights, data)
        step = autograd.compile_step(fn, params, backend=backend)
        start = time.perf_counter()
        step(xs, ys)
        total = time.perf_counter() - start
        assert step.last is not None
        rows.append((f"MLP step, {backend}", total, step.last.seconds))
    inputs, dag_rows = dag.structure(n_nodes)
    for backend in ("straight", "interpreter"):
        leaves = [autograd.Value(x) for x in inputs]

        def fn(leaves: list[autograd.Value] = leaves) -> autograd.Value:
            return dag.forward(dag.CHAINRULE_OPS, leaves, dag_rows)  # type: ignore[no-any-return]

        step = autograd.compile_step(fn, leaves, backend=backend)
        start = time.perf_counter()
        step()
        total = time.perf_counter() - start
        assert step.last is not None
        rows.append((f"random DAG, {backend}", total, step.last.seconds))
    return rows
