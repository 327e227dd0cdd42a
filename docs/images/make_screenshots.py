"""Screenshots of the pages for the README: python docs/images/make_screenshots.py (needs
chainrule[dev] and Debian's chromium, as the browser tests do)."""

import shutil
import tempfile
from pathlib import Path

from make_images import neuron, shrink
from playwright.sync_api import sync_playwright

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


def shoot(html: Path, png: Path, steps: int, width: int, height: int, locator: str) -> Path:
    """Open ``html``, click Step ``steps`` times, and photograph ``locator``."""
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
        tab.locator(locator).screenshot(path=str(png))
        context.close()
    return shrink(png)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        o = neuron()
        title = "Backward pass of tanh(x1 w1 + x2 w2 + b)"
        html = page(o, Path(folder) / "neuron.html", title=title)
        print(shoot(html, HERE / "page_neuron.png", 4, 1500, 900, "body"))
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
