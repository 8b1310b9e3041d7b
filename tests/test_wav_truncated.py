"""A half-downloaded WAV is damaged, not a short recording (issue 12, point 12).

FFmpeg derives a WAV's duration from the file size, so a cut-off file looked complete and was stored
as a complete transcript; the RIFF header still says how much audio was written.
"""

from __future__ import annotations

import os
import shutil
import wave

import numpy as np
import pytest

from ingest.audio import load_audio, probe_duration, riff_duration
from ingest.errors import DamagedMedia
from tests.support.media import media

RATE = 16000


def _wav(path, seconds: float, keep: float | None = None):
    samples = (np.sin(np.arange(int(seconds * RATE)) * 0.05) * 8000).astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.tobytes())
    if keep is not None:
        os.truncate(path, 44 + int(keep * RATE) * 2)
    return path


def test_a_half_downloaded_wav_is_damaged_media(tmp_path):
    path = _wav(tmp_path / "half.wav", 4.5, keep=0.9)
    assert riff_duration(path) == pytest.approx(4.5)
    assert probe_duration(path) == pytest.approx(4.5)
    with pytest.raises(DamagedMedia, match=r"only 0.90 s of audio decoded but the file says 4.5 s"):
        load_audio(path)


def test_a_real_recording_cut_short_is_damaged_media(tmp_path):
    path = tmp_path / "cut.wav"
    shutil.copyfile(media("ami_meeting.wav"), path)
    os.truncate(path, path.stat().st_size // 4)
    with pytest.raises(DamagedMedia):
        load_audio(path)


def test_whole_wavs_pass_and_headers_that_do_not_say_are_ignored(tmp_path):
    whole = _wav(tmp_path / "whole.wav", 2.0)
    assert load_audio(whole).duration == pytest.approx(2.0)
    assert load_audio(media("pv_test_en.wav")).duration == pytest.approx(riff_duration(media("pv_test_en.wav")))
    streaming = tmp_path / "streaming.wav"  # a streaming writer leaves the data size at 0xFFFFFFFF
    data = bytearray(whole.read_bytes())
    data[40:44] = b"\xff\xff\xff\xff"
    streaming.write_bytes(bytes(data))
    assert riff_duration(streaming) is None
    assert load_audio(streaming).duration == pytest.approx(2.0)
    assert riff_duration(media("jfk.flac")) is None
