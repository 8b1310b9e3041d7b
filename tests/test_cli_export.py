"""`sessions export`: happy paths, bad input, exit codes and help, through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pysrt
import pytest
import webvtt

from archive.export import export_bytes, export_filename
from archive.records import Transcript
from archive.store import TranscriptStore
from tests.support.configs import write_config
from tests.support.sample_transcripts import YOUTUBE_ID, french_transcript, jfk_transcript
from ui.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE

HOSTILE = "../../etc/passwd"


@pytest.fixture
def archive(tmp_path) -> tuple[Path, TranscriptStore]:
    """A config file whose transcripts folder holds three transcripts (one with a hostile id)."""
    config = write_config(tmp_path, paths={"transcripts": "archive"})
    store = TranscriptStore(tmp_path / "archive")
    for t in (jfk_transcript(), french_transcript(), jfk_transcript(HOSTILE, youtube=False)):
        store.write(t)
    return config, store


def test_one_id_prints_txt_to_stdout(archive, run_cli):
    config, _ = archive
    result = run_cli(config, "export", YOUTUBE_ID)
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout.startswith("Inaugural address\n")
    assert "[00:00:03] ask not what your country can do for you" in result.stdout
    assert result.stderr == ""


def test_srt_and_vtt_on_stdout_parse(archive, run_cli):
    config, _ = archive
    srt = run_cli(config, "export", YOUTUBE_ID, "--format", "srt").stdout
    assert pysrt.from_string(srt, error_handling=pysrt.ERROR_RAISE)[0].text == "And so my fellow Americans,"
    vtt = run_cli(config, "export", "forum-2024-fr", "-f", "vtt").stdout
    assert len(webvtt.from_string(vtt).captions) == 3


def test_sessions_config_env_var_is_honoured(archive, monkeypatch, run_cli):
    config, _ = archive
    monkeypatch.setenv("SESSIONS_CONFIG", str(config))
    result = run_cli(None, "export", YOUTUBE_ID, "-f", "csv")
    assert result.exit_code == EXIT_OK, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[1]["start_ms"] == "3200" and rows[1]["link"].endswith("&t=3s")


def test_ids_with_out_write_one_file_each(archive, tmp_path, run_cli):
    config, store = archive
    out = tmp_path / "exports" / "new"
    result = run_cli(config, "export", YOUTUBE_ID, HOSTILE, YOUTUBE_ID, "-f", "srt", "--out", str(out))
    assert result.exit_code == EXIT_OK, result.output
    expected = sorted(export_filename(i, "srt") for i in (YOUTUBE_ID, HOSTILE))
    assert sorted(p.name for p in out.iterdir()) == expected  # the hostile id stays inside --out
    assert result.stdout.splitlines() == [str(out / export_filename(i, "srt")) for i in (YOUTUBE_ID, HOSTILE)]
    assert (out / f"{YOUTUBE_ID}.srt").read_bytes() == export_bytes(store.read(YOUTUBE_ID), "srt")
    assert not (tmp_path / "etc").exists()


def test_all_writes_a_zip_of_the_whole_archive(archive, tmp_path, run_cli):
    config, store = archive
    result = run_cli(config, "export", "--all", "-f", "vtt", "-o", str(tmp_path / "out"))
    assert result.exit_code == EXIT_OK, result.output
    target = tmp_path / "out" / "transcripts-vtt.zip"
    assert result.stdout.strip() == str(target)
    assert "exported 3 transcript(s)" in result.stderr
    with zipfile.ZipFile(target) as archive_zip:
        assert sorted(archive_zip.namelist()) == sorted(p.stem + ".vtt" for p in store.files())
        for name in archive_zip.namelist():
            webvtt.from_string(archive_zip.read(name).decode("utf-8"))


def test_all_without_out_writes_into_the_current_folder(archive, tmp_path, monkeypatch, run_cli):
    config, _ = archive
    monkeypatch.chdir(tmp_path)
    result = run_cli(config, "export", "--all", "-f", "json")
    assert result.exit_code == EXIT_OK, result.output
    with zipfile.ZipFile(tmp_path / "transcripts-json.zip") as archive_zip:
        data = archive_zip.read(f"{YOUTUBE_ID}.json")
    assert Transcript.from_dict(json.loads(data)) == jfk_transcript()


def test_all_skips_a_corrupt_transcript_names_it_and_fails(archive, tmp_path, run_cli):
    config, store = archive
    bad = store.root / "broken.json"
    bad.write_text('{"format": "session-search-transcript", "schema_ver', encoding="utf-8")
    result = run_cli(config, "export", "--all", "-f", "txt", "-o", str(tmp_path))
    assert result.exit_code == EXIT_FAILED
    assert f"warning: skipped unreadable transcript {bad}: invalid JSON" in result.stderr
    with zipfile.ZipFile(tmp_path / "transcripts-txt.zip") as archive_zip:
        assert len(archive_zip.namelist()) == 3  # the readable ones are still exported
    assert bad.read_text(encoding="utf-8").endswith("schema_ver")  # untouched


def test_all_on_an_empty_archive_fails_clearly(tmp_path, run_cli):
    config = write_config(tmp_path, paths={"transcripts": "empty"})
    result = run_cli(config, "export", "--all", "-o", str(tmp_path))
    assert result.exit_code == EXIT_FAILED
    assert result.stderr.strip() == f"error: no readable transcripts in {tmp_path / 'empty'}"
    assert not (tmp_path / "transcripts-txt.zip").exists()


def test_unknown_id_is_one_clear_line_and_nothing_is_written(archive, tmp_path, run_cli):
    config, _ = archive
    out = tmp_path / "out"
    result = run_cli(config, "export", YOUTUBE_ID, "nope", "-o", str(out))
    assert result.exit_code == EXIT_FAILED
    assert result.stderr.splitlines() == [f"error: no transcript for video 'nope' in {tmp_path / 'archive'}"]
    assert not out.exists()  # ids are all read before any file is written


def test_corrupt_transcript_names_the_file(archive, run_cli):
    config, store = archive
    store.path_for("forum-2024-fr").write_text("[]", encoding="utf-8")
    result = run_cli(config, "export", "forum-2024-fr")
    assert result.exit_code == EXIT_FAILED
    assert result.stderr.strip() == f"error: {store.path_for('forum-2024-fr')}: top level must be a JSON object"


def test_empty_id_is_refused(archive, run_cli):
    config, _ = archive
    result = run_cli(config, "export", "")
    assert result.exit_code == EXIT_FAILED
    assert "invalid video id ''" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((YOUTUBE_ID, "--format", "docx"), "Invalid value for '--format'"),
        ((), "give at least one video ID, or --all"),
        ((YOUTUBE_ID, "--all"), "give IDs or --all, not both"),
        ((YOUTUBE_ID, "forum-2024-fr"), "several IDs need --out DIR"),
        ((YOUTUBE_ID, "--bogus"), "No such option"),
    ],
)
def test_bad_usage_exits_2_with_a_message(archive, args, message, run_cli):
    config, _ = archive
    result = run_cli(config, "export", *args)
    assert result.exit_code == EXIT_USAGE
    assert message in result.stderr
    assert result.stdout == ""


def test_out_must_be_a_folder(archive, tmp_path, run_cli):
    config, _ = archive
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    result = run_cli(config, "export", YOUTUBE_ID, "-o", str(a_file))
    assert result.exit_code == EXIT_USAGE
    assert "is a file" in result.stderr


def test_a_broken_config_is_one_error_line(tmp_path, run_cli):
    config = write_config(tmp_path, paths={"transcripts": 3})
    result = run_cli(config, "export", YOUTUBE_ID)
    assert result.exit_code == EXIT_FAILED
    assert result.stderr.strip() == f"error: {config}: [paths] transcripts: expected a path (text), got 3"


def test_help_describes_formats_all_and_out(run_cli):
    result = run_cli(None, "export", "--help")
    assert result.exit_code == EXIT_OK
    for text in ("Usage: cli export [OPTIONS] [ID]...", "txt|srt|vtt|json|csv", "--all", "--out", "transcripts-vtt.zip"):
        assert text in result.output


def test_all_as_one_combined_csv(archive, tmp_path, run_cli):
    config, store = archive
    result = run_cli(config, "export", "--all", "-f", "csv", "--combined", "-o", str(tmp_path / "out"))
    assert result.exit_code == EXIT_OK, result.output
    data = (tmp_path / "out" / "transcripts.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    per_video = {t.video.id: len(t.segments) for t in store.iter_all()}
    assert {r["video_id"] for r in rows} == set(per_video)
    assert len(rows) == sum(per_video.values())
    assert run_cli(config, "export", "--all", "-f", "txt", "--combined").exit_code == EXIT_USAGE
