"""One session: the player at the chosen second, a citation, downloads and the transcript reader."""

from __future__ import annotations

import functools
import hashlib
import unicodedata

import streamlit as st

from index.results import VideoHits
from ingest.errors import SessionsError
from ingest.records import Transcript, Video
from ui import resources
from ui.config import Config
from ui.controls import language_name, play
from ui.downloads import transcript_downloads
from ui.player import citation, player_source
from ui.state import SearchState
from ui.text import md_text, one_line
from ui.timefmt import clock, duration_text

HIT_STYLE = "background-color: #fef3c7"


def render_session(cfg: Config, state: SearchState, hits: VideoHits | None) -> None:
    problem = ""
    try:
        transcript: Transcript | None = resources.transcript(cfg, state.v)
    except SessionsError as exc:
        transcript = None
        problem = str(exc)
    video = transcript.video if transcript else (hits.video if hits else None)
    if video is None:
        st.warning("This link points to a session that is not in the archive: " + md_text(problem))
        return
    with st.container(key="session-panel"):
        _player(video, state.t)
        st.markdown("#### " + md_text(video.title or video.id))
        language = (transcript.language if transcript else None) or (hits.language if hits else None)
        duration = (transcript.duration if transcript else None) or (hits.duration if hits else None)
        facts = [video.upload_date or "undated", language_name(language), duration_text(duration)]
        if video.channel:
            facts.insert(0, video.channel)
        st.caption(" · ".join(md_text(f) for f in facts))
        st.caption("Cite this moment (the address bar also links to it):")
        st.code(citation(video, state.t), language=None, wrap_lines=True)
        if transcript is None:
            st.warning("The transcript of this session cannot be read: " + md_text(problem))
            return
        reader, downloads, about = st.tabs(["Transcript", "Download", "About"])
        with reader:
            _reader(transcript, hits, state)
        with downloads:
            transcript_downloads(transcript)
        with about:
            st.text(video.description or "No description.")
            if video.webpage_url:
                st.caption("Source: " + md_text(video.webpage_url))


def _player(video: Video, seconds: int) -> None:
    source = player_source(video, seconds)
    # A new container key per moment makes the player element new, so it seeks to the new start.
    key = "player-" + hashlib.sha1(f"{video.id}\0{seconds}".encode()).hexdigest()[:12]
    with st.container(key=key):
        if source.kind == "youtube":
            st.video(source.target, start_time=source.start)
        elif source.kind in ("file", "url"):
            st.video(source.target, format=source.mimetype, start_time=source.start, autoplay=True)
        else:
            st.info("No playable recording is stored for this session; the transcript is below.")


def _reader(transcript: Transcript, hits: VideoHits | None, state: SearchState) -> None:
    import pandas as pd  # a Streamlit dependency; loaded only when a transcript is shown

    vid = transcript.video.id
    vkey = hashlib.sha1(vid.encode()).hexdigest()[:12]
    needle = st.text_input("Find in this transcript", key=f"find-{vkey}", placeholder="a word or phrase")
    hit_times = sorted(hits.positions) if hits else []
    rows = []
    for seg in transcript.segments:
        text = one_line(seg.text)
        if needle and _fold(needle) not in _fold(text):
            continue
        is_hit = any(seg.start - 0.05 <= p <= seg.end + 0.05 for p in hit_times)
        rows.append((seg.start, clock(seg.start), text, is_hit))
    if not transcript.segments:
        st.info("This session's transcript is empty (no speech was recognised).")
        return
    shown = f"{len(rows)} of {len(transcript.segments)} lines" if needle else f"{len(rows)} lines"
    n_hits = sum(r[3] for r in rows)
    st.caption(shown + (f" · {n_hits} with hits (highlighted)" if n_hits else "") + " · click a line to play it")
    if not rows:
        return
    starts = [r[0] for r in rows]
    frame = pd.DataFrame({"time": [r[1] for r in rows], "text": [r[2] for r in rows]})
    hit_flags = [r[3] for r in rows]
    styled = frame.style.apply(lambda col: [HIT_STYLE if h else "" for h in hit_flags], axis=0)
    key = f"reader-{vkey}-{hashlib.sha1(needle.encode()).hexdigest()[:8]}"
    st.dataframe(
        styled,
        key=key,
        on_select=functools.partial(_on_line, key, vid, starts),
        selection_mode="single-row",
        hide_index=True,
        height=min(460, 38 + 35 * len(rows)),
        column_config={
            "time": st.column_config.TextColumn("Time", width="small"),
            "text": st.column_config.TextColumn("Text", width="large"),
        },
    )


def _on_line(key: str, video_id: str, starts: list[float]) -> None:
    rows = st.session_state[key].selection.rows
    if rows:
        play(video_id, starts[rows[0]])


def _fold(text: str) -> str:
    """Case- and accent-insensitive form, so "region" finds "région"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
