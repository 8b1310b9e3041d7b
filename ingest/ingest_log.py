"""The persistent ingest log and the lock that keeps two ingests apart.

The log is one small JSON file under the state folder, rewritten atomically on every change:
the recent runs and, per video, its last status (done, failed with a reason, or in flight),
how many times it failed and when. `sessions status` reads it; the next run retries failures.
The lock is an fcntl lock on a file beside it, released by the kernel if the process dies, so
a killed ingest never blocks the next one.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive import safejson
from archive.store import TranscriptStore, atomic_write_bytes
from archive.writes import writing
from ingest.errors import IngestLocked

log = logging.getLogger("sessions.ingest")

LOG_NAME = "ingest_log.json"
LOCK_NAME = "ingest.lock"
MAX_RUNS = 50

# Video statuses.
DONE = "done"
FAILED = "failed"
TRANSCRIBING = "transcribing"
STORED = "stored"  # transcript written, the index not yet told: the next run re-sends it


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class VideoEntry:
    id: str
    status: str
    title: str = ""
    reason: str = ""
    message: str = ""
    failures: int = 0  # how many runs failed on it (reset when it succeeds)
    updated: str = ""
    url: str = ""
    # For a done video: how its transcript was made and the file's size/mtime then. A re-run trusts
    # these while the file is unchanged instead of parsing every transcript (large for long sessions).
    engine: str = ""
    model: str = ""
    size: int = 0
    mtime_ns: int = 0


@dataclass(frozen=True)
class RunEntry:
    started: str
    sources: tuple[str, ...] = ()
    status: str = "running"  # running | finished | stopped (an error ended it) | interrupted (the process died)
    finished: str = ""
    pid: int = 0
    new: int = 0
    skipped: int = 0
    failed: int = 0
    audio_seconds: float = 0.0
    elapsed: float = 0.0
    error: str = ""  # why a stopped run stopped


@dataclass
class IngestLog:
    """Read with `IngestLog.load(state_dir)`; every mutating call saves the file atomically."""

    path: Path
    videos: dict[str, VideoEntry] = field(default_factory=dict)
    runs: list[RunEntry] = field(default_factory=list)

    @classmethod
    def load(cls, state_dir: Path) -> IngestLog:
        path = Path(state_dir) / LOG_NAME
        try:
            data = safejson.loads(path.read_text(encoding="utf-8"))
            videos = {k: VideoEntry(**_known(VideoEntry, v)) for k, v in (data.get("videos") or {}).items()}
            runs = [RunEntry(**{**_known(RunEntry, r), "sources": tuple(r.get("sources", ()))})
                    for r in data.get("runs") or ()]
        except FileNotFoundError:
            return cls(path)
        except (ValueError, TypeError, AttributeError) as exc:
            # Bad JSON, too deep, or not our shape. The log is a convenience, never the source of truth:
            # a damaged one is set aside, not fatal; but someone may want to look at it.
            aside = path.with_name(path.name + f".damaged-{int(time.time())}")
            path.replace(aside)
            log.warning("the ingest log %s was damaged (%s): set aside as %s; starting a new one "
                        "(done transcripts are still skipped: the store is the truth)", path, exc, aside.name)
            return cls(path)
        return cls(path, videos, runs)

    def save(self) -> None:
        data = {
            "videos": {k: asdict(v) for k, v in sorted(self.videos.items())},
            "runs": [asdict(r) for r in self.runs[-MAX_RUNS:]],
        }
        atomic_write_bytes(self.path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))

    # -- videos ---------------------------------------------------------------------------
    def mark(self, video_id: str, status: str, *, title: str = "", url: str = "", reason: str = "",
             message: str = "", made_by: tuple[str, str] | None = None, file: Path | None = None,
             save: bool = True) -> None:
        """Record a video's new status; `made_by` (engine, model) and `file` describe a done transcript."""
        old = self.videos.get(video_id)
        failures = (old.failures if old else 0) + 1 if status == FAILED else (old.failures if old else 0)
        if status == DONE:
            failures = 0
        engine, model, size, mtime_ns = "", "", 0, 0
        if made_by and file is not None:
            st = Path(file).stat()
            engine, model, size, mtime_ns = made_by[0], made_by[1], st.st_size, st.st_mtime_ns
        self.videos[video_id] = VideoEntry(
            id=video_id, status=status, title=title or (old.title if old else ""),
            url=url or (old.url if old else ""), reason=reason, message=message, failures=failures,
            updated=now_iso(), engine=engine, model=model, size=size, mtime_ns=mtime_ns)
        if save:
            self.save()

    def made_by(self, video_id: str, file: Path) -> tuple[str, str] | None:
        """(engine, model) of a done video's transcript when `file` is unchanged since it was recorded."""
        entry = self.videos.get(video_id)
        if entry is None or entry.status != DONE or not entry.engine:
            return None
        try:
            st = Path(file).stat()
        except OSError:
            return None
        if (st.st_size, st.st_mtime_ns) != (entry.size, entry.mtime_ns):
            return None
        return entry.engine, entry.model

    def vouches_for(self, store: TranscriptStore) -> Callable[[Path], bool]:
        """Whether a file of `store` is a transcript this log saw stored and checked, unchanged since.

        Lets `sessions status` read only the files it knows nothing about when looking for corrupt ones.
        """
        stamps = {store.path_for(v.id).name: (v.size, v.mtime_ns)
                  for v in self.videos.values() if v.status == DONE and v.engine}

        def vouched(path: Path) -> bool:
            stamp = stamps.get(path.name)
            if stamp is None:
                return False
            try:
                st = path.stat()
            except OSError:
                return False
            return (st.st_size, st.st_mtime_ns) == stamp

        return vouched

    def failures(self) -> list[VideoEntry]:
        return sorted((v for v in self.videos.values() if v.status == FAILED), key=lambda v: v.updated, reverse=True)

    def pending_index(self) -> list[str]:
        """Videos whose transcript was stored but whose indexing did not finish (a crash, an index error)."""
        return [v.id for v in self.videos.values() if v.status == STORED]

    # -- runs -----------------------------------------------------------------------------
    def start_run(self, sources: list[str] | tuple[str, ...]) -> None:
        # A run still "running" when a new one takes the lock died without finishing.
        self.runs = [replace(r, status="interrupted") if r.status == "running" else r for r in self.runs]
        self.runs.append(RunEntry(started=now_iso(), sources=tuple(sources), pid=os.getpid()))
        self.save()

    def finish_run(self, *, new: int, skipped: int, failed: int, audio_seconds: float, elapsed: float) -> None:
        if not self.runs:
            return
        self.runs[-1] = replace(self.runs[-1], status="finished", finished=now_iso(), new=new, skipped=skipped,
                                failed=failed, audio_seconds=round(audio_seconds, 2), elapsed=round(elapsed, 2))
        self.save()

    def stop_run(self, error: str) -> None:
        if self.runs and self.runs[-1].status == "running":
            self.runs[-1] = replace(self.runs[-1], status="stopped", finished=now_iso(), error=error)
            self.save()

    def last_run(self) -> RunEntry | None:
        return self.runs[-1] if self.runs else None


def _known(cls: type, d: Any) -> dict[str, Any]:
    names = set(cls.__dataclass_fields__)  # type: ignore[attr-defined]
    return {k: v for k, v in dict(d).items() if k in names}


class IngestLock:
    """`with IngestLock(state_dir, wait=False):` — refuses with IngestLocked naming the holder's PID."""

    def __init__(self, state_dir: Path, *, wait: bool = False, timeout: float | None = None):
        self.path = Path(state_dir) / LOCK_NAME
        self.wait = wait
        self.timeout = timeout
        self._fd: int | None = None

    def acquire(self) -> None:
        with writing(self.path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
                if not self.wait or (deadline is not None and time.monotonic() >= deadline):
                    holder = _read_pid(self.path)
                    os.close(fd)
                    who = f"PID {holder}" if holder else "another process"
                    raise IngestLocked(
                        f"another ingest ({who}) is running on this archive (lock {self.path}); "
                        "wait for it to finish, or run with --wait") from None
                time.sleep(0.2)
        try:
            with writing(self.path):
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                os.fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> IngestLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_pid(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
