"""Bring the archive up to date with its sources: list → skip known → download → transcribe → store.

Each video is committed on its own (transcript written atomically, then `on_stored` — the CLI
passes the index update), so a crash loses at most the video in flight and the next run resumes.
A failing video is recorded in the ingest log with its reason and the batch goes on; failed
videos are tried again next run. While one video is transcribed, the next one downloads (a
thread). Progress is reported through `on_event` with the event records of ingest/run_records.py; events
about downloads may come from the download thread. Never prints, never exits.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.errors import CorruptTranscript, SessionsError
from archive.media_roots import record_media_root
from archive.records import Transcript, Video
from archive.store import TranscriptStore
from archive.writes import writing
from ingest import source
from ingest.engines import ENGINES, Transcriber, choose_device
from ingest.errors import (
    DamagedMedia,
    DeviceUnavailable,
    DownloadFailed,
    EngineUnavailable,
    MediaNotFound,
    ModelUnavailable,
    NotMedia,
    UnsupportedLanguage,
    WorkerLost,
)
from ingest.ingest_log import DONE, FAILED, STORED, TRANSCRIBING, IngestLock, IngestLog
from ingest.planning import compile_match, plan_ingest, with_retries
from ingest.run_records import (
    CatchUp,
    DownloadProgressed,
    DownloadStarted,
    Failure,
    IngestOptions,
    IngestReport,
    Listed,
    OnEvent,
    OnStored,
    Plan,
    TranscribeProgressed,
    TranscriberSource,
    TranscribeStarted,
    VideoFailed,
    VideoRetried,
    VideoStored,
)

INFLIGHT = ".inflight"  # downloads in progress live here; wiped at the start of every run

logger = logging.getLogger("sessions.ingest")

# -- running -------------------------------------------------------------------------------

def ingest(sources: list[str] | tuple[str, ...], *, store: TranscriptStore, options: IngestOptions,
           transcriber: TranscriberSource, on_stored: OnStored | None = None,
           on_event: OnEvent | None = None, catch_up: CatchUp | None = None) -> IngestReport:
    """Ingest every new video of `sources`. `transcriber` may be a factory, called only if work is found.

    `catch_up` (the CLI passes the index sync) runs first, so a transcript stored by a run killed
    before it was indexed or logged is searchable again: the store and the index are the truth,
    the log only a cache. Without it, the log's "stored" entries are handed to `on_stored` again.
    """
    emit = _logged(on_event)
    started = time.monotonic()
    logger.info("ingest run: %s", ", ".join(map(str, sources)))
    source.check_youtube_ready(list(sources))
    matcher = compile_match(options.match)  # a bad --match fails before the lock and the log are touched
    # A GPU asked for and missing fails before any download. Only for an engine still to be loaded
    # (a loaded one has its device) and one we know (an unknown name is named when it loads).
    if not hasattr(transcriber, "transcribe") and options.transcribe.engine in ENGINES:
        choose_device(options.transcribe)
    cluster = _connect(options)  # an unreachable scheduler: fail before anything is written
    store.check_writable()  # a full disk or a read-only transcripts/: fail before any download
    try:
        with IngestLock(options.state_dir, wait=options.wait):
            _clean_leftovers(store, options)
            log = IngestLog.load(options.state_dir)  # once per run: planning and every mark share it
            log.start_run(sources)
            try:
                return _ingest_locked(sources, store, options, transcriber, on_stored, emit, log, matcher,
                                      started, catch_up, cluster)
            except BaseException as exc:
                # The log may be on the same full disk: the error being raised is the one to report.
                why = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                logger.error("ingest run stopped: %s", why)
                with contextlib.suppress(SessionsError):
                    log.stop_run(why)
                raise
    finally:
        if cluster is not None:
            cluster.close()


def _connect(options: IngestOptions) -> Any:
    if not options.scheduler:
        return None
    from ingest.dask_workers import DaskWorkers

    return DaskWorkers(options.scheduler)


def _ingest_locked(sources: list[str] | tuple[str, ...], store: TranscriptStore, options: IngestOptions,
                   transcriber: TranscriberSource, on_stored: OnStored | None, emit: OnEvent, log: IngestLog,
                   matcher: re.Pattern[str] | None, started: float, catch_up: CatchUp | None = None,
                   cluster: Any = None) -> IngestReport:
    if catch_up is not None:
        reindexed = catch_up()
        _settle_pending(log, store)
    else:
        reindexed = _reindex_pending(log, store, on_stored)
    plan = plan_ingest(sources, store=store, options=options, on_event=emit, log=log, matcher=matcher)
    _remember_done(log, store, plan.done)
    emit(Listed(plan))
    run = _Run(plan, store, options, log, transcriber, on_stored, emit)
    run.execute(cluster)
    report = IngestReport(
        stored=tuple(run.stored),
        skipped=len(plan.done),
        failed=tuple(run.failed),
        listing_failures=plan.listing_failures,
        filtered_out=plan.filtered_out,
        audio_seconds=run.audio_seconds,
        elapsed=time.monotonic() - started,
        reindexed=reindexed,
    )
    logger.info("ingest run finished: %d new, %d skipped, %d failed, %.0f s of audio in %.1f s",
                len(report.stored), report.skipped, len(report.failed) + len(report.listing_failures),
                report.audio_seconds, report.elapsed)
    log.finish_run(new=len(report.stored), skipped=report.skipped,
                   failed=len(report.failed) + len(report.listing_failures),
                   audio_seconds=report.audio_seconds, elapsed=report.elapsed)
    return report


STALE_TEMP_AGE = 60.0


def _clean_leftovers(store: TranscriptStore, options: IngestOptions) -> None:
    """What a killed run left: temp transcript files, partial downloads, temp log files."""
    # A minute's grace: another writer of the store (not under the ingest lock: a script, an older
    # version) may be mid-write; a temp file a crashed writer left is older than that by far.
    store.remove_stale_temp_files(min_age=STALE_TEMP_AGE)
    shutil.rmtree(Path(options.audio_dir) / INFLIGHT, ignore_errors=True)
    for p in Path(options.state_dir).glob(".tmp-*"):
        p.unlink(missing_ok=True)


def _remember_done(log: IngestLog, store: TranscriptStore, done: tuple[Video, ...]) -> None:
    """Cache how each done transcript was made (e.g. written by `sessions transcribe`) for fast re-runs."""
    changed = False
    for folder in sorted({Path(v.media_url).parent for v in done if source.is_local(v)}):
        record_media_root(log.path.parent, folder)  # archives from before roots were recorded
    for video in done:
        path = store.path_for(video.id)
        if log.made_by(video.id, path) is None:
            header = store.header(video.id)
            if header is not None:
                log.mark(video.id, DONE, title=video.title, url=video.webpage_url or video.media_url,
                         made_by=header.made_by, file=path, save=False)
                changed = True
    if changed:
        log.save()


def _settle_pending(log: IngestLog, store: TranscriptStore) -> None:
    """After a catch-up every stored transcript is indexed: "stored" entries of the log are done."""
    for video_id in log.pending_index():
        header = store.header(video_id)
        if header is not None:
            log.mark(video_id, DONE, made_by=header.made_by, file=store.path_for(video_id))


def _reindex_pending(log: IngestLog, store: TranscriptStore, on_stored: OnStored | None) -> int:
    count = 0
    for video_id in log.pending_index():
        path = store.path_for(video_id)
        if not path.is_file():
            continue
        try:
            transcript = store.read_file(path)
        except CorruptTranscript:
            continue  # not done after all: the plan transcribes it again
        if on_stored:
            on_stored(transcript, path)
        info = transcript.transcription
        log.mark(video_id, DONE, made_by=(info.engine, info.model), file=path)
        count += 1
    return count


@dataclass
class _Downloaded:
    video: Video
    position: int
    path: Path | None = None
    failure: DownloadFailed | None = None


_END = object()


class _Run:
    def __init__(self, plan: Plan, store: TranscriptStore, options: IngestOptions, log: IngestLog,
                 transcriber: TranscriberSource, on_stored: OnStored | None, emit: OnEvent):
        self.plan = plan
        self.store = store
        self.options = options
        self.log = log
        self._transcriber_source = transcriber
        self._transcriber: Transcriber | None = None
        self.on_stored = on_stored
        self.emit = emit
        self.stored: list[str] = []
        self.failed: list[Failure] = []
        self.audio_seconds = 0.0
        self.inflight = Path(options.audio_dir) / INFLIGHT

    def execute(self, cluster: Any = None) -> None:
        if not self.plan.todo:
            return
        if cluster is not None:
            self._execute_on_cluster(cluster)
            return
        if self.options.jobs > 1:
            self._execute_in_workers()
            return
        downloads = self._downloads()
        try:
            for item in downloads:
                if item.failure is not None:
                    self._fail(item.video, item.failure.reason, str(item.failure))
                    continue
                assert item.path is not None
                try:
                    self._transcribe_and_store(item)
                finally:
                    self._dispose(item.video, item.path)
        finally:
            downloads.close()  # stops the download thread now, also when a video raised

    # -- downloads (possibly in a thread, one ahead) ----------------------------------------
    def _downloads(self) -> Iterator[_Downloaded]:
        todo = list(enumerate(self.plan.todo, start=1))
        if not self.options.overlap:
            for pos, video in todo:
                yield self._download(video, pos)
            return
        q: queue.Queue[Any] = queue.Queue(maxsize=1)
        stop = threading.Event()

        def worker() -> None:
            try:
                for pos, video in todo:
                    if stop.is_set():
                        return
                    item = self._download(video, pos)
                    while not stop.is_set():
                        try:
                            q.put(item, timeout=0.2)
                            break
                        except queue.Full:
                            continue
                    else:
                        self._dispose(item.video, item.path)
                        return
            except BaseException as exc:  # surfaced in the main thread below
                q.put(exc)
                return
            q.put(_END)

        thread = threading.Thread(target=worker, name="ingest-download", daemon=True)
        thread.start()
        try:
            while True:
                item = q.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            while thread.is_alive():
                try:
                    left = q.get(timeout=0.2)
                    if isinstance(left, _Downloaded):
                        self._dispose(left.video, left.path)
                except queue.Empty:
                    pass
            thread.join()

    def _download(self, video: Video, position: int) -> _Downloaded:
        self.emit(DownloadStarted(video, position, len(self.plan.todo)))

        def progress(done: int, total: int | None) -> None:
            self.emit(DownloadProgressed(video, done, total))

        try:
            path, full = with_retries(
                lambda: source.fetch_audio(video, self.inflight, self.options.source, progress),
                self.options, video, video.id, self.emit)
        except DownloadFailed as exc:
            return _Downloaded(video, position, failure=exc)
        return _Downloaded(full, position, path=path)

    def _dispose(self, video: Video, path: Path | None) -> None:
        """Delete a downloaded file (or keep it under audio_dir); never touch a local recording."""
        if path is None or source.is_local(video) or not path.exists():
            return
        if self.options.keep_audio:
            target = Path(self.options.audio_dir) / path.name
            with writing(target):
                target.parent.mkdir(parents=True, exist_ok=True)
                path.replace(target)
        else:
            path.unlink(missing_ok=True)

    # -- transcription and commit ------------------------------------------------------------
    def _transcribe_and_store(self, item: _Downloaded) -> None:
        video, path = item.video, item.path
        assert path is not None

        def progress(done: float, total: float | None) -> None:
            self.emit(TranscribeProgressed(video, done, total))

        # Outside the per-video handling: a model that cannot load (or cannot do the forced
        # language) would fail every video the same way, so it stops the run.
        engine = self._engine()
        self._started(item)  # after the model's load: its time is no part of this video's
        self._settle(video, lambda: transcribe_audio(engine, path, video, progress))

    def _execute_in_workers(self) -> None:
        """--jobs N: N worker processes transcribe; this process downloads, stores, indexes and logs."""
        from ingest.worker_reports import WorkerReports
        from ingest.workers import LocalWorkers

        reports = WorkerReports(self.plan.todo, self.emit)
        workers = LocalWorkers(self.options.transcribe, self.options.jobs, reports=reports.report)
        inflight: dict[Any, _Downloaded] = {}
        downloads = self._downloads()
        finished = False
        try:
            for item in downloads:
                if item.failure is not None:
                    self._fail(item.video, item.failure.reason, str(item.failure))
                    continue
                while len(inflight) >= workers.jobs:
                    self._collect(workers, inflight, reports)
                reports.started_here(item.video)
                self._queued(item.video)  # TranscribeStarted comes from the worker that takes it
                inflight[workers.submit(item.path, item.video)] = item
            while inflight:
                self._collect(workers, inflight, reports)
            finished = True
        finally:
            downloads.close()
            workers.close(cancel=not finished)
            for item in inflight.values():
                self._dispose(item.video, item.path)

    def _execute_on_cluster(self, cluster: Any) -> None:
        """--scheduler: Dask workers download and transcribe; this process stores, indexes and logs."""
        from ingest.worker_reports import WorkerReports

        todo = self.plan.todo
        reports = WorkerReports(todo, self.emit)
        cluster.watch(reports.report, reports.worker_lost)  # before the first task can report
        for video in todo:
            self._queued(video)
        futures = cluster.submit_all(todo, self.options)
        try:
            for future in cluster.as_completed(list(futures)):
                video = futures.pop(future)
                reports.finished(video.id)
                self._settle(video, lambda f=future: cluster.result(f))
        finally:
            cluster.cancel(futures)  # after an error: stop the videos not stored

    def _collect(self, workers: Any, inflight: dict[Any, _Downloaded], reports: Any) -> None:
        """Commit whichever transcriptions finish next (at least one); after a worker died, run
        the videos it took down with it again (in a fresh pool)."""
        import concurrent.futures as cf

        done, _ = cf.wait(list(inflight), return_when=cf.FIRST_COMPLETED)
        if any(workers.lost(f) for f in done):
            self._resubmit(workers, inflight, reports)
            return
        for future in done:
            item = inflight.pop(future)
            reports.finished(item.video.id)
            try:
                self._settle(item.video, lambda f=future: workers.result(f))
            finally:
                self._dispose(item.video, item.path)

    def _resubmit(self, workers: Any, inflight: dict[Any, _Downloaded], reports: Any) -> None:
        from ingest.workers import WORKER_ATTEMPTS

        workers.restart()  # every future of the broken pool has failed by now
        items = list(inflight.items())
        inflight.clear()
        for future, item in items:
            if future.done() and not workers.lost(future):  # finished before the pool broke
                inflight[future] = item
                continue
            if reports.attempt(item.video.id) >= WORKER_ATTEMPTS:
                inflight.update(items)  # disposed of by the caller
                raise WorkerLost(f"{item.video.id} ({item.video.title}): its worker process died "
                                 f"{WORKER_ATTEMPTS} times; run ingest again to resume")
            reports.retried(item.video, "a worker process died; the videos in flight run again in new processes")
            inflight[workers.submit(item.path, item.video)] = item

    def _started(self, item: _Downloaded) -> None:
        self.emit(TranscribeStarted(item.video, item.position, len(self.plan.todo)))
        self._queued(item.video)

    def _queued(self, video: Video) -> None:
        self.log.mark(video.id, TRANSCRIBING, title=video.title, url=video.webpage_url or video.media_url)

    def _settle(self, video: Video, transcribe: Callable[[], Transcript]) -> None:
        """Run `transcribe` and commit its transcript, or record why this video failed."""
        try:
            transcript = transcribe()
        except (EngineUnavailable, ModelUnavailable, UnsupportedLanguage, DeviceUnavailable, WorkerLost):
            raise  # every video would fail the same way: stop the run
        except DamagedMedia as exc:
            self._fail(video, "damaged", str(exc))
            return
        except (NotMedia, MediaNotFound) as exc:
            self._fail(video, "undecodable", str(exc))
            return
        except DownloadFailed as exc:  # a remote worker downloads for itself
            self._fail(video, exc.reason, str(exc))
            return
        except SessionsError as exc:
            self._fail(video, "transcription-failed", str(exc))
            return
        self._commit(video, transcript)

    def _commit(self, video: Video, transcript: Transcript) -> None:
        stored_path = self.store.write(transcript)
        if source.is_local(video):
            # the player may serve it from there (a local recording is transcribed where it lies)
            record_media_root(self.options.state_dir, Path(video.media_url).parent)
        self.log.mark(video.id, STORED, title=video.title)
        seconds = transcript.duration or 0.0
        self.audio_seconds += seconds
        self.stored.append(video.id)
        if self.on_stored:
            try:
                self.on_stored(transcript, stored_path)
            except SessionsError as exc:
                # The transcript is safe; the log keeps it "stored" so the next run indexes it again.
                self.failed.append(Failure(video.id, video.title, "index-failed", str(exc)))
                self.emit(VideoFailed(video, "index-failed", str(exc)))
                return
        info = transcript.transcription
        self.log.mark(video.id, DONE, title=video.title, made_by=(info.engine, info.model), file=stored_path)
        self.emit(VideoStored(video, stored_path, seconds, segments=len(transcript.segments),
                              language=info.language, worker=info.worker))

    def _engine(self) -> Transcriber:
        if self._transcriber is None:
            src = self._transcriber_source
            self._transcriber = src if hasattr(src, "transcribe") else src()  # type: ignore[operator]
        return self._transcriber

    def _fail(self, video: Video, reason: str, message: str) -> None:
        self.log.mark(video.id, FAILED, title=video.title, url=video.webpage_url or video.media_url,
                      reason=reason, message=message)
        self.failed.append(Failure(video.id, video.title, reason, message))
        self.emit(VideoFailed(video, reason, message))


def transcribe_audio(engine: Transcriber, audio: Path, video: Video,
                     on_progress: Callable[[float, float | None], None]) -> Transcript:
    """The one place the pipeline hands audio to the transcription layer."""
    from ingest.transcribe import transcribe_file

    return transcribe_file(audio, engine, video=video, on_progress=on_progress)


def _logged(on_event: OnEvent | None) -> OnEvent:
    """Every event also goes to the "sessions.ingest" log (progress ticks at debug level)."""

    def emit(event: Any) -> None:
        _log_event(event)
        if on_event is not None:
            on_event(event)

    return emit


def _log_event(event: Any) -> None:
    if isinstance(event, Listed):
        plan = event.plan
        logger.info("plan: %d new, %d to retry, %d already done, %d left out, %d source(s) not listed",
                    len(plan.new), len(plan.retries), len(plan.done), plan.filtered_out, len(plan.listing_failures))
    elif isinstance(event, DownloadStarted) and not source.is_local(event.video):  # a local file is read in place
        logger.info("downloading %s (%s) [%d/%d]%s", event.video.id, event.video.title, event.position, event.total,
                    _on(event.worker))
    elif isinstance(event, TranscribeStarted):
        logger.info("transcribing %s (%s) [%d/%d]%s", event.video.id, event.video.title, event.position, event.total,
                    _on(event.worker))
    elif isinstance(event, VideoRetried):
        logger.warning("retrying %s (%s), attempt %d: %s%s", event.video.id, event.video.title, event.attempt,
                       event.reason, f" (lost: {event.worker})" if event.worker else "")
    elif isinstance(event, VideoStored):
        logger.info("stored %s: %d segments, %s, %.0f s of audio → %s", event.video.id, event.segments,
                    event.language or "no speech", event.audio_seconds, event.path)
    elif isinstance(event, VideoFailed):
        logger.warning("failed %s (%s): %s: %s", event.video.id, event.video.title, event.reason, event.message)
    elif isinstance(event, (DownloadProgressed, TranscribeProgressed)):
        logger.debug("%s: %s of %s", event.video.id, event.done, event.total)


def _on(worker: str) -> str:
    return f" on {worker}" if worker else ""
