"""index.build: incremental update by checksum, rebuild, one-transcript indexing, writer locks."""

from __future__ import annotations

import json

import pytest

from archive.store import TranscriptStore
from index import build
from index.build import index_transcript, rebuild, update
from index.errors import IndexBusy, IndexNotBuilt
from index.search import SearchIndex
from tests.support.index_data import transcript


@pytest.fixture
def store(tmp_path):
    s = TranscriptStore(tmp_path / "transcripts")
    s.write(transcript("vidAAAAAAA1", "en", ["peer learning on housing", "local finance matters"], date="2024-01-02"))
    s.write(transcript("vidBBBBBBB2", "fr", ["la participation citoyenne", "les finances locales"], date="2023-03-04"))
    return s


def test_update_is_incremental_by_checksum(store, tmp_path):
    ix = tmp_path / "index"
    first = update(store, ix)
    assert sorted(first.added) == ["vidAAAAAAA1.json", "vidBBBBBBB2.json"] and first.videos == 2
    again = update(store, ix)
    assert not again.changed and len(again.unchanged) == 2

    store.write(transcript("vidAAAAAAA1", "en", ["climate resilience in cities"], date="2024-01-02"))
    store.delete("vidBBBBBBB2")
    store.write(transcript("vidCCCCCCC3", "es", ["la participación ciudadana"], date="2022-05-06"))
    r = update(store, ix)
    assert r.updated == ("vidAAAAAAA1.json",) and r.removed == ("vidBBBBBBB2.json",)
    assert r.added == ("vidCCCCCCC3.json",) and r.videos == 2

    si = SearchIndex(ix)
    assert si.search("housing").total_hits == 0  # the old text of the changed transcript is gone
    assert si.search("resilience").total_videos == 1
    assert si.search("participation").total_videos == 0 or \
        {v.video.id for v in si.search("participation").videos} == {"vidCCCCCCC3"}
    assert {v.id for v in si.videos()} == {"vidAAAAAAA1", "vidCCCCCCC3"}


def test_corrupt_transcript_is_reported_and_old_entries_kept(store, tmp_path):
    ix = tmp_path / "index"
    update(store, ix)
    path = store.path_for("vidAAAAAAA1")
    path.write_text("{ not json", encoding="utf-8")
    (store.root / "broken.json").write_text(json.dumps({"format": "nope"}), encoding="utf-8")
    r = update(store, ix)
    assert {name for name, _ in r.corrupt} == {"vidAAAAAAA1.json", "broken.json"}
    assert all(reason for _, reason in r.corrupt)
    assert SearchIndex(ix).search("housing").total_videos == 1  # nothing lost


def test_rebuild_starts_clean_and_swaps(store, tmp_path):
    ix = tmp_path / "index"
    update(store, ix)
    si = SearchIndex(ix)
    assert si.search("housing").total_videos == 1
    store.delete("vidAAAAAAA1")
    r = rebuild(store, ix)
    assert r.added == ("vidBBBBBBB2.json",) and r.videos == 1
    assert si.search("housing").total_videos == 0  # the cached SearchIndex sees the swapped folder
    assert not list(tmp_path.glob("index.*"))  # no temp folders left


def test_index_transcript_adds_and_replaces_one_video(tmp_path):
    ix = tmp_path / "index"
    t = transcript("vidDDDDDDD4", "en", ["voluntary local reviews"])
    index_transcript(ix, t, "sum1")
    si = SearchIndex(ix)
    assert si.search("voluntary").total_hits == 1
    index_transcript(ix, transcript("vidDDDDDDD4", "en", ["voluntary local reviews again"]), "sum2")
    assert si.search("voluntary").total_hits == 1  # replaced, not doubled
    assert build.indexed_sources(build.open_index(ix)) == {"vidDDDDDDD4.json": ("vidDDDDDDD4", "sum2")}


def test_missing_or_deleted_index_is_not_built(tmp_path, store):
    with pytest.raises(IndexNotBuilt, match="sessions index"):
        SearchIndex(tmp_path / "nothing")
    ix = tmp_path / "index"
    update(store, ix)
    si = SearchIndex(ix)
    import shutil

    shutil.rmtree(ix)
    with pytest.raises(IndexNotBuilt):
        si.search("housing")
    update(TranscriptStore(tmp_path / "empty"), tmp_path / "empty-index")
    with pytest.raises(IndexNotBuilt, match="empty"):
        SearchIndex(tmp_path / "empty-index")


def test_writer_waits_then_reports_busy(tmp_path, monkeypatch):
    ix_dir = tmp_path / "index"
    index_transcript(ix_dir, transcript("vidEEEEEEE5", "en", ["budget"]), "x")
    ix = build.open_index(ix_dir)
    held = ix.writer()  # another writer holds the lock
    monkeypatch.setattr(build, "WRITER_TIMEOUT", 0.3)
    try:
        with pytest.raises(IndexBusy, match="another process"):
            build.index_transcript(ix_dir, transcript("vidFFFFFFF6", "en", ["finance"]), "y")
    finally:
        held.cancel()
    build.index_transcript(ix_dir, transcript("vidFFFFFFF6", "en", ["finance"]), "y")
    assert SearchIndex(ix_dir).stats().videos == 2


def test_passages_overlap_so_every_boundary_is_inside_one(tmp_path):
    texts = [f"word{i} alpha{i}" for i in range(10)]
    docs = build.documents(transcript("vidGGGGGGG7", "en", texts), "x")
    passages = [d for d in docs if d["kind"] == "passage"]
    covered = set()
    for p in passages:
        ids = [s[0] for s in p["payload"]["segs"]]
        covered.update(zip(ids, ids[1:], strict=False))
    assert covered >= {(i, i + 1) for i in range(9)}
