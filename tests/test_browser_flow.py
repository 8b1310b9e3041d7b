"""The main flow in a real browser (Debian chromium via Playwright) over a 60-session channel-like
archive, on a desktop (1400×900) and a phone (390×844) viewport: click a moment deep in the results,
watch it, go Back, close the player. Every session plays one real local video (ta_video.mp4 looped),
so the player's position can be checked. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.support.browser import BROWSER_TEST, click_tick, strip_ticks
from tests.support.serve import serving
from tests.support.ui_archive import channel_archive

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1400, "height": 900}, "phone": {"width": 390, "height": 844}}
QUERY = "government"

pytestmark = BROWSER_TEST


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    config = channel_archive(tmp_path_factory.mktemp("channel"), sessions=60)
    with serving(config) as url:
        yield url


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser):
    context = browser.new_context(viewport=VIEWPORTS[request.param], is_mobile=request.param == "phone")
    pg = context.new_page()
    pg.viewport_name = request.param
    yield pg
    context.close()


def shot(pg, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{name}-{pg.viewport_name}.png"))


def params(pg) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(pg.url).query).items()}


def moment(pg, card: int, i: int):
    """The i-th best moment of a result card: a link (a.ss-moment) that opens it in place."""
    return pg.locator(f'.ss-card[data-card="{card}"] a.ss-moment').nth(i)


def chosen(pg, card: int, i: int) -> bool:
    """Whether that moment is marked as the one playing (for the eye and for screen readers)."""
    return moment(pg, card, i).evaluate("a => a.classList.contains('ss-chosen') && a.getAttribute('aria-current') === 'true'")


def search(pg, server: str, text: str) -> None:
    box = pg.locator("[data-testid=stTextInput] input").first
    box.wait_for(timeout=60_000)
    box.fill(text)
    box.press("Enter")
    pg.wait_for_function(f"() => new URLSearchParams(location.search).get('q') === {text!r}", timeout=30_000)
    moment(pg, 0, 0).wait_for(timeout=60_000)
    settled(pg)


def settled(pg) -> None:
    """The script run is over: Streamlit's running indicator is gone and nothing is stale."""
    pg.wait_for_timeout(300)
    pg.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]') && "
                         "!document.querySelector('[data-stale=true]')", timeout=60_000)


def in_view(pg, selector: str) -> bool:
    return pg.evaluate(f"""() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();
        return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }}""")


def playing_at(pg) -> float:
    pg.wait_for_selector("video", timeout=30_000)
    pg.wait_for_function("() => { const v = document.querySelector('video'); return v.readyState >= 2 && !v.paused; }",
                         timeout=30_000)
    return pg.evaluate("() => document.querySelector('video').currentTime")


def test_a_moment_deep_in_the_results_plays_in_view_and_back_returns(page, server):
    page.goto(server)
    search(page, server, QUERY)
    link = moment(page, 7, 2)  # the 3rd moment of the 8th card
    link.scroll_into_view_if_needed()
    page.evaluate("() => { window.__sameDocument = true; }")
    link.click()
    page.wait_for_function("() => location.search.includes('v=')", timeout=30_000)
    t = int(params(page)["t"])
    current = playing_at(page)
    assert t - 0.25 <= current <= t + 4, (current, t)
    page.wait_for_timeout(1000)  # the page has settled: the player is still where the user looks
    assert in_view(page, "video"), "the player is out of sight"
    assert params(page)["q"] == QUERY
    assert page.evaluate("() => window.__sameDocument === true"), "the link reloaded the whole app"
    settled(page)
    assert chosen(page, 7, 2) and not chosen(page, 7, 0)
    shot(page, "moment")

    page.go_back()  # Back: the moment closes, the same search stays
    page.wait_for_function("() => !location.search.includes('v=')", timeout=30_000)
    page.wait_for_selector("video", state="detached", timeout=30_000)
    assert params(page) == {"q": QUERY}
    assert page.get_by_label("Search the sessions").input_value() == QUERY


