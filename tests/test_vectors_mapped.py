"""index.vectors.mapped: a vector file's segment vectors mapped from disk equal the ones read."""

from __future__ import annotations

import numpy as np

from index import vectors as V
from index.encoders import EncoderInfo

INFO = EncoderInfo(name="usem3", version="test", dim=4)


def vectors(n: int) -> V.VideoVectors:
    rng = np.random.default_rng(n)
    return V.VideoVectors(
        video_id=f"v{n}", checksum="c", encoder=INFO, seg_vecs=rng.random((n, 4)).astype(np.float16),
        seg_ms=np.zeros((n, 2), np.int64), pass_start=np.zeros(0, np.int64), pass_rows=np.zeros((0, 2), np.int64),
        pass_vecs=np.zeros((0, 4), np.float16), mean=np.zeros(4, np.float16), title=np.zeros(4, np.float16))


def test_mapped_rows_equal_the_rows_read(tmp_path):
    path = V.write(tmp_path, vectors(37))
    mapped = V.mapped(path)
    assert isinstance(mapped, np.memmap) and mapped.dtype == np.float16
    assert np.array_equal(mapped, V.read(path).seg_vecs)
    assert np.array_equal(mapped[[3, 4, 5]], V.read(path).seg_vecs[3:6])


def test_a_session_without_segments_maps_to_an_empty_array(tmp_path):
    assert V.mapped(V.write(tmp_path, vectors(0))).shape == (0, 4)


def test_what_cannot_be_mapped_is_none_and_is_read_instead(tmp_path):
    compressed = tmp_path / "compressed.npz"
    np.savez_compressed(compressed, seg_vecs=np.ones((3, 4), np.float16))
    assert V.mapped(compressed) is None
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip at all")
    assert V.mapped(garbage) is None
    assert V.mapped(tmp_path / "missing.npz") is None
