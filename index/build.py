"""Build the index from transcripts/: incrementally by checksum, from scratch, or one transcript.

The index is derived data: `rebuild` builds a fresh index beside the old one and swaps it in,
so searchers never see a half-built index (a transcript indexed by ingestion while a rebuild
runs is in the rebuilt index only if it was in transcripts/ when the rebuild listed them; the
next `sessions index` picks it up otherwise). Writers wait for another writer's lock (Whoosh
allows one at a time) up to WRITER_TIMEOUT seconds, then raise IndexBusy.

Stored payloads (read back by index.search):
- video document: {"video": Video.to_dict(), "checksum", "source" (file name), "lang",
  "duration", "segments", "indexed" (ISO UTC)}
- passage document: {"text": the passage text, "segs": ((segment id, start ms, end ms,
  first char, end char), ...), "toks": ((forms "a|b", first char, end char, word start ms), ...),
  "lang": the analysis language}
  where toks are the analysed tokens in position order (the same analysis the index used).
"""

from __future__ import annotations

import bisect
import fcntl
import logging
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from archive.errors import CorruptTranscript, SessionsError
from archive.ids import safe_stem
from archive.processes import pid_alive
from archive.records import Segment, Transcript
from archive.store import SUFFIX, TranscriptStore
from archive.writes import writes_to, writing
from index import meaning_build
from index import schema as S
from index.encoders import MeaningOptions
from index.errors import IndexBusy, IndexDamaged, IndexNotBuilt
from index.vectors import carried_over, embed_transcript

log = logging.getLogger("sessions.index")

WRITER_TIMEOUT = 60.0  # seconds to wait for another writer before IndexBusy
BATCH = 25  # transcripts per commit during `update`: the lock is released between batches

# Called with (files done, files total, file name).
ProgressCallback = Callable[[int, int, str], None]


@dataclass(frozen=True)
class UpdateReport:
    added: tuple[str, ...] = ()  # file names
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    corrupt: tuple[tuple[str, str], ...] = ()  # (file name, reason); their old entries are kept
    videos: int = 0  # videos in the index afterwards
    repaired: str = ""  # why a damaged index was rebuilt instead of updated ("" when it was not)
    embedded: tuple[str, ...] = ()  # video ids whose meaning vectors were (re)computed
    reused: int = 0  # rebuild: vector files kept from the old index (same encoder, same transcript)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


# -- opening ----------------------------------------------------------------------------------
@contextmanager
def damage_as_error(index_dir: Path) -> Iterator[None]:
    """Turn what Whoosh raises on a damaged index (a lost or cut segment file, a garbled TOC:
    FileNotFoundError, EOFError, UnpicklingError, …) into IndexDamaged; our own errors pass."""
    try:
        yield
    except (SessionsError, RecursionError, MemoryError):
        raise  # ours, or not the index's fault
    except Exception as exc:
        log.debug("search index %s unreadable", index_dir, exc_info=True)  # the detail, for --verbose logs
        raise IndexDamaged(index_dir, f"{type(exc).__name__}: {exc}") from exc


def open_index(index_dir: Path, create: bool = False):
    """The Whoosh index in `index_dir`; created when `create`, else IndexNotBuilt when missing.

    Every segment is opened once, so a damaged index raises IndexDamaged here, not mid-search.
    """
    from whoosh import index as windex

    index_dir = Path(index_dir)
    with damage_as_error(index_dir):
        if index_dir.is_dir() and windex.exists_in(str(index_dir)):
            ix = windex.open_dir(str(index_dir))
            if sorted(ix.schema.names()) != sorted(S.build_schema().names()):
                raise IndexDamaged(index_dir, "built by another version of Session Search")
            ix.reader().close()
            return ix
    if not create:
        raise IndexNotBuilt(f"no search index in {index_dir}: run `sessions index`")
    with writing(index_dir):
        index_dir.mkdir(parents=True, exist_ok=True)
    try:
        return windex.create_in(str(index_dir), S.build_schema())
    except Exception:
        # Another process created it between our check and now.
        if windex.exists_in(str(index_dir)):
            return windex.open_dir(str(index_dir))
        raise


