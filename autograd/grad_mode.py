"""Whether ops record a graph: ``no_grad()`` turns recording off in one thread.

The setting is kept per thread, as PyTorch keeps it, so a thread running inference inside
``no_grad()`` never changes what another thread's ops record.
"""

from __future__ import annotations

import threading
from contextlib import ContextDecorator


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


def is_grad_enabled() -> bool:
    """False inside ``no_grad()`` in this thread."""
    return mode.enabled
