"""Playwright driving Debian's Chromium (playwright cannot download browsers here).

Missing chromium or playwright skips locally; under ``CI=true`` the skip is a failure (tests/ci_no_skip.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"]

# Records every length the streamed answer text takes, to tell streaming from one block of text.
RECORD_STREAM = """
window.__lengths = [];
new MutationObserver(() => {
  const texts = document.querySelectorAll('.message.assistant .text');
  if (texts.length) window.__lengths.push(texts[texts.length - 1].textContent.length);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the serve extra)")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is missing: apt-get install chromium (make system-deps does it as root)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.add_init_script(RECORD_STREAM)
    page.set_default_timeout(120_000)
    yield page
    context.close()


def ask(page: Any, question: str, mode: str) -> Any:
    """Ask on the page and wait for the answer (or error) to finish; returns the assistant message."""
    before = page.locator(".message.assistant").count()
    page.select_option("#mode", mode)
    page.fill("#question", question)
    page.click("#ask")
    message = page.locator(".message.assistant").nth(before)
    message.and_(page.locator("[data-done=true]")).wait_for()
    return message
