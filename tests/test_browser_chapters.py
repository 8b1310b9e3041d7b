"""The session panel's Chapters tab in a real browser (Debian chromium via Playwright, `sessions serve`):
a chapter button plays the local video from the chapter's start. The transcript is hand-made (this
tests the page; tests/test_ingest_refresh.py and test_cli_transcribe.py store real chapters)."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlparse

import pytest

from archive.records import Chapter, Video
from tests.support.browser import BROWSER_TEST
from tests.support.sample_transcripts import jfk_transcript
from tests.support.serve import serving
from tests.support.ui_archive import build_archive, local_copy

VIDEO_ID = "chaptered-talk"
CHAPTERS = (Chapter("Opening words", 0.0, 6.0), Chapter("Closing remarks", 6.0, 10.0))

pytestmark = BROWSER_TEST


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-chapters")
    mp4 = local_copy("ta_video.mp4", root / "media")
    talk = jfk_transcript(VIDEO_ID, youtube=False)
    talk = replace(talk, video=Video(id=VIDEO_ID, title="Chaptered talk", channel="UCLG Learning", media_url=str(mp4),
                                     upload_date="2024-05-14", duration=10.0, language="en", chapters=CHAPTERS))
    with serving(build_archive(root, [talk])) as url:
        yield url


def test_a_chapter_button_plays_the_video_from_the_chapter_s_start(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    try:
        page.goto(f"{server}/?v={VIDEO_ID}&t=0")
        page.wait_for_selector("video", timeout=30_000)
        page.get_by_role("tab", name="Chapters").click()
        button = page.locator("button", has_text="Closing remarks")
        button.wait_for(timeout=30_000)
        assert page.locator("button", has_text="Opening words").is_visible()
        # Held before the chapter's start, so that only the button can bring it there.
        page.wait_for_function("() => document.querySelector('video').readyState >= 1", timeout=30_000)
        page.evaluate("() => { const v = document.querySelector('video'); v.pause(); v.currentTime = 1; }")
        assert page.evaluate("() => document.querySelector('video').currentTime") < 5
        button.click()
        page.wait_for_function("() => location.search.includes('t=6')", timeout=30_000)
        page.wait_for_function("() => document.querySelector('video').readyState >= 1", timeout=30_000)
        page.wait_for_function("() => document.querySelector('video').currentTime >= 5.75", timeout=30_000)
        assert page.evaluate("() => document.querySelector('video').currentTime") <= 10
        assert parse_qs(urlparse(page.url).query)["v"] == [VIDEO_ID]
    finally:
        context.close()
