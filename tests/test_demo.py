"""The offline demo's pieces (the whole demo is `./run.sh demo`: about a minute of real transcription)."""

from __future__ import annotations

import subprocess
from dataclasses import replace

import pytest

from demo.run import SESSIONS, make_media, write_config
from tests.support.media import MEDIA
from ui.config import load_config


def test_demo_config_is_valid_and_self_contained(tmp_path):
    model = tmp_path / "whisper-base-ct2"
    config = load_config(write_config(tmp_path, model, 8600))
    assert config.transcribe.model == str(model)
    assert config.transcribe.language is None  # detected per recording: the demo is EN/FR/ES
    assert config.paths.transcripts == tmp_path / "transcripts" and config.paths.index == tmp_path / "index"
    assert (config.ui.host, config.ui.port) == ("127.0.0.1", 8600)


def test_demo_sessions_come_from_the_shared_recordings_in_three_languages():
    assert all((MEDIA / s.source).is_file() for s in SESSIONS)
    assert len({s.guid for s in SESSIONS}) == len(SESSIONS)
    assert {"pv_test_fr.wav", "pv_test_es.wav", "jfk.flac"} <= {s.source for s in SESSIONS}


@pytest.mark.integration
def test_demo_media_are_playable_mp4_and_m4a(tmp_path, monkeypatch):
    import demo.run

    picked = (replace(SESSIONS[1], guid="video"), replace(SESSIONS[5], guid="audio"))
    monkeypatch.setattr(demo.run, "SESSIONS", picked)
    items = make_media(tmp_path)
    assert [i.file.name for i in items] == ["video.mp4", "audio.m4a"]
    for item in items:
        probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name",
                                "-of", "csv=p=0", str(item.file)], capture_output=True, text=True, check=True)
        codecs = set(probe.stdout.split())
        assert "aac" in codecs
        assert ("h264" in codecs) == (item.file.suffix == ".mp4")
    assert make_media(tmp_path) == items  # a second run reuses the files
