"""A picture per step of the backward pass, to step through in a notebook.

Step 0 shows the seed ``delta(L) = 1``; step k shows the k-th node to pass its gradient on,
outlined, its input edges labelled ``local x upstream = contribution``, and every gradient
known so far (``?`` where the chain rule has not arrived yet). No ``.grad`` is touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

from autograd.value import Value
from autograd.viz.explain import backward_steps_rows, step_caption
from autograd.viz.picture import DrawOptions, source, statements
from autograd.viz.renderer import run_renderer
from autograd.viz.style import number


class BackwardSteps(Sequence[str]):
    """The SVG pictures of a backward pass (a sequence of SVG strings) and their captions.

    In a notebook it displays as a slider over the steps when ipywidgets is installed (the
    ``notebooks`` extra), otherwise as the pictures one under the other."""

    def __init__(self, pictures: list[str], captions: list[str]) -> None:
        self.pictures, self.captions = pictures, captions

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self.pictures[index]

    def __len__(self) -> int:
        return len(self.pictures)

    def __repr__(self) -> str:
        return f"<BackwardSteps: {len(self)} pictures>"

    def widget(self) -> Any:
        """An ipywidgets slider with the caption and picture of the chosen step."""
        import ipywidgets  # type: ignore[import-untyped]

        slider = ipywidgets.IntSlider(value=0, min=0, max=len(self) - 1, description="step")
        caption = ipywidgets.HTML(self.captions[0])
        picture = ipywidgets.HTML(self.pictures[0])

        def show(change: dict[str, Any]) -> None:
            caption.value, picture.value = self.captions[change["new"]], self[change["new"]]

        slider.observe(show, names="value")
        return ipywidgets.VBox([slider, caption, picture])

    def _repr_html_(self) -> str:
        return "".join(f"<p>{c}</p>{p}" for c, p in zip(self.captions, self, strict=True))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        try:
            bundle: dict[str, Any] = self.widget()._repr_mimebundle_()
        except ImportError:  # without ipywidgets: all the pictures, one under the other
            return {"text/html": self._repr_html_(), "text/plain": repr(self)}
        return bundle


def backward_steps(
    root: Value, seed: float = 1.0, max_nodes: int = 60, **options: Any
) -> BackwardSteps:
    """One SVG picture per step of the backward pass from ``root`` (options as for
    :func:`autograd.viz.to_dot`; edge labels are on unless ``edge_labels=False``). A step
    draws the whole graph, so ``max_nodes`` is kept small."""
    options.setdefault("edge_labels", True)
    p = options.get("precision", 4)
    deltas: dict[Value, float] = {root: float(seed)}
    done: set[Value] = set()
    captions = [f"step 0: seed delta = {number(seed, p)}"]
    pictures = []

    def draw(active: Value | None) -> str:
        opts = DrawOptions(grads=dict(deltas), active=active, processed=frozenset(done),
                           max_nodes=max_nodes, **options)  # fmt: skip
        return run_renderer(source(statements(root, opts)), "svg").decode("utf-8")

    pictures.append(draw(None))
    for k, rows in enumerate(backward_steps_rows(root, seed), 1):
        for row in rows:
            deltas[row.node] = row.accumulated
        done.add(rows[0].out)
        captions.append(step_caption(k, rows, p))
        pictures.append(draw(rows[0].out))
    return BackwardSteps(pictures, captions)
