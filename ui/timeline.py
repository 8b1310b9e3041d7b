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


def timeline_svg(
    positions: Iterable[float],
    duration: float | None,
    *,
    highlight: Iterable[float] = (),
    href: Callable[[float], str] | None = None,
) -> str:
    """One line of SVG: a bar for the whole recording and a tick per hit (highlighted ones darker)."""
    points = sorted({round(max(0.0, float(p)), 1) for p in positions})
    strong = {round(max(0.0, float(p)), 1) for p in highlight}
    span = float(duration) if duration and duration > 0 else (max(points, default=0.0) * 1.05 or 1.0)
    parts = [
        f'<svg class="ss-timeline" viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="none" '
        f'width="100%" height="{HEIGHT}" role="img" aria-label="{len(points)} hits over {clock(span)}">',
        f'<rect x="0" y="8" width="{WIDTH}" height="6" rx="3" fill="#e3e7ee"/>',
    ]
    for p in points:
        x = min(WIDTH - 3, p / span * WIDTH)
        color = "#b42318" if p in strong else "#f79009"
        tick = (
            f'<rect x="{x:.1f}" y="2" width="4" height="18" rx="1" fill="{color}">'
            f"<title>{clock(p)}</title></rect>"
        )
        if href is not None:
            tick = f'<a href="{html.escape(href(p), quote=True)}" target="_self">{tick}</a>'
        parts.append(tick)
    parts.append("</svg>")
    return "".join(parts)
