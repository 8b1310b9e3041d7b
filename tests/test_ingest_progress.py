"""The ingest progress renderer (ui/cli/ingest_progress.py) and the translation of worker reports into
events (ingest/worker_reports.py), fed the events of two videos in flight at once, as `--jobs 2` and
`--scheduler` make them. The streams are fakes (a terminal is a StringIO that says it is one); the
real runs are in test_ingest_jobs.py and test_ingest_dask.py."""

from __future__ import annotations

import io
import re
from pathlib import Path

from archive.records import Video
from ingest import run_records as p
from ingest.worker_reports import WorkerReports
from ui.cli.ingest_progress import Progress

ONE = Video(id="one", title="First talk", media_url="http://x/1", duration=60.0)
TWO = Video(id="two", title="Second talk, with a title far too long to fit on one bar line", media_url="http://x/2",
            duration=120.0)
PLAN = p.Plan(todo=(ONE, TWO))


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def two_at_once(emit) -> None:
    emit(p.Listed(PLAN))
    emit(p.DownloadStarted(ONE, 1, 2))
    emit(p.DownloadProgressed(ONE, 1000, 2000))
    emit(p.DownloadStarted(TWO, 2, 2))
    emit(p.TranscribeStarted(ONE, 1, 2, worker="host/pid 11"))
    emit(p.TranscribeStarted(TWO, 2, 2, worker="host/pid 12"))
    emit(p.TranscribeProgressed(ONE, 30.0, 60.0))
    emit(p.TranscribeProgressed(TWO, 12.5, 120.0))
    emit(p.VideoRetried(TWO, 2, 2, "host/pid 12", 2, "the worker that had it died"))
    emit(p.TranscribeStarted(TWO, 2, 2, worker="host/pid 13", attempt=2))
    emit(p.VideoStored(ONE, Path("one.json"), 60.0, segments=9, language="en", worker="host/pid 11"))
    emit(p.VideoFailed(TWO, "damaged", "the audio stops at 0:40\nmore detail"))


def test_not_on_a_terminal_one_line_per_video_start_end_and_retry():
    out = io.StringIO()
    progress = Progress(stream=out)
    assert progress.plain
    two_at_once(progress.handle)
    progress.close()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()
    assert lines[0] == "listed: 2 new, 0 to retry, 0 already done"
    assert lines[1] == "[1/2] started: one (First talk), 1 min of audio"
    assert lines[2] == f"[2/2] started: two ({TWO.title}), 2 min of audio"
    assert lines[3] == (f"[2/2] retrying: two ({TWO.title}), attempt 2: the worker that had it died "
                        "(lost: host/pid 12)")
    assert re.fullmatch(r"\[1/2\] done: one \(First talk\): 1 min of audio, 9 segments, en, in \d+\.\d s, "
                        r"[\d.]+x realtime on host/pid 11", lines[4]), lines[4]
    assert re.fullmatch(r"\[2/2\] failed: two \(.*\): damaged: the audio stops at 0:40, after \d+\.\d s", lines[5])
    assert len(lines) == 6


def test_on_a_terminal_a_bar_per_video_in_flight_naming_its_worker():
    out = FakeTerminal()
    progress = Progress(stream=out)
    assert not progress.plain
    seen = []

    def emit(event):
        progress.handle(event)
        seen.append({k: (v.desc, v.pos) for k, v in
                     ((vid, s.bar) for vid, s in progress._videos.items() if s.bar is not None)})

    two_at_once(emit)
    progress.close()
    text = out.getvalue()
    # Both videos had a bar at the same time, on lines of their own, each naming its worker.
    both = next(bars for bars in seen if len(bars) == 2 and all("transcribe" in d for d, _ in bars.values()))
    assert both["one"][0] == "[1/2] transcribe First talk on host/pid 11"
    assert both["two"][0].startswith("[2/2] transcribe Second talk") and both["two"][0].endswith("on host/pid 12")
    assert len(both["two"][0].split(" on ")[0]) < len(TWO.title)
    assert abs(both["one"][1]) != abs(both["two"][1])
    assert "30.0/60.0" in text and "videos" in text
    assert "retrying: two" in text and "failed: two (" in text  # messages still written between the bars
    assert "done: one" not in text  # a stored video just leaves its bar; the overall bar counts it
    assert "2/2" in text.rsplit("videos", 1)[-1]


def test_worker_reports_become_the_events_of_a_sequential_run_plus_retries():
    events = []
    reports = WorkerReports([ONE, TWO], events.append)
    reports.report({"kind": "downloading", "video": "one", "worker": "tcp://w1"})
    reports.report({"kind": "transcribing", "video": "one", "worker": "tcp://w1"})
    reports.report({"kind": "progress", "video": "one", "done": 5.0, "total": 60.0})
    reports.report({"kind": "downloading", "video": "two", "worker": "tcp://w2"})
    assert reports.worker_lost("tcp://w2") == [TWO]
    assert reports.worker_lost("tcp://w2") == []  # said once
    reports.report({"kind": "downloading", "video": "two", "worker": "tcp://w1"})  # the retry, not another loss
    reports.report({"kind": "transcribing", "video": "two", "worker": "tcp://w1"})
    reports.report({"kind": "transcribing", "video": "elsewhere", "worker": "tcp://w1"})  # not this run's
    reports.finished("one")
    reports.report({"kind": "progress", "video": "one", "done": 60.0, "total": 60.0})  # too late: ignored
    assert events == [
        p.DownloadStarted(ONE, 1, 2, worker="tcp://w1"),
        p.TranscribeStarted(ONE, 1, 2, worker="tcp://w1"),
        p.TranscribeProgressed(ONE, 5.0, 60.0),
        p.DownloadStarted(TWO, 2, 2, worker="tcp://w2"),
        p.VideoRetried(TWO, 2, 2, "tcp://w2", 2, "the worker that had it died"),
        p.DownloadStarted(TWO, 2, 2, worker="tcp://w1", attempt=2),
        p.TranscribeStarted(TWO, 2, 2, worker="tcp://w1", attempt=2),
    ]


def test_a_video_started_again_elsewhere_without_word_of_the_loss_is_a_retry():
    events = []
    reports = WorkerReports([ONE], events.append)
    reports.report({"kind": "transcribing", "video": "one", "worker": "host/pid 1"})
    reports.report({"kind": "transcribing", "video": "one", "worker": "host/pid 2"})
    assert [type(e).__name__ for e in events] == ["TranscribeStarted", "VideoRetried", "TranscribeStarted"]
    assert events[1].worker == "host/pid 1" and events[2].attempt == 2 == reports.attempt("one")