def test_a_moment_is_a_big_enough_link_that_opens_from_the_keyboard(page, server):
    page.goto(f"{server}/?q={QUERY}")
    link = moment(page, 0, 1)
    link.wait_for(timeout=60_000)
    settled(page)
    box = link.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 200, box  # a finger's size, on a phone too
    link.focus()
    ring = link.evaluate("a => a.matches(':focus-visible') ? getComputedStyle(a).outlineStyle : 'solid'")
    assert ring == "solid", "a focused moment shows no focus ring"
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('v=')", timeout=30_000)
    t = int(params(page)["t"])
    assert t - 0.25 <= playing_at(page) <= t + 4
    settled(page)
    assert chosen(page, 0, 1)


def test_back_returns_to_the_previous_search(page, server):
    page.goto(server)
    search(page, server, QUERY)
    search(page, server, "climate")
    page.go_back()
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('q') === {QUERY!r}", timeout=30_000)
    page.wait_for_function(f"() => document.querySelector('input[aria-label=\"Search the sessions\"]').value === {QUERY!r}",
                           timeout=30_000)
    page.go_forward()
    page.wait_for_function("() => document.querySelector('input[aria-label=\"Search the sessions\"]').value === 'climate'",
                           timeout=30_000)


def test_the_close_button_hides_the_player(page, server):
    page.goto(f"{server}/?q={QUERY}")
    moment(page, 0, 0).click()
    page.wait_for_selector("video", timeout=30_000)
    page.get_by_role("button", name="Close").click()
    page.wait_for_selector("video", state="detached", timeout=30_000)
    assert "v" not in params(page)


def test_another_moment_seeks_the_open_player_and_another_card_takes_it_over(page, server):
    page.goto(f"{server}/?q={QUERY}")
    moment(page, 0, 0).click()
    playing_at(page)
    first = params(page)["t"]
    settled(page)
    page.evaluate("() => { const v = document.querySelector('video'); v.__ssSame = true; v.pause(); }")
    moment(page, 0, 1).click()  # the same session: the player stays, and seeks
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('t') !== {first!r}", timeout=30_000)
    t = int(params(page)["t"])
    page.wait_for_function(f"() => Math.abs(document.querySelector('video').currentTime - {t}) < 4", timeout=30_000)
    current = playing_at(page)  # paused before the click, playing after it
    assert t - 0.25 <= current <= t + 4, (current, t)
    assert page.evaluate("() => document.querySelector('video').__ssSame === true"), "the player was re-created"
    settled(page)
    assert chosen(page, 0, 1) and not chosen(page, 0, 0)

    moment(page, 1, 0).click()  # another session: the player moves to its card
    page.locator('.ss-card[data-card="1"] a.ss-moment.ss-chosen').wait_for(timeout=30_000)
    settled(page)
    t = int(params(page)["t"])
    current = playing_at(page)
    assert t - 0.25 <= current <= t + 4, (current, t)
    assert page.locator("video").count() == 1 and page.locator(".st-key-session-panel").count() == 1
    assert page.locator(".st-key-card-1 .st-key-session-panel").count() == 1  # under the clicked card
    assert page.locator("a.ss-moment.ss-chosen").count() == 1


def test_a_timeline_tick_opens_its_moment_in_place(page, server):
    page.goto(f"{server}/?q={QUERY}")
    strip = page.locator(".ss-timeline[data-ticks]").first
    strip.wait_for(timeout=60_000)
    assert len(strip_ticks(strip)) > 3
    page.evaluate("() => { window.__sameDocument = true; }")
    seconds = click_tick(strip, 3)
    page.wait_for_function("() => location.search.includes('v=')", timeout=30_000)
    t = int(params(page)["t"])
    assert t == seconds
    assert t - 0.25 <= playing_at(page) <= t + 4
    assert page.evaluate("() => window.__sameDocument === true"), "the tick reloaded the whole app"