# Whoosh's default merge policy (MERGE_SMALL) merges, on some commits, every segment up to its
# Fibonacci point: after `sessions index` had left ~20 segments on the bench archive, adding one
# session merged all 161k documents (437 s, on a busy machine). A commit here merges only the smallest
# segments, MERGE_FACTOR or more of them at once and at most MERGE_MAX_DOCS documents in all (about
# 30 sessions of 1.5 h: seconds), so adding a session costs about the same however large the archive.
# `sessions index --rebuild` writes one optimised segment.
MERGE_FACTOR = 10
MERGE_MAX_DOCS = 10_000


def merge_bounded(writer, segments):
    """A Whoosh merge policy (see MERGE_MAX_DOCS): the segments left as they are."""
    from whoosh.reading import SegmentReader

    chosen, total = [], 0
    for segment in sorted(segments, key=lambda seg: seg.doc_count_all()):
        if total + segment.doc_count_all() > MERGE_MAX_DOCS:
            break
        chosen.append(segment)
        total += segment.doc_count_all()
    if len(chosen) < MERGE_FACTOR:
        return segments
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    merged = {id(seg) for seg in chosen}
    return [seg for seg in segments if id(seg) not in merged]


def _commit(writer, optimize: bool = False) -> None:
    if optimize:
        writer.commit(optimize=True)
    else:
        writer.commit(mergetype=merge_bounded)


def _writer(ix, timeout: float | None = None, **kwargs):
    from whoosh.index import LockError

    timeout = WRITER_TIMEOUT if timeout is None else timeout
    try:
        return ix.writer(timeout=timeout, delay=0.05, **kwargs)
    except LockError as exc:
        raise IndexBusy(f"{ix.storage.folder}: another process is writing the index (waited {timeout:.0f} s)") from exc


# -- documents ------------------------------------------------------------------------------
def source_name(video_id: str) -> str:
    """The transcript file name of a video, as TranscriptStore names it."""
    return safe_stem(video_id) + SUFFIX


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def file_stamp(path: Path) -> list[int]:
    """[size, mtime_ns] of a transcript file: while it is unchanged, `update` needs no checksum."""
    st = Path(path).stat()
    return [st.st_size, st.st_mtime_ns]


def documents(transcript: Transcript, checksum: str, source: str | None = None,
              stamp: list[int] | None = None) -> list[dict]:
    """The Whoosh documents of one transcript: its video document, then its passages."""
    video = transcript.video
    date = S.date_key(video.upload_date)
    segments = [s for s in transcript.segments if s.text.strip()]
    vocab = set()
    for seg in segments:
        vocab.update(w for w in S.fold_words(seg.text) if len(w) > 1)
    docs = [{
        S.KIND: S.KIND_VIDEO,
        S.VIDEO: video.id,
        S.LANG: (transcript.language or S.UNKNOWN_LANG).lower(),
        S.DATE: date,
        S.START: 0,
        S.TITLE: video.title,
        S.VOCAB: " ".join(sorted(vocab)),
        S.PAYLOAD: {
            "video": video.to_dict(),
            "checksum": checksum,
            "stamp": stamp,  # file_stamp of the file indexed (None: unknown, the checksum decides)
            "source": source or source_name(video.id),
            "lang": transcript.language,
            "duration": transcript.duration,
            "segments": len(segments),
            "indexed": _now(),
        },
    }]
    for window in passage_windows(segments):
        wlang = _window_lang(window, transcript.language)
        alang = S.index_lang(wlang)
        text, segs, toks = _passage(window, alang)
        docs.append({
            S.KIND: S.KIND_PASSAGE,
            S.VIDEO: video.id,
            S.LANG: (wlang or S.UNKNOWN_LANG).lower(),
            S.DATE: date,
            S.START: segs[0][1],
            S.TITLE: video.title,
            S.text_field(wlang): text,
            S.PAYLOAD: {"text": text, "segs": segs, "toks": toks, "lang": alang},
        })
    return docs


def passage_windows(segments: list[Segment]) -> Iterable[list[Segment]]:
    """The passages of a transcript's non-empty segments: WINDOW segments stepping by STEP."""
    i = 0
    while i < len(segments):
        yield segments[i:i + S.WINDOW]
        if i + S.WINDOW >= len(segments):
            break
        i += S.STEP


