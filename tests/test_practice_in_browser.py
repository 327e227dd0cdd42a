"""Practice mode in a real browser (headless Chromium, see tests/browser.py): the page asks for
each step's gradients before it shows them, checks what the learner types against explain()'s
numbers, shows the edge's arithmetic for a wrong answer, keeps a score, and reveals on request.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from browser import Visit, chromium
from neurons import micrograd_neuron
from playwright.sync_api import BrowserContext

from autograd import Value
from autograd.viz import explain, page

pytestmark = pytest.mark.slow  # an integration test: pytest -m "not slow" leaves it out

_browser = pytest.fixture(scope="module", name="browser")(chromium)


def answer(visit: Visit, *values: str) -> None:
    """Type ``values`` into the step's open questions, in order, and press Enter."""
    inputs = visit.page.locator(".cr-answers input:not([disabled])")
    for i, value in enumerate(values):
        inputs.nth(i).fill(value)
    inputs.first.press("Enter")


def asking(visit: Visit) -> list[str]:
    """The names the current step asks about (``delta(n) =`` -> ``n``)."""
    labels = visit.page.locator(".cr-answers label").all_text_contents()
    return [label.removeprefix("delta(").removesuffix(") = ") for label in labels]


def feedback(visit: Visit) -> str:
    return visit.page.locator(".cr-feedback").text_content() or ""


def score(visit: Visit) -> str:
    return visit.page.locator(".cr-score").text_content() or ""


def test_right_and_wrong_answers_the_score_and_reveal(
    browser: BrowserContext, tmp_path: Path
) -> None:
    o, nodes = micrograd_neuron()
    path = page(o, tmp_path / "practice.html", practice=True)
    rows = explain(o).rows
    visit = Visit(browser, path)
    assert visit.state()[0] == 0  # the seed is given
    visit.click("step")
    assert visit.state()[0] == 1
    assert asking(visit) == ["n"]
    assert visit.rows_shown()[0][4:] == ["?", "1", "?", "?"]  # local and results hidden
    answer(visit, "0.7")  # wrong: the page says why, and waits
    assert feedback(visit) == "Not 0.7: delta(n) += local x upstream = 0.5 x 1 = 0.5"
    assert visit.state()[0] == 1
    assert "grad ?" in visit.page.locator(".cr-picture").inner_text()
    answer(visit, "0.5")  # right: the step is shown
    assert feedback(visit).endswith("Right.")
    assert score(visit) == "Score: 0 right of 1"  # right, but not the first time
    assert visit.rows_shown() == [list(explain(o).cells(rows[0]))]
    assert asking(visit) == []

    visit.click("step")  # n = ... + b: two inputs, both right first time (rounded is fine)
    assert len(asking(visit)) == 2
    answer(visit, "0.5", "0.5000")
    assert score(visit) == "Score: 2 right of 3"
    visit.page.eval_on_selector(".cr-stepper", "s => s.dataset.interval = '40'")
    visit.click("play")  # Play, the slider and Step stop at the first unanswered step too
    visit.wait_for_step(3)
    visit.page.wait_for_timeout(300)
    assert visit.page.locator(".cr-stepper").get_attribute("data-playing") == "no"
    visit.click("step")
    assert visit.state()[0] == 3
    visit.page.locator(".cr-slider").fill("5")
    assert visit.state()[0] == 3
    visit.click("reveal")  # shows the arithmetic, counts as not right, and goes on
    assert "local x upstream" in feedback(visit)
    assert score(visit) == "Score: 2 right of 5"
    visit.click("step")
    expected = {row.name: row.accumulated for row in rows if row.step == 4}
    answer(visit, *(repr(expected[name]) for name in asking(visit)))
    assert score(visit) == "Score: 4 right of 7"
    visit.click("step")
    typed = {"x1": "-1.5", "w1": "1", "x2": "0.5", "w2": "0"}  # delta(x1) = w1 x 0.5, ...
    answer(visit, *(typed[name] for name in asking(visit)))
    assert visit.state()[0] == 5
    assert score(visit) == "Score: 6 right of 9"
    o.backward()
    assert {name: float(text) for name, text in typed.items()} == {
        name: pytest.approx(nodes[name].grad) for name in typed
    }

    visit.click("reset")  # answered steps stay answered: stepping back and on asks nothing
    visit.click("step", 5)
    assert visit.state()[0] == 5
    assert asking(visit) == []
    visit.close()  # no console errors, no requests


def test_the_keyboard_steps_and_answers(browser: BrowserContext, tmp_path: Path) -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    visit = Visit(browser, page(y, tmp_path / "square.html", practice=True))
    visit.page.locator(".cr-stepper").focus()
    visit.page.keyboard.press("ArrowRight")
    assert visit.state()[0] == 1
    assert asking(visit) == ["x", "x"]  # x is used twice: the sum so far, then the whole
    inputs = visit.page.locator(".cr-answers input")
    assert inputs.first.evaluate("e => e === document.activeElement")
    inputs.first.type("3")
    visit.page.keyboard.press("ArrowLeft")  # inside an answer the arrows move the caret
    assert visit.state()[0] == 1
    inputs.nth(1).fill("5")
    inputs.first.press("Enter")
    assert feedback(visit) == (
        "Not 5: delta(x) += local x upstream = 3 x 1 = 3; with the 3 it had: 6"
    )
    inputs.nth(1).fill("6")
    inputs.nth(1).press("Enter")
    assert score(visit) == "Score: 1 right of 2"
    visit.close()


def test_the_command_writes_a_practice_page(browser: BrowserContext, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "chainrule", "graph", "tanh(x*w + b)", "--at",
               "x=2,w=-3,b=6.88", "--practice", "-o", "page.html"]  # fmt: skip
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    visit = Visit(browser, tmp_path / "page.html")
    assert visit.page.locator(".cr-stepper").get_attribute("data-practice") == "yes"
    visit.click("step")
    assert asking(visit) == ["x * w + b"]  # the command labels a node with its text
    visit.close()
    wrong = subprocess.run([*command[:-2], "-o", "g.svg"], cwd=tmp_path, capture_output=True,
                           text=True, check=False)  # fmt: skip
    assert wrong.returncode == 2
    assert "--practice is for a page: name the output .html, not g.svg" in wrong.stderr
    assert "Traceback" not in wrong.stderr
