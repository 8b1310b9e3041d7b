"""The hit timeline: an inline SVG strip showing where in a recording the hits fall.

Only numbers and our own time labels go into the SVG; links are built by the caller and are
HTML-escaped here, so no outside text can reach the markup.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

from ui.timefmt import clock

WIDTH = 1000  # viewBox units; the strip scales to its column
HEIGHT = 22
TICK = 4  # a tick's width, in viewBox units


def timeline_svg(
    positions: Iterable[float],
    duration: float | None,
    *,
    highlight: Iterable[float] = (),
    href: Callable[[float], str] | None = None,
) -> str:
    """One line of SVG: a bar for the whole recording and a tick per hit (highlighted ones darker).

    Hits closer together than a tick's width would draw on top of each other, so they share one
    tick (linking the earliest of them, its tooltip counting them): a long session with hundreds of
    hits stays a small strip.
    """
    points = sorted({round(max(0.0, float(p)), 1) for p in positions})
    strong = {round(max(0.0, float(p)), 1) for p in highlight}
    span = float(duration) if duration and duration > 0 else (max(points, default=0.0) * 1.05 or 1.0)
    ticks: dict[int, list[float]] = {}
    for p in points:
        ticks.setdefault(int(min(WIDTH - TICK, p / span * WIDTH) // TICK), []).append(p)
    parts = [
        f'<svg class="ss-timeline" viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="none" '
        f'width="100%" height="{HEIGHT}" role="img" aria-label="{len(points)} hits over {clock(span)}">',
        f'<rect x="0" y="8" width="{WIDTH}" height="6" rx="3" fill="#e3e7ee"/>',
    ]
    for group in ticks.values():
        first = group[0]
        x = min(WIDTH - TICK, first / span * WIDTH)
        color = "#b42318" if strong.intersection(group) else "#f79009"
        label = clock(first) + (f" (+{len(group) - 1} more)" if len(group) > 1 else "")
        tick = (
            f'<rect x="{x:.1f}" y="2" width="{TICK}" height="18" rx="1" fill="{color}">'
            f"<title>{label}</title></rect>"
        )
        if href is not None:
            tick = f'<a href="{html.escape(href(first), quote=True)}" target="_self">{tick}</a>'
        parts.append(tick)
    parts.append("</svg>")
    return "".join(parts)
