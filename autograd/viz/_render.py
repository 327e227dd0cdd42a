"""Finding a Graphviz renderer, running it, and writing files whole.

The renderer is looked up in this order:

1. ``$CHAINRULE_DOT``, a path to a ``dot``-compatible program (an explicit choice: if it
   does not exist that is an error, not a reason to quietly use another one);
2. ``graphviz-pure`` (pip-installed with ``chainrule[viz]``) next to the running Python, which
   works when the virtual environment is not activated, then on ``PATH``;
3. Graphviz's own ``dot`` on ``PATH``.

``graphviz-pure`` cannot write PDF; for PDF a system ``dot`` is used when there is one.
Standard library only: the ``graphviz`` package is not needed to write a file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ENV_VAR = "CHAINRULE_DOT"
PURE = "graphviz-pure"
FORMATS = ("svg", "png", "pdf")  # PNGs are drawn at 144 dpi: sharp on a high-density screen
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


def run_renderer(dot_source: str, fmt: str) -> bytes:
    """``dot_source`` drawn as ``fmt`` by the renderer :func:`find_renderer` picks."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown picture format {fmt!r}: choose one of {', '.join(FORMATS)}")
    program = find_renderer(fmt)
    done = subprocess.run(
        [str(program), "-Kdot", f"-T{fmt}", *(["-Gdpi=144"] if fmt == "png" else [])],
        input=dot_source.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip() or "no output"
        raise RenderError(f"{program} -T{fmt} failed (exit {done.returncode}): {message}")
    return done.stdout


def use_for_graphviz_package() -> None:
    """Point the ``graphviz`` package at our renderer, so a drawn ``Digraph`` displays and
    renders with it. Its module attribute ``dot_command.DOT_BINARY`` is the one it reads
    (``graphviz.backend.DOT_BINARY`` is a copy and changing it has no effect)."""
    from graphviz.backend import dot_command

    # without a renderer graphviz keeps its default; displaying then shows the DOT text
    with contextlib.suppress(RendererNotFoundError):
        dot_command.DOT_BINARY = find_renderer("svg")
