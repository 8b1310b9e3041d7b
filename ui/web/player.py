"""What the embedded player plays for a video: a YouTube embed, a local file, or a media URL.

A local file is played only when archive.media_roots allows it (a media file inside the media
folders); a refused one plays nothing ("unavailable") and the reason goes to the "sessions.ui" log.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from archive.links import deep_link, whole_seconds, youtube_id
from archive.media_roots import check_local_media, local_path
from archive.records import Video
from ui.web.timefmt import clock

Kind = Literal["youtube", "file", "url", "unavailable", "none"]
log = logging.getLogger("sessions.ui")


@dataclass(frozen=True)
class PlayerSource:
    kind: Kind
    target: str  # YouTube watch URL, local file path or http(s) media URL; "" when nothing plays
    start: int  # whole seconds
    mimetype: str = "video/mp4"


def player_source(video: Video, seconds: float, media_roots: Iterable[Path] = ()) -> PlayerSource:
    """What to play; a local file only from inside `media_roots` (see archive.media_roots)."""
    start = whole_seconds(seconds)
    yt = youtube_id(video)
    if yt:
        # Streamlit turns a watch URL into an embed whose src carries start=.
        return PlayerSource("youtube", f"https://www.youtube.com/watch?v={yt}", start)
    roots = tuple(media_roots)
    refused = ""
    for candidate in (video.media_url, video.webpage_url):
        local = local_path(candidate)
        if local is None:
            continue
        verdict = check_local_media(local, roots)
        if verdict.path is not None:
            return PlayerSource("file", str(verdict.path), start, _mimetype(verdict.path.name))
        refused = refused or verdict.reason
    for candidate in (video.media_url, video.webpage_url):
        if urlparse(candidate).scheme in ("http", "https"):
            url = candidate.split("#", 1)[0]
            return PlayerSource("url", url, start, _mimetype(urlparse(url).path))
    if refused:
        log.warning("media not available for session %r: %s", video.id, refused)
        return PlayerSource("unavailable", "", start)
    return PlayerSource("none", "", start)


def citation(video: Video, word_time: float, play_from: float) -> str:
    """A citation line for researchers: title, date, channel, the time the words are said, and a
    link that opens a lead-in earlier (play_from), as the app's player does."""
    parts = [f"“{' '.join(video.title.split()) or video.id}”"]
    if video.channel:
        parts.append(video.channel)
    parts.append(f"recorded session, {video.upload_date}" if video.upload_date else "recorded session")
    parts.append(f"at {clock(word_time)}")
    link = deep_link(video, play_from)
    text = ", ".join(parts) + "."
    return f"{text} {link}" if link else text


def _mimetype(name: str) -> str:
    guessed = mimetypes.guess_type(name)[0] or "video/mp4"
    # <video> plays audio files too; Streamlit only needs a type the browser accepts.
    return guessed if guessed.startswith(("video/", "audio/")) else "video/mp4"
