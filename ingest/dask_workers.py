"""Many machines through Dask distributed: the only module importing dask / distributed.

`sessions ingest --scheduler tcp://HOST:8786` sends each video to whichever plain `dask worker`
processes are connected to that scheduler (started on machines where the project is installed).
A worker downloads the video into a private temp folder and transcribes it (ingest/workers.py;
the model is loaded once per worker process and kept in that module); the transcript comes back
to the coordinating ingest, which stores, indexes and logs it as it arrives, so the archive stays
single-writer and crash-safe. A worker that dies mid-video is handled by the scheduler: the task
runs again on another worker (up to `distributed.scheduler.allowed-failures`, 3 by default) and
its one result is stored once. Each transcript records the worker's address.

What workers do is relayed as Dask events: each task logs its reports (downloading, transcribing,
progress) under this run's topic, and the scheduler's "remove-worker" event names a worker lost;
`watch` hands both to the coordinator (on the client's event-loop thread).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from archive.records import Transcript, Video
from ingest.errors import IngestError, SchedulerUnreachable, WorkerLost

CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler before SchedulerUnreachable
WORKER_WAIT = 120.0  # seconds to wait for a first worker when none is connected yet


class DaskWorkers:
    """A connection to a Dask scheduler; raises SchedulerUnreachable at once when it does not answer."""

    def __init__(self, address: str, connect_timeout: float = CONNECT_TIMEOUT):
        from distributed import Client

        self.address = address
        try:
            self.client = Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerUnreachable(
                f"Dask scheduler {address} did not answer within {connect_timeout:.0f} s ({exc}); start it with "
                "`dask scheduler` or fix --scheduler / [ingest] scheduler") from exc
        self.topic = f"sessions-ingest-{uuid.uuid4().hex[:12]}"  # this run's reports only

    def watch(self, on_report: Callable[[dict[str, Any]], None], on_worker_lost: Callable[[str, str], Any]) -> None:
        """Workers' reports of this run → `on_report`; a worker leaving the scheduler → `on_worker_lost`
        (its address, and why in words)."""

        def reported(event: Any) -> None:
            _, message = event
            if isinstance(message, dict):
                on_report(message)

        def scheduler_said(event: Any) -> None:
            _, message = event
            if isinstance(message, dict) and message.get("action") == "remove-worker" and message.get("worker"):
                why = "the worker that had it left the cluster" if message.get("expected") else \
                    "the worker that had it died"
                on_worker_lost(str(message["worker"]), why)

        self.client.subscribe_topic(self.topic, reported)
        self.client.subscribe_topic("all", scheduler_said)

    def submit_all(self, videos: Iterable[Video], options: Any) -> dict[Any, Video]:
        """One task per video (download + transcription on a worker); futures → videos."""
        try:
            self.client.wait_for_workers(1, timeout=WORKER_WAIT)
        except TimeoutError as exc:
            raise IngestError(f"no Dask worker connected to {self.address} within {WORKER_WAIT:.0f} s; "
                              f"start one with `dask worker {self.address}`") from exc
        per_host = _processes_per_host(self.client.scheduler_info().get("workers", {}))
        return {self.client.submit(_remote_job, video, options, per_host, self.topic, pure=False,
                                   key=f"ingest-{video.id}-{os.getpid()}"): video
                for video in videos}

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        from distributed import as_completed

        yield from as_completed(list(futures), loop=self.client.loop)

    @staticmethod
    def result(future: Any) -> Transcript:
        from distributed.scheduler import KilledWorker

        try:
            return future.result()
        except KilledWorker as exc:
            raise WorkerLost(f"Dask gave up on {future.key}: every worker that tried it died ({exc})") from exc

    def cancel(self, pending: Iterable[Any]) -> None:
        pending = list(pending)
        if pending:
            self.client.cancel(pending)

    def close(self) -> None:
        self.client.close()


def _processes_per_host(workers: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for info in workers.values():
        host = info.get("host", "")
        counts[host] = counts.get(host, 0) + 1
    return counts


def _remote_job(video: Video, options: Any, per_host: dict[str, int], topic: str = "") -> Transcript:
    """Runs on a Dask worker: its cores split between the worker processes of its host; its reports
    go out as events under `topic`."""
    from dataclasses import replace

    from distributed import get_worker
    from distributed.comm import get_address_host

    from ingest.workers import download_and_transcribe, threads_per_worker

    worker = get_worker()
    transcribe = threads_per_worker(options.transcribe, per_host.get(get_address_host(worker.address), 1))

    def report(message: dict[str, Any]) -> None:
        if topic:
            worker.log_event(topic, message)

    return download_and_transcribe(video, replace(options, transcribe=transcribe), worker=worker.address,
                                   report=report)
