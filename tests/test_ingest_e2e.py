"""The issue's scenarios end to end: real yt-dlp on a loopback RSS channel, real faster-whisper tiny.en,
the real Whoosh index, the real `sessions` command (in-process and as killed/concurrent subprocesses)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.store import TranscriptStore
from index.search import SearchIndex
from ingest.ingest_log import IngestLock, IngestLog
from tests.support.archive_checks import assert_archive_consistent
from tests.support.channel import ingest_config, item, standard_items
from tests.support.media import REPO

pytestmark = [pytest.mark.integration, pytest.mark.slow]



def spawn(config: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, SESSIONS_CONFIG=str(config), HF_HUB_OFFLINE="1")
    return subprocess.Popen([sys.executable, "-c", "from ui.cli import main; main()", "ingest", *args],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_first_run_ingests_all_second_run_nothing_then_only_the_new_item(feed, tmp_path, tiny_en_model, run_cli):
    f = feed(standard_items())
    config = ingest_config(tmp_path, tiny_en_model, urls=(f.url,))

    first = run_cli(config, "ingest")
    assert first.exit_code == 0, first.output
    assert "ingest: 3 new, 0 skipped, 0 failed" in first.stdout
    assert_archive_consistent(tmp_path, {"jfk-inaugural", "platforms", "ta-video"})
    result = SearchIndex(tmp_path / "data" / "index").search("fellow Americans")
    [hit] = result.videos
    assert hit.video.id == "jfk-inaugural" and hit.video.title == "Inaugural address: ask not"
    assert hit.video.upload_date == "2024-03-01" and hit.video.channel == "Test channel"
    assert hit.moments[0].link.startswith(f.base_url + "/media/jfk-inaugural.m4a#t=")
    jfk = TranscriptStore(tmp_path / "transcripts").read("jfk-inaugural")
    assert "ask not what your country" in jfk.text.lower()
    assert jfk.segments[0].words, "word timestamps are stored"

    requests = f.media_requests()
    mtimes = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "transcripts").iterdir()}
    second = run_cli(config, "ingest")
    assert second.exit_code == 0
    assert "ingest: 0 new, 3 skipped, 0 failed" in second.stdout
    assert f.media_requests() == requests, "a re-run downloads nothing"
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "transcripts").iterdir()} == mtimes

    f.add(item("platforms-again", "platforms.mp4", "Platforms, second session", 9))
    third = run_cli(config, "ingest")
    assert "ingest: 1 new, 3 skipped, 0 failed" in third.stdout
    assert f.media_requests() - requests == f.requests["media:platforms-again"] > 0
    assert_archive_consistent(tmp_path, {"jfk-inaugural", "platforms", "ta-video", "platforms-again"})


def test_404_flaky_503_and_corrupt_items(feed, tmp_path, tiny_en_model, run_cli):
    f = feed([item("gone", "jfk.m4a", "Removed session", 1, missing=True),
              item("flaky", "jfk.m4a", "Flaky server", 2, fail_times=2),
              item("corrupt", "corrupt.mp4", "Corrupt upload", 3),
              item("fine", "platforms.mp4", "Fine", 4)])
    config = ingest_config(tmp_path, tiny_en_model, urls=(f.url,), retries=3, backoff=0.05)
    result = run_cli(config, "ingest")
    assert result.exit_code == 1
    assert "ingest: 2 new, 0 skipped, 2 failed" in result.stdout
    assert "failed: gone (Removed session): not-found" in result.stderr
    assert "failed: corrupt (Corrupt upload): damaged" in result.stderr
    assert f.requests["media:flaky"] >= 3  # two 503s, then the download
    assert_archive_consistent(tmp_path, {"flaky", "fine"})

    status = json.loads(run_cli(config, "status", "--json").output)
    assert {(x["id"], x["reason"]) for x in status["failures"]} == {("gone", "not-found"), ("corrupt", "damaged")}
    assert status["transcripts"] == 2 and status["indexed"] == 2

    # Failed videos are retried next run; the ones done are not touched again.
    f.update("gone", missing=False)
    again = run_cli(config, "ingest")
    assert "ingest: 1 new, 2 skipped, 1 failed" in again.stdout
    assert_archive_consistent(tmp_path, {"flaky", "fine", "gone"})


def _wait_for(predicate, timeout: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            raise AssertionError(f"ingest ended early: {proc.communicate()}")
        time.sleep(0.02)
    raise AssertionError("timed out")


def test_sigkill_mid_video_then_rerun_leaves_a_complete_consistent_archive(feed, tmp_path, tiny_en_model, run_cli):
    items = [item("jfk", "jfk.m4a", "One", 1), item("meeting", "meeting.m4a", "Two", 2),
             item("platforms", "platforms.mp4", "Three", 3)]
    f = feed(items)
    config = ingest_config(tmp_path, tiny_en_model, urls=(f.url,))
    state = tmp_path / "data" / "state"

    def second_video_transcribing() -> bool:
        try:
            videos = IngestLog.load(state).videos
        except OSError:
            return False
        statuses = {k: v.status for k, v in videos.items()}
        return statuses.get("platforms") == "done" and statuses.get("meeting") == "transcribing"

    proc = spawn(config)
    try:
        _wait_for(second_video_transcribing, 120, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    store = TranscriptStore(tmp_path / "transcripts")
    assert store.exists("platforms") and not store.exists("meeting")

    result = run_cli(config, "ingest")
    assert result.exit_code == 0, result.output
    assert "ingest: 2 new, 1 skipped, 0 failed" in result.stdout
    assert_archive_consistent(tmp_path, {"jfk", "meeting", "platforms"})
    assert [r.status for r in IngestLog.load(state).runs] == ["interrupted", "finished"]


def test_a_second_ingest_refuses_or_waits_and_two_at_once_corrupt_nothing(feed, tmp_path, tiny_en_model):
    f = feed([item("jfk", "jfk.m4a", "One", 1), item("platforms", "platforms.mp4", "Two", 2)])
    config = ingest_config(tmp_path, tiny_en_model, urls=(f.url,))
    state = tmp_path / "data" / "state"

    with IngestLock(state):
        refused = spawn(config)
        out, err = refused.communicate(timeout=60)
        assert refused.returncode == 1
        assert f"error: another ingest (PID {os.getpid()}) is running" in err and "--wait" in err
        waiting = spawn(config, "--wait", "--quiet")
        time.sleep(1.0)
        assert waiting.poll() is None, "--wait must wait while the lock is held"
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert_archive_consistent(tmp_path, {"jfk", "platforms"})

    # Two started at the same moment: one runs, the other refuses clearly (or finds nothing left to do).
    f.add(item("ta", "ta_video.mp4", "Three", 3))
    a, b = spawn(config), spawn(config)
    results = [p.communicate(timeout=180) + (p.returncode,) for p in (a, b)]
    codes = sorted(r[2] for r in results)
    assert codes in ([0, 0], [0, 1]), results
    for _out, err, code in results:
        if code == 1:
            assert "another ingest (PID" in err, err
    assert_archive_consistent(tmp_path, {"jfk", "platforms", "ta"})
