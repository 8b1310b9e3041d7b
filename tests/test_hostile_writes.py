"""Every write path reports one line naming the path and the cause; nothing stored is lost.

Tests run as root, so chmod cannot make a folder read-only: a path under /proc (nothing can be
created there), a file where a folder should be, /dev/full (ENOSPC) and a file-size limit
(RLIMIT_FSIZE, the kernel's EFBIG, as a full disk looks to a writer) stand in.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from archive.errors import WriteFailed
from archive.store import TranscriptStore, atomic_write_bytes
from archive.writes import writing
from index.build import update
from index.search import SearchIndex
from ingest.ingest_log import IngestLock
from tests.support.configs import write_config
from tests.support.sample_transcripts import YOUTUBE_ID, french_transcript, jfk_transcript
from ui.cli import EXIT_FAILED

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def archive(tmp_path) -> Path:
    store = TranscriptStore(tmp_path / "transcripts")
    store.write(jfk_transcript())
    store.write(french_transcript())
    update(store, tmp_path / "index")
    return write_config(tmp_path, paths={"transcripts": "transcripts", "index": "index", "state": "state", "audio": "audio"},
                        transcribe={"model": "no-such-model-folder/x"})


def one_error_line(result, *needles: str) -> str:
    assert result.exit_code == EXIT_FAILED, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert "Traceback" not in result.output
    return lines[0]


def no_temp_files(folder: Path) -> bool:
    return not any(p.name.startswith(".tmp-") for p in folder.rglob("*"))


# -- the one mechanism ---------------------------------------------------------------------------
def test_a_full_device_is_named_with_its_path():
    with pytest.raises(WriteFailed) as caught, writing("/dev/full"), open("/dev/full", "wb") as f:
        f.write(b"x" * 100_000)
        f.flush()
    assert str(caught.value) == "cannot write /dev/full: the disk is full"


def test_atomic_write_names_a_file_in_the_way(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(WriteFailed, match=r"afile is a file, not a folder"):
        atomic_write_bytes(tmp_path / "afile" / "sub" / "x.json", b"{}")
    (tmp_path / "dir.zip").mkdir()
    with pytest.raises(WriteFailed, match="a folder of that name is in the way"):
        atomic_write_bytes(tmp_path / "dir.zip", b"{}")
    assert no_temp_files(tmp_path)


# -- export --------------------------------------------------------------------------------------
def test_export_zip_name_taken_by_a_folder(archive, tmp_path, run_cli):
    (tmp_path / "out" / "transcripts-srt.zip").mkdir(parents=True)
    result = run_cli(archive, "export", "--all", "-f", "srt", "-o", str(tmp_path / "out"))
    one_error_line(result, "transcripts-srt.zip", "a folder of that name is in the way")
    assert no_temp_files(tmp_path / "out")


@pytest.mark.parametrize("out", ["/proc/hostile-export", "/proc/self/hostile"])
def test_export_under_proc(archive, out, run_cli):
    result = run_cli(archive, "export", YOUTUBE_ID, "-f", "vtt", "-o", out)
    one_error_line(result, f"cannot write {out}/{YOUTUBE_ID}.vtt")


def test_export_into_a_folder_below_a_file(archive, tmp_path, run_cli):
    (tmp_path / "afile").write_text("x")
    result = run_cli(archive, "export", YOUTUBE_ID, "forum-2024-fr", "-f", "csv", "-o", str(tmp_path / "afile" / "sub"))
    one_error_line(result, "afile is a file, not a folder")


def test_export_into_a_device(archive, run_cli):
    result = run_cli(archive, "export", YOUTUBE_ID, "-f", "srt", "-o", "/dev/full")
    one_error_line(result, "/dev/full is a character device (like /dev/null or /dev/zero), not a folder")


@pytest.mark.parametrize("args", [("index",), ("index", "--rebuild")])
def test_an_index_under_proc_is_named(tmp_path, args, run_cli):
    config = write_config(tmp_path, paths={"index": "/proc/hostile/index", "state": "state"})
    one_error_line(run_cli(config, *args), "cannot write /proc/hostile/index")  # rebuild: FileNotFoundError


# -- the disk fills up ---------------------------------------------------------------------------
def _limited(max_bytes: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # then write() fails with EFBIG instead of a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))
    return apply


def run_with_full_disk(config: Path, *args: str, max_bytes: int = 200) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "SESSIONS_CONFIG": str(config)}
    return subprocess.run([sys.executable, "-c", "from ui.cli import main; main()", *args], env=env,
                          preexec_fn=_limited(max_bytes), capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args", [("export", "--all", "-f", "json", "-o", "out"), ("index", "--rebuild"),
                                  ("export", YOUTUBE_ID, "-f", "srt", "-o", "out")])
def test_full_disk_is_one_line_and_the_archive_stays_intact(archive, args):
    before = {p.name: p.read_bytes() for p in (archive.parent / "transcripts").iterdir()}
    proc = run_with_full_disk(archive, *args)
    assert proc.returncode == EXIT_FAILED, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("error: cannot write "), proc.stderr
    assert "file size limit" in proc.stderr and "Traceback" not in proc.stderr
    assert {p.name: p.read_bytes() for p in (archive.parent / "transcripts").iterdir()} == before
    assert SearchIndex(archive.parent / "index").search("country").total_videos == 1  # the old index serves
    assert no_temp_files(archive.parent)


# -- ingest and transcribe -----------------------------------------------------------------------
@pytest.mark.parametrize("command", ["ingest", "transcribe"])
def test_unwritable_transcripts_stop_before_any_work(tmp_path, command, run_cli):
    config = write_config(tmp_path, paths={"transcripts": "/proc/hostile/transcripts", "state": "state", "audio": "audio"},
                          transcribe={"model": "no-such-model-folder/x"})
    recording = REPO.parent / "shared" / "media" / "jfk.flac"
    result = run_cli(config, command, str(recording))
    # The model is never loaded (it does not exist): the store is checked first.
    one_error_line(result, "cannot write /proc/hostile/transcripts")


def test_an_unwritable_state_folder_is_named(tmp_path):
    with pytest.raises(WriteFailed, match="cannot write /proc/hostile/state/ingest.lock"), \
            IngestLock(Path("/proc/hostile/state")):
        pass
    (tmp_path / "state").write_text("a file")
    with pytest.raises(WriteFailed, match="state is a file, not a folder"), IngestLock(tmp_path / "state"):
        pass


@pytest.mark.integration
def test_a_disk_full_during_downloads_stops_the_run_at_the_first_video(tmp_path):
    # Real yt-dlp against a loopback feed; the audio file outgrows the size limit mid-download.
    from demo.localfeed import FeedItem, LocalFeed

    media = REPO.parent / "shared" / "media"
    items = [FeedItem("a", "A", media / "jfk.flac"), FeedItem("b", "B", media / "pv_test_en.wav")]
    config = write_config(tmp_path, transcribe={"model": "no-such-model-folder/x"},
                          ingest={"retries": 1, "retry_backoff": 0.01})
    with LocalFeed(items) as feed:
        proc = run_with_full_disk(config, "ingest", feed.url, max_bytes=20_000)
    assert proc.returncode == EXIT_FAILED, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        f"error: cannot write {tmp_path / 'data' / 'audio' / '.inflight'}: "
        "the file is larger than this system allows (file size limit)"), proc.stderr
    assert "failed: a" not in proc.stderr or "failed: b" not in proc.stderr  # not one failure per video


@pytest.mark.slow
def test_a_disk_full_when_the_transcript_is_stored_is_one_line(tmp_path, tiny_en_model):
    # Real tiny.en transcription; the transcript (~10 KB) outgrows the limit, the log (~1 KB) does not.
    recording = REPO.parent / "shared" / "media" / "jfk.flac"
    config = write_config(tmp_path, transcribe={"model": str(tiny_en_model), "beam_size": 1, "language": "en"})
    proc = run_with_full_disk(config, "transcribe", str(recording), max_bytes=3_000)
    assert proc.returncode == EXIT_FAILED, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(f"error: cannot write {tmp_path / 'transcripts'}/local-"), proc.stderr
    assert last.endswith(".json: the file is larger than this system allows (file size limit)"), proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list((tmp_path / "transcripts").glob("*.json")) and no_temp_files(tmp_path / "transcripts")
