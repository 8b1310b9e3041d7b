"""The UI in a real browser (Debian chromium via Playwright) against `sessions serve` on 127.0.0.1.

The archive: a real transcript (faster-whisper tiny.en) of a real video, ta_video.mp4, played
from the local file; a YouTube-sourced session and a session with a hostile title (hand-made:
they test the page, not transcription). Screenshots go to artifacts/.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from archive.records import Segment, Transcript, Video, Word
from tests.support.browser import BROWSER_TEST, click_tick
from tests.support.sample_transcripts import YOUTUBE_ID, info, jfk_transcript
from tests.support.serve import serving
from tests.support.ui_archive import build_archive, local_copy, transcribe_real

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "artifacts"
VIDEO_ID = "forum-opening"
HOSTILE_ID = "hostile"
HOSTILE_TITLE = '<script>alert("title")</script><img src=x onerror=alert(1)> Budget session'
LEAD_IN = 2.0

pytestmark = BROWSER_TEST


@pytest.fixture(scope="module")
def archive(tmp_path_factory, tiny_en_model) -> dict:
    root = tmp_path_factory.mktemp("browser-archive")
    mp4 = local_copy("ta_video.mp4", root / "media")
    video = Video(id=VIDEO_ID, title="Learning Forum — opening", channel="UCLG Learning", media_url=str(mp4),
                  upload_date="2024-05-14", duration=10.0, language="en")
    real = transcribe_real(mp4, tiny_en_model, video)
    hostile_words = tuple(Word(0.5 + i * 0.5, 0.9 + i * 0.5, w) for i, w in enumerate(
        ["Participatory", "budget", "<script>alert('seg')</script>"]))
    hostile = Transcript(
        video=Video(id=HOSTILE_ID, title=HOSTILE_TITLE, upload_date="2023-01-01", duration=5.0, language="en"),
        transcription=info("en"),
        segments=(Segment(0, 0.5, 2.0, " Participatory budget <script>alert('seg')</script>", hostile_words),),
    )
    config = build_archive(root, [real, jfk_transcript(YOUTUBE_ID, youtube=True, title="Webinar on YouTube"), hostile])
    bright = next(w for s in real.segments for w in s.words if w.word.strip(" ,.?!").lower() == "bright")
    return {"config": config, "jump": int(max(0.0, bright.start - LEAD_IN))}


@pytest.fixture(scope="module")
def server(archive):
    with serving(archive["config"]) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    pg = context.new_page()
    pg.dialogs = []  # an alert() would mean injected script ran
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


def shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / name))


def url_params(pg) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(pg.url).query).items()}


def test_search_choose_a_moment_and_the_video_plays_from_that_second(page, server, archive):
    page.goto(server)
    box = page.get_by_label("Search the sessions")
    box.wait_for(timeout=30_000)
    box.fill("bright")
    box.press("Enter")
    moment = page.locator("a.ss-moment", has_text="▶").first
    moment.wait_for(timeout=30_000)
    assert page.get_by_text("Learning Forum — opening").first.is_visible()
    moment.click()
    video = page.locator("video")
    video.wait_for(timeout=30_000)
    page.wait_for_function("() => document.querySelector('video').readyState >= 1", timeout=30_000)
    current = page.evaluate("() => document.querySelector('video').currentTime")
    jump = archive["jump"]
    assert jump - 0.25 <= current <= jump + 3, (current, jump)  # it may already be playing
    page.wait_for_function(f"() => location.search.includes('t={jump}')", timeout=10_000)
    params = url_params(page)
    assert params["v"] == VIDEO_ID and params["t"] == str(jump) and params["q"] == "bright"
    assert page.locator("video track").count() == 1  # captions from the transcript
    # Streamed from disk by `sessions serve`'s own route, not from Streamlit's in-memory media store.
    assert "/recording/" in page.evaluate("() => document.querySelector('video').currentSrc")
    shot(page, "ui-moment.png")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator(".ss-cite button.ss-copy").click()
    page.get_by_role("button", name="Copied").wait_for(timeout=5_000)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("“Learning Forum — opening”") and copied.endswith(f"#t={jump}"), copied


def test_a_shared_moment_link_opens_at_that_second(page, server):
    page.goto(f"{server}/?q=mic&v={VIDEO_ID}&t=6")
    page.wait_for_selector("video", timeout=30_000)
    page.wait_for_function("() => document.querySelector('video').readyState >= 1", timeout=30_000)
    assert 5.75 <= page.evaluate("() => document.querySelector('video').currentTime") <= 9
    assert page.get_by_label("Search the sessions").input_value() == "mic"


def test_a_timeline_tick_opens_its_moment(page, server, archive):
    page.goto(f"{server}/?q=bright")
    strip = page.locator(".ss-strip .ss-timeline").first
    strip.wait_for(timeout=30_000)
    click_tick(strip, 0)  # the page's script follows the tick's link in place
    page.wait_for_function("() => location.search.includes('v=')", timeout=30_000)
    params = url_params(page)
    assert params["v"] == VIDEO_ID and params["t"] == str(archive["jump"])
    page.wait_for_selector("video", timeout=30_000)
    page.wait_for_function("() => document.querySelector('video').readyState >= 1", timeout=30_000)
    assert archive["jump"] - 0.25 <= page.evaluate("() => document.querySelector('video').currentTime")


def test_youtube_session_renders_an_embed_that_starts_at_the_second(page, server):
    page.goto(f"{server}/?q=country&v={YOUTUBE_ID}&t=5")
    frame = page.locator(f'iframe[src*="youtube.com/embed/{YOUTUBE_ID}"]')
    frame.wait_for(state="attached", timeout=30_000)
    src = frame.get_attribute("src")
    assert parse_qs(urlparse(src).query)["start"] == ["5"], src
    shot(page, "ui-youtube.png")


def test_hostile_title_renders_as_text(page, server):
    page.goto(f"{server}/?q=budget")
    title = page.get_by_text('<script>alert("title")</script>', exact=False).first
    title.wait_for(timeout=30_000)
    assert "<img src=x onerror=alert(1)> Budget session" in title.inner_text()
    page.locator("a.ss-moment", has_text="▶").first.click()
    page.get_by_text("<script>alert('seg')</script>", exact=False).first.wait_for(timeout=30_000)
    time.sleep(0.5)
    injected = page.evaluate("() => Array.from(document.scripts).filter(s => s.textContent.includes('alert(')).length")
    assert injected == 0
    assert page.locator("img[src='x']").count() == 0
    assert page.dialogs == []
    shot(page, "ui-hostile.png")


def test_empty_search_shows_the_archive_overview(page, server):
    page.goto(server)
    page.get_by_text("Latest sessions").wait_for(timeout=30_000)
    page.get_by_text("3 sessions ·", exact=False).first.wait_for(timeout=10_000)
    shot(page, "ui-overview.png")
