"""Hostile links to the web app: any URL state opens the archive (problems named), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from archive.records import MAX_SECONDS
from tests.support.sample_transcripts import YOUTUBE_ID, french_transcript, jfk_transcript
from tests.support.ui_archive import build_archive
from ui.web.state import from_params, moment_links, query_string

APP = str(Path(__file__).resolve().parents[1] / "ui" / "web" / "app.py")
ABSURD_TIMES = ["inf", "-inf", "nan", "1e308", "99999999999999999999999", "1e400", "-5", f"{MAX_SECONDS * 2:.0f}"]


@pytest.mark.parametrize("raw", ABSURD_TIMES)
def test_absurd_start_times_are_ignored_and_named(raw):
    state = from_params({"v": YOUTUBE_ID, "t": raw})
    assert state.t == 0
    assert any("start time" in p for p in state.problems)
    assert query_string(state).endswith("&t=0")


def test_a_real_start_time_is_kept():
    assert from_params({"v": "x", "t": "83s"}).t == 83
    assert from_params({"v": "x", "t": "12.9"}).t == 12


@pytest.mark.parametrize("seconds", [float("inf"), float("nan"), 1e308, -1.0])
def test_moment_links_survive_absurd_times(seconds):
    link = moment_links(from_params({"q": "x"}), YOUTUBE_ID)(seconds)
    assert link.startswith("?q=x&v=") and link.rsplit("t=", 1)[1].isdigit()


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["q", "lang", "since", "until", "session", "sort", "v", "t"]),
                       st.text(max_size=40)))
def test_any_url_parameters_give_a_state(params):
    state = from_params(params)
    assert 0 <= state.t <= MAX_SECONDS
    again = from_params(dict(parse_pairs(query_string(state))))
    assert again.search_key() == state.search_key() and again.v == state.v
    assert again.t == (state.t if state.v else 0)  # the start time travels with a video only


def parse_pairs(query: str):
    from urllib.parse import parse_qsl

    return parse_qsl(query.removeprefix("?"), keep_blank_values=True)


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile-ui")
    return build_archive(root, [jfk_transcript(YOUTUBE_ID, youtube=True), french_transcript()])


@pytest.mark.parametrize("raw", ["inf", "1e308", "99999999999999999999999"])
def test_app_plays_from_the_start_for_absurd_times(config, monkeypatch, raw):
    monkeypatch.setenv("SESSIONS_CONFIG", str(config))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["q"] = "country"
    at.query_params["v"] = YOUTUBE_ID
    at.query_params["t"] = raw
    at.run()
    assert not at.exception, at.exception
    player = at.get("video")[0].proto
    assert player.start_time == 0
    assert any("start time" in w.value for w in at.warning) or any("start time" in c.value for c in at.caption)


@pytest.mark.parametrize("query", ["(" * 300 + "country", "NOT " * 120 + "country"])
def test_app_explains_a_query_nested_too_deep(config, monkeypatch, query):
    from tests.support.app import run_app

    at = run_app(monkeypatch, config, q=query)  # a RecursionError traceback before
    shown = [e.value for e in at.error] + [w.value for w in at.warning]
    assert any("levels deep" in text for text in shown), shown


@pytest.mark.parametrize("params", [
    {"v": "../../etc/passwd", "t": "5"},
    {"v": "\x00", "q": "\x00"},
    {"q": "country", "session": "x" * 5000},
    {"q": "country", "lang": ",,,,<script>,", "sort": "';DROP"},
    {"q": "country", "since": "9999-12-31", "until": "0001-01-01"},
    {"q": "\"" * 499, "v": YOUTUBE_ID, "t": "-0"},
    {"q": "country", "v": YOUTUBE_ID, "t": "1e-320"},
])
def test_app_opens_for_hostile_links(config, monkeypatch, params):
    from tests.support.app import run_app

    run_app(monkeypatch, config, **params)  # asserts no exception box
