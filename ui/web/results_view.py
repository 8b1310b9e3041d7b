"""Search results: grouped by session, a hit timeline per session, the best moments as links."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable

import streamlit as st

from index.results import SearchResult, VideoHits
from ui.web import i18n
from ui.web.controls import current_state, set_query, write_url
from ui.web.i18n import _, language_name, ngettext
from ui.web.results_csv import results_csv, results_filename
from ui.web.state import SearchState, moment_link_prefix, moment_links
from ui.web.text import html_block, html_text, marked_html, md_text
from ui.web.timefmt import clock, duration_text
from ui.web.timeline import legend_html, timeline_html

# Below this many hits a "did you mean" is offered.
FEW_HITS = 3
# Sessions drawn at first, and added per "show more": a browser takes about as long to draw a result
# card as the search takes to find it, so the page grows on demand up to [index] results_limit.
PAGE = 10


OpenSession = Callable[[VideoHits, SearchState], None]
# Where the session panel was last drawn: a card's video id, TOP_PANEL, or None. A click inside a
# card reruns that card alone (st.fragment); when the panel was elsewhere, the whole page reruns.
PANEL_AT = "panel_at"
TOP_PANEL = "\0top"


def render_results(result: SearchResult, state: SearchState, open_session: OpenSession | None = None,
                   full_csv: Callable[[], str] | None = None) -> None:
    """The result cards; the chosen session (state.v) opens inside its card, under its moments.

    `full_csv` makes the CSV of every session and moment found (not only those drawn), when clicked.
    """
    if result.notice:
        st.info(result.notice, icon="ℹ️")
    if result.total_hits < FEW_HITS and result.suggestions:
        _did_you_mean(result.suggestions)
    if not result.videos:
        st.markdown(_("No session mentions **{query}**.").format(query=md_text(result.query))
                    + (" " + _("Try removing a filter.") if _filtered(state) else ""))
        _no_dead_end(result.query)
        return
    shown = _shown(result, state)
    _summary(result, shown)
    st.html(legend_html())
    for n, hits in enumerate(result.videos[:shown]):
        if open_session is not None and state.v == hits.video.id:
            _open_card(n, hits, open_session)
        else:
            # A card without the player is one st.html element, its frame drawn by page.css: the
            # browser's drawing time grows with the number of elements (and a bordered container and
            # a fragment per card were two more each).
            st.html(_card_html(n, hits, state, framed=True))
    left = result.total_videos - shown
    if left > 0:
        more = min(PAGE, left)
        st.button(ngettext("Show {n} more session", "Show {n} more sessions", more).format(n=more),
                  key="more-sessions", on_click=_show_more, args=(state.search_key(), shown + more),
                  icon=":material/expand_more:")
    st.download_button(
        _("Download all {n} sessions found (CSV)").format(n=result.total_videos),
        full_csv or functools.partial(results_csv, result),  # made only when clicked
        file_name=results_filename(result.query),
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )


def wanted(state: SearchState) -> int:
    """How many sessions this search has been asked to show (one page, more after "Show more")."""
    asked = st.session_state.get("shown_sessions")
    return asked[1] if asked and asked[0] == state.search_key() else PAGE


def _shown(result: SearchResult, state: SearchState) -> int:
    """How many sessions to draw: one page, or as many as were asked for on this same search."""
    # The session being played stays visible, so its highlighted moment is on screen.
    chosen = next((i + 1 for i, h in enumerate(result.videos) if h.video.id == state.v), 0)
    return min(len(result.videos), max(wanted(state), chosen))


def _show_more(search_key: tuple, count: int) -> None:
    st.session_state.shown_sessions = (search_key, count)


def _summary(result: SearchResult, shown: int) -> None:
    moments = ngettext("{n} moment", "{n} moments", result.total_hits).format(n=f"{result.total_hits:,}")
    sessions = ngettext("in {n} session", "in {n} sessions", result.total_videos).format(
        n=f"{result.total_videos:,}")
    line = f"{moments} {sessions}"
    if shown < result.total_videos:
        line += " · " + _("showing {shown} of {total}").format(shown=shown, total=result.total_videos)
    st.caption(line)


def _no_dead_end(query: str) -> None:
    """What to try instead of an empty page: any of the words, fewer words, or the latest sessions."""
    words = [w for w in query.replace('"', " ").split() if w not in ("AND", "OR", "NOT")]
    st.caption(_("Try fewer or other words, check the spelling, or add ~ for typos (goverment~)."))
    row = st.container(horizontal=True)
    if len(words) > 1:
        any_of = " OR ".join(dict.fromkeys(words))
        row.button(_("Search any of these words: {query}").format(query=md_text(any_of)), key="try-any",
                   on_click=set_query, args=(any_of,), icon=":material/manage_search:")
    row.button(_("Browse the latest sessions"), key="try-browse", on_click=set_query, args=("",),
               icon=":material/video_library:")


def _did_you_mean(suggestions: tuple[str, ...]) -> None:
    cols = st.columns([2] + [3] * min(3, len(suggestions)) + [4])
    cols[0].markdown(_("Did you mean:"))
    for i, suggestion in enumerate(suggestions[:3]):
        cols[i + 1].button(md_text(suggestion), key=f"dym-{i}", on_click=set_query, args=(suggestion,),
                           type="tertiary")


@st.fragment
def _open_card(n: int, hits: VideoHits, open_session: OpenSession) -> None:
    """The result card holding the player, under its moments. A fragment: using the player (the
    reader, its find box, chapters, Close) reruns this card alone, unless the player must move here
    from elsewhere on the page. It reads the state afresh: a fragment rerun gets its first arguments.

    Moments everywhere are links, not buttons (see `_card_html`): following one pushes its address,
    and Streamlit reruns the whole page with it (page_script.LINKS_IN_PLACE), as for Back and Forward."""
    video = hits.video
    state = current_state()
    here = state.v == video.id
    elsewhere = st.session_state.get(PANEL_AT) not in (None, video.id)
    if here and elsewhere:  # never in a full run: search_page resets PANEL_AT before drawing
        st.rerun()  # the panel open in another card (or on top) must close: redraw the whole page
    write_url(state)  # a fragment rerun is the only run that sees what was done in it
    with st.container(border=True, key=f"card-{n}"):
        st.html(_card_html(n, hits, state))
        if here:
            st.session_state[PANEL_AT] = video.id
            open_session(hits, state)
        elif st.session_state.get(PANEL_AT) == video.id:  # closed: the card stays, without the player
            st.session_state[PANEL_AT] = None


def _marker(matched: str) -> str:
    """How a moment that is not a spoken hit is marked apart on its link."""
    if matched == "meaning":
        return _("≈ close in meaning") + " ·"
    if matched == "chapter":
        return _("Chapter:")
    return ""


def _card_html(n: int, hits: VideoHits, state: SearchState, framed: bool = False) -> str:
    """A whole result card as one st.html element: the title, date · language · length · hits,
    "Matches in its title" when the session's own title or description has the words (marked apart
    from spoken hits), the hit timeline, the best moments and "Also in". A browser's drawing time
    grows with the number of elements (five moment buttons per card were most of a result page's
    wait), and plain HTML is inserted as it is. Outside text is HTML-escaped; the timeline
    escapes its own. `framed`: the card draws its own frame (it is not inside a bordered container)."""
    video = hits.video
    facts = [i18n.day(video.upload_date), language_name(hits.language), duration_text(hits.duration),
             ngettext("{n} hit", "{n} hits", hits.hit_count).format(n=hits.hit_count)]
    parts = [f'<h5 class="ss-title">{html_text(video.title or video.id)}</h5>',
             f'<p class="ss-facts">{" · ".join(html_text(f) for f in facts)}</p>']
    if hits.matched_in:
        where = {"title": _("in its title"), "description": _("in its description"),
                 "chapter": _("in a chapter title")}
        label = _("Matches {where}").format(where=_(" and ").join(where.get(f, f) for f in hits.matched_in))
        parts.append(f'<p class="ss-badge">{html_text(label)}</p>')
    link = moment_links(state, video.id)
    if hits.moments:
        strip = timeline_html(hits.positions, hits.duration, highlight=[m.word_time for m in hits.moments],
                              link=moment_link_prefix(state, video.id))
        parts.append(html_block(strip, "ss-strip"))
        parts.append(_moments_html(hits, state, link))
        if hits.siblings:
            parts.append(_also_in(hits, state))
    else:
        chosen = state.v == video.id
        parts.append(f'<ul class="ss-moments"><li>{_moment_link(link(0), html_text(_("▶ Watch from the start")), chosen)}'
                     "</li></ul>")
    css = "ss-card ss-framed" if framed else "ss-card"
    return f'<div class="{css}" data-card="{n}">{"".join(parts)}</div>'


def _moments_html(hits: VideoHits, state: SearchState, link: Callable[[float], str]) -> str:
    """The best moments, each a link that plays it in place: "▶ 12:34 · [marker] snippet", the
    matched words marked, the chosen one marked as current (for the eye and for screen readers)."""
    items = []
    for moment in hits.moments:
        chosen = state.v == hits.video.id and state.t == int(moment.play_from)
        about = _marker(moment.matched)
        label = (f'▶ <strong class="ss-time">{clock(moment.word_time)}</strong> · '
                 + (f'<span class="ss-about">{html_text(about)}</span> ' if about else "")
                 + marked_html(moment.text, moment.spans))
        items.append(f"<li>{_moment_link(link(moment.play_from), label, chosen)}</li>")
    return f'<ul class="ss-moments">{"".join(items)}</ul>'


def _moment_link(href: str, label: str, chosen: bool) -> str:
    current = ' ss-chosen" aria-current="true' if chosen else ""
    return f'<a class="ss-inplace ss-moment{current}" href="{html.escape(href, quote=True)}">{label}</a>'


def _also_in(hits: VideoHits, state: SearchState) -> str:
    """"Also in: Français · Español": the same session in other languages, opened in place."""
    links = []
    for s in hits.siblings:
        href = html.escape(moment_links(state, s.video.id)(s.time or 0.0), quote=True)
        title = html.escape(" ".join((s.video.title or s.video.id).split()), quote=True)
        links.append(f'<a class="ss-inplace" href="{href}" title="{title}">{html.escape(language_name(s.language))}</a>')
    label = html.escape(_("Also in:"))
    return f'<div class="ss-also">{label} {" · ".join(links)}</div>'


def _filtered(state: SearchState) -> bool:
    return bool(state.languages or state.since or state.until or state.session)
