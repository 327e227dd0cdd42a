"""A picture per step of the backward pass, to step through in a notebook.

Step 0 shows the seed ``delta(L) = 1``; step k shows the k-th node to pass its gradient on,
outlined, its input edges labelled ``local x upstream = contribution``, and every gradient
known so far (``?`` where the chain rule has not arrived yet). :func:`practice` asks before
it tells: each step's gradients are questions, checked against the chain rule. No ``.grad``
is touched.
"""

from __future__ import annotations

import contextlib
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, overload

from autograd.graph import topo_order
from autograd.value import Value
from autograd.viz.explain import (
    Explanation,
    Row,
    arithmetic,
    backward_rows,
    by_step,
    seed_caption,
    step_caption,
)
from autograd.viz.picture import DrawOptions, source, statements
from autograd.viz.renderer import RendererNotFoundError, RenderError, run_renderer
from autograd.viz.style import html_escape, names, number


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
        caption = ipywidgets.Label(self.captions[0])  # text, never read as markup
        picture = ipywidgets.HTML(self.pictures[0])

        def show(change: dict[str, Any]) -> None:
            caption.value, picture.value = self.captions[change["new"]], self[change["new"]]

        slider.observe(show, names="value")
        return ipywidgets.VBox([slider, caption, picture])

    def _repr_html_(self) -> str:
        return "".join(
            f"<p>{html_escape(c)}</p>{p}" for c, p in zip(self.captions, self, strict=True)
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        try:
            bundle: dict[str, Any] = self.widget()._repr_mimebundle_()
        except ImportError:  # without ipywidgets: all the pictures, one under the other
            return {"text/html": self._repr_html_(), "text/plain": repr(self)}
        return bundle


def moment_svg(
    root: Value, deltas: dict[Value, float], active: Value | None, done: set[Value], **options: Any
) -> str:
    """The SVG of one moment of the backward pass: the gradients known so far (``?`` for the
    rest), the node passing its gradient on outlined, the nodes in ``done`` passed on."""
    opts = DrawOptions(grads=dict(deltas), active=active, processed=frozenset(done), **options)
    return run_renderer(source(statements(root, opts)), "svg").decode("utf-8")


def backward_steps(
    root: Value, seed: float = 1.0, max_nodes: int = 60, **options: Any
) -> BackwardSteps:
    """One SVG picture per step of the backward pass from ``root`` (options as for
    :func:`autograd.viz.to_dot`; edge labels are on unless ``edge_labels=False``). A step
    draws the whole graph, so ``max_nodes`` is kept small."""
    options = {"edge_labels": True, **options, "max_nodes": max_nodes}
    p = options.get("precision", 4)
    deltas: dict[Value, float] = {root: float(seed)}
    done: set[Value] = set()
    captions = [seed_caption(names(topo_order(root))[root], seed, p)]
    pictures = [moment_svg(root, deltas, None, done, **options)]
    for rows in by_step(backward_rows(root, seed)):
        for row in rows:
            deltas[row.node] = row.accumulated
        done.add(rows[0].out)
        captions.append(step_caption(rows, p))
        pictures.append(moment_svg(root, deltas, rows[0].out, done, **options))
    return BackwardSteps(pictures, captions)


TOLERANCE = 5e-3  # relative: the numbers shown have 4 digits (the page's script uses the same)


class Verdict:
    """What the engine says to an answer: ``bool()`` is whether it was right, ``repr()`` the
    message (so a notebook cell shows it as text)."""

    def __init__(self, right: bool, text: str) -> None:
        self.right, self.text = right, text

    def __bool__(self) -> bool:
        return self.right

    def __repr__(self) -> str:
        return self.text


def close_enough(answer: float, want: float) -> bool:
    return math.isclose(answer, want, rel_tol=TOLERANCE, abs_tol=1e-9) or answer == want


class Practice:
    """The backward pass as questions, for a notebook: the stepper asks before it tells.

    :meth:`question` says what the next step does and asks for ``delta(v)`` so far for one of
    its inputs ``v``; :meth:`answer` checks a number against the chain rule (within 0.5%),
    explains the edge's arithmetic when it is wrong, and moves on when it is right;
    :meth:`reveal` gives the answer; :meth:`check` takes every delta at once, by name.
    ``score`` is ``(right first time, asked)``. No ``.grad`` is touched."""

    def __init__(self, root: Value, seed: float = 1.0, precision: int = 4) -> None:
        explanation = Explanation(root, seed, precision)
        self.root, self.seed, self.precision = root, float(seed), precision
        self.rows, self.gradients = explanation.rows, explanation.gradients
        self.steps = by_step(self.rows)
        self.names = names(topo_order(root))
        self.position, self.right, self.asked, self.missed = 0, 0, 0, False

    @property
    def score(self) -> tuple[int, int]:
        return self.right, self.asked

    def _row(self) -> Row:
        if self.position >= len(self.rows):
            raise IndexError(f"every step is answered: the score is {self.right} of {self.asked}")
        return self.rows[self.position]

    @property
    def asking(self) -> str:
        """The name of the node :meth:`question` asks about."""
        return self._row().name

    def question(self) -> str:
        row = self._row()
        caption = step_caption(self.steps[row.step - 1], self.precision)
        return f"{caption} What is delta({row.name}) so far?"

    def _next(self, right: bool) -> None:
        self.right += right and not self.missed
        self.asked += 1
        self.position, self.missed = self.position + 1, False

    def answer(self, value: float) -> Verdict:
        """Check ``value`` as the answer to :meth:`question`; a right one moves on."""
        row = self._row()
        if close_enough(float(value), row.accumulated):
            self._next(True)
            return Verdict(True, f"right: delta({row.name}) = {number(row.accumulated, 6)}")
        self.missed = True
        return Verdict(False, f"wrong, not {number(value, 6)}: {arithmetic(row, self.precision)}")

    def reveal(self) -> Verdict:
        """The answer to :meth:`question`, with its arithmetic (counted as not right)."""
        row = self._row()
        self._next(False)
        return Verdict(False, arithmetic(row, self.precision))

    def check(self, answers: Mapping[str, float]) -> Verdict:
        """Every ``delta`` at once: ``answers`` maps node names (labels, or ``#i``) to the
        learner's final ``delta(v) = dL/dv``. One line per name, right or wrong, with the
        chain rule's terms for a wrong one."""
        nodes = {name: node for node, name in self.names.items()}
        twice = {name for name, n in Counter(self.names.values()).items() if n > 1}
        lines, all_right = [], True
        for name, value in answers.items():
            node = nodes.get(name)
            if node is None or name in twice:
                known = ", ".join(sorted(nodes))
                why = "no node is" if node is None else "more than one node is"
                raise KeyError(f"{why} called {name!r}; the names are: {known}")
            want = self.gradients.get(node, 0.0)
            if close_enough(float(value), want):
                lines.append(f"right: delta({name}) = {number(want, 6)}")
                continue
            all_right = False
            terms = [arithmetic(row, self.precision) for row in self.rows if row.node is node]
            lines.append(f"wrong: delta({name}) is {number(want, 6)}, not {number(value, 6)}")
            lines += [f"    {term}" for term in terms or ["nothing flows back to it"]]
        return Verdict(all_right, "\n".join(lines))

    def __repr__(self) -> str:
        if self.position >= len(self.rows):
            return f"<Practice: done, {self.right} right of {self.asked}>"
        return f"<Practice: {self.question()} (score {self.right} of {self.asked})>"

    def picture(self) -> str:
        """The SVG of the graph as the question finds it: the gradients known so far, the
        node passing its gradient on outlined, no edge labels (they would tell)."""
        asked = self.rows[: self.position]
        deltas = {self.root: self.seed} | {row.node: row.accumulated for row in asked}
        active = self.rows[self.position].out if self.position < len(self.rows) else None
        done = {row.out for row in asked} - {active}
        return moment_svg(self.root, deltas, active, done, edge_labels=False)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        text = repr(self)
        bundle = {"text/plain": text}
        with contextlib.suppress(ValueError, RendererNotFoundError, RenderError):
            bundle["text/html"] = f"<p>{html_escape(text[1:-1])}</p>{self.picture()}"
        return bundle


def practice(root: Value, seed: float = 1.0, precision: int = 4) -> Practice:
    """The notebook stepper's practice mode (see :class:`Practice`)."""
    return Practice(root, seed, precision)
