"""Finding a Graphviz renderer, running it, and the errors it raises; the ``graphviz`` package's
``Digraph`` pointed at it for notebooks.

The renderer is looked up in this order:

1. ``$CHAINRULE_DOT``, a path to a ``dot``-compatible program (an explicit choice: if it
   does not exist that is an error, not a reason to quietly use another one);
2. ``graphviz-pure`` (pip-installed with ``chainrule[viz]``) next to the running Python, which
   works when the virtual environment is not activated, then on ``PATH``;
3. Graphviz's own ``dot`` on ``PATH``.

``graphviz-pure`` cannot write PDF; for PDF a system ``dot`` is used when there is one.
Standard library only: the ``graphviz`` package is imported only by :func:`digraph`, so it is
not needed to write a file.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ENV_VAR = "CHAINRULE_DOT"
PURE = "graphviz-pure"
FORMATS = ("svg", "png", "pdf")  # PNGs are drawn at 144 dpi: sharp on a high-density screen
RENDER_TIMEOUT = 300.0  # seconds a picture may take to lay out, unless timeout= says otherwise
PROGRESS_EVERY = 30.0  # seconds between "still laying out" messages of a huge picture
_HOW_TO_GET_ONE = (
    "install the viz extra (pip install 'chainrule[viz]', which brings graphviz-pure), "
    f"install Graphviz (its dot program), or set {ENV_VAR} to the path of a dot program"
)


class RendererNotFoundError(RuntimeError):
    """No program that turns DOT text into the requested picture format was found."""


class RenderError(RuntimeError):
    """The renderer ran but failed; the message holds its error output."""


def find_renderer(fmt: str = "svg") -> Path:
    """The program that draws ``fmt`` (svg, png or pdf), following the order above."""
    configured = os.environ.get(ENV_VAR, "")
    if configured:
        path = Path(configured)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise RendererNotFoundError(f"{ENV_VAR}={configured!r} is not an executable file")
        return path
    pure = shutil.which(PURE, path=str(Path(sys.executable).parent)) or shutil.which(PURE)
    system_dot = shutil.which("dot")
    if fmt == "pdf" and system_dot:
        return Path(system_dot)
    if pure:
        if fmt == "pdf":
            raise RendererNotFoundError(
                f"{PURE} (found at {pure}) cannot write PDF and Graphviz's dot is not on PATH: "
                f"render .svg or .png, or install Graphviz or set {ENV_VAR} to its dot"
            )
        return Path(pure)
    if system_dot:
        return Path(system_dot)
    raise RendererNotFoundError(f"no Graphviz renderer found: {_HOW_TO_GET_ONE}")


def run_renderer(
    dot_source: str, fmt: str, timeout: float | None = None, progress: str = ""
) -> bytes:
    """``dot_source`` drawn as ``fmt`` by the renderer :func:`find_renderer` picks.

    ``timeout``: seconds after which the renderer is stopped and RenderError raised (None:
    no limit). ``progress``: what is being drawn, for a line on stderr at the start and every
    ``PROGRESS_EVERY`` seconds (empty: no messages)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown picture format {fmt!r}: choose one of {', '.join(FORMATS)}")
    program = find_renderer(fmt)
    command = [str(program), "-Kdot", f"-T{fmt}", *(["-Gdpi=144"] if fmt == "png" else [])]
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        out, err = _communicate(process, dot_source.encode("utf-8"), timeout, progress, program)
    finally:
        if process.poll() is None:  # stopped by the time limit, an interrupt or an error
            process.kill()
            process.wait()
    if process.returncode != 0 or not out:
        message = err.decode("utf-8", "replace").strip() or "no output"
        raise RenderError(f"{program} -T{fmt} failed (exit {process.returncode}): {message}")
    return out


def _communicate(
    process: subprocess.Popen[bytes],
    data: bytes | None,
    timeout: float | None,
    progress: str,
    program: Path,
) -> tuple[bytes, bytes]:
    start = time.monotonic()
    if progress:
        _say(f"{progress}: laying out; this can take minutes")
    while True:
        elapsed = time.monotonic() - start
        waits = [PROGRESS_EVERY] if progress else []
        if timeout is not None:
            waits.append(max(timeout - elapsed, 0.0))
        try:
            return process.communicate(data, timeout=min(waits) if waits else None)
        except subprocess.TimeoutExpired:
            data = None  # handed over already: the retry only collects the output
        elapsed = time.monotonic() - start
        if timeout is not None and elapsed >= timeout:
            raise RenderError(
                f"{program} did not finish laying out the picture in {timeout:g} s and "
                "was stopped: draw fewer nodes (group_by=..., or an inner node as root), or "
                "allow more time (timeout=...)"
            )
        if progress:
            _say(f"{progress}: still laying out after {elapsed:.0f} s")


def _say(message: str) -> None:
    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()


def use_for_graphviz_package() -> None:
    """Point the ``graphviz`` package at our renderer, so a drawn ``Digraph`` displays and
    renders with it. Its module attribute ``dot_command.DOT_BINARY`` is the one it reads
    (``graphviz.backend.DOT_BINARY`` is a copy and changing it has no effect)."""
    from graphviz.backend import dot_command

    # without a renderer graphviz keeps its default; displaying then shows the DOT text
    with contextlib.suppress(RendererNotFoundError):
        dot_command.DOT_BINARY = find_renderer("svg")


def digraph(name: str, body: list[str]) -> Any:
    """A ``graphviz.Digraph`` of DOT statements that displays as SVG in Jupyter through our
    renderer, and as its DOT source (instead of raising) on a machine without one."""
    use_for_graphviz_package()
    return _digraph_class()(name, body=body)


@functools.cache
def _digraph_class() -> type:
    import graphviz

    class GraphPicture(graphviz.Digraph):  # type: ignore[misc]  # graphviz has no type hints
        def _repr_svg_(self) -> str:
            return run_renderer(self.source, "svg").decode("utf-8")

        def _repr_mimebundle_(
            self, include: Any = None, exclude: Any = None, **_: Any
        ) -> dict[str, str]:
            try:
                return {"image/svg+xml": self._repr_svg_(), "text/plain": self.source}
            except (RendererNotFoundError, RenderError) as err:
                return {"text/plain": f"{self.source}\n// not drawn: {err}"}

    return GraphPicture
