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


def _whoosh_lines(si: SearchIndex, query: str, vid: str) -> set[int]:
    """The session's matching lines as Whoosh's own matcher finds them (what matching_segments did)."""
    from whoosh.query import And, Term

    from index import schema as S
    from index.moments import locate

    marks = si.highlighter(query)
    gen = si._current()
    out = set()
    for docnum in gen.searcher.docs_for_query(And([marks.query, Term(S.VIDEO, vid)])):
        payload = gen.searcher.stored_fields(docnum)[S.PAYLOAD]
        located = locate(payload, marks.spec, payload.get("lang"))
        out |= {seg[0] for s, _e in (located.spans if located else ()) for seg in payload["segs"] if seg[3] <= s < seg[4]}
    return out


def test_a_sessions_matching_lines_are_whooshs_held_or_not(index_dir):
    cold = SearchIndex(index_dir)
    hot = SearchIndex(index_dir)
    hot._hot.min_docs = 1
    hot.warm()
    index_transcript(index_dir, _session("housing0001", "en", "now only sanitation and housing", 10), "a2")
    for q in QUERIES:
        for vid in ("housing0001", "housing0002", "agua0000001"):
            expected = _whoosh_lines(SearchIndex(index_dir), q, vid)
            assert cold.matching_segments(q, vid) == expected == hot.matching_segments(q, vid), (q, vid)
    assert hot.matching_segments("housing", "housing0002")  # found at all
    assert hot.matching_segments("housing", "not-indexed") == set()
