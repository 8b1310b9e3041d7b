"""One session: the player at the chosen second, a citation, downloads and the transcript reader."""

from __future__ import annotations

import bisect
import hashlib
import logging
import unicodedata
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from archive.errors import SessionsError
from archive.records import Transcript, Video
from index.results import Span, VideoHits
from ui.config import Config
from ui.web import i18n, recordings, resources
from ui.web.controls import close_player, play
from ui.web.downloads import transcript_downloads
from ui.web.i18n import _, language_name
from ui.web.page_script import FOLLOW_PLAYBACK, bring_into_view
from ui.web.player import citation, player_source
from ui.web.state import SearchState, moment_links
from ui.web.text import html_text, marked_html, md_text, one_line
from ui.web.timefmt import clock, duration_text

logger = logging.getLogger(__name__)
PAGE = 30  # transcript lines per window
LINES_BEFORE = 3  # context shown above the current line
MAX_FOUND = 200
MAX_CHAPTERS = 200  # buttons drawn; YouTube allows far fewer, a hand-edited file may hold any number
READER_HEIGHT = 420  # px: the reader scrolls inside its own panel, so the player stays put
Highlighter = Callable[[str], tuple[Span, ...]]  # segment text -> the matched words in it


def render_session(cfg: Config, state: SearchState, hits: VideoHits | None,
                   reader_hits: Callable[[], tuple[set[int], Highlighter | None]] | None = None, *,
                   inline: bool = False) -> None:
    """The chosen session: its player beside the transcript reader, and a close button.

    `reader_hits` gives the transcript lines that match the query and how to mark their words; it is
    called after the player is drawn (finding them takes a search of the session), so the video
    starts loading first.

    `inline`: drawn inside the clicked result card (which shows the title already), right under the
    moment that was clicked, so the player opens where the user looks; otherwise (a shared link to a
    session not among the results) at the top of the page, with its title.
    """
    try:
        transcript: Transcript | None = resources.transcript(cfg, state.v)
    except SessionsError:  # the server log has the details (paths); visitors get a plain sentence
        logger.warning("session %r cannot be read", state.v, exc_info=True)
        transcript = None
    video = transcript.video if transcript else (hits.video if hits else None)
    if video is None:
        st.warning(_("This link points to a session that is not in the archive."))
        return
    with st.container(key="session-panel", border=not inline):
        head, close = st.columns([6, 1], vertical_alignment="center")
        if not inline:
            head.markdown("#### " + md_text(video.title or video.id))
        close.button(_("Close"), key="close-player", on_click=close_player, icon=":material/close:",
                     width="stretch", help=_("Hide the player"))
        watch, read = st.columns([11, 9], gap="medium")
        with watch:
            _player(video, state.t, resources.captions(cfg, video.id) if transcript and transcript.segments else None,
                    resources.media_roots(cfg))
            language = (transcript.language if transcript else None) or (hits.language if hits else None)
            duration = (transcript.duration if transcript else None) or (hits.duration if hits else None)
            facts = [i18n.day(video.upload_date), language_name(language), duration_text(duration)]
            if video.channel:
                facts.insert(0, video.channel)
            st.caption(" · ".join(md_text(f) for f in facts))
            st.caption(_("Cite this moment (the address bar also links to it):"))
            st.html(citation_html(citation(video, _spoken_at(hits, state.t), state.t)))
        with read:
            if transcript is None:
                st.warning(_("The transcript of this session cannot be read."))
                return
            names = [_("Transcript"), _("Chapters"), _("Download"), _("About")]
            if not video.chapters:
                names.remove(_("Chapters"))
            reader, *chapters, downloads, about = st.tabs(names)
            with reader, st.container(height=READER_HEIGHT, key="reader"):
                hit_ids, highlight = reader_hits() if reader_hits else (set(), None)
                _reader(transcript, set(hit_ids), highlight, state, _spoken_at(hits, state.t))
            for tab in chapters:
                with tab, st.container(height=READER_HEIGHT, key="chapters"):
                    _chapters(video, state.t, _spoken_at(hits, state.t))
            with downloads:
                transcript_downloads(transcript)
            with about:
                st.text(video.description or _("No description."))
                if video.webpage_url:
                    st.caption(_("Source:") + " " + md_text(video.webpage_url))


