"""Benchmark: a whole channel's first ingest, side by side — one process, batched, --jobs 2, Dask.

    python -m bench.ingest [--minutes 30] [--videos 6] [--configs sequential,batched,jobs2,dask2]

Builds `--minutes` of real speech from ../shared/media, split into `--videos` m4a videos served by
the loopback RSS feed (demo.localfeed): rounds of jfk, pv_test_en and the English reading of
multilingual.mp3 (46 s a round, clips 0.5 s apart; reference texts known). English only: the
shared media hold under a minute of distinct speech in any other language, and a 5-s French or
Spanish sentence looped for minutes is not speech Whisper meets in a webinar (sequential decoding
looped on it, batched decoding merged the repeats: WER 30% and 86%, measuring the loop). Per-window
language handling is tested on multilingual.mp3 (tests/test_long_recordings.py).
Each configuration ingests the feed
into a fresh archive with the `sessions ingest` command in a subprocess, the offline multilingual
`base` model (int8, beam 5, VAD, word timestamps, language detected per window), and prints:
hours of audio per hour of wall time (= x realtime), peak memory (summed RSS of every process
doing the work, sampled every 0.2 s: coordinator + job workers / Dask workers) and WER against
the reference texts. Configurations:
  sequential   one process, sequential decoding (batch_size 0): the configuration before this work
  batched      one process, batch_size 8
  jobs2        --jobs 2, sequential decoding in each worker
  jobs2b       --jobs 2, batch_size 8 in each worker
  dask2        a local `dask scheduler` + two `dask worker --nthreads 1` processes, batch_size 8
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.transcribe import ENGLISH_PART_OF_MULTILINGUAL, GAP, MIT_OPENING  # noqa: E402


@dataclass(frozen=True)
class Setup:
    name: str
    batch_size: int
    jobs: int = 1
    dask_workers: int = 0


SETUPS = {
    "sequential": Setup("sequential", 0),
    "batched": Setup("batched", 8),
    "jobs2": Setup("jobs2", 0, jobs=2),
    "jobs2b": Setup("jobs2b", 8, jobs=2),
    "dask2": Setup("dask2", 8, dask_workers=2),
}


def clips():
    from tests.support.media import REFERENCE, media

    return [(media("jfk.flac"), None, REFERENCE["jfk.flac"]),
            (media("pv_test_en.wav"), None, REFERENCE["pv_test_en.wav"]),
            (media("multilingual.mp3"), ENGLISH_PART_OF_MULTILINGUAL, MIT_OPENING)]


def build_video(dest: Path, seconds: float) -> tuple[float, str]:
    """Rounds of the clips up to `seconds`, as one m4a; (duration, reference text)."""
    from ingest.audio import probe_duration

    one_round = sum((probe_duration(p) if cut is None else cut) + GAP for p, cut, _ in clips())
    rounds = max(1, round(seconds / one_round))
    inputs, filters, references = [], [], []
    for n, (path, cut, reference) in enumerate(clips()):
        inputs += ["-i", str(path)]
        trim = f"atrim=0:{cut}," if cut else ""
        filters.append(f"[{n}:a]{trim}aresample=16000,aformat=sample_fmts=fltp:channel_layouts=mono,"
                       f"apad=pad_dur={GAP}[a{n}]")
        references.append(reference)
    graph = ";".join(filters) + ";" + "".join(f"[a{i}]" for i in range(len(filters))) + \
        f"concat=n={len(filters)}:v=0:a=1,aloop=loop={rounds - 1}:size={int(one_round * 16000) + 16000}[out]"
    subprocess.run(["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex", graph, "-map", "[out]", "-ac", "1",
                    "-ar", "16000", "-c:a", "aac", "-b:a", "48k", str(dest)], check=True)
    return probe_duration(dest) or 0.0, " ".join(references * rounds)


def write_config(folder: Path, model: Path, setup: Setup) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(textwrap.dedent(f"""\
        [paths]
        transcripts = "transcripts"
        index = "data/index"
        audio = "data/audio"
        state = "data/state"

        [transcribe]
        model = "{model}"
        beam_size = 5
        batch_size = {setup.batch_size}

        [ingest]
        sleep_interval = 0.0
        max_sleep_interval = 0.0
        sleep_requests = 0.0
        jobs = {setup.jobs}
        """), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss(pids: list[int]) -> float:
    """MB of resident memory of these processes and all their children."""
    import psutil

    total = 0
    for pid in pids:
        try:
            proc = psutil.Process(pid)
            for p in [proc, *proc.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def run_setup(setup: Setup, feed_url: str, model: Path, root: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1")
    config = write_config(root / setup.name, model, setup)
    helpers: list[subprocess.Popen] = []
    args = ["ingest", "-q", feed_url]
    try:
        if setup.dask_workers:
            dask = str(Path(sys.executable).with_name("dask"))
            port = free_port()
            address = f"tcp://127.0.0.1:{port}"
            helpers.append(subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                             "--no-dashboard"], env=env, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL))
            for i in range(setup.dask_workers):
                helpers.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-nanny",
                                                 "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{i}"],
                                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            _wait_for_workers(address, setup.dask_workers)
            args += ["--scheduler", address]
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", "from ui.cli import main; main()", *args], cwd=REPO,
                                env=dict(env, SESSIONS_CONFIG=str(config)), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        watched = [proc.pid] + [h.pid for h in helpers[1:]]  # not the scheduler: it does no transcription
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, tree_rss(watched))
            time.sleep(0.2)
        wall = time.perf_counter() - start
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"{setup.name} failed:\n{out[-2000:]}\n{err[-2000:]}")
    finally:
        for h in reversed(helpers):
            h.terminate()
            h.wait(timeout=30)
    return {"wall": wall, "peak_mb": peak, "archive": root / setup.name}


def _wait_for_workers(address: str, n: int) -> None:
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(n, timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="minutes of speech in all (≥ 30 for the goal)")
    parser.add_argument("--videos", type=int, default=6)
    parser.add_argument("--configs", default="sequential,batched,jobs2,jobs2b,dask2")
    args = parser.parse_args()

    from archive.store import TranscriptStore
    from demo.bundled import base_dir
    from demo.localfeed import FeedItem, LocalFeed
    from tests.support.wer import wer

    model = base_dir(REPO / ".cache" / "test-models")
    setups = [SETUPS[name] for name in args.configs.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        items, references, total = [], {}, 0.0
        for i in range(args.videos):
            path = tmp_path / f"video{i}.m4a"
            duration, reference = build_video(path, args.minutes * 60 / args.videos)
            items.append(FeedItem(guid=f"video{i}", title=f"Bench video {i}", file=path))
            references[f"video{i}"] = reference
            total += duration
        print(f"speech: {total / 60:.1f} min in {args.videos} videos (English: rounds of jfk, pv_test_en, MIT licence "
              f"reading; language detected); "
              f"model base int8, beam 5, VAD, word timestamps; "
              f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
        rows = {}
        with LocalFeed(items, title="Bench channel") as feed:
            for setup in setups:
                r = run_setup(setup, feed.url, model, tmp_path)
                store = TranscriptStore(r["archive"] / "transcripts")
                hyp = " ".join(store.read(v).text for v in references)
                rows[setup.name] = dict(r, wer=wer(" ".join(references.values()), hyp), speed=total / r["wall"])
                print(f"  {setup.name}: {r['wall']:.0f} s, {total / r['wall']:.2f}x realtime, peak {r['peak_mb']:.0f} MB, "
                      f"WER {rows[setup.name]['wer'] * 100:.1f}%", flush=True)
        base = rows.get("sequential")
        print(f"{'configuration':<14}{'wall':>8}{'h audio/h':>11}{'vs seq':>8}{'peak RSS':>11}{'WER':>8}")
        for name, r in rows.items():
            ratio = f"{r['speed'] / base['speed']:.2f}x" if base else "-"
            print(f"{name:<14}{r['wall']:>7.0f}s{r['speed']:>10.2f}x{ratio:>8}{r['peak_mb']:>8.0f} MB"
                  f"{r['wer'] * 100:>7.1f}%")
        print(f"load average at end {os.getloadavg()[0]:.1f} (a shared machine: figures vary with other work)")


if __name__ == "__main__":
    main()
