"""Running the Streamlit app in-process with AppTest, on a given config file."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "ui" / "web" / "app.py")


def run_app(monkeypatch, config: Path, **params: str) -> AppTest:
    """The app after its first run with these URL parameters (?q=…&v=…), SESSIONS_CONFIG=config."""
    monkeypatch.setenv("SESSIONS_CONFIG", str(config))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def param(at: AppTest, key: str) -> str | None:
    """A URL parameter as the browser would show it (AppTest keeps lists for values set by the test)."""
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def citations(at: AppTest) -> list[str]:
    """The player's citation line(s) as displayed: plain HTML with a copy button (not st.code)."""
    return [html.unescape(t) for h in at.get("html")
            for t in re.findall(r'<code class="ss-cite-text">(.*?)</code>', h.proto.body)]


@dataclass(frozen=True)
class MomentLink:
    """A best moment of a result card as drawn: a link that opens it in place (ui/web/results_view)."""

    card: int
    href: str  # the moment's address, `?q=…&v=…&t=…`
    label: str  # the link's inner HTML (time, marker, snippet with <mark>ed words), as sent
    chosen: bool  # marked as the current moment

    @property
    def text(self) -> str:
        """The label as displayed (tags dropped, entities decoded)."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.label))


_MOMENT = re.compile(r'<a class="ss-inplace ss-moment( ss-chosen" aria-current="true)?" href="([^"]*)">(.*?)</a>')


def moment_links(at: AppTest) -> list[MomentLink]:
    """Every card's moment links, card by card, in the order drawn."""
    cards = [(int(c.group(1)), h.proto.body) for h in at.get("html")
             if (c := re.match(r'<div class="ss-card[^"]*" data-card="(\d+)">', h.proto.body))]
    return [MomentLink(n, html.unescape(m.group(2)), m.group(3), bool(m.group(1)))
            for n, body in cards for m in _MOMENT.finditer(body)]


def follow(at: AppTest, link: MomentLink | ReaderLine) -> AppTest:
    """What a click on a moment link (or a reader line's time) does in the browser: the page pushes the link's address and
    Streamlit reruns the script with it (ui/web/page_script.LINKS_IN_PLACE). AppTest cannot click a
    link, so the rerun is made with that address; tests/test_browser_flow.py clicks real ones."""
    at.query_params.clear()
    for key, values in parse_qs(urlparse(link.href).query).items():
        at.query_params[key] = values[0]
    at.run()
    assert not at.exception, at.exception
    return at


@dataclass(frozen=True)
class ReaderLine:
    """A transcript line in the reader as drawn: its time (a link that plays it in place) and its text."""

    href: str
    time: str  # as displayed, e.g. "0:03"
    chosen: bool  # the current line (the moment's)
    css: str  # "ss-line", or "ss-line ss-hit" for a line that matches the query
    start: str  # data-start, seconds with two decimals
    body: str  # the line's HTML, <mark>ed words and all


_LINE = re.compile(r'<a class="ss-inplace ss-line-time( ss-chosen" aria-current="true)?" href="([^"]*)">([^<]*)</a>'
                   r'<div class="(ss-line[^"]*)" data-start="([^"]*)">(.*?)</div>')


def reader_lines(at: AppTest) -> list[ReaderLine]:
    """The lines the transcript reader shows, in order."""
    bodies = [h.proto.body for h in at.get("html") if h.proto.body.startswith('<div class="ss-reader-lines">')]
    return [ReaderLine(html.unescape(m.group(2)), m.group(3), bool(m.group(1)), m.group(4), m.group(5), m.group(6))
            for body in bodies for m in _LINE.finditer(body)]
