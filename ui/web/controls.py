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
from ui.web import i18n
from ui.web.i18n import _, language_name
from ui.web.state import MODES, SORTS, SearchState, from_params, to_params
from ui.web.text import md_text

__all__ = ["language_name", "seed_from_url", "play", "close_player", "set_query", "search_box",
           "sidebar_filters", "current_state", "write_url"]
UI_PARAM = "hl"  # the interface language in the URL (`lang` is the sessions' language filter)
_FIRST_DATE = date(1990, 1, 1)


def sort_label(sort: str) -> str:
    return {"relevance": _("Best match"), "date": _("Newest first"), "date-asc": _("Oldest first")}.get(sort, sort)


def seed_from_url() -> None:
    ss = st.session_state
    params = st.query_params.to_dict()
    if ss.get("seeded") and params == ss.get("url_written"):
        return
    _seed_language(params.get(UI_PARAM, ""))
    params = {k: v for k, v in params.items() if k != UI_PARAM}
    url = from_params(params)
    ss.w_q = url.q
    ss.w_lang = list(url.languages)
    ss.w_since = url.since
    ss.w_until = url.until
    ss.w_session = url.session
    ss.w_sort = url.sort
    ss.w_mode = url.mode
    ss.v = url.v
    ss.t = url.t
    ss.url_problems = list(url.problems)
    ss.seeded = True


def _seed_language(asked: str) -> None:
    """`?hl=` when it names one of our languages; else what this visit had; else the browser's."""
    ss = st.session_state
    asked = asked.strip().lower()
    if asked in i18n.LANGUAGES:
        ss.hl, ss.hl_chosen = asked, True
    elif not ss.get("hl"):
        ss.hl, ss.hl_chosen = i18n.browser_language(), False
    ss.w_hl = ss.hl


def _choose_language() -> None:
    st.session_state.hl = st.session_state.w_hl
    st.session_state.hl_chosen = True


def language_switch() -> None:
    st.selectbox(_("Interface language"), i18n.LANGUAGES, key="w_hl", format_func=i18n.NAMES.get,
                 on_change=_choose_language)


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
        _("Search the sessions"),
        key="w_q",
        placeholder=_("A topic, a name, a \"quoted phrase\" — e.g. climate finance, logement, participación"),
        max_chars=500,
    )
    modes = {"words": _("Words"), "meaning": _("Meaning"), "both": _("Both")}
    st.segmented_control(_("Match"), MODES, key="w_mode", format_func=lambda m: modes.get(m, m),
                         label_visibility="collapsed", help=_("Words: the words you typed, as said. Meaning: "
                                                              "passages about the same thing, in any language. "
                                                              "Both: words first, then meaning."))


def sidebar_filters(stats: ArchiveStats, videos: list[Video]) -> None:
    ss = st.session_state
    with st.sidebar:
        st.header(_("Filters"))
        languages = sorted(set(stats.languages) | set(ss.get("w_lang", [])))
        # Labels are made now, in this visit's language (a format_func may also run outside the page's run).
        names = {code: language_name(code) for code in languages}
        st.multiselect(_("Language"), languages, key="w_lang", format_func=lambda code: names.get(code, code),
                       placeholder=_("All languages"))
        lo = _parse_date(stats.first_date) or _FIRST_DATE
        # Dates from a shared link may lie outside the archive's span: widen the pickers to fit them.
        chosen = [d for d in (ss.get("w_since"), ss.get("w_until")) if d]
        hi = max([_parse_date(stats.last_date) or date.today(), date.today(), *chosen])
        lo = min([lo, *chosen])
        st.date_input(_("From"), key="w_since", min_value=lo, max_value=hi, format="YYYY-MM-DD")
        st.date_input(_("Until"), key="w_until", min_value=lo, max_value=hi, format="YYYY-MM-DD")
        lang = i18n.current()
        titles = {v.id: _session_label(v, lang) for v in videos}
        if ss.get("w_session") and ss.w_session not in titles:
            titles[ss.w_session] = _("(unknown session {id})").format(id=ss.w_session)
        everything = _("All sessions")
        st.selectbox(_("Session"), [""] + list(titles), key="w_session",
                     format_func=lambda vid: titles.get(vid, everything) if vid else everything)
        orders = {sort: sort_label(sort) for sort in SORTS}
        st.radio(_("Order"), SORTS, key="w_sort", format_func=lambda sort: orders.get(sort, sort), horizontal=False)
        for problem in ss.get("url_problems", []):
            st.caption(_("Link:") + " " + md_text(problem))
        st.divider()
        language_switch()


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
        mode=ss.get("w_mode") or "words",
        v=ss.get("v", ""),
        t=int(ss.get("t", 0)),
    )


def write_url(state: SearchState) -> None:
    params = to_params(state)
    if st.session_state.get("hl_chosen"):
        params[UI_PARAM] = i18n.current()
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)
    st.session_state.url_written = params


def _session_label(video: Video, lang: str) -> str:
    title = " ".join(video.title.split()) or video.id
    return f"{title} ({i18n.day(video.upload_date, lang)})" if video.upload_date else title


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
