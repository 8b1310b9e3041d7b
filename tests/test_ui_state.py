"""URL parameters ↔ search state, links, times, text escaping, the player source (unit tests)."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs, unquote

from archive.records import Video
from index.results import HitTime
from ui.web.player import PlayerSource, citation, player_source
from ui.web.state import SearchState, from_params, moment_link_prefix, moment_links, query_string, to_params
from ui.web.text import marked_html, md_text
from ui.web.timefmt import clock, duration_text
from ui.web.timeline import timeline_html


def hit_times(*word_times: float) -> list[HitTime]:
    return [HitTime(word_time=t, play_from=max(0.0, t - 2.0)) for t in word_times]


def test_url_round_trip_keeps_every_field():
    state = SearchState(q="peer learning", languages=("fr", "es"), since=date(2024, 1, 1),
                        until=date(2024, 6, 30), session="abc", sort="date", v="dQw4w9WgXcQ", t=83)
    assert from_params(to_params(state)) == state


def test_defaults_make_short_links():
    assert to_params(SearchState(q="x")) == {"q": "x"}
    assert query_string(SearchState(q="a&b", v="v1", t=5)) == "?q=a%26b&v=v1&t=5"


def test_moment_links_equal_the_full_query_string():
    for state in (SearchState(), SearchState(q="a&b ü", languages=("en", "fr"), since=date(2020, 1, 1),
                                             sort="date", v="old", t=4)):
        for video_id in ("abc", "a&b c", ""):
            link = moment_links(state, video_id)
            for seconds in (0, 12.7, -3):
                assert link(seconds) == query_string(state.at(video_id, seconds))


def test_hand_edited_links_are_forgiven_and_explained():
    state = from_params({"q": "  climate   finance ", "lang": "fr,<b>,FR", "since": "2024-13-01",
                         "until": "2023-01-01", "sort": "loudest", "t": "1:00"})
    assert state.q == "climate finance"
    assert state.languages == ("fr",)
    assert state.since is None and state.until == date(2023, 1, 1)
    assert state.sort == "relevance"
    assert state.t == 0
    assert len(state.problems) == 4


def test_swapped_dates_are_put_in_order_and_seconds_accept_an_s_suffix():
    state = from_params({"since": "2024-05-01", "until": "2024-01-01", "t": "90s", "v": "x"})
    assert (state.since, state.until, state.t) == (date(2024, 1, 1), date(2024, 5, 1), 90)


def test_filters_follow_the_state():
    f = SearchState(languages=("es",), session="vid").filters()
    assert f.languages == ("es",) and f.video_ids == ("vid",)


def test_clock_and_durations():
    assert clock(75.9) == "1:15"
    assert clock(3725) == "1:02:05"
    assert duration_text(3900) == "1 h 05 min"
    assert duration_text(None) == "unknown length"


def test_markdown_escaping_shows_hostile_text_literally():
    escaped = md_text("<script>alert(1)</script> **bold** [x](javascript:alert(1))")
    assert "<" not in escaped.replace("\\<", "")
    assert "\\*\\*bold\\*\\*" in escaped
    assert "\\[x\\]\\(javascript" in escaped


def test_marked_html_escapes_text_and_marks_spans():
    assert marked_html("the sea & sky", ((4, 7),)) == "the <mark>sea</mark> &amp; sky"
    assert marked_html(" <img src=x onerror=alert(1)>\n\n sea ", ((32, 35),)) == (
        "&lt;img src=x onerror=alert(1)&gt; <mark>sea</mark>")  # one line, the spaces kept
    assert marked_html("<b>x</b>", ()) == "&lt;b&gt;x&lt;/b&gt;"


def strip_data(strip: str) -> dict[str, str]:
    """The attributes of a timeline's element, unescaped (what the page's script reads)."""
    from html.parser import HTMLParser

    found: dict[str, str] = {}

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if not found and dict(attrs).get("class") == "ss-timeline":
                found.update({k: v or "" for k, v in attrs})

    Reader().feed(strip)
    return found


def test_timeline_merges_hits_closer_than_a_tick():
    strip = timeline_html(hit_times(10.0, 10.2, 10.3, 500.0), 1000, highlight=[10.3], link="?q=a&v=x&t=")
    data = strip_data(strip)
    assert json.loads(data["data-ticks"]) == [[1.0, 8, "0:10 (+2 more)"], [50.0, 498, "8:20"]]
    assert data["aria-label"] == "4 hits over 16:40" and data["role"] == "slider"
    assert (data["aria-valuenow"], data["aria-valuetext"]) == ("8", "0:10 (+2 more)")  # the listed moment's tick
    image = unquote(strip.split('src="', 1)[1].split('"', 1)[0])
    assert image.count("<use ") == 2  # one shape per tick
    assert image.index("<g fill='#b42318'><use href='#t' x='1.0%'/></g>") > image.index("fill='#dc6803'")  # strong, on top


def test_timeline_places_ticks_and_escapes_links():
    strip = timeline_html(hit_times(0, 50, 100), 100, highlight=[50], link='?q=a&b="x"&t=')
    assert [t[:2] for t in json.loads(strip_data(strip)["data-ticks"])] == [[0.0, 0], [50.0, 48], [99.6, 98]]
    # shown at the word, played a lead-in earlier
    assert strip_data(strip)["data-href"] == '?q=a&b="x"&t='
    assert 'data-href="?q=a&amp;b=&quot;x&quot;&amp;t="' in strip
    assert strip.count("<") == strip.count(">")  # the image's markup is URL-encoded inside src
    assert "<rect" not in strip.split('src="', 1)[1].split('"', 1)[0]


def test_a_ticks_link_is_its_moments_link():
    state = SearchState(q="peer & learning", languages=("fr",), mode="both", v="old", t=3)
    assert moment_link_prefix(state, "abc") + "42" == moment_links(state, "abc")(42.9)
    assert moment_links(state, "abc")(42.9) == query_string(state.at("abc", 42.9))


def test_timeline_without_a_link_only_shows():
    data = strip_data(timeline_html(hit_times(0, 50), 100))
    assert data["role"] == "img" and "data-ticks" not in data and "tabindex" not in data
    assert strip_data(timeline_html(hit_times(5), 30))["aria-label"] == "1 hit over 0:30"


def test_player_source_per_kind(tmp_path):
    yt = Video(id="x", title="t", webpage_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    assert player_source(yt, 42.7) == PlayerSource("youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", 42)
    media = tmp_path / "a.m4a"
    media.write_bytes(b"\0")
    local = player_source(Video(id="l", title="t", media_url=str(media)), 3, media_roots=(tmp_path,))
    assert (local.kind, local.target, local.start, local.mimetype) == ("file", str(media.resolve()), 3, "audio/mp4")
    feed = player_source(Video(id="f", title="t", media_url="http://127.0.0.1:9/media/a.mp4"), 1)
    assert (feed.kind, feed.target) == ("url", "http://127.0.0.1:9/media/a.mp4")
    gone = player_source(Video(id="g", title="t", media_url=str(tmp_path / "deleted.mp4")), 1, (tmp_path,))
    assert gone.kind == "unavailable"
    assert player_source(Video(id="n", title="t"), 1).kind == "none"


def test_citation_names_title_date_time_and_link():
    video = Video(id="x", title="Stocktaking  Session", channel="UCLG Learning", upload_date="2024-03-12",
                  webpage_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    text = citation(video, 125.4, 123.4)
    assert text.startswith("“Stocktaking Session”, UCLG Learning, recorded session, 2024-03-12, at 2:05.")
    assert parse_qs(text.split("?", 1)[1])["t"] == ["123s"]  # the link opens a lead-in earlier


def test_find_in_transcript_marks_accent_free_and_keeps_spaces():
    from ui.web.session_view import needle_spans
    from ui.web.text import marked_html

    text = "the above copyright notice, use, copy and Région"
    assert marked_html(text, needle_spans(text, "copyright")) == "the above <mark>copyright</mark> notice, use, copy and Région"
    assert marked_html(text, needle_spans(text, "region")).endswith("and <mark>Région</mark>")
    assert needle_spans(text, "use,") == ((text.index("use,"), text.index("use,") + 4),)


def test_timeline_has_a_time_axis_and_a_legend():
    from ui.web.timeline import legend_html

    strip = timeline_html(hit_times(10), 5400)
    assert ">0:00<" in strip and ">1:30:00<" in strip and ">45:00<" in strip
    assert legend_html().count('class="ss-key') == 2
