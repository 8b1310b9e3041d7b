"""Transcription in worker processes: `--jobs N` on one machine (and the task Dask workers run).

The coordinating ingest stays the only writer: it downloads (one ahead, in its download thread),
hands each downloaded file to a worker process, and stores, indexes and logs each transcript as
it comes back, so a crash still loses at most the videos in flight. A worker loads the model
once (cached in this module per process) and gets `cpu_count // N` threads unless
`[transcribe] threads` says otherwise. Errors come back as the same exception types (ours pickle
by their fields), so the coordinator treats a worker's failure exactly as its own.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import socket
import tempfile
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from archive.records import Transcript, Video
from ingest.engines import TranscribeOptions, Transcriber, load_engine
from ingest.errors import WorkerLost

# One loaded model per process: (options it was loaded with, transcriber).
_LOADED: tuple[TranscribeOptions, Transcriber] | None = None
_LOADING = threading.Lock()  # a Dask worker may run tasks in several threads


def threads_per_worker(options: TranscribeOptions, workers: int) -> TranscribeOptions:
    """`options` with the machine's cores split between `workers` processes (unless set explicitly)."""
    if options.threads > 0 or workers <= 1:
        return options
    return replace(options, threads=max(1, (os.cpu_count() or 1) // workers))


def worker_name() -> str:
    return f"{socket.gethostname()}/pid {os.getpid()}"


def engine_for(options: TranscribeOptions) -> Transcriber:
    """This process's model for `options`, loaded on first use and kept for every later video."""
    global _LOADED
    with _LOADING:
        if _LOADED is None or _LOADED[0] != options:
            _LOADED = (options, load_engine(options))
        return _LOADED[1]


def transcribe_here(options: TranscribeOptions, path: str, video: Video, worker: str | None = None) -> Transcript:
    """Transcribe one downloaded file in this process; the transcript names the worker."""
    from ingest.transcribe import transcribe_file

    transcript = transcribe_file(Path(path), engine_for(options), video=video)
    return replace(transcript, transcription=replace(transcript.transcription, worker=worker or worker_name()))


def download_and_transcribe(video: Video, options: Any, worker: str | None = None) -> Transcript:
    """Fetch `video` into a private temp folder and transcribe it (a remote worker's whole job).

    `options` is the run's IngestOptions; the downloaded file is deleted afterwards.
    """
    from ingest import source
    from ingest.planning import with_retries

    with tempfile.TemporaryDirectory(prefix="sessions-worker-") as tmp:
        path, full = with_retries(lambda: source.fetch_audio(video, Path(tmp), options.source, None),
                                  options, video, video.id, lambda event: None)
        return transcribe_here(options.transcribe, str(path), full, worker)


class LocalWorkers:
    """N worker processes (spawned: the coordinator has threads, and fork would copy them)."""

    def __init__(self, options: TranscribeOptions, jobs: int):
        self.jobs = jobs
        self.options = threads_per_worker(options, jobs)
        self._pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, path: Path, video: Video) -> cf.Future:
        return self._pool.submit(transcribe_here, self.options, str(path), video)

    @staticmethod
    def result(future: cf.Future) -> Transcript:
        try:
            return future.result()
        except cf.process.BrokenProcessPool as exc:
            raise WorkerLost(f"a transcription worker process died ({exc}); run ingest again to resume") from exc

    def close(self, cancel: bool = False) -> None:
        self._pool.shutdown(wait=not cancel, cancel_futures=cancel)
