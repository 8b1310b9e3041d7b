"""The query box and filters, kept in step with the URL.

The widgets are seeded from the URL (?q=…&lang=…&v=…&t=…) on a session's first run and whenever the
URL is no longer the one this page last wrote: the browser's Back/Forward (Streamlit reruns the script
with the old address) or a timeline tick (which pushes its link). Otherwise the widgets are the truth
and every run writes the state back; Streamlit pushes each new address as a history entry, so each
search and each chosen moment is one step of Back.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from archive.links import whole_seconds
from archive.records import Video
from index.results import ArchiveStats
from ui.web.state import SORTS, SearchState, from_params, to_params
from ui.web.text import md_text

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "pt": "Português", "ar": "العربية",
                  "de": "Deutsch", "it": "Italiano", "nl": "Nederlands", "ca": "Català", "tr": "Türkçe"}
SORT_LABELS = {"relevance": "Best match", "date": "Newest first", "date-asc": "Oldest first"}
_FIRST_DATE = date(1990, 1, 1)


def language_name(code: str | None) -> str:
    if not code:
        return "unknown language"
    return LANGUAGE_NAMES.get(code, code)


def seed_from_url() -> None:
    ss = st.session_state
    params = st.query_params.to_dict()
    if ss.get("seeded") and params == ss.get("url_written"):
        return
    url = from_params(params)
    ss.w_q = url.q
    ss.w_lang = list(url.languages)
    ss.w_since = url.since
    ss.w_until = url.until
    ss.w_session = url.session
    ss.w_sort = url.sort
    ss.v = url.v
    ss.t = url.t
    ss.url_problems = list(url.problems)
    ss.seeded = True


def play(video_id: str, seconds: float) -> None:
    """Button callback: choose a moment (runs before the rerun, so the player sees it)."""
    st.session_state.v = video_id
    st.session_state.t = whole_seconds(seconds)


def close_player() -> None:
    st.session_state.v = ""
    st.session_state.t = 0


def set_query(text: str) -> None:
    st.session_state.w_q = text


def search_box() -> None:
    st.text_input(
        "Search the sessions",
        key="w_q",
        placeholder="A topic, a name, a \"quoted phrase\" — e.g. climate finance, logement, participación",
        max_chars=500,
    )


def sidebar_filters(stats: ArchiveStats, videos: list[Video]) -> None:
    ss = st.session_state
    with st.sidebar:
        st.header("Filters")
        languages = sorted(set(stats.languages) | set(ss.get("w_lang", [])))
        st.multiselect("Language", languages, key="w_lang", format_func=language_name,
                       placeholder="All languages")
        lo = _parse_date(stats.first_date) or _FIRST_DATE
        # Dates from a shared link may lie outside the archive's span: widen the pickers to fit them.
        chosen = [d for d in (ss.get("w_since"), ss.get("w_until")) if d]
        hi = max([_parse_date(stats.last_date) or date.today(), date.today(), *chosen])
        lo = min([lo, *chosen])
        st.date_input("From", key="w_since", min_value=lo, max_value=hi, format="YYYY-MM-DD")
        st.date_input("Until", key="w_until", min_value=lo, max_value=hi, format="YYYY-MM-DD")
        titles = {v.id: _session_label(v) for v in videos}
        if ss.get("w_session") and ss.w_session not in titles:
            titles[ss.w_session] = f"(unknown session {ss.w_session})"
        st.selectbox("Session", [""] + list(titles), key="w_session",
                     format_func=lambda vid: titles.get(vid, "All sessions") if vid else "All sessions")
        st.radio("Order", SORTS, key="w_sort", format_func=SORT_LABELS.get, horizontal=False)
        for problem in ss.get("url_problems", []):
            st.caption("Link: " + md_text(problem))


def current_state() -> SearchState:
    ss = st.session_state
    since, until = ss.get("w_since"), ss.get("w_until")
    if since and until and since > until:
        since, until = until, since
    return SearchState(
        q=" ".join(str(ss.get("w_q", "")).split()),
        languages=tuple(ss.get("w_lang", ())),
        since=since,
        until=until,
        session=ss.get("w_session", "") or "",
        sort=ss.get("w_sort", "relevance"),
        v=ss.get("v", ""),
        t=int(ss.get("t", 0)),
    )


def write_url(state: SearchState) -> None:
    params = to_params(state)
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)
    st.session_state.url_written = params


def _session_label(video: Video) -> str:
    title = " ".join(video.title.split()) or video.id
    return f"{title} ({video.upload_date})" if video.upload_date else title


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
