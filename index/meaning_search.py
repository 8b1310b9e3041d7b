"""The meaning side of a search: every up-to-date passage vector in one matrix, nearest passages.

A video's vectors are used only when their file carries the checksum the words index holds for
it (index.meaning_build), so words and meaning always describe the same transcript. The matrix
is rebuilt when the vector folder or the index generation changes (a search costs one stat of the
folder otherwise); files are re-read only when they changed. Segment vectors (3x the passages) stay
on disk: a search reads only the rows of the passages it shows (vectors.locate).

The passage matrix is kept transposed, (dim, passages) float32 C-contiguous: `query @ matrix` is
BLAS's plain gemv over contiguous rows of passages, measured at half the CPU time of
`matrix @ query` on the (passages, dim) layout (153k x 512: ~13 vs ~26 ms CPU on this machine).
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from index import vectors as V
from index.encoders import Encoder, MeaningOptions, cached_encoder
from index.errors import IndexError_

SEGMENT_CACHE = 4096  # videos whose segment vectors' place in their file is kept
FULL_SEGMENT_CACHE = 64  # videos whose segment vectors are kept in memory (sibling moments)
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
        self._matrix = None  # (dim, passages) float32, C-contiguous: see the module docstring
        self._row_video = None  # row -> index into _ids
        self._row_pass = None  # row -> passage index within its video
        self._segments: OrderedDict[str, V.Member | None] = OrderedDict()
        self._full_segments: OrderedDict[str, object] = OrderedDict()
        self._full: dict[str, V.VideoVectors] = {}  # video id -> its vectors with the cached segment vectors
        self._queries: OrderedDict[str, object] = OrderedDict()
        self._checked: tuple | None = None  # (folder stamp, encoder) last checked against encoder.json

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
            self._matrix = np.ascontiguousarray(
                np.concatenate([vv.pass_vecs for _, vv in usable]).astype(np.float32).T)
            self._row_video = np.concatenate([np.full(len(vv.pass_start), i, dtype=np.int32)
                                              for i, (_, vv) in enumerate(usable)])
            self._row_pass = np.concatenate([np.arange(len(vv.pass_start), dtype=np.int32) for _, vv in usable])
        else:
            self._matrix = self._row_video = self._row_pass = None
        self._segments.clear()
        self._full_segments.clear()
        self._full.clear()
        self._key = key

    @property
    def videos(self) -> int:
        return len(self._ids)

    @property
    def passages(self) -> int:
        return 0 if self._matrix is None else self._matrix.shape[1]

    def get(self, video_id: str) -> V.VideoVectors | None:
        return self._by_id.get(video_id) if self._ids else None

    def encoder(self) -> Encoder:
        if not self.options.enabled:
            raise MeaningDisabled("search by meaning is off ([meaning] enabled = false in config.toml)")
        encoder = cached_encoder(self.options)
        # encoder.json is replaced by a rename, which changes the folder's mtime: one stat per search.
        try:
            stamp = self.folder.stat().st_mtime_ns
        except FileNotFoundError:
            stamp = None
        if self._checked != (stamp, encoder.info):
            V.check_encoder(self.folder, encoder.info)
            self._checked = (stamp, encoder.info)
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
        scores = query_vec.astype(np.float32, copy=False) @ self._matrix
        if allowed is not None:
            keep = np.array([vid in allowed for vid in self._ids], dtype=bool)
            scores = np.where(keep[self._row_video], scores, -np.inf)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        top_scores = scores[top]
        top = top[np.isfinite(top_scores)]
        ids = self._ids
        return [(cos, ids[v], p) for cos, v, p in zip(scores[top].tolist(), self._row_video[top].tolist(),
                                                         self._row_pass[top].tolist(), strict=True)]

    def _member(self, video_id: str) -> V.Member | None:
        """Where the video's segment vectors lie in its file (a few hundred bytes each: many kept)."""
        if video_id in self._segments:
            self._segments.move_to_end(video_id)
            return self._segments[video_id]
        member = V.locate(V.file_for(self.folder, video_id))
        self._segments[video_id] = member
        while len(self._segments) > SEGMENT_CACHE:
            self._segments.popitem(last=False)
        return member

    def segment_vectors(self, video_id: str):
        """All of a video's segment vectors, float32 (for sibling moments; a few kept)."""
        import numpy as np

        if video_id in self._full_segments:
            self._full_segments.move_to_end(video_id)
            return self._full_segments[video_id]
        member = self._member(video_id)
        try:
            vecs = member.read() if member is not None else None
        except OSError:
            vecs = None
        if vecs is None:  # not laid out as expected: read the file
            vv = V.read(V.file_for(self.folder, video_id), keys=("seg_vecs",))
            vecs = None if vv is None else np.ascontiguousarray(vv.seg_vecs, dtype=np.float32)
        self._full_segments[video_id] = vecs
        while len(self._full_segments) > FULL_SEGMENT_CACHE:
            self._full.pop(self._full_segments.popitem(last=False)[0], None)
        return vecs

    def best_segments(self, video_id: str, passages, query_vec) -> list[tuple[int, int, float] | None]:
        """For each passage index: (start ms, end ms, cosine) of its segment closest to the query
        (None where the video has no vectors). Only those passages' segment rows are read, in one
        product for all of them."""
        import numpy as np

        passages = list(passages)
        vv = self.get(video_id)
        if vv is None or not passages:
            return [None] * len(passages)
        spans = vv.pass_rows[np.asarray(passages, dtype=np.int64)]
        counts = spans[:, 1]
        # rows of every passage's segments, concatenated: first..first+n-1 for each passage
        offsets = np.repeat(spans[:, 0] - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        member = self._member(video_id)
        try:
            rows = member.rows(spans.tolist()) if member is not None else None
        except OSError:
            rows = None
        if rows is None:
            segs = self.segment_vectors(video_id)
            if segs is None:
                return [None] * len(passages)
            rows = segs[offsets]
        scores = rows @ query_vec.astype(np.float32, copy=False)
        out: list[tuple[int, int, float] | None] = []
        at = 0
        for n in counts:
            n = int(n)
            if n == 0:
                out.append(None)
                continue
            best = at + int(np.argmax(scores[at:at + n]))
            row = int(offsets[best])
            out.append((int(vv.seg_ms[row][0]), int(vv.seg_ms[row][1]), float(scores[best])))
            at += n
        return out

    def best_segment(self, video_id: str, passage: int, query_vec) -> tuple[int, int, float] | None:
        """(start ms, end ms, cosine) of the passage's segment closest to the query."""
        return self.best_segments(video_id, [passage], query_vec)[0]

    def full(self, video_id: str) -> V.VideoVectors | None:
        """Passage and segment vectors of one video (for sibling moments)."""
        import dataclasses

        vv = self.get(video_id)
        segs = self.segment_vectors(video_id) if vv is not None else None
        if segs is None:
            return None
        full = self._full.get(video_id)
        if full is None or full.seg_vecs is not segs or full.checksum != vv.checksum:
            full = self._full[video_id] = dataclasses.replace(vv, seg_vecs=segs)
        return full
