"""Benchmark: the Whoosh index vs SQLite FTS5 on a channel-sized synthetic archive, side by side.

    python -m bench.search [--sessions 500] [--hours 1.5] [--root data/bench] [--runs 5] [--meaning]

Generates (or reuses) the archive of bench.archive, then measures in one run: full build time,
index size, time to add one session, first-open time, and median / p95 latency per query class,
for SessionSearch (index.search) and for SQLite FTS5 over the same passages (unicode61 with
diacritics removed, no stemming, no fuzzy). Prints ratios; asserts nothing.

--meaning also embeds the archive with the default encoder into a second index, ROOT/index-meaning,
kept between runs: `sessions index` style (index.build.update), one video at a time, so a run that
is stopped resumes where it was. Embedding the whole archive takes about an hour on 2 cores; the
seconds spent are summed over runs in ROOT/index-meaning.embedding.json. Then: p95 of the meaning
and both modes next to words and FTS5 per query class, vector storage, adding one session with its
vectors, and sibling precision / recall on the planted EN/FR/ES triplets (--triplets, planted in
every archive this bench makes, after the word-salad sessions).

Each SearchIndex is warmed first (SearchIndex.warm, as `sessions serve` does: the frequent terms'
postings decoded in memory, and the vectors); --cold leaves that out and times what a one-shot
`sessions search` does, every term read from disk.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from archive.store import TranscriptStore
from bench.archive import generate_archive, make_session, sibling_triplet
from index import schema as S
from index.build import documents, index_transcript, rebuild, update
from index.encoders import MeaningOptions
from index.results import SearchFilters
from index.search import SearchIndex

CLASSES = {
    "rare term": [],  # filled in main(): words from the far tail of the archive's vocabulary
    "place name": [("Chefchaouen", {}), ("Valparaíso", {}), ("Gwangju", {}), ("Ouagadougou", {})],
    "common term": [("government", {}), ("développement", {}), ("participación", {}), ("local", {})],
    "phrase": [('"local government"', {}), ('"gobiernos locales"', {}), ('"mise œuvre"', {}),
               ('"peer learning"', {})],
    "boolean": [("housing OR vivienda OR logement", {}), ("climate AND finance NOT water", {}),
                ("(budget OR finance) AND transparency", {}), ("agua AND saneamiento", {})],
    "fuzzy": [("goverment~", {}), ("particpation~", {}), ("resilince~", {}), ("municipalite~1", {})],
    "prefix": [("decentrali*", {}), ("particip*", {}), ("territor*", {}), ("sanit*", {})],
    "filtered": [("climate", {"languages": ("en",), "since": date(2022, 1, 1)}),
                 ("budget", {"languages": ("fr", "es")}),
                 ("housing", {"title": "peer learning"}),
                 ("water", {"since": date(2020, 1, 1), "until": date(2021, 12, 31)})],
    "date-sorted": [("budget", {"sort": "date"}), ("climate", {"sort": "date"}),
                    ("ciudad", {"sort": "date"}), ("mobility", {"sort": "date"})],
}


def rare_words(seed: int = 0) -> list[str]:
    """Four words near the end of the Zipf ranking (a few dozen occurrences in the archive)."""
    import random

    from bench.archive import _vocabulary

    out = []
    for lang in ("en", "fr", "es", "en"):
        words, _ = _vocabulary(lang, random.Random(f"{seed}-{lang}"))
        out.append(words[-10 - len(out)])
    return out


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


# -- SQLite FTS5 over the same passages -----------------------------------------------------
def build_fts(store: TranscriptStore, db: Path) -> None:
    db.unlink(missing_ok=True)
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE p USING fts5(text, video UNINDEXED, lang UNINDEXED, date UNINDEXED, "
                "start UNINDEXED, title, tokenize='unicode61 remove_diacritics 2')")
    for t in store.iter_all():
        rows = []
        for d in documents(t, "x")[1:]:
            rows.append((d[S.PAYLOAD]["text"], d[S.VIDEO], d[S.LANG], d[S.DATE], d[S.START], d[S.TITLE]))
        con.executemany("INSERT INTO p VALUES (?,?,?,?,?,?)", rows)
    con.commit()
    con.close()


def _fts_query(q: str) -> str:
    # FTS5 has no fuzzy and no stemming: strip '~', keep prefixes and phrases, map NOT.
    q = q.replace("~1", "").replace("~", "")
    return q.replace(" NOT ", " NOT ")


def fts_search(con, q: str, opts: dict, limit=20, per_video=5):
    where, args = ["p MATCH ?"], [_fts_query(q)]
    if opts.get("languages"):
        where.append(f"lang IN ({','.join('?' * len(opts['languages']))})")
        args += list(opts["languages"])
    if opts.get("since"):
        where.append("date >= ?")
        args.append(int(opts["since"].strftime("%Y%m%d")))
    if opts.get("until"):
        where.append("date <= ?")
        args.append(int(opts["until"].strftime("%Y%m%d")))
    if opts.get("title"):
        where[0] = "p MATCH ?"
        args[0] = f"({args[0]}) AND title:({opts['title']})"
    order = "best" if opts.get("sort", "relevance") == "relevance" else "date DESC"
    top = con.execute(f"SELECT video, date, count(*) n, min(rank) best FROM p WHERE {' AND '.join(where)} "
                      f"GROUP BY video ORDER BY {order} LIMIT {limit}", args).fetchall()
    if not top:
        return []
    videos = [t[0] for t in top]
    ranked = con.execute(f"SELECT rowid, video FROM p WHERE {' AND '.join(where)} "
                         f"AND video IN ({','.join('?' * len(videos))}) ORDER BY rank", args + videos).fetchall()
    per: dict[str, list[int]] = {}
    for rowid, video in ranked:
        if len(per.setdefault(video, [])) < per_video:
            per[video].append(rowid)
    rowids = [r for rs in per.values() for r in rs]
    return con.execute(f"SELECT rowid, snippet(p, 0, '<mark>', '</mark>', '…', 12) FROM p WHERE {' AND '.join(where)} "
                       f"AND rowid IN ({','.join('?' * len(rowids))})", args + rowids).fetchall()


# -- meaning ---------------------------------------------------------------------------------
def embed_archive(store: TranscriptStore, midx: Path, meaning: MeaningOptions, log) -> dict:
    """Bring ROOT/index-meaning in line with the archive (words, then vectors), timing the embedding;
    the seconds and segments embedded add up over runs in <midx>.embedding.json."""
    ledger = midx.with_name(f"{midx.name}.embedding.json")
    total = {"seconds": 0.0, "segments": 0, "sessions": 0, "runs": 0, "load_1min": []}
    if ledger.exists():
        total.update(json.loads(ledger.read_text()))
    t = time.perf_counter()
    update(store, midx, on_progress=lambda i, n, _: i % 50 == 0 and log(f"meaning index: words {i}/{n}"))
    words_s = time.perf_counter() - t
    since = time.perf_counter()

    def progress(i, n, source):
        nonlocal since
        # the time since the previous video (the first: since the update began, loading the encoder),
        # not counting this bookkeeping
        total["seconds"] += time.perf_counter() - since
        total["segments"] += sum(1 for s in store.read_path(store.root / source).segments if s.text.strip())
        total["sessions"] += 1
        total["load_1min"].append(round(os.getloadavg()[0], 2))  # how busy the cores were
        ledger.write_text(json.dumps(total))  # a stopped run keeps what it spent
        since = time.perf_counter()
        if i % 10 == 0 or i == n:
            log(f"embedded {i}/{n} ({total['segments'] / max(total['seconds'], 1e-9):.0f} segments/s)")

    report = update(store, midx, meaning=meaning, on_embed=progress)
    total["runs"] += bool(report.embedded)
    ledger.write_text(json.dumps(total))
    return {"meaning_index_words_s": words_s, "meaning_embedded": len(report.embedded), "embedding": total,
            "vectors_mb": _du(midx / "meaning") / 1e6}


def sibling_figures(si: SearchIndex, planted: list[list[str]]) -> dict:
    truth = {frozenset((a, b)) for trip in planted for i, a in enumerate(trip) for b in trip[i + 1:]}
    found = {frozenset((v.id, s.video.id)) for v in si.videos() for s in si.siblings(v.id)}
    tp = len(found & truth)
    return {"sibling_pairs_found": len(found), "sibling_pairs_planted": len(truth),
            "sibling_precision": tp / len(found) if found else 1.0,
            "sibling_recall": tp / len(truth) if truth else 1.0}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=500)
    ap.add_argument("--hours", type=float, default=1.5)
    ap.add_argument("--root", type=Path, default=Path("data/bench"))
    ap.add_argument("--runs", type=int, default=10, help="timed runs of each query")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--reuse-builds", action="store_true",
                    help="keep the words index and FTS5 database of the last run (timing searches only)")
    ap.add_argument("--cold", action="store_true",
                    help="don't warm the indexes first (every term's postings read from disk, as one CLI search does)")
    ap.add_argument("--triplets", type=int, default=10, help="planted EN/FR/ES sibling events")
    ap.add_argument("--meaning", action="store_true",
                    help="also embed the archive (default encoder; vectors kept in ROOT/index-meaning and "
                         "completed by the next run) and time --mode meaning and both per query class")
    args = ap.parse_args(argv)
    meaning = MeaningOptions() if args.meaning else None
    root = args.root
    tdir, idir, db = root / "transcripts", root / "index", root / "fts.sqlite"
    figures: dict = {"sessions": args.sessions, "hours_per_session": args.hours, "triplets": args.triplets}

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    store = TranscriptStore(tdir)
    marker = root / f"archive-{args.sessions}-{args.hours}.done"
    if not marker.exists():
        shutil.rmtree(tdir, ignore_errors=True)
        t = time.perf_counter()
        generate_archive(tdir, sessions=args.sessions, hours=args.hours,
                         on_progress=lambda i, n: i % 50 == 0 and log(f"generated {i}/{n}"))
        figures["generate_s"] = time.perf_counter() - t
        marker.write_text("ok")
    planted = [[t.video.id for t in sibling_triplet(n, hours=args.hours)] for n in range(args.triplets)]
    for n, ids in enumerate(planted):
        if not all((tdir / f"{vid}.json").exists() for vid in ids):
            for t in sibling_triplet(n, hours=args.hours):
                store.write(t)
    segments = sum(1 for t in store.iter_all() for _ in t.segments)
    figures["segments"] = segments
    log(f"archive: {args.sessions} sessions, {segments} segments")

    builds = root / "build-figures.json"  # what the last full builds took (--reuse-builds prints them)
    if args.reuse_builds and builds.exists() and idir.is_dir() and db.exists():
        figures.update(json.loads(builds.read_text()))
        log("reusing the words index and the FTS5 database of the last run (their build figures are that run's)")
    else:
        t = time.perf_counter()
        report = rebuild(store, idir, on_progress=lambda i, n, _: i % 50 == 0 and log(f"indexed {i}/{n}"))
        figures["whoosh_build_s"] = time.perf_counter() - t
        figures["whoosh_size_mb"] = _du(idir) / 1e6
        log(f"whoosh build {figures['whoosh_build_s']:.0f} s, {figures['whoosh_size_mb']:.0f} MB, {report.videos} videos")
        t = time.perf_counter()
        build_fts(store, db)
        figures["fts_build_s"] = time.perf_counter() - t
        figures["fts_size_mb"] = db.stat().st_size / 1e6
        log(f"fts5 build {figures['fts_build_s']:.0f} s, {figures['fts_size_mb']:.0f} MB")
        builds.write_text(json.dumps({k: figures[k] for k in
                                      ("whoosh_build_s", "whoosh_size_mb", "fts_build_s", "fts_size_mb")}))
    midx = root / "index-meaning"
    if meaning is not None:
        figures.update(embed_archive(store, midx, meaning, log))
    figures["passages"] = None

    t = time.perf_counter()
    si = SearchIndex(idir)
    figures["whoosh_open_s"] = time.perf_counter() - t
    figures["warm"] = not args.cold
    if not args.cold:
        t = time.perf_counter()
        si.warm()
        figures["whoosh_warm_s"] = time.perf_counter() - t
        figures["hot_postings"] = si._hot.postings()
        figures["hot_mb"] = si._hot.nbytes() / 1e6
        log(f"warmed in {figures['whoosh_warm_s']:.1f} s: {figures['hot_postings']:,} postings of frequent terms held")
    figures["passages"] = len(si._gen.doc_video)

    CLASSES["rare term"] = [(w, {}) for w in rare_words(seed=0)]
    con = sqlite3.connect(db)
    rows = []
    msi = SearchIndex(midx) if meaning is not None else None
    if msi is not None and not args.cold:
        t = time.perf_counter()
        msi.warm()
        figures["meaning_warm_s"] = time.perf_counter() - t
    for cls, queries in CLASSES.items():
        w_times, f_times, hits = [], [], []
        m_times: dict[str, list[float]] = {}
        for q, opts in queries:
            opts = dict(opts)
            sort = opts.pop("sort", "relevance")
            filters = SearchFilters(**opts)
            r = si.search(q, filters=filters, sort=sort)  # warm-up (term caches, page cache)
            hits.append(r.total_hits)
            fts_search(con, q, {**opts, "sort": sort})
            for _ in range(args.runs):
                t = time.perf_counter()
                si.search(q, filters=filters, sort=sort)
                w_times.append(time.perf_counter() - t)
                for mode in ("meaning", "both") if msi is not None else ():
                    if not m_times.get(mode):
                        msi.search(q, filters=filters, sort=sort, mode=mode)  # warm-up: loads the vectors
                    msi.meaning.clear_query_cache()  # every run pays the query's encoding
                    t = time.perf_counter()
                    msi.search(q, filters=filters, sort=sort, mode=mode)
                    m_times.setdefault(mode, []).append(time.perf_counter() - t)
                t = time.perf_counter()
                fts_search(con, q, {**opts, "sort": sort})
                f_times.append(time.perf_counter() - t)
        row = {
            "class": cls,
            "whoosh_median_ms": statistics.median(w_times) * 1000,
            "whoosh_p95_ms": _pct(w_times, 0.95) * 1000,
            "fts_median_ms": statistics.median(f_times) * 1000,
            "fts_p95_ms": _pct(f_times, 0.95) * 1000,
            "hits": hits,
            **{f"{mode}_p95_ms": _pct(ts, 0.95) * 1000 for mode, ts in m_times.items()},
        }
        rows.append(row)
        log(f"{cls}: {row['whoosh_median_ms']:.0f}/{row['whoosh_p95_ms']:.0f} ms vs fts "
            f"{row['fts_median_ms']:.0f}/{row['fts_p95_ms']:.0f} ms")
    figures["queries"] = rows

    extra = make_session(args.sessions + 1, hours=args.hours)
    t = time.perf_counter()
    index_transcript(idir, extra, "bench-extra")
    figures["whoosh_add_one_s"] = time.perf_counter() - t
    if msi is not None:
        figures.update(sibling_figures(msi, planted))
        extra2 = make_session(args.sessions + 2, hours=args.hours)
        t = time.perf_counter()
        index_transcript(midx, extra2, "bench-extra2", meaning=meaning)  # the next run's update drops it
        figures["add_one_with_vectors_s"] = time.perf_counter() - t
    t = time.perf_counter()
    si.search("government")  # the first search after a change reopens the searcher
    figures["whoosh_first_search_after_add_s"] = time.perf_counter() - t
    t = time.perf_counter()
    rows_extra = [(d[S.PAYLOAD]["text"], d[S.VIDEO], d[S.LANG], d[S.DATE], d[S.START], d[S.TITLE])
                  for d in documents(extra, "x")[1:]]
    con.executemany("INSERT INTO p VALUES (?,?,?,?,?,?)", rows_extra)
    con.commit()
    figures["fts_add_one_s"] = time.perf_counter() - t

    print(f"Archive: {args.sessions} sessions x {args.hours} h, {segments:,} segments, "
          f"{figures['passages']:,} index documents")
    print(f"{'':24}{'Whoosh':>12}{'FTS5':>12}{'ratio':>8}")
    for label, w, f in (("full build (s)", figures["whoosh_build_s"], figures["fts_build_s"]),
                        ("index size (MB)", figures["whoosh_size_mb"], figures["fts_size_mb"]),
                        ("add one session (s)", figures["whoosh_add_one_s"], figures["fts_add_one_s"])):
        print(f"{label:24}{w:12.2f}{f:12.2f}{w / f:8.1f}")
    print(f"{'open index (s)':24}{figures['whoosh_open_s']:12.2f}")
    if figures["warm"]:
        print(f"{'warm (s)':24}{figures['whoosh_warm_s']:12.2f}   ({figures['hot_postings']:,} postings of "
              f"frequent terms held, {figures['hot_mb']:.0f} MB; searches below are warm)")
    else:
        print("searches below are cold (--cold: every term read from disk)")
    print(f"{'1st search after add (s)':24}{figures['whoosh_first_search_after_add_s']:12.2f}")
    print(f"\n{'query class':16}{'Whoosh med':>11}{'p95':>8}{'FTS5 med':>10}{'p95':>8}{'p95 ratio':>10}  (ms)")
    for r in rows:
        print(f"{r['class']:16}{r['whoosh_median_ms']:11.1f}{r['whoosh_p95_ms']:8.1f}"
              f"{r['fts_median_ms']:10.1f}{r['fts_p95_ms']:8.1f}{r['whoosh_p95_ms'] / max(r['fts_p95_ms'], 0.01):10.1f}")
    if meaning is not None:
        e = figures["embedding"]
        print(f"\nmeaning ({meaning.encoder}, {meaning.threads} thread(s)): {e['sessions']} sessions, "
              f"{e['segments']:,} segments embedded in {e['seconds'] / 60:.1f} min over {e['runs']} run(s) "
              f"({e['segments'] / max(e['seconds'], 1e-9):.0f} segments/s, median load average "
              f"{statistics.median(e['load_1min']) if e['load_1min'] else '?'}; this run: {figures['meaning_embedded']} "
              f"sessions) vs the words index's full build {figures['whoosh_build_s'] / 60:.1f} min "
              f"({e['seconds'] / figures['whoosh_build_s']:.1f}x); vectors {figures['vectors_mb']:.0f} MB "
              f"next to the words index's {figures['whoosh_size_mb']:.0f} MB; add one session with vectors "
              f"{figures['add_one_with_vectors_s']:.1f} s")
        print(f"siblings: {figures['sibling_pairs_found']} pairs found, precision "
              f"{figures['sibling_precision']:.2f}, recall {figures['sibling_recall']:.2f} "
              f"({figures['sibling_pairs_planted']} planted pairs in {args.triplets} triplets)")
        print(f"{'query class':16}{'words p95':>10}{'meaning p95':>12}{'both p95':>10}{'FTS5 p95':>10}  (ms)")
        for r in rows:
            print(f"{r['class']:16}{r['whoosh_p95_ms']:10.1f}{r.get('meaning_p95_ms', 0):12.1f}"
                  f"{r.get('both_p95_ms', 0):10.1f}{r['fts_p95_ms']:10.1f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
