"""The player serves local files only from the media folders (issue 12, point 1).

A transcript's `video.media_url` is data anyone with write access to transcripts/ (or an imported
transcript) controls: it must never make the UI read and serve /etc/passwd or the config file.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from archive.media_roots import check_local_media, record_media_root, recorded_media_roots
from archive.records import Video
from tests.support.configs import write_config
from ui.web.player import player_source


@pytest.fixture
def media_dir(tmp_path) -> Path:
    folder = tmp_path / "recordings"
    folder.mkdir()
    (folder / "talk.mp4").write_bytes(b"\0\0\0\x18ftypmp42")
    (folder / "notes.txt").write_text("not media")
    return folder


def _hostile_urls(tmp_path: Path, media_dir: Path) -> dict[str, str]:
    config = write_config(tmp_path, paths={"transcripts": "transcripts"})
    secret_mp4 = tmp_path / "secret.mp4"  # a media suffix, but outside the media folder
    secret_mp4.write_bytes(b"secret")
    (media_dir / "escape.mp4").symlink_to("/etc/passwd")
    (media_dir / "escape2.mp4").symlink_to(secret_mp4)
    return {
        "passwd": "/etc/passwd",
        "dotdot": str(media_dir) + "/../../../../../../etc/passwd",
        "dotdot-media": str(media_dir / ".." / "secret.mp4"),
        "relative": "../../../../etc/passwd",
        "file-url": "file:///etc/hostname",
        "file-url-encoded": "file://%2Fetc%2Fpasswd",
        "config": str(config),
        "not-media-inside": str(media_dir / "notes.txt"),
        "symlink-out": str(media_dir / "escape.mp4"),
        "symlink-out-media": str(media_dir / "escape2.mp4"),
        "folder": str(media_dir),
        "dev": "/dev/zero",
        "proc": "/proc/self/environ",
        "home": "~/.bashrc",
    }


def test_hostile_media_urls_are_never_served_and_the_reason_is_logged(tmp_path, media_dir, caplog):
    for name, url in _hostile_urls(tmp_path, media_dir).items():
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="sessions.ui"):
            source = player_source(Video(id=name, title=name, media_url=url), 5, media_roots=(media_dir,))
        assert source.kind == "unavailable" and source.target == "", (name, source)
        assert any(r.name == "sessions.ui" and "media not available" in r.getMessage() for r in caplog.records), name


def test_a_media_file_inside_a_media_folder_plays(media_dir):
    (media_dir / "sub").mkdir()
    for url in (str(media_dir / "talk.mp4"), (media_dir / "talk.mp4").as_uri(),
                str(media_dir / "sub" / ".." / "talk.mp4")):
        source = player_source(Video(id="ok", title="ok", media_url=url), 5, media_roots=(media_dir,))
        assert (source.kind, source.target) == ("file", str((media_dir / "talk.mp4").resolve())), url


def test_a_symlink_inside_the_folder_to_a_file_inside_it_plays(media_dir):
    (media_dir / "alias.mp4").symlink_to(media_dir / "talk.mp4")
    verdict = check_local_media(media_dir / "alias.mp4", (media_dir,))
    assert verdict.path == (media_dir / "talk.mp4").resolve()


def test_a_media_root_reached_through_a_symlink_still_counts(tmp_path, media_dir):
    link = tmp_path / "link-to-recordings"
    link.symlink_to(media_dir)
    assert check_local_media(link / "talk.mp4", (link,)).path == (media_dir / "talk.mp4").resolve()


def test_nothing_local_plays_without_a_media_folder(media_dir):
    source = player_source(Video(id="x", title="x", media_url=str(media_dir / "talk.mp4")), 0)
    assert source.kind == "unavailable"
    assert "no media folder" in check_local_media(media_dir / "talk.mp4", ()).reason


def test_a_refused_local_file_falls_back_to_a_web_url(media_dir):
    video = Video(id="x", title="x", media_url="/etc/passwd", webpage_url="https://example.org/talk.mp4")
    assert player_source(video, 0, (media_dir,)).kind == "url"


def test_recorded_media_roots_round_trip_and_survive_a_damaged_file(tmp_path, media_dir):
    state = tmp_path / "state"
    assert recorded_media_roots(state) == ()
    record_media_root(state, media_dir)
    record_media_root(state, media_dir / ".." / media_dir.name)  # the same folder: recorded once
    assert recorded_media_roots(state) == (media_dir.resolve(),)
    (state / "media_roots.json").write_text('{"folders": ["relative/x", 3, "/abs"]')  # cut short
    assert recorded_media_roots(state) == ()
    (state / "media_roots.json").write_text('{"folders": ["relative/x", 3, "/abs"]}')
    assert recorded_media_roots(state) == (Path("/abs"),)


@pytest.mark.skipif(not os.path.exists("/etc/passwd"), reason="needs /etc/passwd")
def test_the_config_key_media_roots_is_a_list_of_folders_beside_the_config(tmp_path):
    from ui.config import ConfigError, load_config

    path = tmp_path / "config.toml"
    path.write_text('[paths]\nmedia_roots = ["media", "/srv/recordings"]\n')
    assert load_config(path).paths.media_roots == ((tmp_path / "media").resolve(), Path("/srv/recordings"))
    path.write_text('[paths]\nmedia_roots = "media"\n')
    with pytest.raises(ConfigError, match=r"\[paths\] media_roots"):
        load_config(path)


# -- the app itself (AppTest), on a real index ------------------------------------------------

APP = str(Path(__file__).resolve().parents[1] / "ui" / "web" / "app.py")


def test_the_app_plays_media_inside_the_media_folder_and_refuses_the_rest(tmp_path, monkeypatch, caplog):
    from streamlit.testing.v1 import AppTest

    from tests.support.sample_transcripts import jfk_transcript
    from tests.support.ui_archive import build_archive, local_copy

    jfk = local_copy("jfk.flac", tmp_path / "media")
    good = jfk_transcript("good", youtube=False, title="Good recording")
    good = good.__class__(video=Video(id="good", title="Good", media_url=str(jfk)),
                          transcription=good.transcription, segments=good.segments)
    hostile = {name: url for name, url in {"passwd": "/etc/passwd", "file-url": "file:///etc/hostname",
                                           "config": str(tmp_path / "config.toml"),
                                           "dotdot": str(tmp_path / "media" / ".." / "config.toml")}.items()}
    bad = [good.__class__(video=Video(id=name, title=name, media_url=url), transcription=good.transcription,
                          segments=good.segments) for name, url in hostile.items()]
    config = build_archive(tmp_path, [good, *bad])
    monkeypatch.setenv("SESSIONS_CONFIG", str(config))

    def open_session(video_id: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["v"] = video_id
        at.run()
        assert not at.exception, at.exception
        return at

    at = open_session("good")
    assert [v.proto.type for v in at.get("video")], "the recording inside media/ plays"
    for name in hostile:
        with caplog.at_level(logging.WARNING, logger="sessions.ui"):
            at = open_session(name)
        assert not at.get("video"), name
        assert any("Media not available" in i.value for i in at.info), name
    assert any("media not available" in r.getMessage() and "/etc/passwd" in r.getMessage() for r in caplog.records)
