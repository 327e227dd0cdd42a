"""Screenshots of the pages for the README: python docs/images/make_screenshots.py (needs
chainrule[dev] and Debian's chromium, as the browser tests do)."""

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from make_images import neuron, shrink
from playwright.sync_api import Page, sync_playwright

from autograd.viz import page
from chainrule.cli import main

HERE = Path(__file__).parent
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def practise(tab: Page) -> None:
    """Answer step 1 right, then one answer of step 2 wrong: the score and the arithmetic."""
    tab.fill(".cr-answers input", "0.5")
    tab.press(".cr-answers input", "Enter")
    tab.click("button[data-action=step]")
    answers = tab.locator(".cr-answers input")
    answers.nth(0).fill("0.25")
    answers.nth(1).fill("0.5")
    answers.nth(0).press("Enter")


def shoot(
    html: Path,
    png: Path,
    steps: int,
    width: int,
    height: int,
    locator: str,
    then: Callable[[Page], None] | None = None,
) -> Path:
    """Open ``html``, click Step ``steps`` times (and do ``then``), and photograph
    ``locator``."""
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            headless=True,
            args=FLAGS,
            viewport={"width": width, "height": height},
        )
        tab = context.new_page()
        tab.goto(html.resolve().as_uri())
        for _ in range(steps):
            tab.click("button[data-action=step]")
        if then is not None:
            then(tab)
        tab.locator(locator).screenshot(path=str(png))
        context.close()
    return shrink(png)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        o = neuron()
        title = "Backward pass of tanh(x1 w1 + x2 w2 + b)"
        html = page(o, Path(folder) / "neuron.html", title=title)
        print(shoot(html, HERE / "page_neuron.png", 4, 1500, 900, "body"))
        quiz = page(o, Path(folder) / "practice.html", title=title, practice=True)
        print(shoot(quiz, HERE / "page_practice.png", 1, 1500, 900, "body", practise))
        main(["train", "--quiet", "--out", folder])
        print(
            shoot(
                Path(folder) / "report.html",
                HERE / "report_neuron.png",
                1,
                1300,
                900,
                ".cr-stepper",
            )
        )