def citation_html(text: str) -> str:
    """The citation as selectable text with a copy button (page_script.COPY_CITATION makes it copy)."""
    return (f'<div class="ss-cite"><code class="ss-cite-text">{html_text(text)}</code>'
            f'<button type="button" class="ss-copy" data-done="{html_text(_("Copied"))}">{html_text(_("Copy"))}</button></div>')


def _spoken_at(hits: VideoHits | None, t: int) -> float:
    """The word time of the hit that plays from second `t` (a chosen moment or timeline tick), else `t`."""
    hit = next((h for h in (hits.positions if hits else ()) if int(h.play_from) == t), None)
    return hit.word_time if hit else t


def _player(video: Video, seconds: int, captions: bytes | None, media_roots: tuple[Path, ...]) -> None:
    source = player_source(video, seconds, media_roots)
    # One container key per session: another moment of the same recording seeks the <video> already
    # loaded (Streamlit sets its currentTime when start_time changes) instead of loading it anew.
    key = "player-" + hashlib.sha1(video.id.encode()).hexdigest()[:12]
    with st.container(key=key):
        if source.kind == "youtube":
            # autoplay=True puts autoplay=1 in the embed's src: a click plays, not only cues, the video.
            st.video(source.target, start_time=source.start, autoplay=True)
        elif source.kind in ("file", "url"):
            media = source.target
            if source.kind == "file":
                # Streamed from disk by `sessions serve` (ui/web/recordings.py); else its bytes.
                media = (recordings.recording_url(_page_url(), Path(source.target), media_roots, source.mimetype)
                         or resources.media(source.target))
            # No autoplay flag: with it, Streamlit makes start_time part of the element's identity and
            # re-creates the player for every moment. bring_into_view's script starts playback instead.
            st.video(media, format=source.mimetype, start_time=source.start,
                     subtitles={"Transcript": captions} if captions else None)
        elif source.kind == "unavailable":
            st.info(_("Media not available: this session's recording cannot be played here; the transcript is beside it."))
        else:
            st.info(_("No playable recording is stored for this session; the transcript is beside it."))
    # Same markup as long as the moment is the same, so Streamlit inserts (and runs) it once per moment.
    st.html(bring_into_view(key, source.start), unsafe_allow_javascript=True)


def _page_url() -> str | None:
    """The page's address in the visitor's browser (None in AppTest)."""
    try:
        return st.context.url
    except Exception:  # no browser behind this run
        return None


def _chapters(video: Video, t: int, spoken: float) -> None:
    """The session's chapters, each a button that plays from its start; the one being played is marked."""
    # As in the reader: the chapter holding the moment's word (a chapter hit plays a lead-in before its start).
    anchor = spoken if spoken != t else t + 0.999
    current = bisect.bisect_right([c.start for c in video.chapters], anchor) - 1
    vkey = hashlib.sha1(video.id.encode()).hexdigest()[:12]
    for i, chapter in enumerate(video.chapters[:MAX_CHAPTERS]):
        title = md_text(chapter.title) if chapter.title else _("Chapter {n}").format(n=i + 1)
        st.button(f"**{clock(chapter.start)}** · {title}", key=f"chapter-{vkey}-{i}", on_click=play,
                  args=(video.id, chapter.start), type="primary" if i == current else "tertiary", width="stretch")
    if len(video.chapters) > MAX_CHAPTERS:
        st.caption(_("(first {n} chapters shown)").format(n=MAX_CHAPTERS))


