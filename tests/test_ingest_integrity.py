"""Nothing lost from search, nothing corrupt counted as done (issue 12, points 2 and 4).

Real yt-dlp on the loopback feed, the real CLI and index; the slow test runs real tiny.en.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from archive.records import Transcript
from archive.store import CORRUPT_DIR, TranscriptStore, encode_transcript
from tests.support.channel import ingest_config, item
from tests.support.sample_transcripts import jfk_transcript


def _as_made_by_config(video_id: str, model: Path) -> Transcript:
    """A transcript of `video_id` such as this config's engine and model would have written."""
    t = jfk_transcript(video_id, youtube=False, title="Ask not")
    return replace(t, transcription=replace(t.transcription, model=str(Path(model).resolve())))


# -- the store sets corrupt files aside -------------------------------------------------------------


def test_writing_over_a_corrupt_file_sets_it_aside_never_deletes_it(tmp_path):
    store = TranscriptStore(tmp_path / "transcripts")
    path = store.path_for("a")
    path.parent.mkdir(parents=True)
    bad = encode_transcript(jfk_transcript("a"))[:500]
    path.write_bytes(bad)
    assert [str(e.path) for e in store.corrupt_files()] == [str(path)]
    store.write(jfk_transcript("a"))
    assert store.read("a") == jfk_transcript("a")
    aside = store.set_aside_files()
    assert len(aside) == 1 and aside[0].read_bytes() == bad and aside[0].parent.name == CORRUPT_DIR
    assert store.files() == [path] and store.corrupt_files() == []  # .corrupt/ is not part of the store
    path.write_bytes(bad + b"again")
    store.write(jfk_transcript("a"))  # the same second: a second name, the first one kept
    assert sorted(p.read_bytes() for p in store.set_aside_files()) == sorted([bad, bad + b"again"])


def test_a_good_file_is_replaced_as_before(tmp_path):
    store = TranscriptStore(tmp_path / "transcripts")
    store.write(jfk_transcript("a"))
    store.write(jfk_transcript("a", title="new title"))
    assert store.read("a").video.title == "new title" and store.set_aside_files() == []


# -- point 2: killed between "stored" and "logged" ----------------------------------------------------


@pytest.mark.integration
def test_a_transcript_stored_but_never_logged_or_indexed_is_indexed_by_the_next_run(feed, tmp_path, tiny_en_model, run_cli):
    f = feed([item("a", "jfk.m4a", "Ask not", 1)])
    config = ingest_config(tmp_path, tiny_en_model, urls=(f.url,))
    # What SIGKILL right after the atomic write leaves: the file, no log entry, nothing indexed.
    TranscriptStore(tmp_path / "transcripts").write(_as_made_by_config("a", tiny_en_model))
    assert not (tmp_path / "data" / "state").exists() and not (tmp_path / "data" / "index").exists()

    result = run_cli(config, "ingest")
    assert result.exit_code == 0, result.output
    assert "0 new, 1 skipped" in result.output and "1 stored transcript(s) the index lacked were indexed" in result.output
    assert f.media_requests() == 0  # nothing downloaded or transcribed again
    result = run_cli(config, "search", "country", "--json")
    assert result.exit_code == 0, result.output
    assert [v["video"]["id"] for v in json.loads(result.stdout)["videos"]] == ["a"]

    # Whatever the log says: a log claiming "done" with the index emptied behind its back.
    (tmp_path / "data" / "index").rename(tmp_path / "gone")
    result = run_cli(config, "ingest")
    assert result.exit_code == 0 and "1 stored transcript(s) the index lacked were indexed" in result.output
    assert run_cli(config, "search", "country").exit_code == 0


# -- point 4: a corrupt transcript is not "done" ---------------------------------------------------------


@pytest.mark.integration
@pytest.mark.slow  # transcribes jfk again with tiny.en
def test_a_corrupt_transcript_is_listed_by_status_set_aside_and_transcribed_again(feed, tmp_path, tiny_en_model, run_cli):
    f = feed([item("a", "jfk.m4a", "Ask not", 1)])
    config = ingest_config(tmp_path, tiny_en_model, urls=(f.url,))
    path = TranscriptStore(tmp_path / "transcripts").write(_as_made_by_config("a", tiny_en_model))
    good = path.read_bytes()
    cut = good[: len(good) * 2 // 3]  # the header (format, engine, model) is intact
    path.write_bytes(cut)

    result = run_cli(config, "status")
    assert result.exit_code == 0, result.output
    assert "corrupt:     1 transcript file(s)" in result.stdout and f"{path}: invalid JSON" in result.stdout
    assert json.loads(run_cli(config, "status", "--json").stdout)["corrupt"][0]["file"] == str(path)

    result = run_cli(config, "ingest")
    assert result.exit_code == 0, result.output
    assert "1 new, 0 skipped" in result.output
    store = TranscriptStore(tmp_path / "transcripts")
    assert store.read("a").segments  # a real transcript again
    assert [p.read_bytes() for p in store.set_aside_files()] == [cut]  # kept, not deleted
    assert "corrupt:" not in run_cli(config, "status").stdout
    assert run_cli(config, "search", "country").exit_code == 0
