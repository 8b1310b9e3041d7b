"""`sessions ingest --scheduler`: a real `dask scheduler` and two `dask worker` processes on 127.0.0.1.

One worker is SIGKILLed while it transcribes: its video runs again on the other one (stderr, not a
terminal, says so between the video's "started" and "done" lines) and every video is stored exactly
once, the index agreeing with transcripts/. An unreachable scheduler is one error.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.store import TranscriptStore
from tests.support.archive_checks import assert_archive_consistent
from tests.support.channel import item, write_config
from tests.support.media import REPO
from tests.support.progress_lines import assert_a_line_per_video
from ui.cli import cli

pytestmark = [pytest.mark.integration, pytest.mark.slow]
DASK = Path(sys.executable).with_name("dask")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def cluster() -> Iterator[tuple[str, dict[str, subprocess.Popen]]]:
    from distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    procs: list[subprocess.Popen] = []
    scheduler = subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                  "--no-dashboard"], env=env(), cwd=REPO,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(scheduler)
    workers = {}
    try:
        for name in ("w1", "w2"):
            # --no-nanny: the process doing the work is the one the test kills (a nanny would restart it)
            workers[name] = subprocess.Popen([str(DASK), "worker", address, "--name", name, "--nthreads", "1",
                                              "--no-nanny", "--no-dashboard", "--host", "127.0.0.1"],
                                             env=env(), cwd=REPO, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL)
            procs.append(workers[name])
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address, workers
    finally:
        for p in reversed(procs):
            stop(p)


def items():
    return [item("jfk", "jfk.m4a", "One", 1), item("meeting", "meeting.m4a", "Two", 2),
            item("platforms", "platforms.mp4", "Three", 3), item("ta-video", "ta_video.mp4", "Four", 4)]


def test_a_worker_killed_mid_video_its_video_is_retried_elsewhere_and_stored_once(feed, tmp_path, tiny_en_model,
                                                                                   cluster):
    from distributed import Client

    address, workers = cluster
    f = feed(items())
    config = write_config(tmp_path, tiny_en_model, urls=(f.url,))
    ingest = subprocess.Popen([sys.executable, "-c", "from ui.cli import main; main()", "ingest", "--scheduler",
                               address], cwd=REPO, env=dict(env(), SESSIONS_CONFIG=str(config)),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = None
    try:
        with Client(address, timeout=30) as client:
            deadline = time.monotonic() + 300
            busy_since: dict[str, float] = {}
            while killed is None:
                assert ingest.poll() is None, ingest.communicate()
                assert time.monotonic() < deadline, "no worker was seen transcribing"
                names = {a: w["name"] for a, w in client.scheduler_info()["workers"].items()}
                for addr, keys in client.processing().items():
                    if keys:
                        since = busy_since.setdefault(str(keys[0]), time.monotonic())
                        # Busy for a while: past the download, inside the model.
                        if time.monotonic() - since > 1.5:
                            killed, killed_address = names[addr], addr
                            killed_video = str(keys[0]).split("-", 1)[1].rsplit("-", 1)[0]  # ingest-<id>-<pid>
                            workers[killed].send_signal(signal.SIGKILL)
                            break
                time.sleep(0.1)
        out, err = ingest.communicate(timeout=600)
    finally:
        stop(ingest)
    assert ingest.returncode == 0, err
    assert "ingest: 4 new, 0 skipped, 0 failed" in out
    assert_archive_consistent(tmp_path, {"jfk", "meeting", "platforms", "ta-video"})
    store = TranscriptStore(tmp_path / "transcripts")
    makers = {store.read(v).transcription.worker for v in ("jfk", "meeting", "platforms", "ta-video")}
    assert makers and all(m.startswith("tcp://127.0.0.1:") for m in makers), makers
    assert workers[killed].poll() is not None
    # The video it was transcribing was made again, by the other worker.
    assert store.read(killed_video).transcription.worker not in ("", killed_address)
    titles = {"jfk": "One", "meeting": "Two", "platforms": "Three", "ta-video": "Four"}
    # The video the killed worker was running (processing() also lists the tasks queued on it, so
    # `killed_video` may be one of those): said to be retried, and then made by the other worker.
    retried = tuple(re.findall(rf"retrying: (\S+) \(.*\(lost: {re.escape(killed_address)}\)$", err, re.M))
    assert retried, err  # (two if a result it held was not fetched yet: Dask computes that one again too)
    assert_a_line_per_video(err, titles, worker=r"tcp://127\.0\.0\.1:\d+", retried=retried)
    assert all(store.read(vid).transcription.worker not in ("", killed_address) for vid in retried)


def test_an_unreachable_scheduler_is_one_error_and_nothing_is_written(feed, tmp_path, tiny_en_model):
    f = feed(items())
    config = write_config(tmp_path, tiny_en_model, urls=(f.url,))
    result = CliRunner().invoke(cli, ["--config", str(config), "ingest", "--scheduler",
                                      f"tcp://127.0.0.1:{free_port()}"])
    assert result.exit_code != 0
    assert "did not answer" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "transcripts").exists() and not (tmp_path / "data").exists()
    assert f.media_requests() == 0
