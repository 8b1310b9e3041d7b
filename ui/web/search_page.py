"""The search page: query box, filters, results or the archive overview, and the chosen session."""

from __future__ import annotations

import functools
import logging
from dataclasses import replace
from pathlib import Path

import streamlit as st

from archive.errors import SessionsError
from index.errors import IndexDamaged, IndexNotBuilt, QueryError
from index.results import SearchResult, VideoHits
from ui.config import Config
from ui.web import i18n, resources
from ui.web.controls import current_state, search_box, seed_from_url, sidebar_filters, write_url
from ui.web.i18n import _
from ui.web.overview_view import render_empty_state, render_overview
from ui.web.page_script import COPY_CITATION, PAGE_SCRIPTS, page_language
from ui.web.results_csv import results_csv
from ui.web.results_view import PANEL_AT, TOP_PANEL, render_results, wanted
from ui.web.session_view import render_session
from ui.web.state import SearchState, moment_links
from ui.web.text import md_text

log = logging.getLogger("sessions.ui")
ALL_MOMENTS = 1000  # moments per session in the full results CSV (the most SearchOptions allows)
CSS_FILE = Path(__file__).with_name("page.css")


@st.cache_resource
def _page_css() -> str:
    return CSS_FILE.read_text(encoding="utf-8")


def tips() -> str:
    return _('Tips: "exact phrase" · housing OR vivienda · climate NOT finance · particip* · goverment~ (typos) '
             "· one query searches English, French and Spanish sessions")


def main() -> None:
    st.set_page_config(page_title="Session Search", page_icon=":material/search:", layout="wide")
    st.markdown(f"<style>{_page_css()}</style>", unsafe_allow_html=True)
    seed_from_url()  # first: it also settles the interface language
    st.html(page_language(i18n.current()), unsafe_allow_javascript=True)  # screen readers, axe
    try:
        cfg = resources.config()
    except SessionsError:
        log.exception("configuration")
        st.error(_("The search cannot start: its configuration cannot be loaded. The server log says why."))
        return
    st.title(md_text(cfg.ui.title))
    try:
        stats, videos = resources.archive_summary(cfg)
    except IndexNotBuilt:
        render_empty_state(cfg, len(resources.store(cfg).files()))
        return
    except IndexDamaged as exc:
        st.error(md_text(str(exc)))
        render_empty_state(cfg, len(resources.store(cfg).files()), damaged=True)
        # Search needs the index, but the sessions are still listed from transcripts/ (the truth).
        render_overview(*resources.store_summary(cfg), current_state())
        return
    sidebar_filters(stats, videos)
    st.html(PAGE_SCRIPTS + COPY_CITATION, unsafe_allow_javascript=True)
    _search_area(cfg)


@st.fragment
def _search_area(cfg: Config) -> None:
    """The query box and what it shows: the results with the chosen session, or the archive overview.

    A fragment: a new query, "did you mean", "show more" or Close reruns this part alone. A full run
    would also redraw the sidebar's filters and the page around it, which the browser does again on
    every run (about a fifth of Enter → results on the 500-session bench archive). Filters, the
    interface language, Back/Forward and moment links still rerun the whole page."""
    try:
        stats, videos = resources.archive_summary(cfg)  # cached; fresh when the index changed
    except SessionsError:  # the index went away or broke since the page was drawn: the page says so
        st.rerun()
    search_box()
    state = current_state()
    write_url(state)

    result = _search(cfg, state, stats.last_indexed) if state.q else None
    found = next((h for h in result.videos if h.video.id == state.v), None) if result and state.v else None

    def session_panel(hits: VideoHits | None, inline: bool, now: SearchState) -> None:
        render_session(cfg, now, hits, functools.partial(_reader_hits, cfg, now, hits, stats.last_indexed),
                       inline=inline)

    st.session_state[PANEL_AT] = None  # where this run draws the player (see results_view)
    if state.v and found is None:  # a link to a session outside the results: it opens on top
        st.session_state[PANEL_AT] = TOP_PANEL
        session_panel(None, False, state)
    if result is not None:
        render_results(result, state, open_session=lambda hits, now: session_panel(hits, True, now),
                       full_csv=functools.partial(_full_csv, cfg, state, result.total_videos, _app_url()))
    elif not state.q:
        st.caption(md_text(tips()))
        render_overview(stats, videos, state)


def _reader_hits(cfg: Config, state: SearchState, hits: VideoHits | None, version: str | None):
    """`_transcript_hits`, kept for the session being read: another moment of it, a line, the find
    box or a chapter rerun the page or the card, and would otherwise search the session again."""
    key = (str(cfg.paths.index), version, state.q, state.v)
    cached = st.session_state.get("reader_hits")
    if cached and cached[0] == key:
        return cached[1]
    found = _transcript_hits(cfg, state, hits)
    st.session_state.reader_hits = (key, found)
    return found


def _transcript_hits(cfg: Config, state: SearchState, hits: VideoHits | None):
    """Which lines of the chosen session match the query, and how to mark the words in them."""
    if not state.q or hits is None:
        return set(), None
    index = resources.search_index(cfg)
    try:
        marks = index.highlighter(state.q)  # compiled once for every line of the transcript
        ids = index.matching_segments(marks, state.v)
    except SessionsError as exc:
        # The transcript still shows, unmarked; why the marks are missing goes to the log.
        log.warning("could not highlight %r in session %s: %s", state.q, state.v, exc)
        return set(), None
    return ids, lambda text: marks.spans(text, hits.language)


def _search(cfg: Config, state: SearchState, version: str | None) -> SearchResult | None:
    """Search once per distinct query; choosing a moment reruns the page without searching again."""
    limit = max(cfg.index.results_limit, wanted(state))
    key = (str(cfg.paths.index), version, state.search_key(), limit)
    cached = st.session_state.get("last_search")
    if cached and cached[0] == key:
        return cached[1]
    try:
        with st.spinner(_("Searching…"), show_time=False):
            result = resources.search(cfg, _options(cfg, state, limit))
    except QueryError as exc:
        st.warning(md_text(str(exc)))
        return None
    except SessionsError:  # e.g. the index is being rebuilt: say so, keep the page
        log.exception("search %r", state.q)
        st.error(_("The search could not run just now. Please try again in a moment."))
        return None
    st.session_state.last_search = (key, result)
    return result


def _options(cfg: Config, state: SearchState, limit: int, hits_per_video: int | None = None):
    return replace(cfg.index, query=state.q, filters=state.filters(), sort=state.sort, mode=state.mode,
                   results_limit=limit, hits_per_video=hits_per_video or cfg.index.hits_per_video)


def _app_url() -> str:
    """This app's address without its query (for the CSV's links back to each moment)."""
    try:
        url = st.context.url or ""
    except Exception:  # older Streamlit, or AppTest
        url = ""
    return url.split("?", 1)[0].split("#", 1)[0]


def _full_csv(cfg: Config, state: SearchState, sessions: int, app: str) -> str:
    """Every session and every moment the search found, as CSV (run only when the button is clicked)."""
    result = resources.search_index(cfg).search(_options(cfg, state, max(1, sessions), hits_per_video=ALL_MOMENTS))
    links = (lambda vid, t: app + moment_links(state, vid)(t)) if app else None
    return results_csv(result, links)
