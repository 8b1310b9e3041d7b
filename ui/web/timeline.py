"""The hit timeline: a strip showing where in a recording the hits fall.

One element per strip, whatever the number of hits: the ticks are drawn by an SVG image and listed,
with their times and links, in a data attribute that the page's script (page_script.TIMELINE) reads to
play the tick nearest a click or a tap, show its time under the pointer, and step through the ticks
with the arrow keys. Streamlit sanitizes every st.html body node by node and React inserts each node,
so a strip of links (one per tick: ~600 for a frequent word on one results page) was about a sixth
of the browser's time from Enter to results. Only numbers, our own time labels and the caller's link
go into it, all escaped here, so no outside text can reach the markup.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import dataclass

from archive.links import whole_seconds
from index.results import HitTime
from ui.web.i18n import _, ngettext
from ui.web.timefmt import clock

TICK = 0.4  # hits closer than this (percent of the strip) share one tick
TICK_PX = 3  # a tick's drawn width
COLOURS = {False: "#dc6803", True: "#b42318"}  # 3.5:1 and 6.6:1 on white: WCAG AA's 3:1 for graphics


@dataclass(frozen=True)
class Tick:
    left: float  # percent of the strip
    play: int  # whole seconds the tick's link plays from (its earliest hit's play_from)
    tip: str  # "12:34", or "12:34 (+2 more)" when hits share the tick
    strong: bool  # one of the moments listed in the card


def timeline_html(
    positions: Iterable[HitTime],
    duration: float | None,
    *,
    highlight: Iterable[float] = (),
    link: str | None = None,
) -> str:
    """The strip and its time axis, as one line of HTML: a tick per hit, placed at its word_time and
    playing from its play_from; `highlight` holds the word times of the listed moments, whose ticks
    are drawn darker. `link`: the moment link without its seconds (state.moment_link_prefix); a tick
    plays `link + its whole seconds`. Without it the strip only shows."""
    plays = _plays(positions)
    points = sorted(plays)
    span = float(duration) if duration and duration > 0 else (max(points, default=0.0) * 1.05 or 1.0)
    found = _ticks(plays, points, span, {round(max(0.0, float(p)), 1) for p in highlight})
    label = ngettext("{n} hit over {length}", "{n} hits over {length}", len(points)).format(n=len(points),
                                                                                          length=clock(span))
    attrs = {"class": "ss-timeline", "aria-label": label}
    if link is not None and found:
        first = next((t for t in found if t.strong), found[0])
        attrs.update({"role": "slider", "tabindex": "0", "aria-valuemin": "0", "aria-valuemax": str(whole_seconds(span)),
                      "aria-valuenow": str(first.play), "aria-valuetext": first.tip, "data-href": link,
                      "data-ticks": json.dumps([[t.left, t.play, t.tip] for t in found], ensure_ascii=False,
                                               separators=(",", ":"))})
    else:
        attrs["role"] = "img"
    opening = "<div " + " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items()) + ">"
    image = f'<img class="ss-ticks" alt="" src="{_svg_uri(found)}">' if found else ""
    return opening + image + "</div>" + axis_html(span)


def _plays(positions: Iterable[HitTime]) -> dict[float, float]:
    """Each hit's shown time (a tenth of a second) -> the play_from of the earliest hit shown there."""
    plays: dict[float, float] = {}
    for p in sorted(positions, key=lambda h: h.word_time):
        plays.setdefault(round(max(0.0, float(p.word_time)), 1), p.play_from)
    return plays


def _ticks(plays: dict[float, float], points: list[float], span: float, strong: set[float]) -> list[Tick]:
    """Hits closer together than a tick's width would draw on top of each other, so they share one
    tick (playing the earliest of them, its tip counting them): a long session with hundreds of
    hits stays a small strip."""
    groups: dict[int, list[float]] = {}
    for p in points:
        groups.setdefault(int(_left(p, span) // TICK), []).append(p)
    out = []
    for group in groups.values():
        first = group[0]
        tip = clock(first) + (" " + _("(+{n} more)").format(n=len(group) - 1) if len(group) > 1 else "")
        out.append(Tick(round(_left(first, span), 2), whole_seconds(plays[first]), tip,
                        not strong.isdisjoint(group)))
    return out


def _svg_uri(found: list[Tick]) -> str:
    """The ticks as an SVG image: placed in percent of its width, each TICK_PX wide whatever the
    strip's width (one shape, reused), the listed moments' ticks drawn last so that they stay on top."""
    groups = "".join(f"<g fill='{COLOURS[strong]}'>" + "".join(f"<use href='#t' x='{t.left}%'/>" for t in found
                                                               if t.strong == strong) + "</g>"
                     for strong in (False, True))
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' width='100%' height='22'><defs><rect id='t' y='2' "
           f"width='{TICK_PX}' height='18' rx='1'/></defs>{groups}</svg>")
    # URL-encode what a data: URI inside src="…" must not hold (str.replace: far faster than urllib's
    # quote or str.translate); the markup never holds a double quote.
    uri = svg.replace("%", "%25").replace("#", "%23").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return "data:image/svg+xml," + uri


def axis_html(span: float, marks: int = 4) -> str:
    """A time axis under the strip: 0:00, evenly spaced times, the recording's length."""
    spans = []
    for k in range(marks + 1):
        t = span * k / marks
        align = "ss-first" if k == 0 else ("ss-last" if k == marks else "")
        spans.append(f'<span class="{align}" style="left:{100.0 * k / marks:.1f}%">{clock(t)}</span>')
    return f'<div class="ss-axis" aria-hidden="true">{"".join(spans)}</div>'


def legend_html() -> str:
    """What the two kinds of ticks mean (drawn once above the results)."""
    listed, other, note = (html.escape(t) for t in (_("a moment listed in the card"), _("another hit"),
                                                       _("press a tick to play it")))
    return ('<div class="ss-legend">'
            f'<span class="ss-key ss-strong"></span>{listed}<span class="ss-key"></span>{other}'
            f'<span class="ss-legend-note">{note}</span></div>')


def _plays(positions: Iterable[HitTime]) -> dict[float, float]:
    """Each hit's shown time (a tenth of a second) -> the play_from of the earliest hit shown there."""
    plays: dict[float, float] = {}
    for p in sorted(positions, key=lambda h: h.word_time):
        plays.setdefault(round(max(0.0, float(p.word_time)), 1), p.play_from)
    return plays


def _left(seconds: float, span: float) -> float:
    return min(100.0 - TICK, seconds / span * 100.0)
