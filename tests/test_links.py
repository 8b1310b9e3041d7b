"""Deep links to a moment: YouTube watch/embed URLs, media URLs and local files with #t=."""

from __future__ import annotations

import math

import pytest

from archive.links import deep_link, embed_url, watch_url, youtube_id, youtube_id_from_url
from archive.records import Video

YT = "dQw4w9WgXcQ"


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={YT}",
        f"https://youtube.com/watch?feature=share&v={YT}&t=10s",
        f"https://m.youtube.com/watch?v={YT}",
        f"https://music.youtube.com/watch?v={YT}",
        f"https://youtu.be/{YT}?t=42",
        f"https://www.youtube.com/embed/{YT}?start=3",
        f"https://www.youtube-nocookie.com/embed/{YT}",
        f"https://www.youtube.com/shorts/{YT}",
        f"https://www.youtube.com/live/{YT}",
        f"http://WWW.YOUTUBE.COM/watch?v={YT}",
    ],
)
def test_youtube_ids_are_found_in_every_common_url_shape(url):
    assert youtube_id_from_url(url) == YT


@pytest.mark.parametrize(
    "url",
    [
        "",
        f"https://evil.example/watch?v={YT}",
        f"https://youtube.com.evil.example/watch?v={YT}",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ<script>",
        "https://www.youtube.com/@UCLGLearning/videos",
        f"https://www.youtube.com/playlist?list={YT}",
        "/srv/media/jfk.flac",
        "http://[",
    ],
)
def test_other_urls_have_no_youtube_id(url):
    assert youtube_id_from_url(url) is None


def test_youtube_id_of_a_video_looks_at_the_page_then_the_media_url():
    assert youtube_id(Video(id="x", title="", webpage_url=f"https://youtu.be/{YT}")) == YT
    assert youtube_id(Video(id="x", title="", media_url=f"https://www.youtube.com/watch?v={YT}")) == YT
    # An id shaped like a YouTube id is not enough: the link must say YouTube.
    assert youtube_id(Video(id=YT, title="", media_url="/srv/a.mp4")) is None


def test_watch_and_embed_urls_use_whole_non_negative_seconds():
    assert watch_url(YT, 83.9) == f"https://www.youtube.com/watch?v={YT}&t=83s"
    assert watch_url(YT, -2) == f"https://www.youtube.com/watch?v={YT}&t=0s"
    assert watch_url(YT, math.nan) == f"https://www.youtube.com/watch?v={YT}&t=0s"
    assert embed_url(YT, 5.5) == f"https://www.youtube.com/embed/{YT}?start=5&autoplay=1"
    assert embed_url(YT, 5.5, autoplay=False) == f"https://www.youtube.com/embed/{YT}?start=5"


def test_deep_link_to_youtube():
    video = Video(id=YT, title="", webpage_url=f"https://www.youtube.com/watch?v={YT}&list=PL1")
    assert deep_link(video, 3725.7) == f"https://www.youtube.com/watch?v={YT}&t=3725s"


def test_deep_link_to_a_media_url_replaces_any_fragment():
    feed_item = Video(id="ep1", title="", webpage_url="http://127.0.0.1:8000/ep1.mp4#__youtubedl_smuggle=%7B%7D")
    assert deep_link(feed_item, 12.2) == "http://127.0.0.1:8000/ep1.mp4#t=12"
    media_only = Video(id="ep2", title="", media_url="https://media.example.org/a.mp3?x=1")
    assert deep_link(media_only, 0) == "https://media.example.org/a.mp3?x=1#t=0"


def test_deep_link_to_a_local_file_is_a_file_uri(tmp_path):
    path = tmp_path / "Forum #3 (fr).mp4"  # `#` is part of the name, not a fragment
    link = deep_link(Video(id="f", title="", media_url=str(path)), 61.0)
    assert link == path.as_uri() + "#t=61"
    assert "%233" in link


@pytest.mark.parametrize("url", ["javascript://%0Aalert(1)", "data://text/html,<script>", "vbscript://x", "http://["])
def test_no_link_for_schemes_a_player_does_not_open(url):
    assert deep_link(Video(id="x", title="", webpage_url=url), 5) == ""


def test_no_link_without_any_url():
    assert deep_link(Video(id="x", title=""), 5) == ""
