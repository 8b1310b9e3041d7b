"""`sessions ingest` in a log or under cron (issue 12, point 16): stderr not a terminal → one plain
line per video as it starts and ends, and the summary says "N min of audio"."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.channel import feed_fixture, item, write_config  # noqa: F401 - a fixture
from ui.cli.amounts import audio_length, elapsed

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("seconds", "said"), [
    (0, "0 s"), (0.4, "1 s"), (11.0, "11 s"), (59.4, "59 s"), (59.6, "1 min"), (108, "2 min"), (3599, "1 h"),
    (3600, "1 h"), (5100, "1 h 25 min"), (7200, "2 h"), (float("nan"), "0 s"),
])
def test_audio_lengths_are_said_the_way_people_say_them(seconds, said):
    assert audio_length(seconds) == said


def test_elapsed_times():
    assert (elapsed(5.04), elapsed(65), elapsed(3723)) == ("5.0 s", "1m05s", "1h02m03s")


@pytest.mark.integration
@pytest.mark.slow
def test_a_run_logged_to_a_file_says_when_each_video_starts_and_ends(feed, tmp_path, tiny_en_model):
    f = feed([item("ask-not", "jfk.m4a", "Ask not", 1), item("gone", "jfk.m4a", "Removed talk", 2, missing=True),
              item("platforms", "platforms.mp4", "Platforms", 3)])
    config = write_config(tmp_path, tiny_en_model, urls=(f.url,))
    log = tmp_path / "ingest.log"
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    with log.open("w") as err:  # a file, as under cron or `>> ingest.log 2>&1`
        proc = subprocess.Popen([sys.executable, "-c", "from ui.cli import main; main()", "--config", str(config),
                                 "ingest"], stdout=err, stderr=err, env=env, cwd=tmp_path)
        try:
            # The first line about a video is there while the run still works on it.
            deadline = time.monotonic() + 300
            while "] started: " not in log.read_text() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert proc.poll() is None, log.read_text()
            assert proc.wait(timeout=600) == 1  # one video failed
        finally:
            if proc.poll() is None:
                proc.kill()
    text = log.read_text()
    lines = text.splitlines()
    assert "\r" not in text and "\x1b" not in text  # no bars, no cursor moves
    assert lines[0].startswith("listed: 3 new")
    for vid in ("ask-not", "gone", "platforms"):
        started = [i for i, line in enumerate(lines) if re.match(rf"\[\d/3\] started: {vid} \(", line)]
        ended = [i for i, line in enumerate(lines) if re.match(rf"\[\d/3\] (done|failed): {vid}\b", line)]
        assert len(started) == 1 and len(ended) == 1 and started[0] < ended[0], text
    assert re.search(r"\[\d/3\] done: ask-not \(Ask not\): 11 s of audio, \d+ segments, en, in .+, "
                     r"\d+\.\dx realtime$", text, re.M), text
    assert re.search(r"\[\d/3\] failed: gone \(Removed talk\): not-found", text), text
    summary = lines[-1]
    assert re.fullmatch(r"ingest: 2 new, 0 skipped, 1 failed, \d+ s of audio transcribed, in .+", summary), text
    assert " h transcribed" not in text
