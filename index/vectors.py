"""Meaning vectors beside the Whoosh index: one .npz file per video in <index>/meaning/.

Derived data, like the index. Each file holds, for one transcript (identified by its checksum):
- seg_vecs (n_segments, dim) float16: one unit vector per non-empty Whisper segment;
- seg_ms (n_segments, 2) int64: each segment's start and end, ms;
- pass_start (n_passages,) int64: start ms of each passage, the same windows and the same
  START value as the Whoosh passage documents (index.build), so a row finds its document;
- pass_rows (n_passages, 2) int64: first segment row and number of segments of each passage;
- pass_vecs (n_passages, dim) float16: the normalised mean of its segments' vectors;
- mean (dim,) and title (dim,) float16: the whole session and its title (sibling detection);
- meta: JSON {video, checksum, encoder}.
Segments are embedded one by one (about 3/4 of the tokens of embedding the overlapping passages)
so that a meaning hit can jump to its best-matching segment instead of the passage start.

encoder.json in the same folder records the encoder (name, version, dim, model) every file was
made with; a store made by another encoder raises EncoderMismatch until `sessions index --rebuild`.
Files are written to a temporary name and renamed, so a reader or a crash never sees half a file.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from archive.ids import safe_stem
from archive.records import Transcript
from archive.store import atomic_write_bytes
from index.encoders import Encoder, EncoderInfo
from index.errors import IndexError_

FOLDER = "meaning"
MANIFEST = "encoder.json"
SUFFIX = ".npz"


class EncoderMismatch(IndexError_):
    """The stored vectors were made by another encoder than the one configured."""


@dataclass(frozen=True)
class VideoVectors:
    video_id: str
    checksum: str
    encoder: EncoderInfo
    seg_vecs: object  # numpy arrays, see the module docstring
    seg_ms: object
    pass_start: object
    pass_rows: object
    pass_vecs: object
    mean: object
    title: object


def meaning_dir(index_dir: Path) -> Path:
    return Path(index_dir) / FOLDER


def file_for(folder: Path, video_id: str) -> Path:
    return Path(folder) / (safe_stem(video_id) + SUFFIX)


# -- embedding ------------------------------------------------------------------------------
def embed_transcript(transcript: Transcript, checksum: str, encoder: Encoder) -> VideoVectors:
    import numpy as np

    from index.build import passage_windows
    from index.encoders import normalised

    segments = [s for s in transcript.segments if s.text.strip()]
    dim = encoder.info.dim
    seg_vecs = encoder.encode_passages([s.text.strip() for s in segments])
    title = encoder.encode_passages([transcript.video.title or transcript.video.id])[0]
    row_of = {id(s): i for i, s in enumerate(segments)}
    starts, rows, pvecs = [], [], []
    for window in passage_windows(segments):
        first = row_of[id(window[0])]
        starts.append(_ms(window[0].start))
        rows.append((first, len(window)))
        pvecs.append(seg_vecs[first:first + len(window)].mean(axis=0))
    pass_vecs = normalised(np.array(pvecs)) if pvecs else np.zeros((0, dim), np.float32)
    mean = normalised(seg_vecs.mean(axis=0))[0] if len(segments) else np.zeros(dim, np.float32)
    return VideoVectors(
        video_id=transcript.video.id, checksum=checksum, encoder=encoder.info,
        seg_vecs=seg_vecs.astype(np.float16),
        seg_ms=np.array([(_ms(s.start), _ms(s.end)) for s in segments], dtype=np.int64).reshape(-1, 2),
        pass_start=np.array(starts, dtype=np.int64),
        pass_rows=np.array(rows, dtype=np.int64).reshape(-1, 2),
        pass_vecs=pass_vecs.astype(np.float16),
        mean=mean.astype(np.float16),
        title=title.astype(np.float16),
    )


def carried_over(folder: Path, transcript: Transcript, checksum: str, same_segments_as: str,
                 encoder: Encoder) -> VideoVectors | None:
    """The stored vectors of `transcript`'s video, moved to `checksum`, when they were made for the
    version `same_segments_as` (the caller vouches that its segments are these) by this encoder;
    only the title is embedded again. None when there are none such: embed it all."""
    import numpy as np

    old = read(file_for(folder, transcript.video.id))
    if old is None or old.checksum != same_segments_as or old.encoder != encoder.info:
        return None
    segments = [s for s in transcript.segments if s.text.strip()]
    spans = np.array([(_ms(s.start), _ms(s.end)) for s in segments], dtype=np.int64).reshape(-1, 2)
    if old.seg_ms.shape != spans.shape or not np.array_equal(old.seg_ms, spans):
        return None  # not the segments it was made from after all
    title = encoder.encode_passages([transcript.video.title or transcript.video.id])[0]
    return replace(old, checksum=checksum, title=title.astype(np.float16))


def _ms(seconds: float) -> int:
    return max(0, int(round(seconds * 1000)))


# -- files ----------------------------------------------------------------------------------
def write(folder: Path, vv: VideoVectors) -> Path:
    import numpy as np

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    meta = json.dumps({"video": vv.video_id, "checksum": vv.checksum, "encoder": asdict(vv.encoder)})
    buf = io.BytesIO()
    np.savez(buf, seg_vecs=vv.seg_vecs, seg_ms=vv.seg_ms, pass_start=vv.pass_start, pass_rows=vv.pass_rows,
             pass_vecs=vv.pass_vecs, mean=vv.mean, title=vv.title, meta=np.array(meta))
    path = file_for(folder, vv.video_id)
    atomic_write_bytes(path, buf.getvalue())
    return path


def read_meta(path: Path) -> dict | None:
    """The meta of one vector file; None when it is unreadable (a later sync re-embeds it)."""
    import numpy as np

    try:
        with np.load(path) as z:
            return json.loads(str(z["meta"]))
    except (OSError, ValueError, KeyError, EOFError):
        return None


def read(path: Path, keys: tuple[str, ...] | None = None) -> VideoVectors | None:
    import numpy as np

    try:
        with np.load(path) as z:
            meta = json.loads(str(z["meta"]))
            names = keys or ("seg_vecs", "seg_ms", "pass_start", "pass_rows", "pass_vecs", "mean", "title")
            arrays = {k: z[k] for k in names}
    except (OSError, ValueError, KeyError, EOFError):
        return None
    full = dict.fromkeys(("seg_vecs", "seg_ms", "pass_start", "pass_rows", "pass_vecs", "mean", "title"))
    full.update(arrays)
    return VideoVectors(video_id=meta["video"], checksum=meta["checksum"], encoder=EncoderInfo(**meta["encoder"]),
                        **full)


@dataclass(frozen=True)
class Member:
    """Where one array of a vector file lies on disk, so that rows of it are read, not the file."""

    path: Path
    offset: int
    shape: tuple[int, ...]
    dtype: object

    def rows(self, spans) -> object:
        """The rows first..first+count-1 of each (first, count) in `spans`, concatenated, as float32."""
        import numpy as np

        width = int(np.prod(self.shape[1:], dtype=np.int64))
        row_bytes = width * self.dtype.itemsize
        fd = os.open(self.path, os.O_RDONLY)
        try:
            chunks = [os.pread(fd, int(count) * row_bytes, self.offset + int(first) * row_bytes)
                      for first, count in spans if count]
        finally:
            os.close(fd)
        data = np.frombuffer(b"".join(chunks), dtype=self.dtype)
        if data.size != sum(int(c) for _, c in spans) * width:
            raise OSError(f"{self.path}: shorter than its header says")
        return data.reshape(-1, *self.shape[1:]).astype(np.float32)

    def read(self) -> object:
        """The whole array, as float32."""
        import numpy as np

        return self.rows([(0, self.shape[0])]) if self.shape[0] else np.zeros(self.shape, np.float32)


def locate(path: Path, key: str = "seg_vecs") -> Member | None:
    """Where array `key` of a vector file lies. A search needs a few rows of each result session's
    segment vectors, and reading the whole member (with its CRC) per result session was most of a
    meaning search on the bench archive (162 reads, 1.2 of 1.7 s for 8 queries). np.savez stores
    its members uncompressed, so an array's bytes lie at a fixed offset of the file. None when that
    is not so (unreadable, compressed, another layout): read() the file instead."""
    import struct
    import zipfile

    import numpy as np

    try:
        with open(path, "rb") as f:
            info = zipfile.ZipFile(f).getinfo(f"{key}.npy")
            if info.compress_type != zipfile.ZIP_STORED:
                return None
            f.seek(info.header_offset)
            local = f.read(30)
            if local[:4] != b"PK\x03\x04":
                return None
            name_len, extra_len = struct.unpack("<HH", local[26:30])
            f.seek(info.header_offset + 30 + name_len + extra_len)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                           (2, 0): np.lib.format.read_array_header_2_0}.get(np.lib.format.read_magic(f))
            if read_header is None:
                return None
            shape, fortran, dtype = read_header(f)
            offset = f.tell()
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, struct.error):
        return None
    if fortran or dtype.hasobject or not shape:
        return None
    return Member(Path(path), offset, tuple(shape), dtype)


def stored(folder: Path) -> dict[str, tuple[Path, str]]:
    """{video id: (file, checksum)} of every readable vector file in the folder."""
    out = {}
    folder = Path(folder)
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*" + SUFFIX)):
        meta = read_meta(path)
        if meta is not None:
            out[meta["video"]] = (path, meta["checksum"])
    return out


def remove(folder: Path, video_id: str) -> None:
    file_for(folder, video_id).unlink(missing_ok=True)


# -- the encoder of the store ----------------------------------------------------------------
def stored_encoder(folder: Path) -> EncoderInfo | None:
    try:
        return EncoderInfo(**json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def check_encoder(folder: Path, info: EncoderInfo) -> None:
    """Raise EncoderMismatch when the store was made by another encoder than `info`."""
    have = stored_encoder(folder)
    if have is not None and have != info:
        raise EncoderMismatch(
            f"the meaning vectors in {folder} were made by {have.describe()}, but [meaning] now asks for "
            f"{info.describe()}: run `sessions index --rebuild` to re-embed every session "
            f"(or set [meaning] encoder back)")


def claim(folder: Path, info: EncoderInfo) -> None:
    """Record `info` as the store's encoder (after check_encoder)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if stored_encoder(folder) != info:
        atomic_write_bytes(folder / MANIFEST, json.dumps(asdict(info)).encode("utf-8"))
