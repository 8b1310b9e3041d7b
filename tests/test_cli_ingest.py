"""`sessions ingest`: options, dry run, quiet mode, exit codes (real yt-dlp, real tiny.en, real index)."""

from __future__ import annotations

import pytest

from tests.support.channel import ingest_config, item

pytestmark = pytest.mark.integration


def test_dry_run_shows_new_done_and_failed_before_and_changes_nothing(feed, tmp_path, tiny_en_model, run_cli):
    f = feed([item("a", "jfk.m4a", "Ask not", 1), item("b", "platforms.mp4", "Platforms", 2)])
    config = ingest_config(tmp_path, tiny_en_model, urls=(f.url,))
    result = run_cli(config, "ingest", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "new: 2" in result.output and "2024-03-01  a  Ask not" in result.output
    assert "already done: 0" in result.output
    assert not (tmp_path / "transcripts").exists() and not (tmp_path / "data").exists()
    assert f.media_requests() == 0

    result = run_cli(config, "ingest", "--dry-run", "--match", "platf", "--since", "2024-03-02")
    assert "new: 1" in result.output and "left out by --since/--match/--limit: 1" in result.output


def test_dry_run_says_when_it_waits_to_retry_an_unreachable_source(tmp_path, tiny_en_model, run_cli):
    # Port 9 on loopback refuses connections: a transient network failure, as when offline.
    config = ingest_config(tmp_path, tiny_en_model, retries=2, backoff=0.01, urls=("http://127.0.0.1:9/feed.xml",))
    result = run_cli(config, "ingest", "--dry-run")
    assert result.exit_code == 1
    assert "retrying http://127.0.0.1:9/feed.xml in 0.0 s (network, attempt 1)" in result.stderr
    assert "attempt 2" in result.stderr and "attempt 3" not in result.stderr


@pytest.mark.slow
def test_quiet_run_prints_only_failures_and_exits_1(feed, tmp_path, tiny_en_model, run_cli):
    f = feed([item("ok", "platforms.mp4", "Platforms", 1), item("gone", "jfk.m4a", "Removed talk", 2, missing=True)])
    config = ingest_config(tmp_path, tiny_en_model, urls=(f.url,))
    result = run_cli(config, "ingest", "--quiet")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "failed: gone (Removed talk): not-found" in result.stderr
    assert "ingest: 1 new, 0 skipped, 1 failed" in result.stderr
    assert (tmp_path / "transcripts" / "ok.json").is_file()

    f.update("gone", missing=False)
    result = run_cli(config, "ingest", "--quiet")
    assert result.exit_code == 0 and result.output == ""


def test_bad_input_is_one_clear_line(feed, tmp_path, tiny_en_model, run_cli):
    config = ingest_config(tmp_path, tiny_en_model)
    result = run_cli(config, "ingest")
    assert result.exit_code == 2 and "no sources" in result.output
    result = run_cli(config, "ingest", str(tmp_path / "missing-folder"), "--dry-run")
    assert result.exit_code == 1 and "could not list" in result.output and "no such file or folder" in result.output
    f = feed([item("a", "jfk.m4a", "A")])
    result = run_cli(config, "ingest", f.url, "--match", "(oops")
    assert result.exit_code == 1 and "error: --match '(oops' is not a valid regular expression" in result.output
    assert "Traceback" not in result.output
