"""Planning a run: list every source cheaply and split its videos into to-do and done.

Reads, never writes; also the retry-with-backoff used for every request to a source.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from archive.records import FORMAT_NAME, SCHEMA_VERSION, Video
from archive.store import TranscriptStore
from ingest import source
from ingest.engines import TranscribeOptions
from ingest.errors import DownloadFailed, IngestError
from ingest.ingest_log import FAILED, IngestLog
from ingest.run_records import Failure, IngestOptions, OnEvent, Plan, Retrying


def plan_ingest(sources: list[str] | tuple[str, ...], *, store: TranscriptStore, options: IngestOptions,
                on_event: OnEvent | None = None) -> Plan:
    """List every source (flat) and split the videos into to-do and done. Reads, never writes."""
    emit = on_event or (lambda e: None)
    matcher = compile_match(options.match)
    log = IngestLog.load(options.state_dir)
    listed: list[Video] = []
    listing_failures: list[Failure] = []
    seen: set[str] = set()
    for url in sources:
        try:
            videos = with_retries(lambda u=url: source.list_videos(u, options.source), options, None, url, emit)
        except DownloadFailed as exc:
            listing_failures.append(Failure(url, url, exc.reason, str(exc)))
            continue
        for v in videos:
            if v.id not in seen:
                seen.add(v.id)
                listed.append(v)
    done: list[Video] = []
    candidates: list[Video] = []
    for v in listed:
        if not options.force and is_done(store, v.id, options.transcribe, log):
            done.append(v)
        else:
            candidates.append(v)
    todo = [v for v in candidates if _selected(v, options.since, matcher)]
    if options.limit is not None:
        todo = todo[: max(0, options.limit)]
    failed_before = {vid for vid, e in log.videos.items() if e.status == FAILED}
    plan = Plan(
        todo=tuple(todo),
        done=tuple(done),
        retry_ids=frozenset(v.id for v in todo if v.id in failed_before),
        filtered_out=len(candidates) - len(todo),
        listing_failures=tuple(listing_failures),
    )
    return plan


def is_done(store: TranscriptStore, video_id: str, topts: TranscribeOptions, log: IngestLog | None = None) -> bool:
    """A transcript exists for this video, made with the same engine and model.

    The same rule as ingest.transcribe.needs_transcription, made cheap for re-syncing a whole
    channel: the log's record is trusted while the file's size and mtime are unchanged, otherwise
    only the JSON is parsed (building every Segment and Word of 500 long sessions takes minutes).
    """
    path = store.path_for(video_id)
    made_by = (log.made_by(video_id, path) if log is not None else None) or read_made_by(path)
    return made_by == (topts.engine, topts.model)


def read_made_by(path: Path) -> tuple[str, str] | None:
    """(engine, model) from a transcript file; None when missing or not one of ours (made again)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return _made_by_version(str(path), st.st_size, st.st_mtime_ns)


_HEAD_BYTES = 1 << 16


@functools.lru_cache(maxsize=4096)
def _made_by_version(path: str, size: int, mtime_ns: int) -> tuple[str, str] | None:
    # Keyed on size and mtime too: planning and the log update read each file once per version.
    try:
        with open(path, "rb") as f:
            head = f.read(_HEAD_BYTES)
            data = _header_fields(head)
            if data is None:
                data = json.loads(head + f.read())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME or data.get("schema_version") != SCHEMA_VERSION:
        return None
    info = data.get("transcription")
    if not isinstance(info, dict):
        return None
    engine, model = info.get("engine"), info.get("model")
    return (engine, model) if isinstance(engine, str) and isinstance(model, str) else None


def _header_fields(head: bytes) -> dict[str, Any] | None:
    """format, schema_version and transcription from the start of a file the store wrote.

    The store writes with indent=1, so a top-level key is the only thing that can follow a real
    newline and one space (newlines inside strings are escaped), and "transcription" comes before
    the long "segments" list: decoding just those values skips parsing every segment.
    None when they are not all in `head` (then the whole file is parsed).
    """
    text = head.decode("utf-8", errors="ignore")
    decoder = json.JSONDecoder()
    out: dict[str, Any] = {}
    for key in ("format", "schema_version", "transcription"):
        marker = f'\n "{key}": '
        at = text.find(marker)
        if at < 0:
            return None
        try:
            out[key] = decoder.raw_decode(text, at + len(marker))[0]
        except ValueError:
            return None
    return out


def compile_match(pattern: str | None) -> re.Pattern[str] | None:
    if not pattern:
        return None
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise IngestError(f"--match {pattern!r} is not a valid regular expression: {exc}") from None


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
            emit(Retrying(video, what, attempt, delay, exc.reason))
            time.sleep(delay)