def test_the_timeline_shows_the_tick_under_the_pointer_and_works_from_the_keyboard(page, server):
    page.goto(f"{server}/?q={QUERY}")
    strip = page.locator(".ss-timeline[data-ticks]").first
    strip.wait_for(timeout=60_000)
    ticks = strip_ticks(strip)
    box = strip.bounding_box()
    page.mouse.move(box["x"] + box["width"] * ticks[1][0] / 100 + 1.5, box["y"] + box["height"] / 2)
    assert strip.get_attribute("data-tip") == ticks[1][2]  # its time shows above the strip
    assert "ss-at" in strip.get_attribute("class")
    shot(page, "timeline-hover")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 200)  # away: the mark goes
    assert "ss-at" not in strip.get_attribute("class")
    assert strip.get_attribute("role") == "slider" and strip.get_attribute("tabindex") == "0"  # in the Tab order
    assert int(strip.get_attribute("aria-valuenow")) in {t[1] for t in ticks}  # a listed moment's tick
    strip.focus()
    page.keyboard.press("End")
    assert strip.get_attribute("aria-valuenow") == str(ticks[-1][1])
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    assert strip.get_attribute("aria-valuetext") == ticks[1][2]
    page.evaluate("() => { window.__sameDocument = true; }")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('v=')", timeout=30_000)
    assert int(params(page)["t"]) == ticks[1][1]
    assert page.evaluate("() => window.__sameDocument === true"), "the tick reloaded the whole app"


def test_a_tick_keeps_the_find_text_and_the_pages_shown(page, server):
    page.goto(f"{server}/?q={QUERY}")
    page.locator(".st-key-more-sessions button").click(timeout=60_000)  # a second page of sessions
    settled(page)
    cards = page.locator(".ss-timeline").count()
    moment(page, 0, 0).click()
    page.wait_for_selector("video", timeout=30_000)
    settled(page)
    find = page.locator(".st-key-reader input").first
    find.fill("the")
    find.press("Enter")
    settled(page)
    t = int(params(page)["t"])
    strip = page.locator(".ss-timeline[data-ticks]").first
    other = next(i for i, tick in enumerate(strip_ticks(strip)) if tick[1] != t)
    page.evaluate("() => { window.__sameDocument = true; }")
    click_tick(strip, other)
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('t') !== '{t}'", timeout=30_000)
    settled(page)
    assert page.evaluate("() => window.__sameDocument === true"), "the tick reloaded the whole app"
    assert page.locator(".st-key-reader input").first.input_value() == "the"
    assert page.locator(".ss-timeline").count() == cards  # still both pages of sessions


def test_the_reader_follows_playback(page, server):
    page.goto(f"{server}/?q={QUERY}")
    moment(page, 0, 0).click(timeout=60_000)
    start = playing_at(page)
    # The marked line is the one being said, and it moves on as the video plays.
    where = """() => { const v = document.querySelector('video'), on = document.querySelector('.ss-line.ss-playing');
        if (!on) return null;
        const all = [...document.querySelectorAll('.st-key-reader .ss-line[data-start]')], i = all.indexOf(on);
        const next = all[i + 1] ? parseFloat(all[i + 1].dataset.start) : Infinity;
        return {t: v.currentTime, start: parseFloat(on.dataset.start), next, i}; }"""
    page.wait_for_function(f"() => ({where})() !== null", timeout=30_000)
    first = page.evaluate(where)
    assert first["start"] <= first["t"] + 0.3 and first["t"] < first["next"] + 0.5, first
    page.wait_for_function(f"() => ({where})().i > {first['i']}", timeout=30_000)
    later = page.evaluate(where)
    assert later["start"] <= later["t"] + 0.3 and later["t"] > start, later
    box = page.evaluate("""() => { const on = document.querySelector('.ss-line.ss-playing').getBoundingClientRect();
        const r = document.querySelector('.st-key-reader').getBoundingClientRect();
        return on.top >= r.top - 1 && on.bottom <= r.bottom + 1; }""")
    assert box, "the line being played scrolled out of the reader"
    page.locator(".st-key-reader").scroll_into_view_if_needed()
    shot(page, "reader-follows")


