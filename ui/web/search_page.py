"""The search page: query box, filters, results or the archive overview, and the chosen session."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import streamlit as st

from archive.errors import SessionsError
from index.errors import IndexDamaged, IndexNotBuilt, QueryError
from index.results import SearchResult, VideoHits
from ui.config import Config
from ui.web import resources
from ui.web.controls import current_state, search_box, seed_from_url, sidebar_filters, write_url
from ui.web.overview_view import render_empty_state, render_overview
from ui.web.page_script import TICKS_IN_PLACE
from ui.web.results_view import render_results
from ui.web.session_view import render_session
from ui.web.state import SearchState
from ui.web.text import md_text

log = logging.getLogger("sessions.ui")

TIPS = ('Tips: "exact phrase" · housing OR vivienda · climate NOT finance · particip* · goverment~ (typos) '
        "· one query searches English, French and Spanish sessions")
CSS_FILE = Path(__file__).with_name("page.css")


@st.cache_resource
def _page_css() -> str:
    return CSS_FILE.read_text(encoding="utf-8")


def main() -> None:
    st.set_page_config(page_title="Session Search", page_icon=":material/search:", layout="wide")
    st.markdown(f"<style>{_page_css()}</style>", unsafe_allow_html=True)
    try:
        cfg = resources.config()
    except SessionsError as exc:
        st.error("The configuration cannot be loaded: " + md_text(str(exc)))
        return
    seed_from_url()
    st.title(md_text(cfg.ui.title))
    try:
        stats, videos = resources.archive_summary(cfg)
    except IndexNotBuilt:
        render_empty_state(cfg, len(resources.store(cfg).files()))
        return
    except IndexDamaged as exc:
        st.error(md_text(str(exc)))
        render_empty_state(cfg, len(resources.store(cfg).files()), damaged=True)
        return
    sidebar_filters(stats, videos)
    search_box()
    state = current_state()
    write_url(state)

    st.html(TICKS_IN_PLACE, unsafe_allow_javascript=True)

    result = _search(cfg, state, stats.last_indexed) if state.q else None
    found = next((h for h in result.videos if h.video.id == state.v), None) if result and state.v else None

    def session_panel(hits: VideoHits | None, inline: bool) -> None:
        hit_ids, highlight = _transcript_hits(cfg, state, hits)
        render_session(cfg, state, hits, hit_ids, highlight, inline=inline)

    if state.v and found is None:  # a link to a session outside the results: it opens on top
        session_panel(None, inline=False)
    if result is not None:
        render_results(result, state, open_session=lambda hits: session_panel(hits, True))
    elif not state.q:
        st.caption(md_text(TIPS))
        render_overview(stats, videos)


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
    key = (str(cfg.paths.index), version, state.search_key())
    cached = st.session_state.get("last_search")
    if cached and cached[0] == key:
        return cached[1]
    try:
        index = resources.search_index(cfg)
        result = index.search(replace(cfg.index, query=state.q, filters=state.filters(), sort=state.sort))
    except QueryError as exc:
        st.warning(md_text(str(exc)))
        return None
    except SessionsError as exc:  # e.g. the index is being rebuilt: say so, keep the page
        st.error("The search could not run: " + md_text(str(exc)))
        return None
    st.session_state.last_search = (key, result)
    return result
