"""`sessions index [--rebuild]` through click's CliRunner."""

from __future__ import annotations

import pytest

from archive.store import TranscriptStore
from tests.support.configs import write_config
from tests.support.index_data import transcript
from ui.cli import EXIT_FAILED, EXIT_OK


@pytest.fixture
def config(tmp_path):
    path = write_config(tmp_path, paths={"transcripts": "transcripts", "index": "data/index"})
    store = TranscriptStore(tmp_path / "transcripts")
    store.write(transcript("cliVideo001", "en", ["peer learning on housing"], date="2024-01-01"))
    store.write(transcript("cliVideo002", "fr", ["les finances locales"], date="2023-01-01"))
    return path


def test_index_then_update_then_rebuild(config, run_cli):
    r = run_cli(config, "index")
    assert r.exit_code == EXIT_OK, r.output
    assert "2 added, 0 updated, 0 removed, 0 unchanged, 0 corrupt; 2 videos" in r.stdout
    r = run_cli(config, "index")
    assert "0 added, 0 updated, 0 removed, 2 unchanged" in r.stdout
    r = run_cli(config, "index", "--rebuild")
    assert r.exit_code == EXIT_OK and r.stdout.startswith("rebuilt index: 2 added")
    assert (config.parent / "data" / "index").is_dir()


def test_corrupt_transcript_is_named_and_exit_1(config, run_cli):
    (config.parent / "transcripts" / "bad.json").write_text("{", encoding="utf-8")
    r = run_cli(config, "index")
    assert r.exit_code == EXIT_FAILED
    assert "skipped corrupt transcript bad.json: invalid JSON" in r.stderr
    assert "2 added" in r.stdout and "1 corrupt" in r.stdout
