"""`sessions index [--rebuild]` through click's CliRunner."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from archive.store import TranscriptStore
from tests.support.index_data import transcript
from ui.cli import EXIT_FAILED, EXIT_OK, cli


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[paths]\ntranscripts = "transcripts"\nindex = "data/index"\n', encoding="utf-8")
    store = TranscriptStore(tmp_path / "transcripts")
    store.write(transcript("cliVideo001", "en", ["peer learning on housing"], date="2024-01-01"))
    store.write(transcript("cliVideo002", "fr", ["les finances locales"], date="2023-01-01"))
    return path


def run(config, *args):
    return CliRunner().invoke(cli, ["--config", str(config), "index", *args], catch_exceptions=False)


def test_index_then_update_then_rebuild(config):
    r = run(config)
    assert r.exit_code == EXIT_OK, r.output
    assert "2 added, 0 updated, 0 removed, 0 unchanged, 0 corrupt; 2 videos" in r.stdout
    r = run(config)
    assert "0 added, 0 updated, 0 removed, 2 unchanged" in r.stdout
    r = run(config, "--rebuild")
    assert r.exit_code == EXIT_OK and r.stdout.startswith("rebuilt index: 2 added")
    assert (config.parent / "data" / "index").is_dir()


def test_corrupt_transcript_is_named_and_exit_1(config):
    (config.parent / "transcripts" / "bad.json").write_text("{", encoding="utf-8")
    r = run(config)
    assert r.exit_code == EXIT_FAILED
    assert "skipped corrupt transcript bad.json: invalid JSON" in r.stderr
    assert "2 added" in r.stdout and "1 corrupt" in r.stdout
