"""Transcription in worker processes: `--jobs N` on one machine (and the task Dask workers run).

The coordinating ingest stays the only writer: it downloads (one ahead, in its download thread),
hands each downloaded file to a worker process, and stores, indexes and logs each transcript as
it comes back, so a crash still loses at most the videos in flight. A worker loads the model
once (cached in this module per process) and gets `cpu_count // N` threads unless
`[transcribe] threads` says otherwise. Errors come back as the same exception types (ours pickle
by their fields), so the coordinator treats a worker's failure exactly as its own.

A worker says what it does through a `Report` callable (small msgpack-able dicts: `downloading`,
`transcribing`, `progress` ticks at most every PROGRESS_EVERY seconds): under --jobs it puts them on
a queue the pool's initializer hands each process, on Dask it logs them as worker events. The
coordinator turns them into the pipeline's progress events (ingest/worker_reports.py).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from archive.records import Transcript, Video
from ingest.engines import TranscribeOptions, Transcriber, load_engine
from ingest.errors import WorkerLost

# One loaded model per process: (options it was loaded with, transcriber).
_LOADED: tuple[TranscribeOptions, Transcriber] | None = None
_LOADING = threading.Lock()  # a Dask worker may run tasks in several threads

Report = Callable[[dict[str, Any]], None]
# A video whose worker process died is run again, up to this many attempts in all (Dask's own
# default, distributed.scheduler.allowed-failures = 3, allows one more); then the run stops.
WORKER_ATTEMPTS = 3
PROGRESS_EVERY = 1.0  # seconds between two progress reports of one video (the last one always goes)
# Set in each --jobs process by the pool's initializer: where its reports go.
_REPORT: Report | None = None


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


def transcribe_here(options: TranscribeOptions, path: str, video: Video, worker: str | None = None,
                    report: Report | None = None) -> Transcript:
    """Transcribe one downloaded file in this process; the transcript names the worker."""
    from ingest.transcribe import transcribe_file

    worker = worker or worker_name()
    report = report or _REPORT or _silent
    engine = engine_for(options)  # before "transcribing": a realtime factor is not a model's load time
    report({"kind": "transcribing", "video": video.id, "worker": worker})
    transcript = transcribe_file(Path(path), engine, video=video, on_progress=_ticks(report, video.id))
    return replace(transcript, transcription=replace(transcript.transcription, worker=worker))


def _silent(message: dict[str, Any]) -> None:
    pass


def _ticks(report: Report, video_id: str) -> Callable[[float, float | None], None]:
    last = [float("-inf")]

    def on_progress(done: float, total: float | None) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY or (total is not None and done >= total):
            last[0] = now
            report({"kind": "progress", "video": video_id, "done": float(done),
                    "total": None if total is None else float(total)})

    return on_progress


def download_and_transcribe(video: Video, options: Any, worker: str | None = None,
                            report: Report | None = None) -> Transcript:
    """Fetch `video` into a private temp folder and transcribe it (a remote worker's whole job).

    `options` is the run's IngestOptions; the downloaded file is deleted afterwards.
    """
    from ingest import source
    from ingest.planning import with_retries

    worker = worker or worker_name()
    report = report or _silent
    report({"kind": "downloading", "video": video.id, "worker": worker})
    with tempfile.TemporaryDirectory(prefix="sessions-worker-") as tmp:
        path, full = with_retries(lambda: source.fetch_audio(video, Path(tmp), options.source, None),
                                  options, video, video.id, lambda event: None)
        return transcribe_here(options.transcribe, str(path), full, worker, report)


def _report_to(reports: Any) -> None:
    """The pool's initializer: this process's reports go on the coordinator's queue."""
    global _REPORT
    _REPORT = reports.put


class LocalWorkers:
    """N worker processes (spawned: the coordinator has threads, and fork would copy them).

    A process that dies breaks the whole pool (every future in flight fails with BrokenProcessPool):
    `restart` starts a fresh one, and the coordinator submits the videos in flight again.
    `reports` receives each worker's reports (a queue per pool: a process killed mid-write could
    leave a shared one locked); it is called from a reader thread.
    """

    def __init__(self, options: TranscribeOptions, jobs: int, reports: Report | None = None):
        self.jobs = jobs
        self.options = threads_per_worker(options, jobs)
        self._on_report = reports or _silent
        self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._queue = context.Queue()
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._read, args=(self._queue, self._stop), daemon=True,
                                        name="ingest-worker-reports")
        self._reader.start()
        self._pool = cf.ProcessPoolExecutor(max_workers=self.jobs, mp_context=context, initializer=_report_to,
                                            initargs=(self._queue,))

    def _read(self, reports: Any, stop: threading.Event) -> None:
        import queue

        while not stop.is_set():
            try:
                message = reports.get(timeout=0.2)
            except queue.Empty:
                continue
            except (EOFError, OSError, ValueError):  # the queue was closed under us
                return
            self._on_report(message)

    def submit(self, path: Path, video: Video) -> cf.Future:
        try:
            return self._pool.submit(transcribe_here, self.options, str(path), video)
        except cf.process.BrokenProcessPool as exc:  # broke since the last look: lost like those in flight
            lost: cf.Future = cf.Future()
            lost.set_exception(exc)
            return lost

    @staticmethod
    def lost(future: cf.Future) -> bool:
        """Did this future fail because a worker process died (not because of its video)?"""
        return future.done() and not future.cancelled() and \
            isinstance(future.exception(), cf.process.BrokenProcessPool)

    @staticmethod
    def result(future: cf.Future) -> Transcript:
        try:
            return future.result()
        except cf.process.BrokenProcessPool as exc:
            raise WorkerLost(f"a transcription worker process died ({exc}); run ingest again to resume") from exc

    def restart(self) -> None:
        """After a process died: a fresh pool (its futures have all failed; their videos are resubmitted)."""
        self.close(cancel=True)
        self._start()

    def close(self, cancel: bool = False) -> None:
        self._pool.shutdown(wait=not cancel, cancel_futures=cancel)
        self._drain()
        self._stop.set()
        self._reader.join(timeout=5)

    def _drain(self) -> None:
        """Reports already queued (the last progress tick) before the reader stops."""
        import queue

        with contextlib.suppress(queue.Empty, EOFError, OSError, ValueError):
            while True:
                self._on_report(self._queue.get(timeout=0.05))
