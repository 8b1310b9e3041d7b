"""ingest.audio: decoding real recordings and naming the ways a file can be unusable."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from ingest.audio import SAMPLE_RATE, load_audio, probe_duration
from ingest.errors import DamagedMedia, MediaNotFound, NotMedia
from tests.support.media import media


def test_flac_decodes_to_16k_mono_float32():
    audio = load_audio(media("jfk.flac"))  # 44.1 kHz stereo source
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert audio.duration == pytest.approx(11.0, abs=0.05)
    assert audio.declared_duration == pytest.approx(11.0, abs=0.05)
    assert 0.05 < np.abs(audio.samples).max() <= 1.0
    assert len(audio.samples) == round(audio.duration * SAMPLE_RATE)


def test_video_file_audio_track_is_decoded():
    audio = load_audio(media("ta_video.mp4"))
    assert audio.duration == pytest.approx(10.0, abs=0.1)


def test_probe_reads_the_header_only():
    assert probe_duration(media("multilingual.mp3")) == pytest.approx(59.9, abs=0.1)


def test_corrupt_audio_stream_is_reported_as_damaged():
    with pytest.raises(DamagedMedia) as err:
        load_audio(media("corrupt.mp4"))
    message = str(err.value)
    assert "corrupt.mp4" in message and "damaged" in message and "0.02 s" in message


@pytest.mark.parametrize("name", ["ta_video.mp4", "multilingual.mp3"])
def test_half_downloaded_file_is_reported_as_damaged(tmp_path, name):
    source = media(name).read_bytes()
    cut = tmp_path / f"cut-{name}"
    cut.write_bytes(source[: len(source) // 2])  # the header still announces the full length
    with pytest.raises(DamagedMedia, match=f"cut-{name}: damaged recording: only"):
        load_audio(cut)


def test_text_file_is_not_media(tmp_path):
    notes = tmp_path / "notes.mp3"
    notes.write_text("these are meeting notes, not a recording\n" * 50)
    with pytest.raises(NotMedia, match="notes.mp3: not an audio or video file"):
        load_audio(notes)


def test_empty_file_is_not_media(tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(NotMedia, match="empty.wav"):
        load_audio(empty)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(MediaNotFound, match="nope.wav: no such file"):
        load_audio(tmp_path / "nope.wav")
    with pytest.raises(NotMedia, match="is a folder"):
        load_audio(tmp_path)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs Debian's ffmpeg to strip the audio track")
def test_video_without_sound_is_named(tmp_path):
    mute = tmp_path / "mute.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(media("ta_video.mp4")), "-an", "-c", "copy", str(mute)],
                   check=True)
    with pytest.raises(NotMedia, match="mute.mp4: has no audio stream"):
        load_audio(mute)
