"""Deep links to a moment of a recording: YouTube watch/embed URLs or a local file + time."""

from __future__ import annotations

import functools
import math
import re
from urllib.parse import parse_qs, urlparse

from archive.records import MAX_SECONDS, Video

_YT_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_LINK_SCHEMES = {"http", "https", "file"}
_YT_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtu.be",
             "www.youtube-nocookie.com", "youtube-nocookie.com"}


def youtube_id(video: Video) -> str | None:
    """The YouTube id of `video` when it comes from YouTube, else None."""
    for url in (video.webpage_url, video.media_url):
        vid = youtube_id_from_url(url)
        if vid:
            return vid
    return None


@functools.lru_cache(maxsize=4096)  # a result page links ~100 moments of ~20 URLs
def youtube_id_from_url(url: str) -> str | None:
    if not url:
        return None
    try:
        parsed = urlparse(url)
        host = (parsed.hostname or "").lower()
    except ValueError:  # malformed (e.g. "http://[") metadata from a feed: not a YouTube URL
        return None
    if host not in _YT_HOSTS:
        return None
    candidate = None
    if host == "youtu.be":
        candidate = parsed.path.strip("/").split("/")[0]
    elif parsed.path == "/watch":
        candidate = (parse_qs(parsed.query).get("v") or [None])[0]
    else:
        parts = parsed.path.strip("/").split("/")
        if len(parts) >= 2 and parts[0] in {"embed", "shorts", "live", "v"}:
            candidate = parts[1]
    return candidate if candidate and _YT_ID.match(candidate) else None


def whole_seconds(seconds: float) -> int:
    """Whole seconds for a link or a player: a negative or non-finite time means "from the start",
    one beyond any recording is capped at MAX_SECONDS (int() of 1e308 is a 300-digit number)."""
    if not math.isfinite(seconds):
        return 0
    return int(min(max(0.0, seconds), MAX_SECONDS))


def watch_url(video_id: str, seconds: float = 0) -> str:
    t = whole_seconds(seconds)
    return f"https://www.youtube.com/watch?v={video_id}&t={t}s"


def embed_url(video_id: str, seconds: float = 0, autoplay: bool = True) -> str:
    t = whole_seconds(seconds)
    return f"https://www.youtube.com/embed/{video_id}?start={t}" + ("&autoplay=1" if autoplay else "")


def deep_link(video: Video, seconds: float) -> str:
    """A link that opens `video` at `seconds`: YouTube `&t=`, else the media URL/file with `#t=`."""
    yt = youtube_id(video)
    if yt:
        return watch_url(yt, seconds)
    target = video.webpage_url or video.media_url
    if not target:
        return ""
    # Media fragments (`#t=`) are understood by browsers' players for http(s) and file URLs.
    if "://" in target:
        # Only schemes a player opens: a feed could carry `javascript://…`, which must never become a link.
        try:
            scheme = urlparse(target).scheme.lower()
        except ValueError:
            return ""
        if scheme not in _LINK_SCHEMES:
            return ""
        base = target.split("#", 1)[0]
    else:
        # A local path: `#` is an ordinary file-name character there; as_uri() percent-encodes it.
        from pathlib import Path

        base = Path(target).resolve().as_uri()
    return f"{base}#t={whole_seconds(seconds)}"
