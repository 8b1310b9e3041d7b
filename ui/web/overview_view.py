"""The landing page (no query): the archive's sessions, browsable with the filters; the empty state.

Without a query the sidebar filters (language, dates, session) and the date order apply to the list
of sessions itself, with counts per language and per year, so "French sessions of 2024, oldest
first" needs no search words.
"""

from __future__ import annotations

import html
from collections import Counter

import streamlit as st

from archive.links import youtube_id
from archive.records import Video
from index.results import ArchiveStats
from ui.config import Config
from ui.web import i18n
from ui.web.i18n import _, language_name, ngettext
from ui.web.state import SearchState, moment_links
from ui.web.text import html_text, md_text
from ui.web.timefmt import duration_text

PAGE = 12  # sessions per page of the list


def browse(videos: list[Video], state: SearchState) -> list[Video]:
    """The sessions the filters allow, in the chosen date order (newest first unless oldest is asked)."""
    def allowed(v: Video) -> bool:
        day = v.upload_date or ""
        return ((not state.languages or v.language in state.languages)
                and (not state.session or v.id == state.session)
                and (state.since is None or (day and day >= state.since.isoformat()))
                and (state.until is None or (day and day <= state.until.isoformat())))
    chosen = [v for v in videos if allowed(v)]
    oldest = state.sort == "date-asc"
    return sorted(chosen, key=lambda v: (v.upload_date or ("9999" if oldest else ""), v.title), reverse=not oldest)


def facet_counts(videos: list[Video]) -> tuple[Counter, Counter]:
    """(sessions per language code, sessions per year) of `videos`."""
    return (Counter(v.language or "" for v in videos),
            Counter((v.upload_date or "")[:4] for v in videos if v.upload_date))


def render_overview(stats: ArchiveStats, videos: list[Video], state: SearchState) -> None:
    st.caption(md_text(" · ".join([
        ngettext("{n} session", "{n} sessions", stats.videos).format(n=f"{stats.videos:,}"),
        _("{time} recorded").format(time=_amount_of_time(stats.hours)),
    ] + ([_("from {first} to {last}").format(first=i18n.day(stats.first_date), last=i18n.day(stats.last_date))]
         if stats.first_date else []))))
    if not videos:
        st.info(_("The archive is empty: no session has been transcribed yet."))
        return
    listed = browse(videos, state)
    filtered = len(listed) < len(videos)
    st.subheader(_("Sessions") if filtered or state.sort == "date-asc" else _("Latest sessions"))
    languages, years = facet_counts(listed)
    facets = [f"{language_name(code or None)} {n}" for code, n in languages.most_common()]
    facets += [f"{year}: {n}" for year, n in sorted(years.items(), reverse=True)]
    st.caption(md_text(ngettext("{n} session", "{n} sessions", len(listed)).format(n=len(listed))
                       + " · " + " · ".join(facets)))
    if not listed:
        st.markdown(_("No session matches these filters. Try removing a filter."))
        return
    key = (state.languages, state.since, state.until, state.session, state.sort)
    asked = st.session_state.get("browse_shown")
    shown = min(len(listed), asked[1] if asked and asked[0] == key else PAGE)
    for n, video in enumerate(listed[:shown]):
        st.html(_session_row(n, video, state))
    if shown < len(listed):
        st.caption(_("showing {shown} of {total}").format(shown=shown, total=len(listed)))
        more = min(PAGE, len(listed) - shown)
        st.button(ngettext("Show {n} more session", "Show {n} more sessions", more).format(n=more),
                  key="more-browse", on_click=_more, args=(key, shown + more), icon=":material/expand_more:")


def _more(key: tuple, count: int) -> None:
    st.session_state.browse_shown = (key, count)


def _session_row(n: int, video: Video, state: SearchState) -> str:
    """A session of the list as one st.html element: thumbnail, title, date · language · length, a
    line of its description, and Watch, an in-place link that opens it on top (page_script
    LINKS_IN_PLACE). As plain HTML a row is one element instead of seven (a bordered container,
    three columns, the picture, the text and a button), which the browser draws again on every run
    and takes down when a search replaces the list."""
    facts = [i18n.day(video.upload_date)]
    if video.language:
        facts.append(language_name(video.language))
    if video.duration:
        facts.append(duration_text(video.duration))
    about = " ".join(video.description.split())
    line = about[:160] + ("…" if len(about) > 160 else "")
    watch = html.escape(moment_links(state, video.id)(0), quote=True)
    return (f'<div class="ss-row ss-framed" data-row="{n}">{_thumbnail(video)}<div class="ss-row-text">'
            f'<p class="ss-row-title">{html_text(video.title or video.id)}</p>'
            f'<p class="ss-facts">{html_text(" · ".join(facts))}</p>'
            + (f'<p class="ss-row-about">{html_text(line)}</p>' if line else "")
            + f'</div><a class="ss-inplace ss-watch" href="{watch}">▶ {html_text(_("Watch"))}</a></div>')


def _thumbnail(video: Video) -> str:
    """YouTube's thumbnail for YouTube sessions (what yt-dlp reports too); a plain tile otherwise."""
    yt = youtube_id(video)
    if yt:
        src = html.escape(f"https://i.ytimg.com/vi/{yt}/mqdefault.jpg", quote=True)
        return f'<img class="ss-thumb" src="{src}" alt="" loading="lazy">'
    return '<div class="ss-thumb ss-thumb-none" aria-hidden="true">▶</div>'


def render_empty_state(cfg: Config, transcripts_on_disk: int, damaged: bool = False) -> None:
    """Seen by whoever sets the archive up (nothing is searchable yet), so it names the commands."""
    if damaged:
        st.subheader(_("The search index needs a rebuild"))
        st.markdown(f"{transcripts_on_disk} transcript(s) are stored safely in "
                    f"{md_text(str(cfg.paths.transcripts))}; the index is rebuilt from them with:")
        st.code("sessions index --rebuild", language="bash")
    elif transcripts_on_disk:
        st.subheader(_("No archive yet"))
        st.markdown(
            f"{transcripts_on_disk} transcript(s) are stored in {md_text(str(cfg.paths.transcripts))} "
            "but the search index has not been built. Build it with:"
        )
        st.code("sessions index", language="bash")
    else:
        st.subheader(_("No archive yet"))
        st.markdown(
            "Nothing has been ingested yet. Transcribe the channel's recordings (configured in "
            f"{md_text(cfg.path.name)} under \\[channel\\] urls), then come back here:"
        )
        st.code("sessions ingest            # list → download → transcribe → index\n"
                "sessions ingest URL        # or one channel, playlist, feed or local folder", language="bash")
        st.markdown("No internet? Try the offline demo, which builds a small archive from bundled recordings:")
        st.code("./run.sh demo", language="bash")


def _amount_of_time(hours: float) -> str:
    if hours >= 10:
        return f"{hours:,.0f} h"
    if hours >= 1:
        return f"{hours:.1f} h"
    return f"{hours * 60:.0f} min" if hours * 60 >= 1 else f"{hours * 3600:.0f} s"
