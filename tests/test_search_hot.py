"""SearchIndex with the frequent terms' postings held decoded (SearchIndex.warm, index.bm25.HotPostings):
the same results as reading them from disk, across later commits that add, replace and merge segments."""

from __future__ import annotations

import pytest

from index.build import index_transcript
from index.search import SearchIndex
from tests.support.index_data import transcript

QUERIES = ("housing", "water OR agua", '"peer learning"', "housing NOT water", "hous*", "sanitaton~",
           "budget housing")


def _session(vid: str, lang: str, words: str, n: int):
    return transcript(vid, lang, [f"{words} line {i} about peer learning and budget" for i in range(n)])


def _view(result):
    return [(v.video.id, v.hit_count, [(m.word_time, m.text, m.spans) for m in v.moments], v.positions)
            for v in result.videos], result.total_hits


@pytest.fixture
def index_dir(tmp_path):
    ix = tmp_path / "index"
    index_transcript(ix, _session("housing0001", "en", "housing and water", 60), "a")
    index_transcript(ix, _session("housing0002", "en", "housing without the other word", 45), "b")
    index_transcript(ix, _session("agua0000001", "es", "agua y saneamiento", 30), "c")
    return ix


def test_warm_holds_postings_and_changes_no_result(index_dir):
    cold = SearchIndex(index_dir)
    hot = SearchIndex(index_dir)
    hot._hot.min_docs = 1  # this tiny archive has no "frequent" term at the real threshold
    hot.warm()
    assert hot._hot.postings() > 0
    for q in QUERIES:
        assert _view(hot.search(q)) == _view(cold.search(q)), q


def test_held_postings_stay_right_after_sessions_are_replaced_and_added(index_dir):
    hot = SearchIndex(index_dir)
    hot._hot.min_docs = 1
    hot.warm()
    before = hot.search("housing")
    assert {v.video.id for v in before.videos} == {"housing0001", "housing0002"}
    # Re-indexing a session deletes its old passages from the held segment and adds a new segment.
    index_transcript(index_dir, _session("housing0001", "en", "now only sanitation", 10), "a2")
    index_transcript(index_dir, _session("housing0003", "fr", "logement et eau", 20), "d")
    after = hot.search("housing")
    held = [sub.reader() for sub, _ in hot._gen.searcher.subsearchers
            if hot._hot._segments.get(sub.reader().segment().segment_id())]
    assert any(r.has_deletions() for r in held), "the replaced passages should be deleted inside a held segment"
    assert {v.video.id for v in after.videos} == {"housing0002"}
    assert after.total_hits == before.videos[[v.video.id for v in before.videos].index("housing0002")].hit_count
    assert _view(hot.search("water OR eau")) == _view(SearchIndex(index_dir).search("water OR eau"))
    hot._rewarming.join(timeout=30)  # a new generation was opened: its new segments get held too
    assert {sub.reader().segment().segment_id() for sub, _ in hot._gen.searcher.subsearchers} == set(hot._hot._segments)
    for q in QUERIES + ("logement", "sanitation"):
        assert _view(hot.search(q)) == _view(SearchIndex(index_dir).search(q)), q
