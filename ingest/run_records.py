"""What an ingest run takes, decides and reports: options, plan, report and progress events.

Events may come from other threads than the caller's: the pipeline's download thread, and under
--jobs / --scheduler the threads relaying what workers report (ingest/worker_reports.py).
`worker` fields name where a step runs: "" for the ingest process itself, "host/pid N" for a
--jobs process, a Dask worker's address.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from archive.options import Options, inline, not_a_key
from archive.records import Transcript, Video
from archive.settings import setting
from ingest.engines import TranscribeOptions, Transcriber
from ingest.source import SourceOptions


@dataclass(frozen=True)
class IngestOptions(Options):
    """How a run ingests; also the config's [ingest] section (a field is a key, unless marked).

    The download source's keys (sleep_interval, rate_limit, cookies_file, retries, ...) sit in the
    same [ingest] table: `source` is read inline. The transcription options and the folders come
    from [transcribe] and [paths] (wired by ui.config); limit/since/match/force/wait are one run's
    choices (the command line's).
    """

    source: SourceOptions = inline(SourceOptions)
    keep_audio: bool = False
    retries: int = setting(5, min=0, max=100)  # transient failures (timeouts, 429, 5xx) per listing or download
    # Seconds, doubled after each retry (1e308 overflowed the wait).
    retry_backoff: float = setting(2.0, min=0, max=3600, unit="s")
    overlap: bool = True  # download the next video while the current one is transcribed
    jobs: int = setting(1, min=1, max=256)  # worker processes transcribing at once (ingest/workers.py); 1: here
    # A Dask scheduler address: its workers download and transcribe (ingest/dask_workers.py); "": none.
    scheduler: str = setting("", pattern=r"|(tcp|tls|inproc|ucx|ws|wss)://\S+")
    # Wired from other sections.
    transcribe: TranscribeOptions = not_a_key(factory=TranscribeOptions)
    audio_dir: Path = not_a_key(Path("data/audio"))
    state_dir: Path = not_a_key(Path("data/state"))
    # One run's choices.
    limit: int | None = not_a_key(None)
    since: date | None = not_a_key(None)
    match: str | None = not_a_key(None)  # regular expression searched in titles (case-insensitive)
    force: bool = not_a_key(False)  # transcribe again even when a transcript with the same engine/model exists
    wait: bool = not_a_key(False)  # wait for another ingest to finish instead of refusing


# -- records of a run ----------------------------------------------------------------------

@dataclass(frozen=True)
class Failure:
    id: str
    title: str
    reason: str
    message: str


@dataclass(frozen=True)
class Plan:
    """What a run would do: computed from a flat listing and the store, nothing downloaded."""

    todo: tuple[Video, ...] = ()  # to ingest now (after --since/--match/--limit)
    done: tuple[Video, ...] = ()  # already transcribed with this engine and model
    retry_ids: frozenset[str] = frozenset()  # in `todo` because they failed before
    filtered_out: int = 0  # new but excluded by --since/--match/--limit
    listing_failures: tuple[Failure, ...] = ()

    @property
    def new(self) -> tuple[Video, ...]:
        return tuple(v for v in self.todo if v.id not in self.retry_ids)

    @property
    def retries(self) -> tuple[Video, ...]:
        return tuple(v for v in self.todo if v.id in self.retry_ids)


@dataclass(frozen=True)
class IngestReport:
    stored: tuple[str, ...] = ()
    skipped: int = 0
    failed: tuple[Failure, ...] = ()
    listing_failures: tuple[Failure, ...] = ()
    filtered_out: int = 0
    audio_seconds: float = 0.0
    elapsed: float = 0.0
    reindexed: int = 0  # stored earlier but missing from the index (a crash): indexed at the start

    @property
    def ok(self) -> bool:
        return not self.failed and not self.listing_failures


# -- progress events -----------------------------------------------------------------------

@dataclass(frozen=True)
class Listed:
    plan: Plan


@dataclass(frozen=True)
class DownloadStarted:
    video: Video
    position: int  # 1-based within plan.todo
    total: int
    worker: str = ""
    attempt: int = 1  # > 1: run again after a worker died with it


@dataclass(frozen=True)
class DownloadProgressed:
    video: Video
    done: int  # bytes
    total: int | None


@dataclass(frozen=True)
class Retrying:
    video: Video | None  # None while listing
    what: str
    attempt: int
    delay: float
    reason: str


@dataclass(frozen=True)
class TranscribeStarted:
    video: Video
    position: int
    total: int
    worker: str = ""
    attempt: int = 1


@dataclass(frozen=True)
class TranscribeProgressed:
    video: Video
    done: float  # seconds of audio
    total: float | None


@dataclass(frozen=True)
class VideoStored:
    video: Video
    path: Path
    audio_seconds: float
    segments: int = 0
    language: str | None = None  # None: nothing was said
    worker: str = ""  # who transcribed it


@dataclass(frozen=True)
class VideoRetried:
    """A worker died (or its pool broke) with this video in flight: it runs again, as `attempt`."""

    video: Video
    position: int
    total: int
    worker: str  # the worker lost ("" when not known)
    attempt: int  # the attempt about to run: 2 for the first retry
    reason: str


@dataclass(frozen=True)
class VideoFailed:
    video: Video
    reason: str
    message: str


# -- a metadata refresh (ingest/refresh.py) -----------------------------------------------------

@dataclass(frozen=True)
class RefreshReport:
    refreshed: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (video id, the fields that changed)
    unchanged: int = 0
    not_transcribed: int = 0  # listed but without a transcript: `sessions ingest` transcribes them
    filtered_out: int = 0  # transcribed but excluded by --since/--match/--limit
    failed: tuple[Failure, ...] = ()
    listing_failures: tuple[Failure, ...] = ()
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.listing_failures


@dataclass(frozen=True)
class RefreshListed:
    todo: tuple[Video, ...]  # transcribed videos whose metadata is fetched now
    not_transcribed: int
    filtered_out: int


@dataclass(frozen=True)
class MetadataChecked:
    """One video's metadata was fetched and compared; `changes` empty: its transcript was left as it was."""

    video: Video
    position: int
    total: int
    changes: tuple[str, ...] = ()


Event = Listed | DownloadStarted | DownloadProgressed | Retrying | TranscribeStarted | TranscribeProgressed | \
    VideoStored | VideoFailed | VideoRetried | RefreshListed | MetadataChecked
OnEvent = Callable[[Any], None]
OnStored = Callable[[Transcript, Path], None]
# Called after a refresh rewrote a transcript: (transcript, file, checksum of the file it replaced,
# whose segments are the same).
OnRefreshed = Callable[[Transcript, Path, str], None]
# Called once at the start of a run, under the ingest lock: bring the index in line with everything
# the store holds (whatever the log says); returns how many transcripts it had to (re)index.
CatchUp = Callable[[], int]
TranscriberSource = Transcriber | Callable[[], Transcriber]
