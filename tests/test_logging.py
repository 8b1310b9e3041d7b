"""Saying what happened: the "sessions.*" loggers, `sessions -v` / `--log-file`, and the three things
that used to vanish silently (yt-dlp's warnings, a damaged ingest log set aside, a failed UI highlight)."""

from __future__ import annotations

import logging
import shutil

import pytest

from index.errors import IndexDamaged
from ingest import source
from ingest.ingest_log import IngestLog
from tests.support.channel import standard_items
from tests.support.configs import write_config
from tests.support.media import media


@pytest.fixture
def folder_archive(tmp_path):
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    shutil.copy(media("jfk.flac"), recordings / "talk.flac")
    return write_config(tmp_path, paths={"transcripts": "transcripts"}), recordings


@pytest.fixture
def dry_run(run_cli):
    def run(config, recordings, *group_options):
        return run_cli(config, *group_options, "ingest", "--dry-run", str(recordings))

    return run


def test_verbose_shows_log_lines_on_stderr_and_quiet_by_default(folder_archive, dry_run):
    config, recordings = folder_archive
    plain = dry_run(config, recordings)
    assert plain.exit_code == 0, plain.output
    assert "sessions.ingest" not in plain.stderr and "new: 1" in plain.stdout
    verbose = dry_run(config, recordings, "-v")
    assert verbose.exit_code == 0, verbose.output
    assert f"INFO sessions.ingest: listed {recordings}: 1 recording(s)" in verbose.stderr
    assert verbose.stdout == plain.stdout  # the command's own output is unchanged
    assert "DEBUG" not in verbose.stderr


def test_log_file_gets_the_lines_with_times_whatever_v_says(folder_archive, dry_run, tmp_path):
    config, recordings = folder_archive
    log_file = tmp_path / "sessions.log"
    result = dry_run(config, recordings, "--log-file", str(log_file))
    assert result.exit_code == 0, result.output
    assert "sessions.ingest" not in result.stderr
    [line] = [x for x in log_file.read_text().splitlines() if "listed" in x]
    assert line.endswith(f"INFO sessions.ingest: listed {recordings}: 1 recording(s)")
    assert line[:4].isdigit()  # starts with the time
    dry_run(config, recordings, "--log-file", str(log_file))
    assert sum("listed" in x for x in log_file.read_text().splitlines()) == 2  # appended


def test_a_log_file_that_cannot_be_written_is_a_usage_error(folder_archive, dry_run, tmp_path):
    config, recordings = folder_archive
    result = dry_run(config, recordings, "--log-file", str(tmp_path / "no" / "such" / "folder.log"))
    assert result.exit_code == 2 and "--log-file" in result.output and "cannot write" in result.output


@pytest.mark.integration
def test_yt_dlp_warnings_go_to_the_ingest_log(feed, caplog):
    f = feed(standard_items())
    with caplog.at_level(logging.WARNING, logger="sessions.ingest"):
        videos = source.list_videos(f.url)
    assert len(videos) == 3
    warnings = [r for r in caplog.records if r.name == "sessions.ingest" and r.levelno == logging.WARNING]
    # What yt-dlp says about an RSS feed on a plain web server (collected and dropped before).
    assert any(r.getMessage() == "yt-dlp: [generic] Falling back on generic information extractor" for r in warnings)


def test_a_damaged_ingest_log_is_set_aside_and_said(tmp_path, caplog):
    (tmp_path / "ingest_log.json").write_text("{ not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="sessions.ingest"):
        log = IngestLog.load(tmp_path)
    assert log.videos == {}
    [aside] = tmp_path.glob("ingest_log.json.damaged-*")
    [record] = [r for r in caplog.records if r.name == "sessions.ingest"]
    assert record.levelno == logging.WARNING
    assert "ingest_log.json was damaged" in record.getMessage() and aside.name in record.getMessage()


def test_a_failed_highlight_is_logged_and_the_transcript_shows_unmarked(monkeypatch, caplog, tmp_path):
    from ui.web import resources, search_page
    from ui.web.state import SearchState

    class DamagedIndex:  # the index boundary, failing as a damaged index does
        def highlighter(self, query):
            raise IndexDamaged(tmp_path, "a segment file is missing")

    monkeypatch.setattr(resources, "search_index", lambda cfg: DamagedIndex())
    state = SearchState(q="housing", v="vid00000001")
    with caplog.at_level(logging.WARNING, logger="sessions.ui"):
        assert search_page._transcript_hits(object(), state, hits=object()) == (set(), None)
    [record] = [r for r in caplog.records if r.name == "sessions.ui"]
    assert "could not highlight 'housing' in session vid00000001" in record.getMessage()