def _window_lang(window: list[Segment], default: str | None) -> str | None:
    """The passage's language: per-segment languages (a recording that switches) win by majority."""
    langs = Counter(s.language for s in window if s.language)
    return langs.most_common(1)[0][0] if langs else default


def _ms(seconds: float) -> int:
    return max(0, int(round(seconds * 1000)))


def _passage(window: list[Segment], lang: str):
    parts: list[str] = []
    segs = []
    word_chars: list[int] = []  # char offset of each word in the passage text, ascending
    word_ms: list[int] = []
    offset = 0
    for seg in window:
        seg_text = seg.text.strip()
        start_char = offset
        cursor = 0
        for w in seg.words:
            token = w.word.strip()
            found = seg_text.find(token, cursor) if token else -1
            if found < 0:
                continue  # engines sometimes normalise a word differently from the segment text
            word_chars.append(start_char + found)
            word_ms.append(_ms(w.start))
            cursor = found + len(token)
        if not seg.words:
            # No word timestamps: interpolate within the segment by character position.
            n = max(len(seg_text), 1)
            for m in range(0, len(seg_text), 8):
                word_chars.append(start_char + m)
                word_ms.append(_ms(seg.start + (seg.end - seg.start) * m / n))
        parts.append(seg_text)
        offset += len(seg_text)
        segs.append((seg.id, _ms(seg.start), _ms(seg.end), start_char, offset))
        offset += 1  # the joining space
    text = " ".join(parts)
    toks = []
    for forms, cs, ce in S.analyze(lang, text):
        i = bisect.bisect_right(word_chars, cs) - 1
        if i >= 0:
            ms = word_ms[i]
        else:
            seg = next(s for s in segs if s[3] <= cs < s[4] + 1)
            ms = seg[1]
        toks.append(("|".join(forms), cs, ce, ms))
    return text, tuple(segs), tuple(toks)


# -- writing --------------------------------------------------------------------------------
def _add(writer, transcript: Transcript, checksum: str, source: str | None, stamp: list[int] | None = None) -> None:
    for doc in documents(transcript, checksum, source, stamp):
        writer.add_document(**doc)


def _delete_video(writer, video_id: str) -> None:
    from whoosh.query import Term

    writer.delete_by_query(Term(S.VIDEO, video_id))


@writes_to("index_dir", reads_too=True)
def index_transcript(index_dir: Path, transcript: Transcript, checksum: str, source: str | None = None,
                     stamp: list[int] | None = None, meaning: MeaningOptions | None = None,
                     same_segments_as: str | None = None) -> None:
    """Add or replace one video's transcript in the index (created if missing). For ingestion.

    `checksum` is TranscriptStore.checksum of the file just written, so a later `update` sees it
    as unchanged. With `meaning` enabled its vectors are computed first (outside the writer
    lock) and written right after the words commit; a crash in between leaves the video
    searchable by words, and the next `update` embeds it. Raises IndexBusy when another writer
    holds the index too long, EncoderMismatch when the vectors were made by another encoder.
    `same_segments_as`: the checksum of the version this one replaces with the same segments (a
    metadata refresh): its vectors are kept, only the title is embedded again.
    """
    encoder = meaning_build.prepare(index_dir, meaning)
    vectors = None
    if encoder and same_segments_as:
        vectors = carried_over(meaning_build.meaning_dir(index_dir), transcript, checksum, same_segments_as, encoder)
    if encoder and vectors is None:
        vectors = embed_transcript(transcript, checksum, encoder)
    ix = open_index(Path(index_dir), create=True)
    writer = _writer(ix)
    try:
        _delete_video(writer, transcript.video.id)
        _add(writer, transcript, checksum, source, stamp)
    except BaseException:
        writer.cancel()
        raise
    _commit(writer)
    if vectors is not None:
        meaning_build.store(index_dir, vectors)
        meaning_build.refresh_siblings(ix, index_dir)


def indexed_videos(ix) -> dict[str, dict]:
    """{video id: video document payload} of every video in the index."""
    from whoosh.query import Term

    out = {}
    with ix.searcher() as searcher:
        for docnum in searcher.docs_for_query(Term(S.KIND, S.KIND_VIDEO)):
            p = searcher.stored_fields(docnum)[S.PAYLOAD]
            out[p["video"]["id"]] = p
    return out


