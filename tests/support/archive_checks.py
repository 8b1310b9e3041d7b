"""Checks that an ingested archive is whole: shared by the ingest end-to-end, --jobs and Dask tests."""

from __future__ import annotations

from pathlib import Path

from archive.store import TranscriptStore
from index.build import indexed_sources, open_index


def assert_archive_consistent(root: Path, expected_ids: set[str]) -> None:
    """Every transcript complete and unique, nothing half-written left, the index equal to transcripts/."""
    store = TranscriptStore(root / "transcripts")
    files = store.files()
    assert {store.read_path(p).video.id for p in files} == expected_ids
    assert len(files) == len(expected_ids)
    assert [p.name for p in (root / "transcripts").iterdir() if p.name.startswith(".")] == []
    assert list((root / "data" / "audio" / ".inflight").glob("*")) == []
    for p in files:
        assert store.read_path(p).segments, f"{p.name} has no segments"
    ix = open_index(root / "data" / "index")
    try:
        indexed = indexed_sources(ix)
    finally:
        ix.close()
    assert indexed == {p.name: (store.read_path(p).video.id, TranscriptStore.checksum(p)) for p in files}
