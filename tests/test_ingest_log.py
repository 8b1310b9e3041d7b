"""The persistent ingest log and the ingest lock."""

from __future__ import annotations

import os
import threading
import time

import pytest

from ingest.errors import IngestLocked
from ingest.ingest_log import DONE, FAILED, STORED, IngestLock, IngestLog


def test_statuses_failures_and_runs_survive_a_reload(tmp_path):
    log = IngestLog.load(tmp_path)
    log.start_run(["http://x/feed.xml"])
    log.mark("a", FAILED, title="A", reason="not-found", message="HTTP Error 404")
    log.mark("a", FAILED, title="A", reason="http-5xx", message="HTTP Error 503")
    log.mark("b", STORED, title="B")
    log.finish_run(new=1, skipped=2, failed=1, audio_seconds=12.5, elapsed=3.0)

    again = IngestLog.load(tmp_path)
    [fail] = again.failures()
    assert (fail.id, fail.reason, fail.failures, fail.title) == ("a", "http-5xx", 2, "A")
    assert again.pending_index() == ["b"]
    run = again.last_run()
    assert (run.status, run.new, run.skipped, run.failed, run.audio_seconds) == ("finished", 1, 2, 1, 12.5)
    assert run.sources == ("http://x/feed.xml",) and run.pid == os.getpid()

    again.mark("a", DONE)
    assert again.failures() == [] and again.videos["a"].failures == 0
    assert not list(tmp_path.glob(".tmp-*"))


def test_a_run_that_never_finished_is_marked_interrupted(tmp_path):
    log = IngestLog.load(tmp_path)
    log.start_run(["s"])
    later = IngestLog.load(tmp_path)
    later.start_run(["s"])
    assert [r.status for r in later.runs] == ["interrupted", "running"]


def test_done_cache_is_trusted_only_while_the_file_is_unchanged(tmp_path):
    transcript = tmp_path / "v.json"
    transcript.write_text("{}")
    log = IngestLog.load(tmp_path)
    log.mark("v", DONE, made_by=("faster-whisper", "small"), file=transcript)
    assert IngestLog.load(tmp_path).made_by("v", transcript) == ("faster-whisper", "small")
    transcript.write_text('{"changed": true}')
    assert log.made_by("v", transcript) is None
    assert log.made_by("unknown", transcript) is None


def test_a_damaged_log_is_set_aside_not_fatal(tmp_path):
    (tmp_path / "ingest_log.json").write_text("{not json")
    log = IngestLog.load(tmp_path)
    assert log.videos == {} and log.runs == []
    assert len(list(tmp_path.glob("ingest_log.json.damaged-*"))) == 1


def test_second_ingest_is_refused_naming_the_pid(tmp_path):
    with IngestLock(tmp_path), pytest.raises(IngestLocked, match=rf"PID {os.getpid()}.*--wait"):
        IngestLock(tmp_path).acquire()
    with IngestLock(tmp_path):  # released: free again
        pass


def test_waiting_ingest_gets_the_lock_when_the_first_finishes(tmp_path):
    first = IngestLock(tmp_path)
    first.acquire()
    threading.Timer(0.5, first.release).start()
    started = time.monotonic()
    with IngestLock(tmp_path, wait=True, timeout=20):
        assert time.monotonic() - started >= 0.4
    with IngestLock(tmp_path), pytest.raises(IngestLocked):  # --wait gives up after its timeout
        IngestLock(tmp_path, wait=True, timeout=0.3).acquire()
