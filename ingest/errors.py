"""Exceptions of the ingest layer, named after the state they report (the root and the kernel's: archive.errors).

Library code raises these; only the CLI turns them into messages and exit codes.
"""

from __future__ import annotations

from pathlib import Path

from archive.errors import SessionsError
from archive.writes import kind_of_path


class IngestError(SessionsError):
    """Base of the ingest layer's errors."""


class MediaNotFound(IngestError):
    def __init__(self, path: Path):
        super().__init__(f"{path}: no such file")
        self.path = path

    def __reduce__(self):  # rebuilt from its fields when it comes back from a worker process
        return type(self), (self.path,)


class NotMedia(IngestError):
    """A file that no decoder can read as audio."""

    def __init__(self, path: Path, reason: str = "not an audio or video file"):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    @classmethod
    def not_a_file(cls, path: Path) -> NotMedia:
        """For a path that exists but is no regular file: says what it is (a folder, a FIFO, a device)."""
        return cls(path, f"is {kind_of_path(path)}, not an audio or video file")

    def __reduce__(self):
        return type(self), (self.path, self.reason)



class DamagedMedia(IngestError):
    """Decoded audio much shorter than the container says: storing it would silently lose speech."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: damaged recording: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self):
        return type(self), (self.path, self.reason)


class EngineUnavailable(IngestError):
    """The chosen Whisper engine's package is not installed (or the engine name is unknown)."""


class ModelUnavailable(IngestError):
    """The Whisper model could not be loaded: not a local model folder and not downloadable here."""


class DeviceUnavailable(IngestError):
    """The configured device cannot be used (cuda without a visible GPU, or an unknown device name)."""


class DownloadFailed(IngestError):
    """yt-dlp could not list or download something; `reason` is a short, stable word when known."""

    def __init__(self, what: str, message: str, reason: str = "error", transient: bool = False):
        super().__init__(f"{what}: {message}")
        self.what = what
        self.message = message
        self.reason = reason
        self.transient = transient

    def message_for(self, what: str) -> str:
        """The same failure, said about another item (another tab of the same unreachable host)."""
        return f"{what}: {self.message}"

    def __reduce__(self):
        return type(self), (self.what, self.message, self.reason, self.transient)


class WorkerLost(IngestError):
    """A transcription worker process died (killed, out of memory): the run stops; a re-run resumes."""


class SchedulerUnreachable(IngestError):
    """The Dask scheduler given with --scheduler / [ingest] scheduler did not answer."""


class IngestLocked(IngestError):
    """Another ingest is running on the same archive."""


class YouTubeRuntimeMissing(IngestError):
    """YouTube sources need a JavaScript runtime (deno) and yt-dlp[default]; one is missing."""


class UnsupportedLanguage(IngestError):
    """A forced language the model cannot transcribe (unknown code, or not English on an English-only model)."""


class BadMetadata(IngestError):
    """A source's metadata for a video cannot be stored (its transcript is left as it was)."""
