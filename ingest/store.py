"""TranscriptStore: one JSON file per video under a root folder; the source of truth.

Writes are atomic (temp file in the same folder, fsync, os.replace), so a crash mid-write
leaves the previous file intact and never a half file under the final name.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ingest.errors import CorruptTranscript, TranscriptNotFound
from ingest.ids import safe_stem
from ingest.records import Transcript

SUFFIX = ".json"
_TEMP_PREFIX = ".tmp-"


class TranscriptStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    # -- paths ---------------------------------------------------------------------------
    def path_for(self, video_id: str) -> Path:
        return self.root / (safe_stem(video_id) + SUFFIX)

    def files(self) -> list[Path]:
        """Every transcript file, sorted; temp files and other files are not listed."""
        if not self.root.is_dir():
            return []
        return sorted(
            p for p in self.root.iterdir()
            if p.suffix == SUFFIX and not p.name.startswith(".") and p.is_file()
        )

    # -- reading -------------------------------------------------------------------------
    def exists(self, video_id: str) -> bool:
        return self.path_for(video_id).is_file()

    def read(self, video_id: str) -> Transcript:
        path = self.path_for(video_id)
        if not path.is_file():
            raise TranscriptNotFound(video_id, self.root)
        return self.read_path(path)

    @staticmethod
    def read_path(path: Path) -> Transcript:
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError as exc:
            raise CorruptTranscript(Path(path), "file vanished while reading") from exc
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise CorruptTranscript(Path(path), f"not UTF-8 text ({exc.reason})") from exc
        except json.JSONDecodeError as exc:
            raise CorruptTranscript(Path(path), f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
        try:
            return Transcript.from_dict(data)
        except ValueError as exc:
            raise CorruptTranscript(Path(path), str(exc)) from exc

    def iter_all(self, on_error: Callable[[CorruptTranscript], None] | None = None) -> Iterator[Transcript]:
        """Every readable transcript. A corrupt file raises, or is passed to `on_error` and skipped."""
        for path in self.files():
            try:
                yield self.read_path(path)
            except CorruptTranscript as exc:
                if on_error is None:
                    raise
                on_error(exc)

    @staticmethod
    def checksum(path: Path) -> str:
        """sha256 of the file's bytes: what the index keys a transcript's version on."""
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()

    # -- writing -------------------------------------------------------------------------
    def write(self, transcript: Transcript) -> Path:
        path = self.path_for(transcript.video.id)
        data = json.dumps(transcript.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")
        atomic_write_bytes(path, data)
        return path

    def delete(self, video_id: str) -> None:
        path = self.path_for(video_id)
        if not path.is_file():
            raise TranscriptNotFound(video_id, self.root)
        path.unlink()

    def remove_stale_temp_files(self) -> int:
        """Delete temp files a crashed writer left behind; returns how many."""
        if not self.root.is_dir():
            return 0
        count = 0
        for p in self.root.glob(_TEMP_PREFIX + "*"):
            p.unlink(missing_ok=True)
            count += 1
        return count


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a mix."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
