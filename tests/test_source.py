"""ingest.source: real yt-dlp against the loopback feed, and YouTube handling checked with fakes."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from archive.options import InvalidOption
from archive.records import Video
from ingest import source
from ingest.errors import DownloadFailed, YouTubeRuntimeMissing
from ingest.source import SourceOptions
from tests.support.channel import item, standard_items
from tests.support.media import MEDIA

# -- YouTube URLs (no network) ---------------------------------------------------------------


@pytest.mark.parametrize("url, expected", [
    ("https://www.youtube.com/@UCLGLearning", ["https://www.youtube.com/@UCLGLearning/videos",
                                              "https://www.youtube.com/@UCLGLearning/streams"]),
    ("https://youtube.com/@UCLGLearning/featured", ["https://www.youtube.com/@UCLGLearning/videos",
                                                    "https://www.youtube.com/@UCLGLearning/streams"]),
    ("https://m.youtube.com/channel/UCabc123/", ["https://www.youtube.com/channel/UCabc123/videos",
                                                 "https://www.youtube.com/channel/UCabc123/streams"]),
    ("https://www.youtube.com/@UCLGLearning/streams", ["https://www.youtube.com/@UCLGLearning/streams"]),
    ("https://www.youtube.com/playlist?list=PL123", ["https://www.youtube.com/playlist?list=PL123"]),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", ["https://www.youtube.com/watch?v=dQw4w9WgXcQ"]),
    ("http://127.0.0.1:8000/feed.xml", ["http://127.0.0.1:8000/feed.xml"]),
])
def test_channel_urls_expand_to_videos_and_streams_tabs(url, expected):
    assert source.expand_source(url) == expected


def test_youtube_needs_a_js_runtime_with_a_clear_message(monkeypatch):
    monkeypatch.setattr(source, "find_js_runtime", lambda: None)
    with pytest.raises(YouTubeRuntimeMissing, match="deno"):
        source.check_youtube_ready(["https://www.youtube.com/@UCLGLearning"])
    source.check_youtube_ready(["http://127.0.0.1:1/feed.xml", "/some/folder"])  # no YouTube, no check


def test_youtube_ready_here():
    assert source.find_js_runtime() is not None  # the deno package is a dependency
    source.check_youtube_ready(["https://www.youtube.com/@UCLGLearning"])


def test_yt_dlp_parameters_carry_politeness_cookies_dates_and_runtime(tmp_path):
    opts = SourceOptions(sleep_interval=2, max_sleep_interval=6, sleep_requests=0.5, rate_limit="2M",
                         cookies_file=str(tmp_path / "cookies.txt"))
    flat = source.ydl_params(opts, flat=True)
    assert flat["extract_flat"] == "in_playlist"
    assert flat["extractor_args"] == {"youtubetab": {"approximate_date": [""]}}
    assert flat["sleep_interval_requests"] == 0.5
    assert flat["cookiefile"] == str(tmp_path / "cookies.txt")
    assert Path(flat["js_runtimes"]["deno"]["path"]).is_file()
    full = source.ydl_params(opts, flat=False, dest=tmp_path / "abc")
    assert full["sleep_interval"] == 2 and full["max_sleep_interval"] == 6
    assert full["ratelimit"] == 2 * 1024 * 1024
    assert full["format"] == "bestaudio/best"
    assert full["postprocessors"][0]["key"] == "FFmpegExtractAudio"
    with pytest.raises(InvalidOption, match="rate_limit: 'fast' is not allowed here"):
        SourceOptions(rate_limit="fast")  # refused when made (config or library), before yt-dlp sees it


def test_flat_youtube_entry_becomes_a_video_with_a_watch_url():
    entry = {"_type": "url", "ie_key": "Youtube", "id": "dQw4w9WgXcQ", "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
             "title": "Stocktaking session #3", "timestamp": 1709294400, "duration": 3605.0,
             "channel": "UCLG Learning", "description": None}
    v = source.video_from_info(entry)
    assert v == Video(id="dQw4w9WgXcQ", title="Stocktaking session #3", channel="UCLG Learning",
                      webpage_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ", media_url="",
                      upload_date="2024-03-01", duration=3605.0)
    assert source.video_from_info({"url": "https://example.org/x.mp4"}) is None  # nothing to key on


def test_upcoming_and_live_streams_are_left_for_a_later_run():
    playlist = {"_type": "playlist", "entries": [
        {"_type": "url", "ie_key": "Youtube", "id": "AAAAAAAAAAA", "title": "Next week", "live_status": "is_upcoming"},
        {"_type": "url", "ie_key": "Youtube", "id": "BBBBBBBBBBB", "title": "Now", "live_status": "is_live"},
        {"_type": "url", "ie_key": "Youtube", "id": "CCCCCCCCCCC", "title": "Done", "live_status": "was_live"},
    ]}
    assert [v.id for v in source._videos_of(playlist, channel="UCLG")] == ["CCCCCCCCCCC"]


@pytest.mark.parametrize("message, reason, transient", [
    ("ERROR: [youtube] abc: Sign in to confirm you’re not a bot. Use --cookies-from-browser", "bot-check", False),
    ("ERROR: [youtube] abc: Sign in to confirm your age. This video may be inappropriate", "age-restricted", False),
    ("ERROR: [youtube] abc: Private video. Sign in if you've been granted access", "private", False),
    ("ERROR: [youtube] abc: This video has been removed by the uploader", "removed", False),
    ("ERROR: [youtube] abc: Video unavailable", "unavailable", False),
    ("ERROR: [youtube] abc: Join this channel to get access to members-only content", "members-only", False),
    ("ERROR: [generic] x: Unable to download webpage: HTTP Error 404: Not Found", "not-found", False),
    ("ERROR: [generic] x: Unable to download webpage: HTTP Error 503: Service Unavailable", "http-5xx", True),
    ("ERROR: [youtube] x: HTTP Error 429: Too Many Requests", "http-429", True),
    ("ERROR: [generic] x: Unable to download webpage: <urlopen error timed out>", "network", True),
    ("ERROR: Postprocessing: audio conversion failed: Invalid data found when processing input", "undecodable",
     False),
    ("ERROR: something nobody expected", "error", False),
])
def test_errors_get_stable_reason_words(message, reason, transient):
    assert source.classify_error(message) == (reason, transient)


# -- real yt-dlp on 127.0.0.1 ------------------------------------------------------------------


@pytest.mark.integration
def test_flat_listing_of_a_feed_keys_on_guid_and_fetches_nothing(feed):
    f = feed(standard_items(), title="UCLG test channel")
    videos = source.list_videos(f.url)
    assert [v.id for v in videos] == ["ta-video", "platforms", "jfk-inaugural"]
    jfk = videos[2]
    assert jfk.title == "Inaugural address: ask not"
    assert jfk.upload_date == "2024-03-01"
    assert jfk.description == "JFK <speech> & more"
    assert jfk.channel == "UCLG test channel"
    assert "smuggle" not in jfk.webpage_url and jfk.webpage_url.endswith("/media/jfk-inaugural.m4a")
    assert f.media_requests() == 0


@pytest.mark.integration
def test_fetch_audio_keeps_only_the_audio_track_and_the_metadata(feed, tmp_path):
    f = feed([item("platforms", "platforms.mp4", "Platform announcement", 2)])
    [video] = source.list_videos(f.url)
    seen = []
    path, full = source.fetch_audio(video, tmp_path, SourceOptions(), lambda done, total: seen.append((done, total)))
    assert path.parent == tmp_path and path.stem == "platforms"
    probe = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)],
                                      capture_output=True, check=True, text=True).stdout)
    assert [s["codec_type"] for s in probe["streams"]] == ["audio"]
    assert full.id == "platforms" and full.title == "Platform announcement" and full.upload_date == "2024-03-02"
    assert seen and seen[-1][0] > 0
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.integration
def test_fetch_failures_are_classified(feed, tmp_path):
    f = feed([item("gone", "jfk.m4a", "Gone", missing=True), item("flaky", "jfk.m4a", "Flaky", fail_times=1)])
    videos = {v.id: v for v in source.list_videos(f.url)}
    with pytest.raises(DownloadFailed) as exc:
        source.fetch_audio(videos["gone"], tmp_path)
    assert (exc.value.reason, exc.value.transient) == ("not-found", False)
    # A 503 on the first request fails at once inside yt-dlp: the pipeline retries it.
    with pytest.raises(DownloadFailed) as exc:
        source.fetch_audio(videos["flaky"], tmp_path)
    assert (exc.value.reason, exc.value.transient) == ("http-5xx", True)
    path, _ = source.fetch_audio(videos["flaky"], tmp_path)
    assert path.is_file()


def test_listing_an_unreachable_feed_is_a_transient_network_failure():
    with pytest.raises(DownloadFailed) as exc:
        source.list_videos("http://127.0.0.1:9/feed.xml", SourceOptions(socket_timeout=5))
    assert exc.value.transient and exc.value.reason == "network"


def test_local_folder_lists_recordings_and_fetch_returns_them_in_place(tmp_path):
    videos = source.list_videos(str(MEDIA))
    jfk = next(v for v in videos if v.title == "jfk")
    assert jfk.id.startswith("local-")
    assert source.is_local(jfk)
    path, same = source.fetch_audio(jfk, tmp_path)
    assert path.resolve() == (MEDIA / "jfk.flac").resolve() and same == jfk
    assert not list(tmp_path.iterdir())
    assert source.list_videos(str(MEDIA / "jfk.flac")) == [replace(jfk, channel="", upload_date=None)]
    with pytest.raises(DownloadFailed, match="no such file or folder"):
        source.list_videos(str(tmp_path / "nope"))


# A YouTube video's info dict as yt-dlp's full extraction gives it (the fields we read, trimmed).
YOUTUBE_INFO = {
    "id": "dQw4w9WgXcQ", "title": "Stocktaking Session: localizing the SDGs", "channel": "UCLG Learning",
    "webpage_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "upload_date": "20240514", "duration": 5412,
    "description": "Chapters:\n00:00 Welcome\n12:05 Stocktaking", "language": "en", "ie_key": "Youtube",
    "chapters": [
        {"start_time": 0.0, "title": "Welcome", "end_time": 725.0},
        {"start_time": 725.0, "title": "Stocktaking\tof the localisation", "end_time": 3010.0},
        {"start_time": 3010.0, "title": "Questions from the floor", "end_time": 5412.0},
    ],
}


def test_youtube_chapters_become_chapter_records():
    from archive.records import Chapter

    v = source.video_from_info(YOUTUBE_INFO)
    assert v.chapters == (Chapter("Welcome", 0.0, 725.0), Chapter("Stocktaking of the localisation", 725.0, 3010.0),
                          Chapter("Questions from the floor", 3010.0, 5412.0))
    assert all(isinstance(c.start, float) and isinstance(c.end, float) for c in v.chapters)
    assert source.video_from_info({**YOUTUBE_INFO, "chapters": None}).chapters == ()
    assert source.video_from_info({k: x for k, x in YOUTUBE_INFO.items() if k != "chapters"}).chapters == ()


def test_malformed_chapters_are_left_out_and_missing_ends_filled():
    from archive.records import Chapter

    raw = [{"start_time": 600, "title": "Second"}, {"title": "no start"}, "junk", None,
           {"start_time": float("nan"), "title": "nan"}, {"start_time": 1e308, "title": "absurd"},
           {"start_time": True, "title": "bool"}, {"start_time": 0, "end_time": -5, "title": "First"},
           {"start_time": 900, "title": None}]
    assert source.chapters_from_info(raw, duration=1000.0) == (
        Chapter("First", 0.0, 600.0), Chapter("Second", 600.0, 900.0), Chapter("", 900.0, 1000.0))
    assert source.chapters_from_info([{"start_time": 5}], duration=None) == (Chapter("", 5.0, None),)
    assert source.chapters_from_info("00:00 Intro") == ()


def test_fetch_keeps_the_chapters_of_the_full_extraction(monkeypatch, tmp_path):
    # The yt-dlp boundary is faked (no network here): its info dict after a download.
    listed = source.video_from_info({"_type": "url", "ie_key": "Youtube", "id": "dQw4w9WgXcQ",
                                     "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": "Stocktaking"})
    assert listed.chapters == ()  # a flat listing has none
    audio = tmp_path / "dQw4w9WgXcQ.m4a"
    audio.write_bytes(b"")
    monkeypatch.setattr(source, "_extract", lambda *a, **k: {**YOUTUBE_INFO, "requested_downloads": [
        {"filepath": str(audio)}]})
    path, full = source.fetch_audio(listed, tmp_path)
    assert path == audio and [c.title for c in full.chapters] == [
        "Welcome", "Stocktaking of the localisation", "Questions from the floor"]


def test_a_local_recording_s_chapter_marks_are_read(tmp_path):
    from archive.records import Chapter
    from ingest.transcribe import local_video
    from tests.support.media import with_chapters

    talk = with_chapters("jfk.flac", tmp_path / "talk.m4a", [(0, 3.2, "Opening"), (3.2, 11.0, "Ask not; = #")])
    path, video = source.fetch_audio(local_video(talk), tmp_path / "audio")
    assert path == talk
    assert video.chapters == (Chapter("Opening", 0.0, 3.2), Chapter("Ask not; = #", 3.2, 11.0))
    path, plain = source.fetch_audio(local_video(MEDIA / "jfk.flac"), tmp_path / "audio")
    assert plain.chapters == ()


@pytest.mark.integration
def test_a_feed_recording_s_chapters_come_through_the_download(feed, tmp_path):
    from demo.localfeed import FeedItem
    from tests.support.media import with_chapters

    talk = with_chapters("jfk.flac", tmp_path / "media" / "talk.m4a", [(0, 3.2, "Opening"), (3.2, 11.0, "Ask not")])
    f = feed([FeedItem(guid="talk", title="Inaugural", file=talk)])
    [video] = source.list_videos(f.url)
    path, full = source.fetch_audio(video, tmp_path / "audio")
    assert path.parent == tmp_path / "audio"
    assert [(c.title, c.start) for c in full.chapters] == [("Opening", 0.0), ("Ask not", 3.2)]
