"""The pages in a real browser (headless Chromium, see tests/browser.py). Clicks step through
the backward pass; the highlighted node and the gradients shown must follow explain()'s rows;
nothing may be requested from a network; screenshots are checked for size and content.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import Visit, chromium
from neurons import micrograd_neuron
from PIL import Image
from playwright.sync_api import BrowserContext

import nn
from autograd import Value
from autograd.viz import explain, page
from chainrule.cli import main

pytestmark = pytest.mark.slow  # an integration test: pytest -m "not slow" leaves it out
ACCENT = (0xE6, 0x61, 0x01)  # the highlighted node's outline
_browser = pytest.fixture(scope="module", name="browser")(chromium)


def neuron() -> tuple[Value, dict[str, Value]]:
    return micrograd_neuron()


def box_of(path: Path, label: str) -> str:
    """The SVG id of the box drawn for ``label`` (its <title> is the DOT id)."""
    html = path.read_text(encoding="utf-8")
    marker = f'font-weight="bold" font-size="11.00">{label}</text>'
    head = html[: html.index(marker)]
    return head[head.rindex('<g id="') + 7 :].split('"', 1)[0]


def test_stepping_through_a_neuron(browser: BrowserContext, tmp_path: Path) -> None:
    o, nodes = neuron()
    path = page(o, tmp_path / "neuron.html")
    rows = explain(o).rows
    visit = Visit(browser, path)
    o_box, n_box, w1_box = box_of(path, "o"), box_of(path, "n"), box_of(path, "w1")
    assert visit.state() == (0, o_box)
    assert visit.grad_shown(o_box) == "grad 1"
    assert visit.grad_shown(n_box) == visit.grad_shown(w1_box) == "grad ?"

    visit.click("step")  # o = tanh(n) passes its gradient to n
    assert visit.state() == (1, o_box)
    assert sorted(visit.highlighted()) == [o_box, f"{o_box}op"]
    assert visit.grad_shown(n_box) == "grad 0.5"
    assert visit.grad_shown(w1_box) == "grad ?"
    assert visit.rows_shown() == [list(explain(o).cells(rows[0]))]

    visit.click("step", 4)  # down to x1 * w1: w1 receives x1 * 0.5
    assert visit.state()[0] == 5
    assert visit.grad_shown(w1_box) == "grad 1"
    assert visit.page.locator(".cr-picture g.cr-edge-active text").first.text_content() in {
        "2 x 0.5 = 1", "-3 x 0.5 = -1.5"}  # fmt: skip
    visit.click("back")
    assert visit.state()[0] == 4
    assert visit.grad_shown(w1_box) == "grad ?"
    visit.click("reset")
    assert visit.state() == (0, o_box)
    assert visit.grad_shown(n_box) == "grad ?"

    visit.page.locator(".cr-slider").fill("5")  # the slider, dragged to the end
    assert visit.state()[0] == 5
    o.backward()
    for name in ("x1", "w1", "n"):
        shown = visit.grad_shown(box_of(path, name))
        assert float(shown.split()[1]) == pytest.approx(nodes[name].grad, rel=1e-3)
    visit.close()


def test_play_runs_to_the_end_and_pause_stops(browser: BrowserContext, tmp_path: Path) -> None:
    path = page(neuron()[0], tmp_path / "neuron.html")
    visit = Visit(browser, path)
    visit.page.eval_on_selector(".cr-stepper", "s => s.dataset.interval = '40'")
    visit.click("play")
    visit.wait_for_step(5)
    assert visit.page.locator(".cr-stepper").get_attribute("data-playing") == "no"
    visit.click("reset")
    visit.page.eval_on_selector(".cr-stepper", "s => s.dataset.interval = '400'")
    visit.click("play")
    visit.wait_for_step(1)
    visit.click("pause")
    stopped = visit.state()[0]
    visit.page.wait_for_timeout(900)
    assert visit.state()[0] == stopped < 5
    visit.close()


def test_a_reused_node_sums_its_two_contributions(browser: BrowserContext, tmp_path: Path) -> None:
    x, y = Value(3.0, label="x"), Value(-2.0, label="y")
    f = x * y + x
    f.label = "f"
    path = page(f, tmp_path / "reuse.html")
    visit = Visit(browser, path)
    x_box = box_of(path, "x")
    shown = []
    for _ in range(3):  # two steps, and one more click at the end changes nothing
        shown.append(visit.grad_shown(x_box))
        visit.click("step")
    shown.append(visit.grad_shown(x_box))
    assert shown == ["grad ?", "grad 1", "grad -1", "grad -1"]  # 1 from +, then + y = -2
    assert visit.rows_shown()[0][-1] == "-1"  # x's row: delta(x) so far, the sum
    visit.close()


def test_an_mlp_grouped_by_neuron(browser: BrowserContext, tmp_path: Path) -> None:
    model = nn.MLP(2, [3, 3, 1], activation="tanh", seed=0)
    out = model([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    path = page(out, tmp_path / "mlp.html", group_by=4)
    visit = Visit(browser, path)
    seen = set()
    last = int(visit.page.locator(".cr-slider").get_attribute("max") or 0)
    for _ in range(last):
        visit.click("step")
        seen.update(visit.highlighted())
    assert {box for box in seen if box.startswith("g")} == {f"g{k}" for k in range(7)}
    texts = visit.page.locator(".cr-picture g.node text").all_text_contents()
    assert not any("grad ?" in t for t in texts)  # every box has its gradient at the end
    visit.close()


def non_blank(png: Path) -> tuple[int, int, int, float, int]:
    """Width, height, distinct colours, the share of non-white pixels, accent pixels."""
    image = Image.open(png).convert("RGB")
    raw = image.tobytes()
    pixels = list(zip(raw[0::3], raw[1::3], raw[2::3], strict=True))
    inked = sum(1 for p in pixels if min(p) < 235) / len(pixels)
    accent = sum(1 for p in pixels if all(abs(a - b) < 40 for a, b in zip(p, ACCENT, strict=True)))
    return image.width, image.height, len(set(pixels)), inked, accent


def test_screenshot_shows_the_graph_and_the_step(browser: BrowserContext, tmp_path: Path) -> None:
    path = page(neuron()[0], tmp_path / "neuron.html")
    visit = Visit(browser, path)
    visit.click("step", 3)
    shot = tmp_path / "neuron.png"
    visit.page.screenshot(path=str(shot), full_page=True)
    width, height, colours, inked, accent = non_blank(shot)
    assert shot.stat().st_size > 20_000
    assert width >= 1400
    assert height >= 300
    assert colours > 100
    assert inked > 0.03
    assert accent > 200  # the highlighted node and its edges are drawn
    visit.close()


def test_the_training_report(browser: BrowserContext, tmp_path: Path) -> None:
    assert main(["train", "--samples", "60", "--hidden", "8,8", "--epochs", "5", "--quiet",
                 "--out", str(tmp_path)]) == 0  # fmt: skip
    visit = Visit(browser, tmp_path / "report.html")
    sizes = visit.page.eval_on_selector_all("img", "imgs => imgs.map(i => i.naturalWidth)")
    assert len(sizes) == 3  # curves, boundary, confusion matrix
    assert min(sizes) > 300  # every PNG decoded from the page itself
    a_box = visit.state()[1]
    a_grad = visit.grad_shown(a_box)
    assert a_grad != "grad 1"  # the neuron starts from dL/da, not from 1
    last = int(visit.page.locator(".cr-slider").get_attribute("max") or 0)
    assert last >= 1
    visit.click("step", last)
    rows = visit.rows_shown()
    upstream = {row[5] for row in rows}
    assert upstream == {a_grad.split()[1]}  # dL/da, through an active ReLU (slope 1)
    weights = [row for row in rows if ".w." in row[1]]
    for row in weights:  # each weight's dL/dw = local x upstream, shown on the page
        assert float(row[6]) == pytest.approx(float(row[4]) * float(row[5]), rel=2e-3)
    shot = tmp_path / "report.png"
    visit.page.screenshot(path=str(shot), full_page=True)
    width, height, colours, inked, _ = non_blank(shot)
    assert width >= 1400
    assert height > 1500  # numbers, three plots, the model and the stepper
    assert colours > 200
    assert inked > 0.05
    visit.close()


def test_the_digits_report_shows_its_pictures_and_a_64_input_neuron(
    browser: BrowserContext, tmp_path: Path
) -> None:
    assert main(["train", "--dataset", "digits", "--samples", "400", "--epochs", "2",
                 "--quiet", "--out", str(tmp_path)]) == 0  # fmt: skip
    visit = Visit(browser, tmp_path / "report.html")
    alts = visit.page.eval_on_selector_all("img", "imgs => imgs.map(i => i.alt)")
    assert alts == [
        "loss and accuracy per epoch, training and test",
        "true against predicted classes on the test set",
        "the misclassified test images, true and predicted labels (digits)",
    ]
    sizes = visit.page.eval_on_selector_all("img", "imgs => imgs.map(i => i.naturalWidth)")
    assert min(sizes) > 300
    last = int(visit.page.locator(".cr-slider").get_attribute("max") or 0)
    visit.click("step", last)
    weights = [row for row in visit.rows_shown() if ".w." in row[1]]
    assert len(weights) == 64  # one edge per pixel
    for row in weights:
        assert float(row[6]) == pytest.approx(float(row[4]) * float(row[5]), rel=2e-3, abs=1e-9)
    visit.close()
