"""Benchmark: our faster-whisper path vs openai-whisper on the same speech and the same weights.

    python -m bench.transcribe [--beam-size 5] [--threads 2] [--repeat 1]

Builds ≥ 2 minutes of real English speech by concatenating the shared recordings
(jfk, pv_test_en and the English first half of multilingual.mp3, three rounds, 0.5 s of
silence between clips) with ffmpeg into a temp WAV, whose reference text is known. The
multilingual `base` weights from the offline packages are used by both engines (converted
to an openai-whisper checkpoint by tests/support/ct2_to_openai.py). Each engine runs in its
own subprocess through `ingest.engines.load_engine` with the product's options (word
timestamps on, language detected; ours: int8 + VAD; openai-whisper: float32, no VAD), so
peak memory (ru_maxrss) is per engine. Printed: realtime factor (processing seconds per
audio second), speed (x realtime), peak RSS, WER, and the speed ratio. Goal: ≥ 4x, WER
within 1 point.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

MIT_OPENING = (
    "Permission is hereby granted, free of charge, to any person obtaining a copy of this software and "
    "associated documentation files (the Software), to deal in the Software without restriction, including "
    "without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell "
    "copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the "
    "following conditions: The above copyright notice and this permission notice shall be included in all "
    "copies or substantial portions of the Software."
)
ENGLISH_PART_OF_MULTILINGUAL = 29.2  # seconds: the English reading ends at ~28.9 s, German starts at ~30.6 s
ROUNDS = 3
GAP = 0.5


def clips():
    from tests.support.media import REFERENCE, media

    return [
        (media("jfk.flac"), None, REFERENCE["jfk.flac"]),
        (media("pv_test_en.wav"), None, REFERENCE["pv_test_en.wav"]),
        (media("multilingual.mp3"), ENGLISH_PART_OF_MULTILINGUAL, MIT_OPENING),
    ]


def build_speech(dest: Path) -> tuple[float, str]:
    """Concatenate the clips into one 16 kHz mono WAV; returns (duration, reference text)."""
    inputs, filters, references = [], [], []
    n = 0
    for round_ in range(ROUNDS):
        for path, cut, reference in clips():
            inputs += ["-i", str(path)]
            trim = f"atrim=0:{cut}," if cut else ""
            # No silence after the last clip: openai-whisper spent minutes in temperature
            # fallbacks on a final window of ~2 s of near-silence (faster-whisper's VAD skips it).
            last = round_ == ROUNDS - 1 and path == clips()[-1][0]
            pad = "" if last else f",apad=pad_dur={GAP}"
            filters.append(f"[{n}:a]{trim}aresample=16000,aformat=sample_fmts=fltp:channel_layouts=mono{pad}[a{n}]")
            references.append(reference)
            n += 1
    graph = ";".join(filters) + ";" + "".join(f"[a{i}]" for i in range(n)) + f"concat=n={n}:v=0:a=1[out]"
    subprocess.run(["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex", graph, "-map", "[out]",
                    "-ac", "1", "-ar", "16000", str(dest)], check=True)
    from ingest.audio import load_audio

    return load_audio(dest).duration, " ".join(references)


def worker(engine: str, model: str, audio: str, beam_size: int, threads: int) -> None:
    """Runs in a subprocess: load, transcribe once, print one JSON line."""
    from ingest.engines import TranscribeOptions, load_engine

    options = TranscribeOptions(engine=engine, model=model, beam_size=beam_size, threads=threads)
    t0 = time.perf_counter()
    transcriber = load_engine(options)
    t1 = time.perf_counter()
    result = transcriber.transcribe(Path(audio))
    t2 = time.perf_counter()
    print(json.dumps({
        "load_s": t1 - t0,
        "transcribe_s": t2 - t1,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "text": " ".join(s.text for s in result.segments),
        "language": result.info.language,
    }))


def run_worker(engine: str, model: Path, audio: Path, beam_size: int, threads: int) -> dict:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    out = subprocess.run(
        [sys.executable, __file__, "--worker", engine, str(model), str(audio), str(beam_size), str(threads)],
        capture_output=True, text=True, env=env, cwd=REPO,
    )
    if out.returncode != 0:
        raise SystemExit(f"{engine} worker failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1,
                        help="CPU threads per engine (1: on a busy machine torch with 2 threads ran 6x slower)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per engine (alternating); medians are shown")
    args = parser.parse_args()

    from demo.bundled import base_dir
    from tests.support.ct2_to_openai import checkpoint_for
    from tests.support.wer import wer

    cache = REPO / ".cache" / "test-models"
    ct2 = base_dir(cache)
    models = {"faster-whisper": ct2, "openai-whisper": checkpoint_for(ct2, cache)}
    with tempfile.TemporaryDirectory() as tmp:
        audio = Path(tmp) / "speech.wav"
        duration, reference = build_speech(audio)
        print(f"speech: {duration:.1f} s of real English ({ROUNDS} rounds of jfk, pv_test_en, MIT licence reading); "
              f"weights: Whisper base (same for both); beam {args.beam_size}; threads {args.threads}; "
              f"word timestamps on")
        runs: dict[str, list[dict]] = {name: [] for name in models}
        for _ in range(args.repeat):
            for name, model in models.items():
                runs[name].append(run_worker(name, model, audio, args.beam_size, args.threads))
    rows = {}
    for name, results in runs.items():
        seconds = statistics.median(r["transcribe_s"] for r in results)
        rows[name] = {
            "rtf": seconds / duration,
            "speed": duration / seconds,
            "peak_mb": max(r["peak_rss_mb"] for r in results),
            "wer": wer(reference, results[0]["text"]),
            "load": statistics.median(r["load_s"] for r in results),
            "language": results[0]["language"],
        }
    print(f"{'engine':<16}{'RTF':>7}{'x realtime':>12}{'peak RSS':>11}{'WER':>8}{'load':>8}  language")
    for name, r in rows.items():
        print(f"{name:<16}{r['rtf']:>7.3f}{r['speed']:>11.1f}x{r['peak_mb']:>8.0f} MB{r['wer'] * 100:>7.1f}%"
              f"{r['load']:>7.1f}s  {r['language']}")
    ours, theirs = rows["faster-whisper"], rows["openai-whisper"]
    ratio = theirs["rtf"] / ours["rtf"]
    gap = (ours["wer"] - theirs["wer"]) * 100
    print(f"speed ratio (openai-whisper time / ours): {ratio:.2f}x  (goal ≥ 4x: {'met' if ratio >= 4 else 'NOT met'})")
    print(f"WER difference (ours - openai): {gap:+.1f} points  (goal ≤ 1: {'met' if gap <= 1 else 'NOT met'})")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        engine, model, audio, beam, threads = sys.argv[2:7]
        worker(engine, model, audio, int(beam), int(threads))
    else:
        main()
