"""`sessions transcribe`: happy path, skips, --force, bad input, exit codes, --help (real tiny.en)."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.support.configs import write_config
from tests.support.media import media


@pytest.fixture
def config(tmp_path, tiny_en_model):
    return write_config(tmp_path, paths={"transcripts": "transcripts"},
                        transcribe={"model": tiny_en_model, "beam_size": 1, "threads": 1})


def stored(config):
    return sorted(p.name for p in (config.parent / "transcripts").glob("*.json"))


def test_help_lists_the_options(run_cli):
    result = run_cli(None, "transcribe", "--help")
    assert result.exit_code == 0
    for option in ("--engine", "--model", "--language", "--force", "PATHS..."):
        assert option in result.output
    assert "faster-whisper" in result.output and "openai-whisper" in result.output


@pytest.mark.slow
def test_transcribe_skip_then_force(config, tmp_path, run_cli):
    talk = tmp_path / "Learning Forum opening.flac"
    shutil.copy(media("jfk.flac"), talk)
    result = run_cli(config, "transcribe", str(talk))
    assert result.exit_code == 0, result.output
    assert "transcribed 1, skipped 0 (already done), failed 0 of 1 file(s)" in result.stdout
    assert "[1/1] Learning Forum opening.flac: transcribed (2 segments, en)" in result.stderr  # no tty: no bars
    [name] = stored(config)
    data = json.loads((config.parent / "transcripts" / name).read_text())
    assert data["video"]["title"] == "Learning Forum opening"
    assert "ask not what your country" in " ".join(s["text"] for s in data["segments"]).lower()
    created = data["transcription"]["created"]

    result = run_cli(config, "transcribe", str(talk))
    assert result.exit_code == 0 and "transcribed 0, skipped 1" in result.stdout

    result = run_cli(config, "transcribe", "--force", str(talk))
    assert result.exit_code == 0 and "transcribed 1, skipped 0" in result.stdout
    assert stored(config) == [name]
    assert json.loads((config.parent / "transcripts" / name).read_text())["transcription"]["created"] >= created


@pytest.mark.slow
def test_failures_are_one_line_each_and_the_rest_is_stored(config, tmp_path, run_cli):
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a video")
    result = run_cli(config, "transcribe", str(media("pv_test_en.wav")), str(media("corrupt.mp4")), str(notes),
                 str(tmp_path / "missing.wav"), str(media("silence_8s.wav")))
    assert result.exit_code == 1
    assert "transcribed 2, skipped 0 (already done), failed 3 of 5 file(s)" in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 3, result.stderr
    assert "corrupt.mp4: damaged recording" in errors[0]
    assert "notes.mp4: not an audio or video file" in errors[1]
    assert "missing.wav: no such file" in errors[2]
    assert "Traceback" not in result.output
    assert len(stored(config)) == 2  # speech and silence (an empty transcript) are stored


@pytest.mark.slow
def test_a_transcribed_file_is_searchable_at_once_and_in_the_ingest_log(config, tmp_path, run_cli):
    talk = tmp_path / "x.wav"
    shutil.copy(media("jfk.flac"), talk)
    result = run_cli(config, "-v", "transcribe", str(talk))
    assert result.exit_code == 0, result.output
    assert "INFO sessions.ingest: stored local-" in result.stderr  # -v: the pipeline says what it did
    assert (config.parent / "data" / "index").is_dir()  # indexed by the pipeline: no `sessions index` run
    found = run_cli(config, "search", "--json", "country")
    assert found.exit_code == 0, found.output
    data = json.loads(found.stdout)
    assert data["total_videos"] == 1 and data["videos"][0]["video"]["title"] == "x"
    log = json.loads((config.parent / "data" / "state" / "ingest_log.json").read_text())
    [(video_id, entry)] = log["videos"].items()
    assert entry["status"] == "done" and video_id == data["videos"][0]["video"]["id"]
    assert log["runs"][-1]["status"] == "finished" and log["runs"][-1]["new"] == 1


def test_unavailable_model_is_one_line_and_nothing_is_stored(config, run_cli):
    result = run_cli(config, "transcribe", "--model", "small", str(media("jfk.flac")))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [errors[0]] and "'small' is unavailable" in errors[0] and "local model folder" in errors[0]
    assert stored(config) == []


def test_language_the_model_cannot_do(config, run_cli):
    result = run_cli(config, "transcribe", "--language", "fr", str(media("pv_test_fr.wav")))
    assert result.exit_code == 1 and "English-only" in result.stderr


def test_usage_errors_exit_2(config, run_cli):
    assert run_cli(config, "transcribe").exit_code == 2  # no PATH
    result = run_cli(config, "transcribe", "--engine", "whisperx", str(media("jfk.flac")))
    assert result.exit_code == 2 and "whisperx" in result.output


@pytest.mark.slow
def test_openai_engine_from_the_command_line(config, openai_tiny_en_checkpoint, run_cli):
    result = run_cli(config, "transcribe", "--engine", "openai-whisper", "--model", str(openai_tiny_en_checkpoint),
                 str(media("pv_test_en.wav")))
    assert result.exit_code == 0, result.output
    [name] = stored(config)
    data = json.loads((config.parent / "transcripts" / name).read_text())
    assert data["transcription"]["engine"] == "openai-whisper"
    assert "platforms" in " ".join(s["text"] for s in data["segments"]).lower()


@pytest.mark.slow
@pytest.mark.integration
def test_a_file_s_chapters_are_stored_and_searchable(config, tmp_path, run_cli):
    from tests.support.media import with_chapters

    talk = with_chapters("jfk.flac", tmp_path / "Inaugural.m4a", [(0, 3.2, "Opening"), (3.2, 11.0, "Civic duty")])
    result = run_cli(config, "transcribe", str(talk))
    assert result.exit_code == 0, result.output
    [name] = stored(config)
    data = json.loads((config.parent / "transcripts" / name).read_text())
    assert data["video"]["chapters"] == [{"title": "Opening", "start": 0.0, "end": 3.2},
                                         {"title": "Civic duty", "start": 3.2, "end": 11.0}]
    found = run_cli(config, "search", "civic")
    assert found.exit_code == 0, found.output
    assert "[00:00:03] (chapter) «Civic» duty" in found.stdout
