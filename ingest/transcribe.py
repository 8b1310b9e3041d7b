"""One recording → one Transcript: the step between fetching audio and storing it.

Decisions:
- A local file's video id is `local-` + the first 12 hex digits of the sha256 of its bytes:
  stable across renames and moves, different for different content, and never a YouTube id
  (those have 11 characters and no prefix). Its title is the file name without extension.
- A recording in which nothing is said (silence, music, a test tone) gives a transcript with
  zero segments, and it is stored: that is the truth about the recording, and storing it lets
  a re-run skip the file. A recording that could not be decoded completely raises
  DamagedMedia (ingest.audio) before anything is stored.
- Whether a recording is already done is decided in one place for every path in:
  ingest.planning.is_done (same engine and model).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from archive.records import Transcript, Video
from ingest.engines import ProgressCallback, Transcriber
from ingest.errors import MediaNotFound, NotMedia

LOCAL_PREFIX = "local-"
_ID_HEX_DIGITS = 12  # 48 bits: collisions are out of reach for any archive of recordings


def local_video(path: Path | str) -> Video:
    """The Video record of a local audio/video file (id from its content, title from its name)."""
    path = Path(path)
    if not path.exists():
        raise MediaNotFound(path)
    if not path.is_file():
        raise NotMedia.not_a_file(path)
    return Video(
        id=LOCAL_PREFIX + content_digest(path)[:_ID_HEX_DIGITS],
        title=path.stem,
        media_url=str(path.resolve()),
    )


def content_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def transcribe_file(
    path: Path | str,
    engine: Transcriber,
    video: Video | None = None,
    on_progress: ProgressCallback | None = None,
) -> Transcript:
    """Transcribe `path` with `engine` into a Transcript for `video` (a local Video if None)."""
    path = Path(path)
    if video is None:
        video = local_video(path)
    result = engine.transcribe(path, on_progress)
    info = replace(result.info, created=datetime.now(UTC).isoformat(timespec="seconds"))
    if video.duration is None and info.audio_duration is not None:
        video = replace(video, duration=info.audio_duration)
    return Transcript(video=video, transcription=info, segments=result.segments)
