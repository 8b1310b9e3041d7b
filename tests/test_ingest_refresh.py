"""`sessions ingest --refresh-metadata` over the loopback feed: real yt-dlp, real tiny.en for the first
ingest, real index and meaning vectors; the refresh itself loads no model."""

from __future__ import annotations

import json

import pytest

from archive.store import TranscriptStore
from index import vectors as V
from tests.support.channel import ingest_config, item
from tests.support.media import with_chapters

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_new_titles_and_chapters_reach_the_transcripts_and_the_index_without_whisper(
        feed, tmp_path, tiny_en_model, run_cli):
    f = feed([item("talk", "jfk.m4a", "Inaugural address", 1), item("platforms", "platforms.mp4", "Platforms", 2)])
    config = ingest_config(tmp_path, tiny_en_model, urls=(f.url,))
    first = run_cli(config, "ingest")
    assert first.exit_code == 0, first.output
    talk_file = tmp_path / "transcripts" / "talk.json"
    other_file = tmp_path / "transcripts" / "platforms.json"
    before, other_before = talk_file.read_bytes(), other_file.read_bytes()
    assert "chapters" not in json.loads(before)["video"]
    vectors_dir = V.meaning_dir(tmp_path / "data" / "index")
    old_vectors = V.read(V.file_for(vectors_dir, "talk"))

    # On the channel since: the talk renamed, its file now with chapter marks; a new video not transcribed.
    marked = with_chapters("jfk.flac", tmp_path / "served" / "talk.m4a",
                           [(0, 3.2, "Opening"), (3.2, 11.0, "Citizenship pledge")])
    f.update("talk", title="Presidential inauguration", file=marked)
    f.add(item("later", "meeting.m4a", "A later meeting", 3))
    # A model that does not exist: loading one would fail the run.
    no_model = tmp_path / "no-model.toml"
    no_model.write_text(config.read_text().replace(json.dumps(str(tiny_en_model)),
                                                   json.dumps(str(tmp_path / "no-such-model"))))
    assert "no-such-model" in no_model.read_text()

    result = run_cli(no_model, "ingest", "--refresh-metadata")
    assert result.exit_code == 0, result.output
    assert "listed: 2 transcribed to check, 1 not transcribed" in result.stderr
    assert "updated: talk (Presidential inauguration): title, chapters" in result.stderr
    assert "refresh: 1 updated, 1 unchanged, 0 failed, nothing transcribed" in result.stdout
    assert not (tmp_path / "transcripts" / "later.json").exists()

    after = json.loads(talk_file.read_bytes())
    assert after["video"]["title"] == "Presidential inauguration"
    assert [(c["title"], c["start"]) for c in after["video"]["chapters"]] == [
        ("Opening", 0.0), ("Citizenship pledge", 3.2)]
    old = json.loads(before)
    assert after["segments"] == old["segments"] and after["transcription"] == old["transcription"]
    assert talk_file.read_bytes().endswith(before[before.index(b'"transcription"'):])  # byte for byte
    assert other_file.read_bytes() == other_before

    # The index followed in the same run; the segment vectors were carried over, not embedded again.
    new_vectors = V.read(V.file_for(vectors_dir, "talk"))
    assert new_vectors.checksum == TranscriptStore.checksum(talk_file)
    assert (new_vectors.seg_vecs == old_vectors.seg_vecs).all()
    found = run_cli(config, "search", "citizenship")
    assert found.exit_code == 0, found.output
    assert "(chapter) «Citizenship» pledge" in found.stdout and "Presidential inauguration" in found.stdout
    found = run_cli(config, "search", "presidential")
    assert found.exit_code == 0 and "Presidential inauguration" in found.stdout
    found = run_cli(config, "search", "ask what you can do", "--mode", "both")  # meaning hits on the new version
    assert found.exit_code == 0, found.output
    index = run_cli(config, "index")  # nothing left to catch up
    assert index.exit_code == 0, index.output
    assert "0 added, 0 updated, 0 removed, 2 unchanged" in index.stdout
    assert "meaning vectors: 0 session(s) embedded" in index.stdout

    again = run_cli(no_model, "ingest", "--refresh-metadata", "-q")
    assert again.exit_code == 0 and again.output == ""
    assert json.loads(talk_file.read_bytes()) == after


def test_refresh_refuses_options_that_transcribe(tmp_path, tiny_en_model, run_cli):
    config = ingest_config(tmp_path, tiny_en_model, urls=("http://127.0.0.1:9/feed.xml",))
    result = run_cli(config, "ingest", "--refresh-metadata", "--force", "--dry-run")
    assert result.exit_code == 2 and "--dry-run, --force does not apply" in result.output