def indexed_sources(ix) -> dict[str, tuple[str, str]]:
    """{file name: (video id, checksum)} of every video document in the index."""
    return {name: (vid, checksum) for name, (vid, checksum, _stamp) in _indexed(ix).items()}


def _indexed(ix) -> dict[str, tuple[str, str, list[int] | None]]:
    from whoosh.query import Term

    out = {}
    with ix.searcher() as searcher:
        for docnum in searcher.docs_for_query(Term(S.KIND, S.KIND_VIDEO)):
            p = searcher.stored_fields(docnum)[S.PAYLOAD]
            out[p["source"]] = (p["video"]["id"], p["checksum"], p.get("stamp"))
    return out


@writes_to("index_dir", reads_too=True)
def update(store: TranscriptStore, index_dir: Path, on_progress: ProgressCallback | None = None,
           meaning: MeaningOptions | None = None, on_embed: ProgressCallback | None = None) -> UpdateReport:
    """Bring the index in line with the store: add new, re-index changed, drop removed transcripts.

    A corrupt transcript is listed in the report and skipped (its previous entries, if any, stay).
    Raises IndexDamaged when the index cannot be read (see `sync`, which repairs it).
    With `meaning` enabled, the vectors are then brought in line with the index: every indexed
    video whose vectors are missing or stale is embedded (so a run killed at any point is
    completed by the next), vectors of videos no longer indexed are dropped. A different encoder
    than the store's raises EncoderMismatch before anything changes.
    """
    index_dir = Path(index_dir)
    encoder = meaning_build.prepare(index_dir, meaning)
    remove_leftovers(index_dir)
    ix = open_index(index_dir, create=True)
    with damage_as_error(index_dir):
        report = _sync(ix, store, on_progress, batch=BATCH)
    if encoder is not None:
        embedded, _ = meaning_build.sync(ix, index_dir, store, encoder, on_embed)
        report = replace(report, embedded=embedded)
    return report


def sync(store: TranscriptStore, index_dir: Path, on_progress: ProgressCallback | None = None,
         meaning: MeaningOptions | None = None, on_embed: ProgressCallback | None = None) -> UpdateReport:
    """`update`, or `rebuild` when the index is damaged: it is derived data, the store is the truth."""
    try:
        return update(store, index_dir, on_progress, meaning=meaning, on_embed=on_embed)
    except IndexDamaged as exc:
        log.warning("%s; rebuilding it from %s", exc, store.root)
        return replace(rebuild(store, index_dir, on_progress, meaning=meaning, on_embed=on_embed),
                       repaired=exc.detail)


REBUILD_LOCK = ".rebuild.lock"  # held (flock) by a rebuild while it runs; the kernel drops it if killed
_LEFTOVER = re.compile(r"\.(rebuild|old)-(\d+)$")


