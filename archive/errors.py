"""The errors every layer speaks, named after the state they report.

Library code raises these; only the CLI turns them into messages and exit codes.
"""

from __future__ import annotations

from pathlib import Path


class SessionsError(Exception):
    """Base of every domain error Session Search raises on purpose."""


class ArchiveError(SessionsError):
    """Base of the kernel's errors: the transcript store, ids, exports."""


class InvalidVideoId(ArchiveError):
    """A video id that cannot name a transcript (empty, not text)."""


class TranscriptNotFound(ArchiveError):
    def __init__(self, video_id: str, root: Path):
        super().__init__(f"no transcript for video {video_id!r} in {root}")
        self.video_id = video_id
        self.root = root


class CorruptTranscript(ArchiveError):
    """A transcript file that is not valid JSON of our schema; names the file and what is wrong."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class WriteFailed(ArchiveError):
    """A file or folder could not be written (disk full, read-only, a file where a folder should be).

    Raised by archive.writes.writing, the one place an OSError on a write path becomes this error;
    whatever was stored before is left as it was.
    """

    def __init__(self, path: Path, cause: str):
        super().__init__(f"cannot write {path}: {cause}")
        self.path = Path(path)
        self.cause = cause
