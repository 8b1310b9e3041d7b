"""Search results: grouped by session, a hit timeline per session, the best moments as buttons."""

from __future__ import annotations

import functools

import streamlit as st

from index.results import SearchResult, VideoHits
from ui.controls import language_name, play, set_query
from ui.results_csv import results_csv
from ui.state import SearchState, query_string
from ui.text import html_block, md_text, snippet_html
from ui.timefmt import clock, duration_text
from ui.timeline import timeline_svg

# Below this many hits a "did you mean" is offered.
FEW_HITS = 3


def render_results(result: SearchResult, state: SearchState, lead_in: float = 0.0) -> None:
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
    for n, hits in enumerate(result.videos):
        _session_card(n, hits, state, lead_in)
    st.download_button(
        "Download these results (CSV)",
        functools.partial(results_csv, result),  # made only when clicked
        file_name="session-search-results.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )


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


def _session_card(n: int, hits: VideoHits, state: SearchState, lead_in: float) -> None:
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
        strip = timeline_svg(
            hits.positions,
            hits.duration,
            highlight=[m.word_time for m in hits.moments],
            href=lambda t, vid=video.id: query_string(state.at(vid, max(0.0, t - lead_in))),
        )
        st.markdown(html_block(strip, "ss-strip"), unsafe_allow_html=True)
        for i, moment in enumerate(hits.moments):
            left, right = st.columns([1.3, 6], vertical_alignment="center")
            selected = state.v == video.id and abs(state.t - int(moment.jump)) <= 1
            left.button(
                "▶ " + clock(moment.word_time),
                key=f"play-{n}-{i}",
                on_click=play,
                args=(video.id, moment.jump),
                width="stretch",
                type="primary" if selected else "secondary",
                help=f"Play from {clock(moment.jump)}",
            )
            right.markdown(html_block(snippet_html(moment.snippet_html, moment.text), "ss-snippet"),
                           unsafe_allow_html=True)


def _filtered(state: SearchState) -> bool:
    return bool(state.languages or state.since or state.until or state.session)
