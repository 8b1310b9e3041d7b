"""The meaning side of a search: every up-to-date passage vector in one matrix, nearest passages.

A video's vectors are used only when their file carries the checksum the words index holds for
it (index.meaning_build), so words and meaning always describe the same transcript. The matrix
is rebuilt when the vector folder or the index generation changes; files are re-read only when
they changed. Segment vectors (3x the passages) stay on disk and are read for the moments shown.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from index import vectors as V
from index.encoders import Encoder, MeaningOptions, cached_encoder
from index.errors import IndexError_

SEGMENT_CACHE = 64  # videos whose segment vectors are kept in memory
QUERY_CACHE = 256  # query vectors kept: the UI re-runs the same search on every interaction


class MeaningDisabled(IndexError_):
    """Search by meaning was asked for, but [meaning] enabled = false."""


class MeaningStore:
    def __init__(self, index_dir: Path, options: MeaningOptions):
        self.folder = V.meaning_dir(index_dir)
        self.options = options
        self._files: dict[str, tuple[tuple[int, int], V.VideoVectors]] = {}  # id -> (stamp, vectors)
        self._key = None
        self._ids: list[str] = []
        self._matrix = None  # (passages, dim) float32
        self._row_video = None  # row -> index into _ids
        self._row_pass = None  # row -> passage index within its video
        self._segments: OrderedDict[str, object] = OrderedDict()
        self._queries: OrderedDict[str, object] = OrderedDict()

    # -- loading --------------------------------------------------------------------------
    def refresh(self, videos: dict[str, dict], generation: object) -> None:
        import numpy as np

        try:
            stamp = self.folder.stat().st_mtime_ns
        except FileNotFoundError:
            stamp = None
        key = (stamp, id(generation))
        if key == self._key:
            return
        files = {}
        for path in self.folder.glob("*" + V.SUFFIX) if stamp is not None else ():
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            fstamp = (st.st_mtime_ns, st.st_size)
            old = self._files.get(path.stem)
            if old is not None and old[0] == fstamp:
                files[path.stem] = old
                continue
            vv = V.read(path, keys=("seg_ms", "pass_start", "pass_rows", "pass_vecs", "mean"))
            if vv is not None:
                files[path.stem] = (fstamp, vv)
        self._files = files
        info = V.stored_encoder(self.folder)
        usable = [(vv.video_id, vv) for _, vv in files.values()
                  if (videos.get(vv.video_id) or {}).get("checksum") == vv.checksum and vv.encoder == info]
        usable.sort(key=lambda x: x[0])
        self._ids = [vid for vid, _ in usable]
        self._by_id = dict(usable)
        if usable:
            self._matrix = np.concatenate([vv.pass_vecs.astype(np.float32) for _, vv in usable])
            self._row_video = np.concatenate([np.full(len(vv.pass_start), i, dtype=np.int32)
                                              for i, (_, vv) in enumerate(usable)])
            self._row_pass = np.concatenate([np.arange(len(vv.pass_start), dtype=np.int32) for _, vv in usable])
        else:
            self._matrix = self._row_video = self._row_pass = None
        self._segments.clear()
        self._key = key

    @property
    def videos(self) -> int:
        return len(self._ids)

    @property
    def passages(self) -> int:
        return 0 if self._matrix is None else len(self._matrix)

    def get(self, video_id: str) -> V.VideoVectors | None:
        return self._by_id.get(video_id) if self._ids else None

    def encoder(self) -> Encoder:
        if not self.options.enabled:
            raise MeaningDisabled("search by meaning is off ([meaning] enabled = false in config.toml)")
        encoder = cached_encoder(self.options)
        V.check_encoder(self.folder, encoder.info)
        return encoder

    # -- searching ------------------------------------------------------------------------
    def query_vector(self, text: str):
        """The query's unit vector (encoding one query costs tens to hundreds of ms: cached)."""
        if text in self._queries:
            self._queries.move_to_end(text)
            return self._queries[text]
        vec = self.encoder().encode_queries([text])[0]
        self._queries[text] = vec
        while len(self._queries) > QUERY_CACHE:
            self._queries.popitem(last=False)
        return vec

    def clear_query_cache(self) -> None:
        self._queries.clear()

    def nearest(self, query_vec, allowed: set[str] | None, k: int) -> list[tuple[float, str, int]]:
        """[(cosine, video id, passage index)] of the k nearest passages the filter lets through."""
        import numpy as np

        if self._matrix is None:
            return []
        scores = self._matrix @ query_vec
        if allowed is not None:
            keep = np.array([vid in allowed for vid in self._ids], dtype=bool)
            scores = np.where(keep[self._row_video], scores, -np.inf)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(float(scores[r]), self._ids[self._row_video[r]], int(self._row_pass[r]))
                for r in top if np.isfinite(scores[r])]

    def segment_vectors(self, video_id: str):
        if video_id in self._segments:
            self._segments.move_to_end(video_id)
            return self._segments[video_id]
        vv = V.read(V.file_for(self.folder, video_id), keys=("seg_vecs",))
        vecs = None if vv is None else vv.seg_vecs
        self._segments[video_id] = vecs
        while len(self._segments) > SEGMENT_CACHE:
            self._segments.popitem(last=False)
        return vecs

    def best_segment(self, video_id: str, passage: int, query_vec) -> tuple[int, int, float] | None:
        """(start ms, end ms, cosine) of the passage's segment closest to the query."""
        import numpy as np

        vv = self.get(video_id)
        segs = self.segment_vectors(video_id)
        if vv is None or segs is None:
            return None
        first, n = (int(x) for x in vv.pass_rows[passage])
        scores = segs[first:first + n].astype(np.float32) @ query_vec
        best = int(np.argmax(scores))
        return int(vv.seg_ms[first + best][0]), int(vv.seg_ms[first + best][1]), float(scores[best])

    def full(self, video_id: str) -> V.VideoVectors | None:
        """Passage and segment vectors of one video (for sibling moments)."""
        import dataclasses

        vv = self.get(video_id)
        segs = self.segment_vectors(video_id) if vv is not None else None
        return None if segs is None else dataclasses.replace(vv, seg_vecs=segs)