def test_browsing_pages_through_every_session(page, server):
    page.goto(server)
    page.locator("a.ss-watch").first.wait_for(timeout=60_000)
    settled(page)
    shot(page, "landing")
    rows = page.locator(".ss-row")
    for _ in range(10):
        before = rows.count()
        if before >= 60:
            break
        page.locator(".st-key-more-browse button").click(timeout=30_000)
        page.wait_for_function(f"() => document.querySelectorAll('.ss-row').length > {before}",
                               timeout=30_000)
        settled(page)
    assert rows.count() == 60
    assert not page.locator(".st-key-more-browse button").count()


def test_watch_opens_a_listed_session_in_place(page, server):
    page.goto(server)
    watch = page.locator("a.ss-watch").first
    watch.wait_for(timeout=60_000)
    settled(page)
    page.evaluate("() => { window.__sameDocument = true; }")
    watch.click()
    page.wait_for_function("() => location.search.includes('v=')", timeout=30_000)
    assert playing_at(page) <= 4  # from the start
    assert page.evaluate("() => window.__sameDocument === true"), "Watch reloaded the whole app"


@pytest.mark.parametrize(("code", "label", "heading"), [("fr", "Chercher dans les sessions", "Dernières sessions"),
                                                         ("es", "Buscar en las sesiones", "Últimas sesiones")])
def test_the_interface_renders_in_french_and_spanish(page, server, code, label, heading):
    page.goto(f"{server}/?hl={code}")
    page.get_by_text(heading).wait_for(timeout=60_000)
    page.wait_for_function(f"() => document.documentElement.lang === {code!r}", timeout=10_000)
    search(page, server, QUERY)
    assert page.get_by_label(label).input_value() == QUERY
    moment(page, 0, 0).click()
    page.wait_for_selector("video", timeout=30_000)
    settled(page)
    shot(page, f"moment-{code}")


def test_a_title_word_finds_its_session(page, server):
    page.goto(server)
    search(page, server, "Montevideo")  # a place named only in titles, never said in these talks' first minutes
    assert "Montevideo" in page.locator("h5").first.inner_text()  # the first card is a session so named
    assert page.get_by_text("Matches in its title").first.is_visible()
    shot(page, "title-match")


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


def axe_problems(pg) -> list[str]:
    """Serious and critical axe-core violations of the page as drawn: rule, and for its first nodes
    the element and axe's reason (for contrast: the two colours and their ratio)."""
    pg.add_script_tag(path=str(AXE))
    report = pg.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): " + " / ".join(
                f"{n['html'][:80]} — {' '.join((n.get('failureSummary') or '').split())[:200]}" for n in v["nodes"][:3])
            for v in report["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.skipif(not AXE.exists(), reason="needs axe-core: npm ci (package.json)")
def test_no_serious_accessibility_violation(page, server):
    page.goto(server)
    page.locator("a.ss-watch").first.wait_for(timeout=60_000)
    settled(page)
    problems = {"landing": axe_problems(page)}
    shot(page, "axe-landing")
    page.goto(server)
    search(page, server, QUERY)
    problems["results"] = axe_problems(page)
    shot(page, "axe-results")
    moment(page, 0, 0).click()
    page.wait_for_selector("video", timeout=30_000)
    settled(page)
    problems["session panel"] = axe_problems(page)
    find = page.locator(".st-key-reader input").first
    find.fill("the")
    find.press("Enter")
    settled(page)
    problems["found in the transcript"] = axe_problems(page)
    shot(page, "axe-session")
    assert not any(problems.values()), problems