@writes_to("index_dir", reads_too=True)
def rebuild(store: TranscriptStore, index_dir: Path, on_progress: ProgressCallback | None = None,
            meaning: MeaningOptions | None = None, on_embed: ProgressCallback | None = None) -> UpdateReport:
    """Build a fresh index from every transcript, then swap it in place of the old one.

    With `meaning` enabled the new index gets its vectors before the swap; vector files of the
    old index made by the same encoder from the same transcript are reused, anything else is
    embedded again (a changed encoder re-embeds everything).
    """
    index_dir = Path(index_dir)
    encoder = meaning_build.prepare(index_dir, meaning, check=False)
    remove_leftovers(index_dir)
    tmp = index_dir.with_name(f"{index_dir.name}.rebuild-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    with writing(index_dir):  # a missing parent (under /proc, say) is a write failure here, not a read
        tmp.mkdir(parents=True)
        lock = os.open(tmp / REBUILD_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ix = open_index(tmp, create=True)
        report = _sync(ix, store, on_progress, batch=0)
        if encoder is not None:
            embedded, reused = meaning_build.sync(ix, tmp, store, encoder, on_embed,
                                                  reuse_from=meaning_build.meaning_dir(index_dir))
            report = replace(report, embedded=embedded, reused=reused)
        ix.close()
        os.unlink(tmp / REBUILD_LOCK)
        old = index_dir.with_name(f"{index_dir.name}.old-{os.getpid()}")
        if index_dir.exists():
            os.rename(index_dir, old)
        os.rename(tmp, index_dir)
        shutil.rmtree(old, ignore_errors=True)
        return report
    finally:
        os.close(lock)
        shutil.rmtree(tmp, ignore_errors=True)


def remove_leftovers(index_dir: Path) -> list[Path]:
    """Delete what killed rebuilds left beside `index_dir` (`<name>.rebuild-<pid>`, `<name>.old-<pid>`).

    A rebuild still at work (its process alive, or the flock on its REBUILD_LOCK held) is left alone. An `.old-` folder is the previous index only while the
    new one is being swapped in; when the swap was cut short and no index is left, it is put back.
    """
    index_dir = Path(index_dir)
    removed = []
    try:
        siblings = sorted(index_dir.parent.iterdir()) if index_dir.parent.is_dir() else []
    except OSError:
        return removed
    for path in siblings:
        match = _LEFTOVER.fullmatch(path.name[len(index_dir.name):]) if path.name.startswith(index_dir.name) else None
        if match is None or not path.is_dir() or _rebuild_running(path, int(match.group(2))):
            continue
        if match.group(1) == "old" and not index_dir.exists():
            os.rename(path, index_dir)
            log.warning("put back the search index %s that an interrupted rebuild had moved aside", index_dir)
            continue
        shutil.rmtree(path, ignore_errors=True)
        log.info("removed %s, left by an interrupted rebuild", path)
        removed.append(path)
    return removed


def _rebuild_running(folder: Path, pid: int) -> bool:
    # Its process alive (it may be between creating its lock file and taking the lock), or its lock
    # held (a rebuild whose PID means nothing here: another PID namespace sharing the folder).
    return pid == os.getpid() or pid_alive(pid) or _lock_held(folder / REBUILD_LOCK)


def _lock_held(lock_path: Path) -> bool:
    try:
        fd = os.open(lock_path, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: keep it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False




def _sync(ix, store: TranscriptStore, on_progress: ProgressCallback | None, batch: int) -> UpdateReport:
    """batch > 0: commit every `batch` changed transcripts; 0: one writer, one optimised commit."""
    indexed = _indexed(ix)
    known = {name: (vid, checksum) for name, (vid, checksum, _stamp) in indexed.items()}
    files = store.files()
    names = {p.name for p in files}
    added, updated, unchanged, corrupt = [], [], [], []
    removed = sorted(n for n in known if n not in names)

    writer = None
    pending = 0

    def get_writer():
        nonlocal writer
        if writer is None:
            writer = _writer(ix, limitmb=256) if batch == 0 else _writer(ix)
        return writer

    try:
        for name in removed:
            _delete_video(get_writer(), known[name][0])
        for done, path in enumerate(files, 1):
            try:
                stamp = file_stamp(path)  # before reading: a later change shows as a new stamp next time
                _vid, old_sum, old_stamp = indexed.get(path.name, ("", "", None))
                # The file indexed, untouched since (same size and mtime): no need to hash it.
                checksum = None if stamp == old_stamp else TranscriptStore.checksum(path)
                if checksum is None or checksum == old_sum:
                    unchanged.append(path.name)
                else:
                    transcript = store.read_file(path)
                    w = get_writer()
                    if path.name in known:
                        _delete_video(w, known[path.name][0])
                        updated.append(path.name)
                    else:
                        added.append(path.name)
                    _delete_video(w, transcript.video.id)
                    _add(w, transcript, checksum, path.name, stamp)
                    pending += 1
            except CorruptTranscript as exc:
                corrupt.append((path.name, exc.reason))
            except FileNotFoundError:
                corrupt.append((path.name, "file vanished while indexing"))
            if batch and pending >= batch:
                _commit(writer)
                writer, pending = None, 0
            if on_progress:
                on_progress(done, len(files), path.name)
        if writer is not None:
            _commit(writer, optimize=(batch == 0))
            writer = None
    finally:
        if writer is not None:
            writer.cancel()
    return UpdateReport(
        added=tuple(added), updated=tuple(updated), removed=tuple(removed), unchanged=tuple(unchanged),
        corrupt=tuple(corrupt), videos=len(indexed_sources(ix)),
    )
