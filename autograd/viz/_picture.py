"""The drawn graph: a ``graphviz.Digraph`` that shows itself in Jupyter through our renderer.

Imported only when a picture is drawn, so the engine never needs ``graphviz``.
"""

from __future__ import annotations

from typing import Any

import graphviz

from autograd.viz._render import RendererNotFoundError, RenderError, run_renderer


class GraphPicture(graphviz.Digraph):  # type: ignore[misc]  # graphviz ships no type hints
    """A ``graphviz.Digraph`` of a computation graph. In a notebook it displays as SVG; on a
    machine without a renderer it displays its DOT source instead of raising."""

    def _repr_svg_(self) -> str:
        return run_renderer(self.source, "svg").decode("utf-8")

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **_: Any
    ) -> dict[str, str]:
        try:
            return {"image/svg+xml": self._repr_svg_(), "text/plain": self.source}
        except (RendererNotFoundError, RenderError) as err:
            return {"text/plain": f"{self.source}\n// not drawn: {err}"}
