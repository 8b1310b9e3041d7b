"""`sessions status`: counts, last run, failures with reasons, --json."""

from __future__ import annotations

import json
import os

from archive.records import Segment, Transcript, TranscriptionInfo, Video
from archive.store import TranscriptStore
from index.build import index_transcript
from ingest.ingest_log import DONE, FAILED, IngestLock, IngestLog
from tests.support.channel import ingest_config


def test_empty_archive(tmp_path, run_cli):
    config = ingest_config(tmp_path, tmp_path / "model")
    result = run_cli(config, "status")
    assert result.exit_code == 0
    assert "transcripts: 0" in result.output
    assert "no index yet" in result.output
    assert "last run:    never" in result.output
    assert "failures:    0" in result.output


def test_counts_last_run_failures_and_json(tmp_path, run_cli):
    config = ingest_config(tmp_path, tmp_path / "model")
    store = TranscriptStore(tmp_path / "transcripts")
    transcript = Transcript(
        Video(id="abc", title="Peer learning"),
        TranscriptionInfo(engine="faster-whisper", engine_version="1", model="tiny.en", language="en"),
        (Segment(0, 0.0, 2.0, " peer learning works"),))
    path = store.write(transcript)
    index_transcript(tmp_path / "data" / "index", transcript, TranscriptStore.checksum(path), source=path.name)
    store.write(Transcript(Video(id="def", title="Not indexed yet"), transcript.transcription))

    log = IngestLog.load(tmp_path / "data" / "state")
    log.start_run(["http://127.0.0.1/feed.xml"])
    log.mark("abc", DONE, title="Peer learning")
    log.mark("gone", FAILED, title="Removed <talk>", reason="not-found", message="HTTP Error 404: Not Found")
    log.finish_run(new=1, skipped=0, failed=1, audio_seconds=7200, elapsed=65.5)

    result = run_cli(config, "status")
    assert result.exit_code == 0
    assert "transcripts: 2" in result.output and "indexed:     1" in result.output
    assert "finished: 1 new, 0 skipped, 1 failed, 2 h of audio transcribed" in result.output
    assert "failures:    1 (retried on the next run)" in result.output
    assert "gone  Removed <talk>  not-found: HTTP Error 404: Not Found  (failed 1x" in result.output

    data = json.loads(run_cli(config, "status", "--json").output)
    assert data["transcripts"] == 2 and data["indexed"] == 1 and data["running_pid"] is None
    assert data["last_run"]["status"] == "finished" and data["last_run"]["audio_seconds"] == 7200
    assert [(f["id"], f["reason"]) for f in data["failures"]] == [("gone", "not-found")]


def test_a_running_ingest_is_shown_and_a_dead_one_is_interrupted(tmp_path, run_cli):
    config = ingest_config(tmp_path, tmp_path / "model")
    state = tmp_path / "data" / "state"
    log = IngestLog.load(state)
    log.start_run(["x"])
    with IngestLock(state):
        assert f"an ingest is running now (PID {os.getpid()})" in run_cli(config, "status").output
    # The run entry says "running" but its process is gone (pid 0 never names a live ingest).
    log.runs[-1] = log.runs[-1].__class__(started=log.runs[-1].started, sources=("x",), pid=0)
    log.save()
    data = json.loads(run_cli(config, "status", "--json").output)
    assert data["last_run"]["status"] == "interrupted" and data["running_pid"] is None
