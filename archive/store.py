"""TranscriptStore: one JSON file per video under a root folder; the source of truth.

Writes are atomic (temp file in the same folder, fsync, os.replace), so a crash mid-write
leaves the previous file intact and never a half file under the final name.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from archive import safejson
from archive.errors import CorruptTranscript, InvalidVideoId, TranscriptNotFound
from archive.ids import safe_stem
from archive.records import Transcript
from archive.writes import writing

SUFFIX = ".json"
_TEMP_PREFIX = ".tmp-"
CORRUPT_DIR = ".corrupt"  # corrupt transcripts set aside before a new one replaces them (never deleted)


def _read_umask() -> int:
    # os.umask can only be read by setting it; done once at import, before any threads write.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# mkstemp creates 0600 files; a transcript should get the permissions a plain open() would give.
_FILE_MODE = 0o666 & ~_read_umask()


def encode_transcript(transcript: Transcript) -> bytes:
    """The exact bytes of a transcript file (UTF-8 JSON, strict: no NaN/Infinity)."""
    data = transcript.to_dict()
    try:
        return json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates (a local file name that was not UTF-8) have no UTF-8 form; \u escapes keep them exact.
        return json.dumps(data, ensure_ascii=True, indent=1, allow_nan=False).encode("ascii")


@dataclass(frozen=True)
class TranscriptHeader:
    """What the start of a transcript file says about how it was made (the done-check needs no more)."""

    engine: str
    model: str

    @property
    def made_by(self) -> tuple[str, str]:
        return self.engine, self.model


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
        return self.read_file(path)

    @staticmethod
    def read_path(path: Path) -> Transcript:
        """Read any transcript file (wherever it lies); CorruptTranscript names it when unreadable."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise CorruptTranscript(path, "file vanished while reading") from exc
        except OSError as exc:
            raise CorruptTranscript(path, f"cannot read the file: {exc.strerror or exc}") from exc
        try:
            data = safejson.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise CorruptTranscript(path, f"not UTF-8 text ({exc.reason})") from exc
        except json.JSONDecodeError as exc:
            raise CorruptTranscript(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
        except ValueError as exc:  # e.g. an integer longer than Python's int-parsing limit
            raise CorruptTranscript(path, f"invalid JSON: {exc}") from exc
        try:
            return Transcript.from_dict(data)
        except (ValueError, TypeError) as exc:
            raise CorruptTranscript(path, str(exc)) from exc

    def read_file(self, path: Path) -> Transcript:
        """A file of this store: it must also hold the video its name stands for.

        The one file-name check: the index reads the store's files through it too.
        """
        transcript = self.read_path(path)
        # A copied or renamed file would otherwise give the index two transcripts of one video.
        try:
            expected = safe_stem(transcript.video.id) + SUFFIX
        except InvalidVideoId as exc:
            raise CorruptTranscript(path, str(exc)) from exc
        if path.name != expected:
            raise CorruptTranscript(
                path, f"holds video {transcript.video.id!r}, whose transcript file is named {expected}"
            )
        return transcript

    def iter_all(self, on_error: Callable[[CorruptTranscript], None] | None = None) -> Iterator[Transcript]:
        """Every readable transcript. A corrupt file raises, or is passed to `on_error` and skipped."""
        for path in self.files():
            try:
                yield self.read_file(path)
            except CorruptTranscript as exc:
                if not path.exists():
                    continue  # deleted since the listing: not an error
                if on_error is None:
                    raise
                on_error(exc)

    def header(self, video_id: str) -> TranscriptHeader | None:
        """How this video's stored transcript was made; None when there is none we can read."""
        return read_header(self.path_for(video_id))

    def problem(self, path: Path) -> CorruptTranscript | None:
        """Why a file of this store cannot be used as a transcript, or None when it can."""
        try:
            self.read_file(path)
        except CorruptTranscript as exc:
            return exc if Path(path).exists() else None
        return None

    def corrupt_files(self, trusted: Callable[[Path], bool] = lambda p: False) -> list[CorruptTranscript]:
        """Every unusable transcript file; files `trusted` vouches for (known good, unchanged) are not read."""
        found = []
        for path in self.files():
            if not trusted(path) and (exc := self.problem(path)) is not None:
                found.append(exc)
        return found

    @staticmethod
    def checksum(path: Path) -> str:
        """sha256 of the file's bytes: what the index keys a transcript's version on."""
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()

    # -- writing -------------------------------------------------------------------------
    def write(self, transcript: Transcript) -> Path:
        """Store a transcript; a corrupt file it replaces is set aside first, never overwritten."""
        path = self.path_for(transcript.video.id)
        data = encode_transcript(transcript)
        if path.exists() and self.problem(path) is not None:
            self.set_aside(path)
        atomic_write_bytes(path, data)
        return path

    def set_aside(self, path: Path) -> Path:
        """Move a (corrupt) file into CORRUPT_DIR, under a name that never replaces an earlier one."""
        path = Path(path)
        folder = self.root / CORRUPT_DIR
        with writing(folder):
            folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        for n in itertools.count():
            target = folder / f"{path.stem}.{stamp}{f'-{n}' if n else ''}{path.suffix}"
            try:
                os.link(path, target)  # fails if the target exists: no earlier file is replaced
            except FileExistsError:
                continue
            path.unlink()
            return target
        raise AssertionError("unreachable")

    def set_aside_files(self) -> list[Path]:
        folder = self.root / CORRUPT_DIR
        return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []

    def check_writable(self) -> None:
        """WriteFailed now, rather than after hours of transcription, when no transcript can be stored."""
        with writing(self.root):
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(prefix=_TEMP_PREFIX, dir=self.root) as probe:
                probe.write(b"{}")
                probe.flush()

    def delete(self, video_id: str) -> None:
        path = self.path_for(video_id)
        if not path.is_file():
            raise TranscriptNotFound(video_id, self.root)
        path.unlink()

    def remove_stale_temp_files(self, min_age: float = 0.0) -> int:
        """Delete temp files a crashed writer left behind; returns how many.

        `min_age` (seconds) spares younger temp files, which may belong to a writer still at work.
        """
        return remove_stale_temp_files(self.root, min_age)


def remove_stale_temp_files(folder: Path, min_age: float = 0.0, prefix: str = _TEMP_PREFIX) -> int:
    """Delete `prefix`* files in `folder` older than `min_age` seconds; returns how many.

    A file dated in the future (the clock was set back since it was written) is stale too: only a
    file written within `min_age` of now, either side, may belong to a writer still at work.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    count = 0
    now = time.time()
    for p in folder.glob(prefix + "*"):
        try:
            if min_age and abs(now - p.stat().st_mtime) < min_age:
                continue
            p.unlink()
        except FileNotFoundError:
            continue
        except IsADirectoryError:
            continue
        count += 1
    return count


def read_header(path: Path) -> TranscriptHeader | None:
    """How a transcript file says it was made; None when missing or unusable (then it is made again).

    The whole file is read and checked (TranscriptStore.read_file: the format, every segment and
    word, the file name), not just its start: a truncated, garbled, wrong-schema or NaN transcript
    can have a perfect header and would otherwise count as done forever. A file is read once per
    version (size and mtime); the ingest log remembers the verdict across runs.
    """
    try:
        st = Path(path).stat()
    except OSError:
        return None
    return _header_of_version(str(path), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _header_of_version(path: str, size: int, mtime_ns: int) -> TranscriptHeader | None:
    file = Path(path)
    try:
        info = TranscriptStore(file.parent).read_file(file).transcription
    except CorruptTranscript:
        return None
    return TranscriptHeader(info.engine, info.model)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a mix."""
    path = Path(path)
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                if hasattr(os, "fchmod"):
                    os.fchmod(f.fileno(), _FILE_MODE)
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # The rename is only durable once the folder's entry is on disk (POSIX); best effort elsewhere.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
