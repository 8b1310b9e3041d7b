"""Hostile paths and options: a FIFO or a device as a recording, a language the model cannot do,
dates in the wrong order. Each gets one line saying what is wrong."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from archive.store import TranscriptStore
from index.build import update
from index.results import SearchFilters
from index.search import SearchIndex
from ingest import source
from ingest.errors import DownloadFailed, NotMedia
from ingest.transcribe import local_video
from tests.support.configs import ARCHIVE, write_config
from tests.support.index_data import transcript
from tests.support.media import media
from ui.cli import EXIT_FAILED


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "talk.wav"
    os.mkfifo(path)
    return path


def _config(folder: Path, model: str = "no-such-model-folder/x") -> Path:
    return write_config(folder, transcribe={"model": model, "beam_size": 1})


def test_a_fifo_is_named_as_one(fifo, tmp_path):
    with pytest.raises(NotMedia, match=r"is a named pipe \(FIFO\), not an audio or video file"):
        local_video(fifo)
    with pytest.raises(NotMedia, match="is a folder, not an audio or video file"):
        local_video(tmp_path)
    with pytest.raises(DownloadFailed, match=r"is a named pipe \(FIFO\), not a recording"):
        source.list_videos(str(fifo))


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_named_as_one(device):
    with pytest.raises(NotMedia, match="is a character device"):
        local_video(Path(device))
    with pytest.raises(DownloadFailed, match="is a character device"):
        source.list_videos(device)


@pytest.mark.parametrize("which", ["fifo", "/dev/zero", "/dev/null"])
def test_transcribe_says_what_the_path_is(tmp_path, fifo, which, run_cli):
    target = str(fifo) if which == "fifo" else which
    result = run_cli(_config(tmp_path), "transcribe", target)
    assert result.exit_code == EXIT_FAILED
    assert ("named pipe (FIFO)" if which == "fifo" else "character device") in result.stderr
    assert "not a valid URL" not in result.stderr and "is a folder" not in result.stderr


def test_a_fifo_in_a_folder_is_left_out(tmp_path, fifo):
    # Never opened: reading a FIFO for its checksum would wait for a writer forever.
    assert source.list_folder(fifo.parent) == []


@pytest.fixture(scope="module")
def si(tmp_path_factory):
    root = tmp_path_factory.mktemp("dates")
    store = TranscriptStore(root / "transcripts")
    store.write(transcript("enSession01", "en", ["peer learning in cities"], date="2022-06-01"))
    update(store, root / "index")
    return root


def test_since_after_until_is_swapped_and_said(si):
    result = SearchIndex(si / "index").search(
        "peer", filters=SearchFilters(since=date(2025, 1, 1), until=date(2020, 1, 1)))
    assert result.total_videos == 1
    assert "'since' date (2025-01-01) was after the 'until' date (2020-01-01): they were swapped" in result.notice


def test_cli_search_with_dates_reversed_says_so(si, run_cli):
    config = write_config(si, paths=ARCHIVE)
    result = run_cli(config, "search", "peer", "--since", "2025-01-01", "--until", "2020-01-01")
    assert result.exit_code == 0
    assert "note: The 'since' date (2025-01-01) was after the 'until' date" in result.stdout
    assert "1 session(s)" in result.stdout


@pytest.mark.slow
def test_ingest_with_a_language_the_model_cannot_do_stops_at_once(tmp_path, tiny_en_model, run_cli):
    folder = tmp_path / "recordings"
    folder.mkdir()
    shutil.copyfile(media("jfk.flac"), folder / "a.flac")
    shutil.copyfile(media("pv_test_en.wav"), folder / "b.wav")
    config = _config(tmp_path, str(tiny_en_model))
    result = run_cli(config, "ingest", folder, "--language", "fr")
    assert result.exit_code == EXIT_FAILED
    assert "English-only: it cannot transcribe 'fr'" in result.stderr
    assert result.stderr.count("English-only") == 1  # once for the run, not once per video
    assert not (tmp_path / "transcripts").exists() or not list((tmp_path / "transcripts").glob("*.json"))


ESCAPES = "\x1b]0;owned\x07\x1b[2J\x00\x9b31m"


def test_escape_sequences_in_a_feed_title_never_reach_the_terminal():
    video = source.video_from_info({"id": "a1", "title": f"Budget {ESCAPES}talk", "channel": "UCLG\x1b[5m",
                                    "description": "line one\nline two\x1b[0m"})
    assert video.title == "Budget ]0;owned[2J31mtalk" and video.channel == "UCLG[5m"
    assert video.description == "line one\nline two[0m"


def test_escape_sequences_in_stored_titles_and_text_are_not_printed(tmp_path, run_cli):
    store = TranscriptStore(tmp_path / "transcripts")
    store.write(transcript("escSession1", "en", [f"peer learning {ESCAPES} in cities"], title=f"Evil{ESCAPES}"))
    update(store, tmp_path / "index")
    config = write_config(tmp_path, paths={"index": "index", "transcripts": "transcripts"})
    result = run_cli(config, "search", "peer")
    assert result.exit_code == 0 and "1 session(s)" in result.stdout
    assert not any(c in result.stdout for c in "\x1b\x07\x00\x9b"), repr(result.stdout)