def _reader(transcript: Transcript, hit_ids: set[int], highlight: Highlighter | None, state: SearchState,
            spoken: float | None = None) -> None:
    """A window of transcript lines around the current moment; each line's time (a link) plays it."""
    segments = [seg for seg in transcript.segments if seg.text.strip()]
    if not segments:
        st.info(_("This session's transcript is empty (no speech was recognised)."))
        return
    vid = transcript.video.id
    vkey = hashlib.sha1(vid.encode()).hexdigest()[:12]
    needle = one_line(st.text_input(_("Find in this transcript"), key=f"find-{vkey}", placeholder=_("a word or phrase")))
    # The current line holds the moment's word (not the line the lead-in starts in); a line's own time
    # button plays from its whole second, which is at most a second before the line starts.
    anchor = spoken if spoken is not None and spoken != state.t else state.t + 0.999
    current = max(0, bisect.bisect_right([seg.start for seg in segments], anchor) - 1)
    if needle:
        shown = [seg for seg in segments if _fold(needle) in _fold(seg.text)]
        st.caption(_("{found} of {total} lines contain “{text}”").format(
            found=len(shown), total=len(segments), text=md_text(needle))
            + (" " + _("(first {n} shown)").format(n=MAX_FOUND) if len(shown) > MAX_FOUND else ""))
        shown = shown[:MAX_FOUND]
    else:
        offset = _window_offset(vkey, state.t, current, len(segments))
        shown = segments[offset: offset + PAGE]
        line = _("Lines {first}–{last} of {total}").format(first=offset + 1, last=offset + len(shown),
                                                          total=len(segments))
        if hit_ids:
            line += " · " + _("{n} with hits, highlighted").format(n=len(hit_ids))
        st.caption(line + " · " + _("press a time to play from there"))
    # One st.html element for every line shown, laid out as a grid by page.css (.ss-reader-lines): a
    # button and a Markdown element per line were 60 elements, and while the browser drew them the
    # player waited its turn. A line's time is an in-place link (page_script.LINKS_IN_PLACE).
    link = moment_links(state, vid)
    rows = []
    for seg in shown:
        spans = tuple(highlight(seg.text)) if seg.id in hit_ids and highlight is not None else ()
        if needle:
            spans = _merged(spans + needle_spans(seg.text, needle))
        body = marked_html(seg.text, spans) if spans else html_text(seg.text)
        chosen = ' ss-chosen" aria-current="true' if seg is segments[current] else ""
        css = "ss-line ss-hit" if seg.id in hit_ids else "ss-line"
        # data-start: the page script marks the line being played and keeps it in view (FOLLOW_PLAYBACK).
        rows.append(f'<a class="ss-inplace ss-line-time{chosen}" href="{html_text(link(seg.start))}">{clock(seg.start)}</a>'
                    f'<div class="{css}" data-start="{seg.start:.2f}">{body}</div>')
    st.html(f'<div class="ss-reader-lines">{"".join(rows)}</div>')
    if not needle and len(segments) > PAGE:
        _pager(vkey, len(segments))
    st.html(FOLLOW_PLAYBACK, unsafe_allow_javascript=True)


def _window_offset(vkey: str, t: int, current: int, total: int) -> int:
    """Where the window starts: a few lines before the current moment, unless the reader paged away."""
    ss = st.session_state
    anchor_key, offset_key = f"win-t-{vkey}", f"win-{vkey}"
    if ss.get(anchor_key) != t or offset_key not in ss:
        ss[anchor_key] = t
        ss[offset_key] = max(0, min(current - LINES_BEFORE, total - PAGE))
    return ss[offset_key]


def _pager(vkey: str, total: int) -> None:
    offset_key = f"win-{vkey}"
    offset = st.session_state[offset_key]
    prev_col, next_col = st.columns(2)
    prev_col.button(_("◀ Earlier lines"), key=f"prev-{vkey}", disabled=offset == 0, width="stretch",
                    on_click=_shift, args=(offset_key, -PAGE, total))
    next_col.button(_("Later lines ▶"), key=f"next-{vkey}", disabled=offset + PAGE >= total, width="stretch",
                    on_click=_shift, args=(offset_key, PAGE, total))


def _shift(offset_key: str, delta: int, total: int) -> None:
    st.session_state[offset_key] = max(0, min(st.session_state[offset_key] + delta, max(0, total - PAGE)))


def needle_spans(text: str, needle: str) -> tuple[Span, ...]:
    """Where `needle` occurs in `text`, case- and accent-insensitively ("region" marks "Région")."""
    owner: list[int] = []  # folded character -> index of the original character it came from
    folded = []
    for i, ch in enumerate(text):
        f = _fold(ch)
        folded.append(f)
        owner.extend([i] * len(f))
    flat, wanted = "".join(folded), _fold(needle)
    spans, start = [], 0
    while wanted and (k := flat.find(wanted, start)) >= 0:
        spans.append((owner[k], owner[k + len(wanted) - 1] + 1))
        start = k + len(wanted)
    return tuple(spans)


def _merged(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((a, b) for a, b in out)


def _fold(text: str) -> str:
    """Case- and accent-insensitive form, so "region" finds "région"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
