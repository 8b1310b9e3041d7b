"""The one way a video id becomes a file name.

YouTube ids ([A-Za-z0-9_-]{11}) pass through unchanged. Anything else is escaped so that the
mapping stays one-to-one and the result can never leave its folder: every byte outside
[A-Za-z0-9_-] becomes `~XX` (hex), names Windows reserves get a trailing `~`, and very long
ids are cut and suffixed with a hash of the whole id.
"""

from __future__ import annotations

import hashlib
import re

from archive.errors import InvalidVideoId

_SAFE = re.compile(r"[A-Za-z0-9_-]")
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)}
MAX_STEM = 120


def safe_stem(video_id: str) -> str:
    """A file-name stem for `video_id`: injective, ASCII, no separators, no dots, bounded length."""
    if not isinstance(video_id, str) or not video_id.strip():
        raise InvalidVideoId(f"invalid video id {video_id!r}: it must be non-empty text")
    out = []
    for ch in video_id:
        if _SAFE.fullmatch(ch):
            out.append(ch)
        else:
            out.extend(f"~{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
    stem = "".join(out)
    if stem.upper() in _WINDOWS_RESERVED:
        stem += "~"
    if len(stem) > MAX_STEM:
        digest = hashlib.sha256(video_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        stem = f"{stem[: MAX_STEM - 18]}~h{digest}"
    return stem
