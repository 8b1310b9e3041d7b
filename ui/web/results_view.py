"""Search results: grouped by session, a hit timeline per session, the best moments as buttons."""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from index.results import SearchResult, VideoHits
from ui.web.controls import language_name, play, set_query
from ui.web.results_csv import results_csv
from ui.web.state import SearchState, moment_links
from ui.web.text import html_block, marked_markdown, md_text
from ui.web.timefmt import clock, duration_text
from ui.web.timeline import timeline_html

# Below this many hits a "did you mean" is offered.
FEW_HITS = 3
# Sessions drawn at first, and added per "show more": a browser takes about as long to draw a result
# card as the search takes to find it, so the page grows on demand up to [index] results_limit.
PAGE = 10


OpenSession = Callable[[VideoHits], None]


def render_results(result: SearchResult, state: SearchState, open_session: OpenSession | None = None) -> None:
    """The result cards; the chosen session (state.v) opens inside its card, under its moments."""
    if result.notice:
        st.info(result.notice, icon="ℹ️")
    _summary(result)
    if result.total_hits < FEW_HITS and result.suggestions:
        _did_you_mean(result.suggestions)
    if not result.videos:
        st.markdown(
            "No session mentions **" + md_text(result.query) + "**"
            + (" with these filters. Try removing a filter." if _filtered(state) else ".")
        )
        return
    shown = _shown(result, state)
    for n, hits in enumerate(result.videos[:shown]):
        _session_card(n, hits, state, open_session)
    if shown < len(result.videos):
        more = min(PAGE, len(result.videos) - shown)
        st.button(f"Show {more} more session" + ("" if more == 1 else "s"), key="more-sessions",
                  on_click=_show_more, args=(state.search_key(), shown + more), icon=":material/expand_more:")
    st.download_button(
        "Download these results (CSV)",
        functools.partial(results_csv, result),  # made only when clicked
        file_name="session-search-results.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )


def _shown(result: SearchResult, state: SearchState) -> int:
    """How many sessions to draw: one page, or as many as were asked for on this same search."""
    asked = st.session_state.get("shown_sessions")
    wanted = asked[1] if asked and asked[0] == state.search_key() else PAGE
    # The session being played stays visible, so its highlighted moment is on screen.
    chosen = next((i + 1 for i, h in enumerate(result.videos) if h.video.id == state.v), 0)
    return min(len(result.videos), max(wanted, chosen))


def _show_more(search_key: tuple, count: int) -> None:
    st.session_state.shown_sessions = (search_key, count)


def _summary(result: SearchResult) -> None:
    sessions = "session" if result.total_videos == 1 else "sessions"
    hits = "moment" if result.total_hits == 1 else "moments"
    st.caption(
        f"{result.total_hits} {hits} in {result.total_videos} {sessions} · {result.elapsed * 1000:.0f} ms"
    )


def _did_you_mean(suggestions: tuple[str, ...]) -> None:
    cols = st.columns([2] + [3] * min(3, len(suggestions)) + [4])
    cols[0].markdown("Did you mean:")
    for i, suggestion in enumerate(suggestions[:3]):
        cols[i + 1].button(md_text(suggestion), key=f"dym-{i}", on_click=set_query, args=(suggestion,),
                           type="tertiary")


def _session_card(n: int, hits: VideoHits, state: SearchState, open_session: OpenSession | None) -> None:
    video = hits.video
    with st.container(border=True):
        st.markdown("##### " + md_text(video.title or video.id))
        facts = [
            video.upload_date or "undated",
            language_name(hits.language),
            duration_text(hits.duration),
            f"{hits.hit_count} hit" + ("" if hits.hit_count == 1 else "s"),
        ]
        st.caption(" · ".join(md_text(f) for f in facts))
        strip = timeline_html(
            hits.positions,
            hits.duration,
            highlight=[m.word_time for m in hits.moments],
            href=moment_links(state, video.id),
        )
        # st.html, not Markdown: the strip is markup already, which the browser then inserts as it is.
        st.html(html_block(strip, "ss-strip"))
        # One element per moment: the whole snippet is its play button. A row of columns holding a
        # button and a snippet was five elements, and a tooltip per button doubled a button's cost to
        # draw: together they made a result page slow in the browser.
        for i, moment in enumerate(hits.moments):
            selected = state.v == video.id and state.t == int(moment.play_from)
            st.button(
                f"▶ **{clock(moment.word_time)}** · {marked_markdown(moment.text, moment.spans)}",
                key=f"play-{n}-{i}",
                on_click=play,
                args=(video.id, moment.play_from),
                width="stretch",
                type="primary" if selected else "secondary",
            )
        if open_session is not None and state.v == video.id:
            open_session(hits)


def _filtered(state: SearchState) -> bool:
    return bool(state.languages or state.since or state.until or state.session)
