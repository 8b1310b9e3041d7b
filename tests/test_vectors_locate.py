"""index.vectors.locate: rows of a vector file's segment vectors read in place equal the ones loaded."""

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


def test_rows_read_in_place_equal_the_rows_loaded(tmp_path):
    path = V.write(tmp_path, vectors(37))
    loaded = V.read(path).seg_vecs.astype(np.float32)
    member = V.locate(path)
    assert member.shape == (37, 4) and member.dtype == np.float16
    assert np.array_equal(member.read(), loaded)
    assert np.array_equal(member.rows([(3, 3), (0, 0), (30, 7)]), np.concatenate([loaded[3:6], loaded[30:37]]))


def test_a_session_without_segments_reads_as_an_empty_array(tmp_path):
    assert V.locate(V.write(tmp_path, vectors(0))).read().shape == (0, 4)


def test_what_cannot_be_located_is_none_and_is_loaded_instead(tmp_path):
    compressed = tmp_path / "compressed.npz"
    np.savez_compressed(compressed, seg_vecs=np.ones((3, 4), np.float16))
    assert V.locate(compressed) is None
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip at all")
    assert V.locate(garbage) is None
    assert V.locate(tmp_path / "missing.npz") is None
