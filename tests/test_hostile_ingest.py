"""Hostile sources and files for ingest: each ends in one named failure, never a traceback."""

from __future__ import annotations

import json

import pytest

from archive.records import MAX_SECONDS, Video
from archive.store import TranscriptStore, read_header
from ingest import source
from ingest.errors import DownloadFailed
from ingest.ingest_log import IngestLog
from tests.support.channel import ingest_config
from tests.support.configs import write_config
from tests.support.sample_transcripts import YOUTUBE_ID, jfk_transcript
from ui.cli import EXIT_FAILED

BAD_URLS = ["http://u:p@127.0.0.1:99999/", "http://[::1", "http:///feed.xml", "https://127.0.0.1:0/x"]
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_source_url_is_a_named_download_failure(url):
    with pytest.raises(DownloadFailed, match="not a valid URL") as caught:
        source.list_videos(url)
    assert caught.value.reason == "bad-url" and not caught.value.transient


def test_a_feed_item_with_a_bad_media_url_fails_that_video_only(tmp_path):
    video = Video(id="x1", title="x", media_url="http://127.0.0.1:99999/x.mp4")
    with pytest.raises(DownloadFailed) as caught:
        source.fetch_audio(video, tmp_path)
    assert caught.value.what == "x1"


def test_cli_ingest_of_a_bad_url_says_so_in_one_line(tmp_path, run_cli):
    config = ingest_config(tmp_path, tmp_path / "no-model")
    result = run_cli(config, "ingest", BAD_URLS[0])
    assert result.exit_code == EXIT_FAILED
    assert "not a valid URL: Port out of range 0-65535" in result.stderr
    assert "Traceback" not in result.output


def test_deeply_nested_json_is_not_done_and_not_a_crash(tmp_path):
    store = TranscriptStore(tmp_path / "transcripts")
    path = store.path_for(YOUTUBE_ID)
    path.parent.mkdir(parents=True)
    path.write_text(DEEP, encoding="utf-8")
    assert read_header(path) is None  # the done-check: not a transcript, so made again
    header_deep = '{\n "format": "session-search-transcript",\n "schema_version": 1,\n "transcription": ' + DEEP
    path.write_text(header_deep, encoding="utf-8")
    assert read_header(path) is None
    corrupt = []
    assert list(store.iter_all(on_error=corrupt.append)) == [] and "nested too deeply" in str(corrupt[0])


@pytest.mark.parametrize("text", [DEEP, "[]", '{"videos": [1, 2]}', '{"runs": 5}', '"text"'])
def test_a_damaged_ingest_log_is_set_aside(tmp_path, text):
    (tmp_path / "ingest_log.json").write_text(text, encoding="utf-8")
    log = IngestLog.load(tmp_path)
    assert log.videos == {} and log.runs == []
    assert list(tmp_path.glob("ingest_log.json.damaged-*"))


@pytest.mark.parametrize("fmt", ["txt", "srt", "vtt", "csv", "json"])
def test_export_all_with_absurd_times_skips_names_and_keeps_the_rest(tmp_path, fmt, run_cli):
    store = TranscriptStore(tmp_path / "transcripts")
    good = store.write(jfk_transcript("goodVideo01", youtube=False))
    bad = store.write(jfk_transcript(YOUTUBE_ID))
    data = json.loads(bad.read_text(encoding="utf-8"))
    data["video"]["duration"] = 1e308  # metadata: read as unknown
    data["segments"][0]["end"] = 1e308  # a time: the file is corrupt
    bad.write_text(json.dumps(data), encoding="utf-8")
    config = write_config(tmp_path, paths={"transcripts": "transcripts"})
    result = run_cli(config, "export", "--all", "-f", fmt, "-o", tmp_path / "out")
    assert result.exit_code == EXIT_FAILED, result.output
    assert f"{bad.name}: field 'end' must be a finite number of seconds from 0 to {MAX_SECONDS:.0f}" in result.stderr
    assert (tmp_path / "out" / f"transcripts-{fmt}.zip").is_file() and good.is_file()


def test_an_absurd_duration_reads_as_unknown(tmp_path):
    data = jfk_transcript().to_dict()
    data["video"]["duration"] = 1e308
    data["transcription"]["audio_duration"] = -4.0
    from archive.records import Transcript

    t = Transcript.from_dict(data)
    assert t.video.duration is None and t.transcription.audio_duration is None
    assert source.video_from_info({"id": "a", "duration": 1e308}).duration is None
    assert source.video_from_info({"id": "a", "duration": 10**400}).duration is None
    assert source.video_from_info({"id": "a", "duration": 12.5}).duration == 12.5


