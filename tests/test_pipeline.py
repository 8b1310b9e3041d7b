"""ingest.pipeline orchestration: real yt-dlp on the loopback feed, the transcriber faked at its boundary.

These tests check listing, skipping, retries, failure records, overlap and clean-up; they do not
claim to test transcription (tests/test_ingest_e2e.py runs the real Whisper model).
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from archive.errors import SessionsError
from archive.records import Segment, TranscriptionInfo, Word
from archive.store import TranscriptStore
from ingest import pipeline, planning, run_records
from ingest.engines import EngineResult, TranscribeOptions
from ingest.errors import EngineUnavailable, IngestError
from ingest.ingest_log import FAILED, STORED, IngestLog
from ingest.run_records import IngestOptions
from tests.support.channel import item, standard_items
from tests.support.media import media

pytestmark = pytest.mark.integration  # real yt-dlp and HTTP on 127.0.0.1


class FakeTranscriber:
    """Stands in for Whisper at the engine boundary: one fixed segment, optionally slow."""

    name = "fake-engine"

    def __init__(self, delay: float = 0.0):
        self.options = TranscribeOptions(engine="fake-engine", model="fake-model")
        self.delay = delay
        self.calls: list[Path] = []

    def transcribe(self, audio: Path, on_progress=None) -> EngineResult:
        self.calls.append(Path(audio))
        time.sleep(self.delay)
        if on_progress:
            on_progress(1.0, 1.0)
        words = (Word(0.0, 0.5, " fixed"), Word(0.5, 1.0, " text"))
        info = TranscriptionInfo(engine="fake-engine", engine_version="0", model="fake-model", language="en",
                                 created="2026-01-01T00:00:00+00:00", audio_duration=1.0)
        return EngineResult(segments=(Segment(0, 0.0, 1.0, " fixed text", words),), info=info)


@dataclass
class Archive:
    root: Path
    store: TranscriptStore

    def options(self, **kw) -> IngestOptions:
        base = dict(transcribe=TranscribeOptions(engine="fake-engine", model="fake-model"),
                    audio_dir=self.root / "audio", state_dir=self.root / "state", retries=3, retry_backoff=0.01)
        base.update(kw)
        return IngestOptions(**base)


@pytest.fixture
def archive(tmp_path) -> Archive:
    return Archive(tmp_path, TranscriptStore(tmp_path / "transcripts"))


def run(archive: Archive, url: str, transcriber=None, events=None, on_stored=None, **kw):
    return pipeline.ingest([url], store=archive.store, options=archive.options(**kw),
                           transcriber=transcriber or FakeTranscriber(),
                           on_stored=on_stored, on_event=(events.append if events is not None else None))


def test_next_download_overlaps_current_transcription(feed, archive):
    f = feed(standard_items())
    events: list = []
    report = run(archive, f.url, FakeTranscriber(delay=0.6), events)
    assert len(report.stored) == 3 and report.ok
    order = [(type(e).__name__, getattr(e, "position", None) or e.video.id) for e in events
             if isinstance(e, (run_records.DownloadStarted, run_records.VideoStored))]
    first_stored = order.index(("VideoStored", "ta-video"))
    assert order.index(("DownloadStarted", 2)) < first_stored

    sequential: list = []
    shutil.rmtree(archive.root / "transcripts")
    run(archive, f.url, FakeTranscriber(delay=0.1), sequential, overlap=False)
    names = [type(e).__name__ for e in sequential if isinstance(e, (run_records.DownloadStarted, run_records.VideoStored))]
    assert names == ["DownloadStarted", "VideoStored"] * 3


def test_second_run_downloads_and_transcribes_nothing_and_loads_no_model(feed, archive):
    f = feed(standard_items())
    run(archive, f.url)
    requests = f.media_requests()

    def no_model():
        raise AssertionError("the model must not be loaded when nothing is new")

    report = run(archive, f.url, transcriber=no_model)
    assert report.stored == () and report.skipped == 3 and report.ok
    assert f.media_requests() == requests


def test_transient_failures_are_retried_with_backoff_even_on_the_first_request(feed, archive):
    f = feed([item("flaky", "jfk.m4a", "Flaky", fail_times=2)])
    events: list = []
    report = run(archive, f.url, events=events, retry_backoff=0.05)
    assert report.stored == ("flaky",)
    retries = [e for e in events if isinstance(e, run_records.Retrying)]
    assert [(r.attempt, r.delay, r.reason) for r in retries] == [(1, 0.05, "http-5xx"), (2, 0.1, "http-5xx")]


def test_a_failed_video_is_logged_the_batch_goes_on_and_it_is_retried_next_run(feed, archive):
    f = feed([item("gone", "jfk.m4a", "Gone", missing=True), item("flaky", "jfk.m4a", "Flaky", 2, fail_times=5),
              item("ok", "platforms.mp4", "Fine", 3)])
    report = run(archive, f.url, retries=1)
    assert report.stored == ("ok",) and not report.ok
    assert {(x.id, x.reason) for x in report.failed} == {("gone", "not-found"), ("flaky", "http-5xx")}
    log = IngestLog.load(archive.root / "state")
    assert {v.id for v in log.failures()} == {"gone", "flaky"}

    f.update("gone", missing=False)
    plan = planning.plan_ingest([f.url], store=archive.store, options=archive.options())
    assert {v.id for v in plan.retries} == {"gone", "flaky"} and plan.new == ()
    report = run(archive, f.url, retries=3)
    assert set(report.stored) == {"gone", "flaky"} and report.ok
    assert IngestLog.load(archive.root / "state").failures() == []


def test_filters_since_match_and_limit(feed, archive):
    f = feed(standard_items())
    plan = planning.plan_ingest([f.url], store=archive.store, options=archive.options(since=date(2024, 3, 2)))
    assert [v.id for v in plan.todo] == ["ta-video", "platforms"] and plan.filtered_out == 1
    plan = planning.plan_ingest([f.url], store=archive.store, options=archive.options(match="^inaug"))
    assert [v.id for v in plan.todo] == ["jfk-inaugural"]
    plan = planning.plan_ingest([f.url], store=archive.store, options=archive.options(limit=1))
    assert [v.id for v in plan.todo] == ["ta-video"]
    with pytest.raises(IngestError, match="regular expression"):
        planning.plan_ingest([f.url], store=archive.store, options=archive.options(match="(unclosed"))
    assert not (archive.root / "state").exists()  # planning writes nothing


def test_an_index_failure_keeps_the_transcript_and_the_next_run_indexes_it(feed, archive):
    f = feed([item("a", "jfk.m4a", "A")])

    def broken_index(transcript, path):
        raise SessionsError("index is busy")

    report = run(archive, f.url, on_stored=broken_index)
    assert archive.store.exists("a")
    assert [(x.id, x.reason) for x in report.failed] == [("a", "index-failed")]
    assert IngestLog.load(archive.root / "state").pending_index() == ["a"]

    indexed = []
    report = run(archive, f.url, on_stored=lambda t, p: indexed.append(t.video.id))
    assert indexed == ["a"] and report.reindexed == 1 and report.stored == () and report.ok


def test_audio_is_deleted_or_kept_and_leftovers_of_a_killed_run_are_cleaned(feed, archive):
    f = feed([item("a", "jfk.m4a", "A")])
    inflight = archive.root / "audio" / pipeline.INFLIGHT
    inflight.mkdir(parents=True)
    (inflight / "b.m4a.part").write_bytes(b"half")
    (archive.root / "transcripts").mkdir()
    stale = archive.root / "transcripts" / ".tmp-x.part"
    stale.write_bytes(b"half")
    old = time.time() - pipeline.STALE_TEMP_AGE - 5
    os.utime(stale, (old, old))
    # A young temp file may belong to a `sessions transcribe` writing right now: it is spared.
    young = archive.root / "transcripts" / ".tmp-y.part"
    young.write_bytes(b"being written")
    run(archive, f.url)
    assert list(inflight.iterdir()) == []
    assert sorted(p.name for p in (archive.root / "transcripts").iterdir()) == [".tmp-y.part", "a.json"]
    young.unlink()

    run(archive, f.url, force=True, keep_audio=True)
    assert (archive.root / "audio" / "a.m4a").is_file()


def test_local_folder_recordings_are_transcribed_in_place(tmp_path, archive):
    folder = tmp_path / "recordings"
    folder.mkdir()
    shutil.copy(media("pv_test_en.wav"), folder / "platforms.wav")
    fake = FakeTranscriber()
    report = run(archive, str(folder), fake)
    assert len(report.stored) == 1 and fake.calls == [folder / "platforms.wav"]
    assert (folder / "platforms.wav").is_file()


def test_engine_unavailable_stops_the_run_and_releases_the_lock(feed, archive):
    f = feed([item("a", "jfk.m4a", "A")])

    def missing_engine():
        raise EngineUnavailable("no such engine")

    with pytest.raises(EngineUnavailable):
        run(archive, f.url, transcriber=missing_engine)
    assert run(archive, f.url).stored == ("a",)
    log = IngestLog.load(archive.root / "state")
    assert [r.status for r in log.runs] == ["stopped", "finished"] and "no such engine" in log.runs[0].error
    assert log.videos["a"].status not in (FAILED, STORED)


def test_done_check_reads_the_whole_file_not_just_its_header(archive):
    import json

    from archive.records import Transcript, Video

    topts = TranscribeOptions(engine="faster-whisper", model="small")
    info = TranscriptionInfo(engine="faster-whisper", engine_version="1", model="small", language="en")
    segments = tuple(Segment(i, i, i + 1.0, f" words {i}") for i in range(2000))
    path = archive.store.write(Transcript(Video(id="a", title="A", description="x\n \"transcription\": {}"),
                                          info, segments))
    good = path.read_bytes()
    assert planning.is_done(archive.store, "a", topts)
    assert not planning.is_done(archive.store, "a", TranscribeOptions(engine="faster-whisper", model="base"))
    assert not planning.is_done(archive.store, "missing", topts)

    data = json.loads(good)
    path.write_text(json.dumps(data))  # another writer's layout
    assert planning.is_done(archive.store, "a", topts)
    # Each keeps a perfect header (format, schema, engine, model): only reading it all shows the damage.
    damaged = {
        "truncated": good[: len(good) // 2],
        "garbled": good[:-2000] + b"\x00\xff garbage" + good[-1990:],
        "wrong-schema": good.replace(b"\"end\": 2.0", b"\"end\": \"two\"", 1),
        "nan": good.replace(b"\"end\": 2.0", b"\"end\": NaN", 1),
        "other-video": good.replace(b'"id": "a"', b'"id": "b"', 1),
    }
    for kind, content in damaged.items():
        assert content != good, kind
        path.write_bytes(content)
        assert not planning.is_done(archive.store, "a", topts), kind
