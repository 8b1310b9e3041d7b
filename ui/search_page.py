"""The search page: query box, filters, results or the archive overview, and the chosen session."""

from __future__ import annotations

import streamlit as st

from index.errors import IndexNotBuilt, QueryError
from index.results import SearchResult, VideoHits
from ingest.errors import SessionsError
from ui import resources
from ui.config import Config
from ui.controls import current_state, search_box, seed_from_url, sidebar_filters, write_url
from ui.overview_view import render_empty_state, render_overview
from ui.results_view import render_results
from ui.session_view import render_session
from ui.state import SearchState
from ui.text import md_text

TIPS = ('Tips: "exact phrase" · housing OR vivienda · climate NOT finance · particip* · goverment~ (typos) '
        "· one query searches English, French and Spanish sessions")
CSS = """<style>
.block-container { padding-top: 2.5rem; }
/* A best moment is one button (time and snippet): read left to right like text, matches marked. */
div[class*="st-key-play-"] button { justify-content: flex-start; padding: 0.3rem 0.7rem; }
div[class*="st-key-play-"] button > div { justify-content: flex-start; }
div[class*="st-key-play-"] button p { text-align: left; font-size: 0.97rem; line-height: 1.5; }
div[class*="st-key-play-"] .stMarkdownColoredBackground { background: #fde68a !important; color: inherit;
  padding: 0 2px; border-radius: 3px; }
.ss-timeline { position: relative; height: 22px; margin: 0.1rem 0 0.3rem 0; }
.ss-timeline::before { content: ""; position: absolute; left: 0; right: 0; top: 8px; height: 6px;
  border-radius: 3px; background: #e3e7ee; }
.ss-tick { position: absolute; top: 2px; width: 0.4%; min-width: 3px; height: 18px; border-radius: 1px;
  background: #f79009; }
.ss-tick.ss-strong { background: #b42318; }
.ss-tick:hover { background: #7a271a; }
.ss-line { font-size: 0.95rem; line-height: 1.45; padding: 0.3rem 0.4rem; border-left: 3px solid transparent; }
.ss-line.ss-hit { background: #fffbeb; border-left-color: #f59e0b; }
.ss-line mark { background: #fde68a; color: inherit; padding: 0 2px; border-radius: 3px; }
/* Keep the player in view while scrolling through many results. */
div[data-testid="stColumn"]:has(.st-key-session-panel) { position: sticky; top: 3.5rem; align-self: flex-start; }
</style>"""


def main() -> None:
    st.set_page_config(page_title="Session Search", page_icon=":material/search:", layout="wide")
    st.markdown(CSS, unsafe_allow_html=True)
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
    sidebar_filters(stats, videos)
    search_box()
    state = current_state()
    write_url(state)

    result = _search(cfg, state, stats.last_indexed) if state.q else None
    if state.v:
        left, right = st.columns([5, 4], gap="large")
    else:
        left, right = st.container(), None
    with left:
        if result is not None:
            render_results(result, state, cfg.index.lead_in)
        elif not state.q:
            st.caption(md_text(TIPS))
            render_overview(stats, videos)
    if right is not None:
        hits = next((h for h in result.videos if h.video.id == state.v), None) if result else None
        hit_ids, highlight = _transcript_hits(cfg, state, hits)
        with right:
            render_session(cfg, state, hits, hit_ids, highlight)


def _transcript_hits(cfg: Config, state: SearchState, hits: VideoHits | None):
    """Which lines of the chosen session match the query, and how to mark the words in them."""
    if not state.q or hits is None:
        return set(), None
    index = resources.search_index(cfg)
    try:
        ids = index.matching_segments(state.q, state.v)
    except SessionsError:
        return set(), None
    return ids, lambda text: index.highlight(state.q, text, hits.language)


def _search(cfg: Config, state: SearchState, version: str | None) -> SearchResult | None:
    """Search once per distinct query; choosing a moment reruns the page without searching again."""
    key = (str(cfg.paths.index), version, state.search_key())
    cached = st.session_state.get("last_search")
    if cached and cached[0] == key:
        return cached[1]
    try:
        index = resources.search_index(cfg)
        result = index.search(
            state.q,
            state.filters(),
            sort=state.sort,
            limit=cfg.index.results_limit,
            hits_per_video=cfg.index.hits_per_video,
            lead_in=cfg.index.lead_in,
        )
    except QueryError as exc:
        st.warning(md_text(str(exc)))
        return None
    except SessionsError as exc:  # e.g. the index is being rebuilt: say so, keep the page
        st.error("The search could not run: " + md_text(str(exc)))
        return None
    st.session_state.last_search = (key, result)
    return result
