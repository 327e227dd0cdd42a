"""Timing, cyclic-GC share and memory, the three measurements every workload shares."""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any


class GcClock:
    """Seconds spent inside the cyclic garbage collector, read from ``gc.callbacks``."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started

    def close(self) -> None:
        gc.callbacks.remove(self._on_gc)


GC_CLOCK = GcClock()


def timed(prepare: Callable[[], Any], run: Callable[[Any], Any], steps: int) -> tuple[float, float]:
    """Seconds per step of ``steps`` consecutive ``run(state)`` calls, and their GC share.

    The block runs as a user's loop does: the collector on, never forced inside the block, so
    each engine pays for the garbage its own earlier steps leave (micrograd's cycles included).
    Only before the block is the heap collected (untimed), so no engine pays for another's.
    """
    state = prepare()
    gc.collect()
    gc_before = GC_CLOCK.seconds
    start = time.perf_counter()
    for _ in range(steps):
        run(state)
    elapsed = time.perf_counter() - start
    gc_seconds = GC_CLOCK.seconds - gc_before
    del state
    return elapsed / steps, gc_seconds / elapsed


def interleaved(
    engines: dict[str, tuple[Callable[[], Any], Callable[[Any], Any]]], repeats: int, steps: int
) -> dict[str, tuple[float, float]]:
    """Median seconds per step and median GC share per engine, blocks run A B C A B C ..."""
    times: dict[str, list[float]] = {name: [] for name in engines}
    shares: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(repeats):
        for name, (prepare, run) in engines.items():
            per_step, gc_share = timed(prepare, run, steps)
            times[name].append(per_step)
            shares[name].append(gc_share)
    return {n: (statistics.median(times[n]), statistics.median(shares[n])) for n in engines}


def peak_bytes(prepare: Callable[[], Any], run: Callable[[Any], Any]) -> int:
    """Peak bytes allocated by ``run(prepare())`` above what existed before it started."""
    state = prepare()
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        run(state)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - base
