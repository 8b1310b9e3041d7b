"""The archive at a glance (shown before a search) and the empty state (no index yet)."""

from __future__ import annotations

import streamlit as st

from archive.records import Video
from index.results import ArchiveStats
from ui.config import Config
from ui.web.controls import language_name, play
from ui.web.text import md_text
from ui.web.timefmt import duration_text

RECENT = 12


def render_overview(stats: ArchiveStats, videos: list[Video]) -> None:
    a, b, c, d = st.columns(4)
    a.metric("Sessions", f"{stats.videos:,}")
    b.metric("Recorded time", _amount_of_time(stats.hours))
    c.metric("Languages", len(stats.languages))
    d.metric("Last ingest", (stats.last_indexed or "never")[:10])
    if stats.languages:
        parts = [f"{language_name(code)}: {n}" for code, n in sorted(stats.languages.items(), key=lambda kv: -kv[1])]
        span = f" · recorded {stats.first_date} to {stats.last_date}" if stats.first_date else ""
        st.caption(md_text(" · ".join(parts)) + md_text(span))
    if not videos:
        st.info("The index is empty: no session has been transcribed yet. Run `sessions ingest`.")
        return
    st.subheader("Latest sessions")
    latest = sorted(videos, key=lambda v: (v.upload_date or "", v.title), reverse=True)[:RECENT]
    for n, video in enumerate(latest):
        left, right = st.columns([6, 1], vertical_alignment="center")
        facts = [video.upload_date or "undated"]
        if video.language:
            facts.append(language_name(video.language))
        if video.duration:
            facts.append(duration_text(video.duration))
        left.markdown("**" + md_text(video.title or video.id) + "**  \n" + md_text(" · ".join(facts)))
        right.button("Open", key=f"open-{n}", on_click=play, args=(video.id, 0), icon=":material/play_arrow:")
    if len(videos) > RECENT:
        st.caption(f"…and {len(videos) - RECENT:,} more: search, or pick one under Filters → Session.")


def render_empty_state(cfg: Config, transcripts_on_disk: int, damaged: bool = False) -> None:
    if damaged:
        st.subheader("The search index needs a rebuild")
        st.markdown(f"{transcripts_on_disk} transcript(s) are stored safely in "
                    f"{md_text(str(cfg.paths.transcripts))}; the index is rebuilt from them with:")
        st.code("sessions index --rebuild", language="bash")
    elif transcripts_on_disk:
        st.subheader("No archive yet")
        st.markdown(
            f"{transcripts_on_disk} transcript(s) are stored in {md_text(str(cfg.paths.transcripts))} "
            "but the search index has not been built. Build it with:"
        )
        st.code("sessions index", language="bash")
    else:
        st.subheader("No archive yet")
        st.markdown(
            "Nothing has been ingested yet. Transcribe the channel's recordings (configured in "
            f"{md_text(cfg.path.name)} under \\[channel\\] urls), then come back here:"
        )
        st.code("sessions ingest            # list → download → transcribe → index\n"
                "sessions ingest URL        # or one channel, playlist, feed or local folder", language="bash")
        st.markdown("No internet? Try the offline demo, which builds a small archive from bundled recordings:")
        st.code("./run.sh demo", language="bash")
    st.caption(f"Index folder: {md_text(str(cfg.paths.index))} · config: {md_text(str(cfg.path))}")


def _amount_of_time(hours: float) -> str:
    if hours >= 10:
        return f"{hours:,.0f} h"
    if hours >= 1:
        return f"{hours:.1f} h"
    return f"{hours * 60:.0f} min" if hours * 60 >= 1 else f"{hours * 3600:.0f} s"
