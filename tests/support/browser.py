"""Debian's chromium driven by Playwright: the marks every browser test carries and its `browser`
fixture (a pytest plugin, registered in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--autoplay-policy=no-user-gesture-required"]

BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def strip_ticks(strip) -> list[tuple[float, int, str]]:
    """A hit timeline's ticks as the page's script reads them: (left %, seconds it plays, label)."""
    import json

    return [tuple(t) for t in json.loads(strip.get_attribute("data-ticks"))]


def click_tick(strip, n: int) -> int:
    """Click the strip where its n-th tick is drawn, as a person aims at it; returns the tick's seconds."""
    strip.scroll_into_view_if_needed()
    left, seconds, _label = strip_ticks(strip)[n]
    box = strip.bounding_box()
    strip.click(position={"x": box["width"] * left / 100 + 1.5, "y": box["height"] / 2})
    return seconds
