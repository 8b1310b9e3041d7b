"""Which local files the player may serve: media files inside the archive's media folders.

A transcript names its recording (`video.media_url`), and transcripts can be edited or imported,
so the name alone is never trusted: the UI serves a local file only when, after resolving every
symlink and `..`, it lies inside one of the media roots and has a media file suffix.

The media roots are the folders in `[paths] media_roots` plus the folders local recordings were
ingested or transcribed from, which `sessions ingest FOLDER` and `sessions transcribe FILE` record
in the state folder (MEDIA_ROOTS_FILE) as they store a transcript.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from archive.store import atomic_write_bytes

MEDIA_ROOTS_FILE = "media_roots.json"
# Audio and video containers the browser's <video> element may play; anything else is never served.
MEDIA_SUFFIXES = frozenset({
    ".aac", ".flac", ".m4a", ".m4v", ".mka", ".mkv", ".mov", ".mp3", ".mp4", ".mpeg", ".mpg", ".oga",
    ".ogg", ".ogv", ".opus", ".wav", ".weba", ".webm",
})


@dataclass(frozen=True)
class LocalMedia:
    """The verdict on a local media reference: `path` to serve, or None and why not."""

    path: Path | None
    reason: str = ""


def local_path(value: str) -> Path | None:
    """The local file a media reference names (a path or a file:// URL); None for http(s) and the like."""
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme and len(parsed.scheme) > 1:  # http, https…; a one-letter scheme is a Windows drive
        return None
    return Path(value).expanduser()


def check_local_media(candidate: Path, roots: Iterable[Path]) -> LocalMedia:
    """Whether `candidate` may be served: an existing media file inside one of `roots`, symlinks resolved."""
    resolved_roots = []
    for root in roots:
        try:
            resolved_roots.append(Path(root).resolve(strict=True))
        except (OSError, RuntimeError):
            continue  # a root that does not exist (yet) holds nothing to serve
    if not resolved_roots:
        return LocalMedia(None, "no media folder is configured ([paths] media_roots) or recorded by an ingest")
    if not candidate.is_absolute():
        return LocalMedia(None, f"{candidate}: a relative path names no place in the archive")
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # missing, a symlink loop, no permission
        return LocalMedia(None, f"{candidate}: cannot be opened ({type(exc).__name__})")
    if not any(real.is_relative_to(root) for root in resolved_roots):
        return LocalMedia(None, f"{candidate} (really {real}) is outside the media folders "
                                f"{', '.join(str(r) for r in resolved_roots)}")
    if real.suffix.lower() not in MEDIA_SUFFIXES:
        return LocalMedia(None, f"{real} is not an audio or video file (suffix {real.suffix or 'none'!r})")
    if not real.is_file():
        return LocalMedia(None, f"{real} is not a regular file")
    return LocalMedia(real)


def recorded_media_roots(state_dir: Path) -> tuple[Path, ...]:
    """The folders local recordings were ingested or transcribed from (empty when none, or unreadable)."""
    try:
        data = json.loads((Path(state_dir) / MEDIA_ROOTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    folders = data.get("folders") if isinstance(data, dict) else None
    return tuple(Path(f) for f in folders if isinstance(f, str) and os.path.isabs(f)) if isinstance(folders, list) else ()


def record_media_root(state_dir: Path, folder: Path) -> None:
    """Remember a folder local recordings were transcribed from, so the player may serve files there."""
    folder = Path(folder).resolve()
    known = recorded_media_roots(state_dir)
    if folder in known:
        return
    data = {"folders": sorted({str(f) for f in known} | {str(folder)})}
    atomic_write_bytes(Path(state_dir) / MEDIA_ROOTS_FILE,
                       json.dumps(data, indent=1).encode("ascii"))  # \u escapes keep non-UTF-8 names
