"""Benchmark: session-level matching (titles, descriptions, chapter titles: index.metadata) per search.

    python -m bench.metadata [--sessions 1000] [--chapters 15] [--description-words 80]

Synthetic session table (random words from a 3,000-word vocabulary), the shape the index keeps in
memory; times `session_matches` for one query per class, the first search of a process (texts not
yet analysed) and the next ones, without chapters and with `--chapters` per session, side by side.
Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import time

from index import metadata
from index import query as Q

QUERIES = ("w17", "w17 w18", '"w17 w18"', "w1*", "w17~1", "w17 NOT w18")


def sessions(count: int, chapters: int, description_words: int, seed: int = 1) -> dict[str, dict]:
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(3000)]

    def text(n: int) -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(n))

    return {f"v{i}": {"lang": "en", "video": {
        "title": text(8), "description": text(description_words),
        "chapters": [{"title": text(5), "start": 60.0 * k, "end": 60.0 * (k + 1)} for k in range(chapters)]}}
        for i in range(count)}


def timings(table: dict[str, dict], runs: int = 3) -> dict[str, tuple[float, float]]:
    """{query: (first search ms, median of the next `runs` ms)}."""
    metadata._text.cache_clear()
    out = {}
    for q in QUERIES:
        node = Q.parse(q).node
        t0 = time.perf_counter()
        metadata.session_matches(node, table)
        first = time.perf_counter() - t0
        again = []
        for _ in range(runs):
            t0 = time.perf_counter()
            metadata.session_matches(node, table)
            again.append(time.perf_counter() - t0)
        out[q] = (first * 1000, sorted(again)[len(again) // 2] * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--chapters", type=int, default=15)
    parser.add_argument("--description-words", type=int, default=80)
    args = parser.parse_args()
    plain = timings(sessions(args.sessions, 0, args.description_words))
    chaptered = timings(sessions(args.sessions, args.chapters, args.description_words))
    print(f"{args.sessions} sessions, {args.description_words}-word descriptions; ms per search "
          f"(first search of a process / next ones)")
    print(f"{'query':14s} {'no chapters':>16s} {f'{args.chapters} chapters each':>20s} {'ratio (next)':>13s}")
    for q in QUERIES:
        (f0, n0), (f1, n1) = plain[q], chaptered[q]
        print(f"{q:14s} {f0:7.0f} / {n0:5.0f} {f1:11.0f} / {n1:5.0f} {n1 / max(n0, 1e-9):12.2f}x")


if __name__ == "__main__":
    main()
