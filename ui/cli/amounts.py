"""Lengths of audio and of runs as people say them ("2 min of audio", "1m05s"), for every command."""

from __future__ import annotations

import math


def audio_length(seconds: float) -> str:
    """`45 s`, `2 min`, `1 h 25 min`: rounded to what matters at that size (never "0.03 h")."""
    if not math.isfinite(seconds) or seconds <= 0:
        return "0 s"
    if seconds < 59.5:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"


def elapsed(seconds: float) -> str:
    """`12.3 s` under a minute, then `4m05s` and `1h02m03s`."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"
