"""What workers say about their videos, turned into the pipeline's progress events.

Workers (--jobs processes, Dask workers) send small dicts (ingest/workers.py); this coordinator-side
translator knows each video's place in the run, which worker has it, and how often it was lost:
the same DownloadStarted / TranscribeStarted / TranscribeProgressed events a sequential run emits,
plus VideoRetried when a worker dies with a video in flight. Reports arrive on other threads (the
--jobs reader, Dask's event loop), hence the lock; events are emitted outside it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from archive.records import Video
from ingest.run_records import DownloadStarted, OnEvent, TranscribeProgressed, TranscribeStarted, VideoRetried

WORKER_DIED = "the worker that had it died"


class WorkerReports:
    def __init__(self, todo: Iterable[Video], emit: OnEvent):
        self._todo = list(todo)
        self._videos = {v.id: v for v in self._todo}
        self._positions = {v.id: i for i, v in enumerate(self._todo, start=1)}
        self._emit = emit
        self._lock = threading.Lock()
        self._worker: dict[str, str] = {}  # video id → the worker that has it now
        self._attempt: dict[str, int] = {}  # video id → attempt running (1 = first)
        self._finished: set[str] = set()
        self._awaiting_retry: set[str] = set()  # lost, said so, not started again yet

    def video(self, video_id: str) -> Video | None:
        return self._videos.get(video_id)

    def attempt(self, video_id: str) -> int:
        with self._lock:
            return self._attempt.get(video_id, 1)

    def started_here(self, video: Video) -> None:
        """A video this process handles itself (a download before it goes to a worker)."""
        with self._lock:
            self._videos[video.id] = video

    def report(self, message: dict[str, Any]) -> None:
        """One worker report: {"kind": downloading | transcribing | progress, "video": id, ...}."""
        video_id = str(message.get("video", ""))
        events: list[Any] = []
        with self._lock:
            video = self._videos.get(video_id)
            if video is None or video_id in self._finished:
                return  # a stale report: another ingest's task, or a lost attempt's last words
            kind = message.get("kind")
            worker = str(message.get("worker", ""))
            position, total = self._positions.get(video_id, 0), len(self._todo)
            if kind in ("downloading", "transcribing"):
                before = self._worker.get(video_id)
                if before and before != worker and video_id not in self._awaiting_retry:
                    # Started again elsewhere without word of the loss (Dask's event came late or not at all).
                    events.append(self._retried(video, before, WORKER_DIED))
                self._awaiting_retry.discard(video_id)
                self._worker[video_id] = worker
                attempt = self._attempt.get(video_id, 1)
                if kind == "downloading":
                    events.append(DownloadStarted(video, position, total, worker=worker, attempt=attempt))
                else:
                    events.append(TranscribeStarted(video, position, total, worker=worker, attempt=attempt))
            elif kind == "progress":
                done, whole = message.get("done"), message.get("total")
                events.append(TranscribeProgressed(video, float(done or 0.0), None if whole is None else float(whole)))
        for event in events:
            self._emit(event)

    def worker_lost(self, worker: str, reason: str = WORKER_DIED) -> list[Video]:
        """`worker` died: each unfinished video it had is retried (an event each); returns them."""
        with self._lock:
            lost = [self._videos[vid] for vid, w in self._worker.items()
                    if w == worker and vid not in self._finished and vid not in self._awaiting_retry]
            events = [self._retried(video, worker, reason) for video in lost]
        for event in events:
            self._emit(event)
        return lost

    def retried(self, video: Video, reason: str = WORKER_DIED) -> VideoRetried:
        """`video` runs again (its worker was lost); the event, already emitted."""
        with self._lock:
            event = self._retried(video, self._worker.get(video.id, ""), reason)
        self._emit(event)
        return event

    def _retried(self, video: Video, worker: str, reason: str) -> VideoRetried:
        attempt = self._attempt.get(video.id, 1) + 1
        self._attempt[video.id] = attempt
        self._awaiting_retry.add(video.id)
        return VideoRetried(video, self._positions.get(video.id, 0), len(self._todo), worker, attempt, reason)

    def finished(self, video_id: str) -> None:
        with self._lock:
            self._finished.add(video_id)
