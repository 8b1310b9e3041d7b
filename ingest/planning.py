"""Planning a run: list every source cheaply and split its videos into to-do and done.

Reads, never writes; also the retry-with-backoff used for every request to a source.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from archive.records import Video
from archive.store import TranscriptStore
from ingest import source
from ingest.engines import TranscribeOptions
from ingest.errors import DownloadFailed, IngestError
from ingest.ingest_log import FAILED, IngestLog
from ingest.run_records import Failure, IngestOptions, OnEvent, Plan, Retrying

logger = logging.getLogger("sessions.ingest")

def plan_ingest(sources: list[str] | tuple[str, ...], *, store: TranscriptStore, options: IngestOptions,
                on_event: OnEvent | None = None, log: IngestLog | None = None,
                matcher: re.Pattern[str] | None = None) -> Plan:
    """List every source (flat) and split the videos into to-do and done. Reads, never writes.

    A run passes the log it already holds and its compiled --match; a dry run lets them be loaded here.
    """
    emit = on_event or (lambda e: None)
    if matcher is None:
        matcher = compile_match(options.match)
    if log is None:
        log = IngestLog.load(options.state_dir)
    listed, listing_failures = list_sources(sources, options, emit)
    done: list[Video] = []
    candidates: list[Video] = []
    for v in listed:
        if not options.force and is_done(store, v.id, options.transcribe, log):
            done.append(v)
        else:
            candidates.append(v)
    todo = chosen(candidates, options, matcher)
    failed_before = {vid for vid, e in log.videos.items() if e.status == FAILED}
    plan = Plan(
        todo=tuple(todo),
        done=tuple(done),
        retry_ids=frozenset(v.id for v in todo if v.id in failed_before),
        filtered_out=len(candidates) - len(todo),
        listing_failures=tuple(listing_failures),
    )
    return plan


def list_sources(sources: list[str] | tuple[str, ...], options: IngestOptions,
                 emit: OnEvent) -> tuple[list[Video], list[Failure]]:
    """Every video of `sources` (flat, each once) and the sources that could not be listed."""
    listed: list[Video] = []
    listing_failures: list[Failure] = []
    seen: set[str] = set()
    unreachable: dict[str, DownloadFailed] = {}  # host → why it could not be reached this run
    for url in sources:
        host = source.host_of(url)
        if host in unreachable:  # the channel's other tabs: one failed attempt per host is enough
            exc = unreachable[host]
            listing_failures.append(Failure(url, url, exc.reason, exc.message_for(url)))
            continue
        try:
            videos = with_retries(lambda u=url: source.list_videos(u, options.source), options, None, url, emit)
        except DownloadFailed as exc:
            logger.warning("could not list %s: %s (%s)", url, exc, exc.reason)
            listing_failures.append(Failure(url, url, exc.reason, str(exc)))
            if exc.reason == source.UNREACHABLE and host:
                unreachable[host] = exc
            continue
        logger.info("listed %s: %d recording(s)", url, len(videos))
        for v in videos:
            if v.id not in seen:
                seen.add(v.id)
                listed.append(v)
    return listed, listing_failures


def is_done(store: TranscriptStore, video_id: str, topts: TranscribeOptions, log: IngestLog | None = None) -> bool:
    """The one "already done?" rule: a readable transcript of this video made with the same engine and model.

    Other option changes (beam size, VAD, ...) do not force a redo; an unreadable or foreign file
    counts as missing, so transcribing again replaces it. Cheap for re-syncing a whole channel: the
    log's record is trusted while the file's size and mtime are unchanged, otherwise the store reads
    and checks the whole file once per version (a truncated, garbled, wrong-schema or NaN file can
    have a perfect header; see archive.store.read_header).
    """
    path = store.path_for(video_id)
    made_by = log.made_by(video_id, path) if log is not None else None
    if made_by is None:
        header = store.header(video_id)
        made_by = header.made_by if header else None
    return made_by == (topts.engine, topts.model)


def compile_match(pattern: str | None) -> re.Pattern[str] | None:
    if not pattern:
        return None
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise IngestError(f"--match {pattern!r} is not a valid regular expression: {exc}") from None


def chosen(videos: list[Video], options: IngestOptions, matcher: re.Pattern[str] | None) -> list[Video]:
    """The videos this run's --since, --match and --limit leave in."""
    kept = [v for v in videos if _selected(v, options.since, matcher)]
    return kept if options.limit is None else kept[: max(0, options.limit)]


def _selected(video: Video, since: date | None, matcher: re.Pattern[str] | None) -> bool:
    if matcher and not matcher.search(video.title):
        return False
    # A listing without a date (rare with approximate dates) is kept: skipping it could lose a session.
    return not (since and video.upload_date and video.upload_date < since.isoformat())




def with_retries(call: Callable[[], Any], options: IngestOptions, video: Video | None, what: str,
                  emit: OnEvent) -> Any:
    """Retry transient failures (timeouts, 429, 5xx — even on the first request) with backoff."""
    attempt = 0
    while True:
        try:
            return call()
        except DownloadFailed as exc:
            if not exc.transient or attempt >= options.retries:
                raise
            delay = options.retry_backoff * (2 ** attempt)
            attempt += 1
            logger.info("retrying %s in %.1f s (%s, attempt %d)", what, delay, exc.reason, attempt)
            emit(Retrying(video, what, attempt, delay, exc.reason))
            time.sleep(delay)
