"""Whether ops record a graph: ``no_grad()`` turns recording off in one thread.

The setting is kept per thread, as PyTorch keeps it, so a thread running inference inside
``no_grad()`` never changes what another thread's ops record.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from contextlib import ContextDecorator
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])


class _GradMode(threading.local):
    """This thread's setting, and the settings its open ``no_grad`` blocks will restore."""

    def __init__(self) -> None:
        self.enabled = True
        self.saved: list[bool] = []


mode = _GradMode()
# no_grad blocks open in any thread: while there are none, apply() need not read this
# thread's mode (a thread-local read costs about 600 instructions: 3% of a step of the
# random DAG benchmark)
open_blocks = 0
_count_lock = threading.Lock()


class no_grad(ContextDecorator):  # noqa: N801 (named like torch.no_grad, used like a function)
    """Inside ``with no_grad():`` (or in a function decorated ``@no_grad()``) ops build no graph
    in this thread: results are plain leaf Values, for inference and for optimizer updates.
    Other threads are not affected; leaving restores what was set before entering."""

    def __enter__(self) -> no_grad:
        global open_blocks
        with _count_lock:
            open_blocks += 1
        mode.saved.append(mode.enabled)
        mode.enabled = False
        return self

    def __exit__(self, *exc: object) -> None:
        global open_blocks
        mode.enabled = mode.saved.pop()
        with _count_lock:
            open_blocks -= 1

    def __call__(self, func: F) -> F:
        """``@no_grad()``: the function's body runs without a graph; a generator's body too,
        step by step (between its yields the caller's setting holds, as in PyTorch)."""
        if inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func):
            raise TypeError(
                f"@no_grad() cannot cover the awaits of async {func.__qualname__}: other "
                "tasks of this thread would run without a graph too; write 'with no_grad():' "
                "around its lines that need none"
            )
        if not inspect.isgeneratorfunction(func):
            return super().__call__(func)

        @functools.wraps(func)
        def generator(*args: Any, **kwargs: Any) -> Any:
            steps = func(*args, **kwargs)
            resume, value = steps.send, None
            while True:
                with no_grad():
                    try:
                        answer = resume(value)
                    except StopIteration as end:
                        return end.value
                try:
                    value, resume = (yield answer), steps.send
                except GeneratorExit:
                    with no_grad():
                        steps.close()
                    raise
                except BaseException as thrown:  # into the generator, without a graph
                    value, resume = thrown, steps.throw

        return cast(F, generator)


def is_grad_enabled() -> bool:
    """False inside ``no_grad()`` in this thread."""
    return mode.enabled
