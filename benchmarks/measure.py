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


def timed(prepare: Callable[[], Any], run: Callable[[Any], Any]) -> tuple[float, float]:
    """Seconds for ``run(prepare())`` and the seconds of it spent in the cyclic GC.

    The garbage of earlier runs is collected first (untimed), so one engine's cycles are
    never charged to the next; a run's own leftover cycles are not charged to it either,
    which flatters engines that leave cycles behind (micrograd) rather than us.
    """
    state = prepare()
    gc.collect()
    gc_before = GC_CLOCK.seconds
    start = time.perf_counter()
    run(state)
    elapsed = time.perf_counter() - start
    gc_seconds = GC_CLOCK.seconds - gc_before
    del state
    return elapsed, gc_seconds


def interleaved(
    engines: dict[str, tuple[Callable[[], Any], Callable[[Any], Any]]], repeats: int
) -> dict[str, tuple[float, float]]:
    """Median seconds and median GC share per engine, running them A B C A B C ..."""
    times: dict[str, list[float]] = {name: [] for name in engines}
    shares: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(repeats):
        for name, (prepare, run) in engines.items():
            elapsed, gc_seconds = timed(prepare, run)
            times[name].append(elapsed)
            shares[name].append(gc_seconds / elapsed)
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
