"""Headless Chromium for the browser tests: Debian's ``chromium`` (``.ci/run`` installs it)
driven by Playwright, which is pointed at that browser and never downloads one of its own; and
a page opened in it, with every request and console error it caused."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

CHROMIUM = os.environ.get("CHAINRULE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync"]  # fmt: skip


def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """Headless Chromium with a fresh profile folder; fails (never skips) without it. A test
    module makes it its fixture: ``_browser = pytest.fixture(scope="module", name="browser")
    (chromium)``."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does), or "
                    "set CHAINRULE_CHROMIUM to a Chromium executable")  # fmt: skip
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1500, "height": 900},
        )  # fmt: skip
        yield context
        context.close()


class Visit:
    """A page opened in the browser, with every request and console error it caused."""

    def __init__(self, context: BrowserContext, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page: Page = context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else 0)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(self.url)

    def click(self, action: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.click(f".cr-stepper button[data-action={action}]")

    def state(self) -> tuple[int, str]:
        section = self.page.locator(".cr-stepper")
        return int(section.get_attribute("data-step") or -1), section.get_attribute("data-active")

    def highlighted(self) -> list[str]:
        """The graph ids of the boxes outlined as being processed (a value and its op)."""
        return self.page.eval_on_selector_all(".cr-picture g.cr-active", "gs => gs.map(g => g.id)")

    def grad_shown(self, box: str) -> str:
        """The gradient text of a box, as the page shows it now."""
        texts = self.page.locator(f'.cr-picture [id="{box}"] text').all_text_contents()
        return next(t for t in texts if "grad " in t)

    def wait_for_step(self, step: int) -> None:
        """Wait (up to 10 s) until the page shows ``step``; the page's policy forbids
        evaluating strings, so this polls from here."""
        for _ in range(200):
            if self.state()[0] == step:
                return
            self.page.wait_for_timeout(50)
        raise AssertionError(f"the page did not reach step {step}: it shows {self.state()}")

    def rows_shown(self) -> list[list[str]]:
        rows = self.page.locator(".cr-rows tbody tr")
        return [rows.nth(i).locator("td").all_text_contents() for i in range(rows.count())]

    def close(self) -> None:
        assert self.errors == [], self.errors
        assert self.requests == [self.url], f"requests besides the page itself: {self.requests}"
        self.page.close()
