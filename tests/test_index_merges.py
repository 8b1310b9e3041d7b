"""Commits merge only small segments (index.build.merge_bounded): adding a session never rewrites
the archive's large segments, and the segment count stays bounded."""

from __future__ import annotations

import index.build as build
from archive.store import TranscriptStore
from index.build import index_transcript, open_index, rebuild
from index.search import SearchIndex
from tests.support.index_data import transcript


def session(n: int):
    return transcript(f"video{n:05d}", "en", [f"water sanitation report {n}", "housing and budget", "closing"])


def segments(ix_dir) -> list[tuple[str, int]]:
    return [(seg.segment_id(), seg.doc_count_all()) for seg in open_index(ix_dir)._segments()]


def test_adding_sessions_merges_small_segments_and_leaves_the_large_one(tmp_path, monkeypatch):
    store = TranscriptStore(tmp_path / "transcripts")
    for n in range(40):
        store.write(session(n))
    ix = tmp_path / "index"
    rebuild(store, ix)
    (big,) = segments(ix)  # a rebuild writes one optimised segment
    monkeypatch.setattr(build, "MERGE_MAX_DOCS", big[1] // 2)  # the large segment is over the bound
    monkeypatch.setattr(build, "MERGE_FACTOR", 3)
    counts = []
    for n in range(40, 52):
        index_transcript(ix, session(n), f"sum{n}")
        now = segments(ix)
        assert big in now  # never merged, never rewritten
        counts.append(len(now))
    assert max(counts) <= 1 + 3 + 1  # the large one, fewer than MERGE_FACTOR small ones, a merged one
    assert min(counts[3:]) < max(counts)  # small segments were merged
    assert SearchIndex(ix).search("sanitation").total_videos == 52


def test_a_merge_needs_enough_small_segments(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "MERGE_FACTOR", 100)
    ix = tmp_path / "index"
    for n in range(5):
        index_transcript(ix, session(n), f"sum{n}")
    assert len(segments(ix)) == 5
