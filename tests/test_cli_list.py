"""`sessions list`: the archive's sessions with ids, dates, languages, durations (CliRunner, real store
and a real index)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from archive.store import TranscriptStore
from tests.support.sample_transcripts import YOUTUBE_ID, french_transcript, jfk_transcript
from ui.cli import EXIT_OK, cli


def _archive(tmp_path: Path, indexed: bool) -> Path:
    config = tmp_path / "config.toml"
    config.write_text('[paths]\ntranscripts = "transcripts"\nindex = "index"\n', encoding="utf-8")
    store = TranscriptStore(tmp_path / "transcripts")
    for t in (jfk_transcript(YOUTUBE_ID, youtube=True), french_transcript()):
        store.write(t)
    if indexed:
        from index.build import rebuild

        rebuild(store, tmp_path / "index")
    return config


def run(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), "list", *args], catch_exceptions=False)


def test_lists_every_session_from_the_index_or_the_transcripts(tmp_path):
    for indexed in (True, False):
        root = tmp_path / str(indexed)
        root.mkdir()
        result = run(_archive(root, indexed))
        assert result.exit_code == EXIT_OK, result.output
        lines = result.stdout.splitlines()
        assert len(lines) == 2 and "2 session(s)" in result.stderr
        assert any(line.startswith(YOUTUBE_ID + "\t") for line in lines)
        assert all(len(line.split("\t")) == 5 for line in lines)  # id, date, language, duration, title


def test_language_date_filters_and_json(tmp_path):
    config = _archive(tmp_path, indexed=True)
    rows = json.loads(run(config, "--json").stdout)
    assert {r["id"] for r in rows} >= {YOUTUBE_ID} and set(rows[0]) == {"id", "title", "date", "language", "duration"}
    french = json.loads(run(config, "--lang", "fr", "--json").stdout)
    assert [r["language"] for r in french] == ["fr"]
    newest = max(r["date"] for r in rows if r["date"])
    recent = json.loads(run(config, "--since", newest, "--json").stdout)
    assert recent and all(r["date"] >= newest for r in recent)
    assert run(config, "--since", "yesterday").exit_code == 2
