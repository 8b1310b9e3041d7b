"""Long recordings in pieces: words at a piece boundary found once at the right time; memory flat in length.

The recordings are real speech from ../shared/media put end to end with ffmpeg; small piece
lengths (`chunk_seconds`) put the boundaries inside words.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.engines import TranscribeOptions, load_engine
from tests.support.media import REFERENCE, media
from tests.support.wer import normalise, wer

REPO = Path(__file__).resolve().parents[1]


def concat(target: Path, *names: str, silence_after: float = 0.0) -> Path:
    """The recordings end to end as one 16 kHz mono m4a (then `silence_after` seconds of silence)."""
    inputs: list[str] = []
    for name in names:
        inputs += ["-i", str(media(name))]
    parts = "".join(f"[{i}:a]aformat=sample_rates=16000:channel_layouts=mono[a{i}];" for i in range(len(names)))
    joined = "".join(f"[a{i}]" for i in range(len(names)))
    pad = f",apad=pad_dur={silence_after}" if silence_after else ""
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *inputs, "-filter_complex",
                    f"{parts}{joined}concat=n={len(names)}:v=0:a=1{pad}[out]", "-map", "[out]",
                    "-c:a", "aac", "-b:a", "32k", str(target)], check=True, timeout=600)
    return target


def words_of(result):
    return [(normalise(w.word), w.start) for s in result.segments for w in s.words]


@pytest.mark.slow
def test_words_at_piece_boundaries_are_found_once_at_the_right_time(tmp_path, tiny_en_model):
    # pv_test_en (4.5 s) + jfk (11 s) + jfk: with 8.4-s pieces the first nominal boundary falls on
    # "ask not" (4.5 + 3.9 s) and the second on "my fellow" of the second jfk (15.5 + 1.3 s).
    long = concat(tmp_path / "long.m4a", "pv_test_en.wav", "jfk.flac", "jfk.flac")
    expected = " ".join([REFERENCE["pv_test_en.wav"], REFERENCE["jfk.flac"], REFERENCE["jfk.flac"]])
    results = {}
    for chunk in (8.4, 0.0):
        engine = load_engine(TranscribeOptions(model=str(tiny_en_model), beam_size=1, threads=2, chunk_seconds=chunk))
        results[chunk] = engine.transcribe(long)
    pieces, whole = words_of(results[8.4]), words_of(results[0.0])
    text = " ".join(w for w, _ in pieces)
    assert wer(expected, text) <= 0.1, text
    for word in ("americans", "fellow", "not", "today"):
        assert [w for w, _ in pieces].count(word) == [w for w, _ in whole].count(word), (word, text)
    americans = [t for w, t in pieces if w == "americans"]
    assert len(americans) == 2, text
    assert americans[0] == pytest.approx(4.5 + 1.76, abs=0.6)
    assert americans[1] == pytest.approx(15.5 + 1.76, abs=0.6)
    times = [t for _, t in pieces]
    assert times == sorted(times) and times[-1] <= 26.6
    assert len(pieces) == len(whole)


@pytest.mark.slow
def test_batched_decoding_keeps_each_windows_language(base_model):
    # The upstream report: batched multilingual mode can drop text at a language switch.
    engine = load_engine(TranscribeOptions(model=str(base_model), beam_size=1, batch_size=8, threads=2,
                                           languages=("en", "fr", "es", "de")))  # German is its second half
    result = engine.transcribe(media("multilingual.mp3"))
    late = [s for s in result.segments if s.start >= 30.0]
    assert sum(s.end - s.start for s in late) >= 20.0, [(s.start, s.end, s.text) for s in result.segments]
    assert {s.language for s in result.segments if s.end <= 29.0} == {"en"}
    assert {s.language for s in late} == {"de"}
    assert result.info.options["batch_size"] == 8
    words = [w for s in result.segments for w in s.words]
    assert words and all(a.start <= b.start for a, b in zip(words, words[1:], strict=False))


_PEAK = """
import json, resource, sys
from ingest.engines import TranscribeOptions, load_engine
engine = load_engine(TranscribeOptions(model=sys.argv[1], beam_size=1, threads=1))
result = engine.transcribe(sys.argv[2])
print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "seconds": result.info.audio_duration, "words": sum(len(s.words) for s in result.segments)}))
"""


def peak(model: Path, recording: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", _PEAK, str(model), str(recording)], env=env, check=True,
                         capture_output=True, text=True, timeout=1800).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_length(tmp_path, tiny_en_model):
    # Speech, then silence (VAD skips it fast): the decoded samples are what used to grow with length.
    short = peak(tiny_en_model, concat(tmp_path / "ten_minutes.m4a", "jfk.flac", silence_after=589.0))
    long = peak(tiny_en_model, concat(tmp_path / "three_hours.m4a", "jfk.flac", silence_after=3 * 3600 - 11.0))
    assert long["seconds"] == pytest.approx(3 * 3600, abs=2) and short["words"] == long["words"] > 15
    assert long["rss_mb"] <= 1.5 * short["rss_mb"], (short, long)
