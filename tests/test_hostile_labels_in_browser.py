"""Labels are text in every HTML form the project writes: a label that looks like markup or
script, or holds characters no file can encode, is shown as written (made visible) and runs
nothing, in headless Chromium (see tests/browser.py).

Each form is written twice, for the same graph: with plain labels and with hostile ones. The
hostile version must run no script (each would set ``window.x``), carry no element or
attribute the plain one lacks, show every label as text, and (for the pages) still step.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser import Visit, chromium
from playwright.sync_api import BrowserContext

from autograd import Value
from autograd.viz import backward_steps, draw_graph, explain, page, render, repr_mimebundle, svg
from autograd.viz.style import visible
from autograd.viz.webpage import html_document, stepper_section

pytestmark = pytest.mark.slow  # an integration test: pytest -m "not slow" leaves it out

_browser = pytest.fixture(scope="module", name="browser")(chromium)

HOSTILE = [
    "</script><script>window.x=1</script>",
    '"><script>window.x=2</script>',
    '\'><img src=x onerror="window.x=3">',
    "<caption>injected</caption>",
    "<!--<script>",
    "\ud800",
    '<svg onload="window.x=4">',
    "]]><script>window.x=5</script>",
    "&lt;b&gt; &amp;",
    "<b>bold</b>",
    "line\nbreak\x00\x07\u2028",
    "\\N \\G \\\\",
    "javascript:window.x=6",
    "<style>*{display:none}</style>",
]
ROOT = "</title><script>window.x=99</script>"


def graph(labels: list[str], root_label: str) -> Value:
    """The same graph whatever the labels: labelled leaves folded into one output."""
    leaves = [Value(0.1 * (i + 1), label=label) for i, label in enumerate(labels)]
    out = leaves[0]
    for leaf in leaves[1:]:
        out = out * 0.9 + leaf
    out = out.tanh()
    out.label = root_label
    return out


def fragment(html: str) -> str:
    """A notebook's output as Jupyter shows it: markup put into a page."""
    return f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>{html}</body></html>'


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")  # a label no file can encode fails here
    return path


FORMS: dict[str, Callable[[Value, Path], Path]] = {
    "page": lambda root, path: page(root, path.with_suffix(".html")),
    "practice page": lambda root, path: page(root, path.with_suffix(".html"), practice=True),
    "report stepper": lambda root, path: write(
        path.with_suffix(".html"), html_document(ROOT, stepper_section(root, seed=0.5))
    ),
    "explain table": lambda root, path: write(
        path.with_suffix(".html"), fragment(explain(root)._repr_html_())
    ),
    "notebook stepper": lambda root, path: write(
        path.with_suffix(".html"), fragment(backward_steps(root)._repr_html_())
    ),
    "notebook value": lambda root, path: write(
        path.with_suffix(".html"), fragment(repr_mimebundle(root)["image/svg+xml"])
    ),
    "notebook picture": lambda root, path: write(
        path.with_suffix(".html"),
        fragment(draw_graph(root, edge_labels=True)._repr_mimebundle_()["image/svg+xml"]),
    ),
    "grouped picture": lambda root, path: write(
        path.with_suffix(".html"), fragment(svg(root, group_by=lambda node: node.label or None))
    ),
    "svg file": lambda root, path: render(root, path.with_suffix(".svg"), edge_labels=True),
}


def opened(browser: BrowserContext, path: Path) -> tuple[Visit, dict[str, Any]]:
    """The page at ``path`` and what it holds: every element by tag, every on* attribute,
    whether a script set ``window.x``, and its text without white space."""
    visit = Visit(browser, path)
    found = visit.page.evaluate(
        """() => {
        const all = [...document.querySelectorAll("*")];
        return {
          tags: all.map(e => e.tagName.toLowerCase()),
          handlers: all.flatMap(e => [...e.attributes].filter(a => a.name.startsWith("on"))
                                                       .map(a => a.name)),
          ran: window.x !== undefined,
          text: document.documentElement.textContent.replace(/\\s+/g, ""),
        };
    }"""
    )
    return visit, found


def step_to_the_end(visit: Visit) -> None:
    last = int(visit.page.locator(".cr-slider").get_attribute("max") or 0)
    assert last > 5
    visit.page.locator(".cr-slider").fill(str(last))
    if visit.page.locator(".cr-stepper").get_attribute("data-practice") == "yes":
        visit.click("reveal")  # the first question: the page stops there until it is answered
        question = visit.page.locator(".cr-question").text_content() or ""
        assert question == ""
    assert visit.state()[0] >= 1


@pytest.mark.parametrize("form", list(FORMS))
def test_hostile_labels_are_shown_as_text_and_run_nothing(
    browser: BrowserContext, tmp_path: Path, form: str
) -> None:
    plain_labels = [f"a{i}" for i in range(len(HOSTILE))]
    plain = FORMS[form](graph(plain_labels, "out"), tmp_path / "plain")
    hostile = FORMS[form](graph(HOSTILE, ROOT), tmp_path / "hostile")
    plain_visit, expected = opened(browser, plain)
    plain_visit.close()
    visit, found = opened(browser, hostile)
    assert not found["ran"]
    assert found["handlers"] == expected["handlers"] == []
    extra = Counter(found["tags"]) - Counter(expected["tags"])
    missing = Counter(expected["tags"]) - Counter(found["tags"])
    # a backslash is drawn in a span of its own (so no renderer reads \N as a name): more text
    assert set(extra) <= {"text"}, extra
    assert not missing, missing
    shown = [label for label in HOSTILE if "".join(visible(label).split()) in found["text"]]
    assert shown == HOSTILE
    if form in ("page", "practice page", "report stepper"):
        step_to_the_end(visit)
    visit.close()


def test_a_label_that_opens_a_comment_does_not_stop_the_page(
    browser: BrowserContext, tmp_path: Path
) -> None:
    x = Value(2.0, label="<!--<script>")
    y = (x * x).tanh()
    y.label = "<!--"
    visit = Visit(browser, page(y, tmp_path / "comment.html"))
    visit.click("step", 2)
    assert visit.state()[0] == 2
    assert visit.rows_shown()[0][1] == "<!--<script>"
    visit.close()
