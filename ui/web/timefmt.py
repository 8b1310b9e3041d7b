"""Times as people read them: 75.4 → "1:15", 3725 → "1:02:05"."""

from __future__ import annotations

from archive.links import whole_seconds
from archive.records import within_recording


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    total = whole_seconds(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def duration_text(seconds: float | None) -> str:
    """A length for a summary line: "1 h 05 min", "12 min", "45 s"."""
    if not seconds or not within_recording(seconds):
        from ui.web.i18n import _

        return _("unknown length")
    total = int(round(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h} h {m:02d} min"
    if m:
        return f"{m} min"
    return f"{s} s"
