"""A fake channel for ingest tests: real recordings as mp4/m4a items of a loopback RSS feed.

The items are made from ../shared/media with ffmpeg once and cached under .cache/test-channel/
(rebuilt when missing). `feed` is a pytest fixture factory: `feed(items)` starts a LocalFeed
on a free 127.0.0.1 port and stops it after the test.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from demo.localfeed import FeedItem, LocalFeed
from tests.support import configs
from tests.support.media import REPO, media

CACHE = REPO / ".cache" / "test-channel"

# name -> (source recording, ffmpeg output arguments). None: copied as is.
RECIPES: dict[str, tuple[str, list[str] | None]] = {
    # audio-only m4a, like YouTube's bestaudio
    "jfk.m4a": ("jfk.flac", ["-vn", "-ac", "1", "-ar", "16000", "-c:a", "aac", "-b:a", "48k"]),
    # a real video: a black picture with the sentence as its sound track
    "platforms.mp4": ("pv_test_en.wav", None),
    "ta_video.mp4": ("ta_video.mp4", None),
    "meeting.m4a": ("ami_meeting.wav", ["-vn", "-ac", "1", "-ar", "16000", "-c:a", "aac", "-b:a", "48k"]),
    "corrupt.mp4": ("corrupt.mp4", None),
}


def channel_file(name: str) -> Path:
    """A cached channel item (built with ffmpeg the first time)."""
    target = CACHE / name
    if target.is_file():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    src_name, args = RECIPES[name]
    src = media(src_name)
    tmp = CACHE / f".build-{os.getpid()}-{name}"
    if name == "platforms.mp4":
        cmd = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=black:s=64x64:r=5",
               "-i", str(src), "-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "48k",
               "-f", "mp4", str(tmp)]
    elif args is None:
        tmp.write_bytes(src.read_bytes())
        cmd = None
    else:
        cmd = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(src), *args, "-f", "mp4", str(tmp)]
    if cmd:
        subprocess.run(cmd, check=True, timeout=120)
    os.replace(tmp, target)
    return target


def item(guid: str, name: str, title: str, day: int = 1, **kw: object) -> FeedItem:
    return FeedItem(guid=guid, title=title, file=channel_file(name), pub_date=date(2024, 3, day), **kw)  # type: ignore[arg-type]


def standard_items() -> list[FeedItem]:
    """Three short real recordings, oldest first."""
    return [
        item("jfk-inaugural", "jfk.m4a", "Inaugural address: ask not", 1, description="JFK <speech> & more"),
        item("platforms", "platforms.mp4", "Platform announcement", 2),
        item("ta-video", "ta_video.mp4", "Teaching assistant video", 3),
    ]


@pytest.fixture(name="feed")
def feed_fixture() -> Iterator:
    started: list[LocalFeed] = []

    def start(items: list[FeedItem], title: str = "Test channel") -> LocalFeed:
        f = LocalFeed(items, title=title).start()
        started.append(f)
        return f

    yield start
    for f in started:
        f.stop()


def ingest_config(folder: Path, model: Path, *, retries: int = 3, backoff: float = 0.05,
                  urls: tuple[str, ...] = ()) -> Path:
    """A config.toml for a throwaway archive in `folder`, transcribing with a local model, no waits."""
    return configs.write_config(
        folder,
        paths={"transcripts": "transcripts", "index": "data/index", "audio": "data/audio", "state": "data/state"},
        channel={"urls": list(urls)},
        transcribe={"engine": "faster-whisper", "model": model, "language": "en", "beam_size": 1, "vad": False},
        ingest={"sleep_interval": 0.0, "max_sleep_interval": 0.0, "sleep_requests": 0.0, "retries": retries,
                "retry_backoff": backoff},
    )


write_config = ingest_config  # the former name, kept for tests written against it
