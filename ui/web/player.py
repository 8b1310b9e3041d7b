"""What the embedded player plays for a video: a YouTube embed, a local file, or a media URL."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlparse

from archive.links import deep_link, whole_seconds, youtube_id
from archive.records import Video
from ui.web.timefmt import clock

Kind = Literal["youtube", "file", "url", "none"]


@dataclass(frozen=True)
class PlayerSource:
    kind: Kind
    target: str  # YouTube watch URL, local file path or http(s) media URL; "" when nothing plays
    start: int  # whole seconds
    mimetype: str = "video/mp4"


def player_source(video: Video, seconds: float) -> PlayerSource:
    start = whole_seconds(seconds)
    yt = youtube_id(video)
    if yt:
        # Streamlit turns a watch URL into an embed whose src carries start=.
        return PlayerSource("youtube", f"https://www.youtube.com/watch?v={yt}", start)
    for candidate in (video.media_url, video.webpage_url):
        local = _local_path(candidate)
        if local is not None and local.is_file():
            return PlayerSource("file", str(local), start, _mimetype(local.name))
    for candidate in (video.media_url, video.webpage_url):
        if urlparse(candidate).scheme in ("http", "https"):
            url = candidate.split("#", 1)[0]
            return PlayerSource("url", url, start, _mimetype(urlparse(url).path))
    return PlayerSource("none", "", start)


def citation(video: Video, seconds: float) -> str:
    """A citation line for researchers: title, date, channel, time, link."""
    parts = [f"“{' '.join(video.title.split()) or video.id}”"]
    if video.channel:
        parts.append(video.channel)
    parts.append(f"recorded session, {video.upload_date}" if video.upload_date else "recorded session")
    parts.append(f"at {clock(seconds)}")
    link = deep_link(video, seconds)
    text = ", ".join(parts) + "."
    return f"{text} {link}" if link else text


def _local_path(value: str) -> Path | None:
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme and len(parsed.scheme) > 1:  # http, https…; a one-letter scheme is a Windows drive
        return None
    return Path(value).expanduser()


def _mimetype(name: str) -> str:
    guessed = mimetypes.guess_type(name)[0] or "video/mp4"
    # <video> plays audio files too; Streamlit only needs a type the browser accepts.
    return guessed if guessed.startswith(("video/", "audio/")) else "video/mp4"
