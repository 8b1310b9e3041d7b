"""Refresh the metadata of transcribed videos (title, description, upload date, chapters), no Whisper.

An archive transcribed before chapters were read, or whose titles were edited on the channel since,
is brought up to date without downloading audio: the sources are listed as for an ingest, each
already transcribed video's metadata is fetched (source.fetch_metadata), and its transcript is
rewritten (the store's atomic write) only when something changed. Segments and words are the
stored ones, untouched, so their bytes in the file stay the same. `on_refreshed` (the CLI passes
the index update) follows each rewrite. A video whose metadata cannot be fetched or stored is
reported and the others go on; its transcript stays as it was. Never prints, never exits.

A field the source no longer gives (an empty description, no chapters) does not erase the stored
one: a flat feed or a failed chapter read must not wipe what an earlier run found.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from archive import safejson
from archive.errors import CorruptTranscript, SessionsError
from archive.records import Transcript, Video
from archive.store import TranscriptStore, encode_transcript
from ingest import source
from ingest.errors import BadMetadata, DownloadFailed
from ingest.ingest_log import DONE, IngestLock, IngestLog
from ingest.planning import chosen, compile_match, list_sources, with_retries
from ingest.run_records import (
    Failure,
    IngestOptions,
    MetadataChecked,
    OnEvent,
    OnRefreshed,
    RefreshListed,
    RefreshReport,
    VideoFailed,
)

logger = logging.getLogger("sessions.ingest")

# The fields a refresh may change, in the order they are reported.
REFRESHED_FIELDS = ("title", "description", "upload_date", "chapters")


def refreshed_video(stored: Video, fetched: Video) -> Video:
    """`stored` with the fetched title, description, upload date and chapters where the source gave them."""
    title = fetched.title if fetched.title and fetched.title != fetched.id else stored.title
    return replace(
        stored,
        title=title,
        description=fetched.description or stored.description,
        upload_date=fetched.upload_date or stored.upload_date,
        chapters=fetched.chapters or stored.chapters,
    )


def metadata_changes(before: Video, after: Video) -> tuple[str, ...]:
    """The refreshable fields that differ between two versions of a video's record."""
    return tuple(name for name in REFRESHED_FIELDS if getattr(before, name) != getattr(after, name))


def with_metadata(transcript: Transcript, video: Video) -> Transcript:
    """`transcript` with `video` as its record; BadMetadata when the result could not be stored and read back."""
    updated = replace(transcript, video=video)
    try:
        back = Transcript.from_dict(safejson.loads(encode_transcript(updated).decode("utf-8")))
    except (ValueError, TypeError) as exc:  # NaN or an absurd time in a chapter, say
        raise BadMetadata(f"{transcript.video.id}: the new metadata cannot be stored: {exc}") from exc
    if back.video.id != transcript.video.id or back.segments != transcript.segments:
        raise BadMetadata(f"{transcript.video.id}: the new metadata would change the transcript's video or segments")
    return updated


def refresh_metadata(sources: list[str] | tuple[str, ...], *, store: TranscriptStore, options: IngestOptions,
                     on_refreshed: OnRefreshed | None = None, on_event: OnEvent | None = None) -> RefreshReport:
    """Rewrite the transcripts of `sources`' transcribed videos whose metadata changed at the source.

    Takes the ingest lock (an ingest writes the same files). --since/--match/--limit choose among the
    transcribed videos; no model is loaded and no audio is downloaded.
    """
    emit = on_event or (lambda e: None)
    started = time.monotonic()
    logger.info("metadata refresh: %s", ", ".join(map(str, sources)))
    source.check_youtube_ready(list(sources))
    matcher = compile_match(options.match)
    store.check_writable()
    with IngestLock(options.state_dir, wait=options.wait):
        log = IngestLog.load(options.state_dir)
        listed, listing_failures = list_sources(sources, options, emit)
        transcribed = [v for v in listed if store.header(v.id) is not None]
        todo = chosen(transcribed, options, matcher)
        emit(RefreshListed(tuple(todo), not_transcribed=len(listed) - len(transcribed),
                           filtered_out=len(transcribed) - len(todo)))
        refreshed: list[tuple[str, tuple[str, ...]]] = []
        failed: list[Failure] = []
        unchanged = 0
        for position, video in enumerate(todo, 1):
            try:
                changes = _refresh_one(video, store, options, log, on_refreshed, emit)
            except BadMetadata as exc:
                failed.append(_failed(emit, video, "bad-metadata", str(exc)))
                continue
            except DownloadFailed as exc:
                failed.append(_failed(emit, video, exc.reason, str(exc)))
                continue
            except CorruptTranscript as exc:
                failed.append(_failed(emit, video, "corrupt-transcript", str(exc)))
                continue
            except _IndexFailed as exc:
                refreshed.append((video.id, exc.changes))
                failed.append(_failed(emit, video, "index-failed", str(exc.cause)))
                continue
            if changes:
                refreshed.append((video.id, changes))
            else:
                unchanged += 1
            emit(MetadataChecked(video, position, len(todo), changes))
    report = RefreshReport(refreshed=tuple(refreshed), unchanged=unchanged,
                           not_transcribed=len(listed) - len(transcribed), filtered_out=len(transcribed) - len(todo),
                           failed=tuple(failed), listing_failures=tuple(listing_failures),
                           elapsed=time.monotonic() - started)
    logger.info("metadata refresh finished: %d refreshed, %d unchanged, %d not transcribed, %d failed, in %.1f s",
                len(report.refreshed), report.unchanged, report.not_transcribed,
                len(report.failed) + len(report.listing_failures), report.elapsed)
    return report


class _IndexFailed(Exception):
    """The transcript was rewritten but the index could not follow (the next `sessions index` does)."""

    def __init__(self, changes: tuple[str, ...], cause: SessionsError):
        super().__init__(str(cause))
        self.changes, self.cause = changes, cause


def _refresh_one(video: Video, store: TranscriptStore, options: IngestOptions, log: IngestLog,
                 on_refreshed: OnRefreshed | None, emit: OnEvent) -> tuple[str, ...]:
    fetched = with_retries(lambda: source.fetch_metadata(video, options.source), options, video, video.id, emit)
    path = store.path_for(video.id)
    previous = TranscriptStore.checksum(path)
    stored = store.read_file(path)
    new_video = refreshed_video(stored.video, fetched)
    changes = metadata_changes(stored.video, new_video)
    if not changes:
        return ()
    updated = with_metadata(stored, new_video)
    written = store.write(updated)
    info = updated.transcription
    log.mark(video.id, DONE, title=new_video.title, made_by=(info.engine, info.model), file=written)
    logger.info("refreshed %s (%s): %s", video.id, new_video.title, ", ".join(changes))
    if on_refreshed is not None:
        try:
            on_refreshed(updated, written, previous)
        except SessionsError as exc:
            raise _IndexFailed(changes, exc) from exc
    return changes


def _failed(emit: OnEvent, video: Video, reason: str, message: str) -> Failure:
    logger.warning("metadata refresh failed for %s (%s): %s: %s", video.id, video.title, reason, message)
    emit(VideoFailed(video, reason, message))
    return Failure(video.id, video.title, reason, message)

