"""The hit timeline: a strip showing where in a recording the hits fall.

Plain HTML (a bar and absolutely placed tick links, styled by the page's CSS) rather than SVG, so the
browser inserts it as it is: one node per tick, no Markdown or React work per node. Only numbers and
our own time labels go into it; links are built by the caller and are HTML-escaped here, so no outside
text can reach the markup.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

from index.results import HitTime
from ui.web.i18n import _
from ui.web.timefmt import clock

TICK = 0.4  # a tick's width, in percent of the strip


def timeline_html(
    positions: Iterable[HitTime],
    duration: float | None,
    *,
    highlight: Iterable[float] = (),
    href: Callable[[float], str] | None = None,
) -> str:
    """One line of HTML: a bar for the whole recording and a tick per hit (highlighted ones darker).

    A tick sits and is labelled at its hit's word_time and links (href) to its play_from;
    `highlight` holds word times.

    Hits closer together than a tick's width would draw on top of each other, so they share one
    tick (linking the earliest of them, its tooltip counting them): a long session with hundreds of
    hits stays a small strip.
    """
    plays: dict[float, float] = {}  # shown time -> the play_from of its earliest hit
    for p in sorted(positions, key=lambda h: h.word_time):
        plays.setdefault(round(max(0.0, float(p.word_time)), 1), p.play_from)
    points = sorted(plays)
    strong = {round(max(0.0, float(p)), 1) for p in highlight}
    span = float(duration) if duration and duration > 0 else (max(points, default=0.0) * 1.05 or 1.0)
    ticks: dict[int, list[float]] = {}
    for p in points:
        ticks.setdefault(int(_left(p, span) // TICK), []).append(p)
    label = html.escape(_("{n} hits over {length}").format(n=len(points), length=clock(span)), quote=True)
    parts = [f'<div class="ss-timeline" role="group" aria-label="{label}">']
    for group in ticks.values():
        first = group[0]
        css = "ss-tick ss-strong" if strong.intersection(group) else "ss-tick"
        tip = clock(first) + (" " + _("(+{n} more)").format(n=len(group) - 1) if len(group) > 1 else "")
        link = f' href="{html.escape(href(plays[first]), quote=True)}"' if href is not None else ""
        tip = html.escape(tip, quote=True)  # also the link's accessible name: no aria-label copy per tick
        parts.append(f'<a class="{css}" style="left:{_left(first, span):.2f}%" title="{tip}"{link}></a>')
    parts.append("</div>")
    parts.append(axis_html(span))
    return "".join(parts)


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


def _left(seconds: float, span: float) -> float:
    return min(100.0 - TICK, seconds / span * 100.0)
