"""`sessions list`: the archive's sessions with ids, dates, languages, durations (CliRunner, real store
and a real index)."""

from __future__ import annotations

import json
from pathlib import Path

from archive.store import TranscriptStore
from tests.support.configs import write_config
from tests.support.sample_transcripts import YOUTUBE_ID, french_transcript, jfk_transcript
from ui.cli import EXIT_OK


def _archive(tmp_path: Path, indexed: bool) -> Path:
    config = write_config(tmp_path, paths={"transcripts": "transcripts", "index": "index"})
    store = TranscriptStore(tmp_path / "transcripts")
    for t in (jfk_transcript(YOUTUBE_ID, youtube=True), french_transcript()):
        store.write(t)
    if indexed:
        from index.build import rebuild

        rebuild(store, tmp_path / "index")
    return config


def test_lists_every_session_from_the_index_or_the_transcripts(tmp_path, run_cli):
    for indexed in (True, False):
        root = tmp_path / str(indexed)
        root.mkdir()
        result = run_cli(_archive(root, indexed), "list")
        assert result.exit_code == EXIT_OK, result.output
        lines = result.stdout.splitlines()
        assert len(lines) == 2 and "2 session(s)" in result.stderr
        assert any(line.startswith(YOUTUBE_ID + "\t") for line in lines)
        assert all(len(line.split("\t")) == 5 for line in lines)  # id, date, language, duration, title


def test_language_date_filters_and_json(tmp_path, run_cli):
    config = _archive(tmp_path, indexed=True)
    rows = json.loads(run_cli(config, "list", "--json").stdout)
    assert {r["id"] for r in rows} >= {YOUTUBE_ID} and set(rows[0]) == {"id", "title", "date", "language", "duration", "chapters"}
    french = json.loads(run_cli(config, "list", "--lang", "fr", "--json").stdout)
    assert [r["language"] for r in french] == ["fr"]
    newest = max(r["date"] for r in rows if r["date"])
    recent = json.loads(run_cli(config, "list", "--since", newest, "--json").stdout)
    assert recent and all(r["date"] >= newest for r in recent)
    assert run_cli(config, "list", "--since", "yesterday").exit_code == 2
