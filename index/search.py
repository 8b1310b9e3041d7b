"""SearchIndex: the search engine behind the CLI and the UI.

One SearchIndex per index folder and process (Streamlit caches it). It keeps one Whoosh
searcher and the per-generation tables derived from it (video metadata, passage → video and
passage → start arrays). A search collects every matching passage with a cheap BM25 score in
one pass over the postings blocks (index.bm25), ranks sessions from their passage counts,
and reads stored payloads only for the moments shown; Whoosh's own scored search (several
Python calls per hit) is not used, which is what keeps a common word fast on a big archive. Before each call it checks whether the index changed (a commit by
another process, or the folder swapped by `rebuild`) and then opens a NEW searcher — never
`refresh()`, which doubles hits after a merge (TESTING.md). Calls are serialised with a lock,
so one instance is safe to share across threads.

Public API (all times float seconds):
- search(SearchOptions(query, filters=SearchFilters(), sort="relevance"|"date"|"date-asc",
  results_limit=20, hits_per_video=5, lead_in=2.0)) -> SearchResult (or search("query", **fields)). Sessions are ranked by BM25 over their matching
  passages (relevance) or by upload date; each carries its best moments (index.bm25 score of
  the passage; word_time = first matched word's start, the time every face shows; play_from =
  word_time minus lead_in, where every face plays and links from; the text and the character
  spans of its matched words, which each face renders itself), hit_count (matching passages)
  and positions (HitTime for a timeline: the exact first matched word for the moments shown, the
  passage start for the others). Filters apply to session metadata (language, upload date, id, title).
  Raises QueryError for a query that cannot be run (see index.query); repaired syntax and ignored
  words are explained in SearchResult.notice. "Did you mean" suggestions come when few videos match.
- stats() -> ArchiveStats;  videos() -> list[Video] (newest first).
- matching_segments(query, video_id) -> set[int]: ids of the segments of that video that contain a
  matched word (to highlight them in a full transcript view).
- Search by meaning (SearchOptions.mode "meaning" or "both"): see index.meaning_search for the
  vectors; "both" fuses the words and meaning rankings of sessions by reciprocal rank fusion, a
  session's exact moments first, then its meaning moments (matched="meaning", word_time = start of
  the best-matching segment, no spans). Quoted phrases and operators stay exact in "both".
- siblings(video_id, at=None) -> tuple[Sibling]: the same session in other languages (index.siblings);
  every VideoHits carries its siblings, each at the moment corresponding to its best moment.
- highlighter(query) -> Highlighter: the query compiled once; .spans(text, language) gives the
  matched words of any text (a transcript line) as character spans. matching_segments also takes it.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from archive.links import deep_link
from archive.records import Video
from index import schema as S
from index.bm25 import NOTHING, HotPostings, Scored, scored_docs
from index.build import damage_as_error, open_index
from index.chapters import with_chapters
from index.compile import compile_query, lexicon, words_within
from index.encoders import MeaningOptions
from index.errors import IndexDamaged, IndexNotBuilt, UnknownVideo
from index.meaning_search import MeaningStore
from index.metadata import CHAPTER, TITLE, chapter_matches, edit_distance, session_matches
from index.moments import Highlighter, locate, snippet
from index.options import SearchOptions
from index.query import And as QAnd
from index.query import Word as QWord
from index.query import parse, positive_words
from index.results import ArchiveStats, HitTime, Moment, SearchFilters, SearchResult, Sibling, VideoHits, play_from
from index.siblings import FILE as SIBLINGS_FILE
from index.siblings import corresponding_ms, read_siblings

log = logging.getLogger(__name__)

SUGGEST_BELOW = 3  # offer "did you mean" when fewer videos match
MEANING_CANDIDATES = 200  # nearest passages considered by a meaning search
OPEN_ATTEMPTS = 5  # opening a generation another process is replacing: see _current
RRF_K = 60  # reciprocal rank fusion: score = sum of 1 / (RRF_K + rank) over the two rankings
PHRASE_NOTICE = ("Quoted phrases and operators are matched exactly: passages similar in meaning are left out "
                 "(search with --mode meaning, or without quotes, to get them).")
MEANING_PHRASE_NOTICE = "Search by meaning: quotes and operators are ignored, the words are matched by meaning."


def _damage_checked(method):
    """Whoosh failing on a damaged index mid-call (a segment cut after it was opened) → IndexDamaged."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with damage_as_error(self.index_dir):
            return method(self, *args, **kwargs)

    return wrapper


@dataclass
class _Generation:
    """A searcher and the tables derived from it; replaced as a whole when the index changes."""

    searcher: object
    inode: int
    videos: dict  # video id -> video document payload
    doc_video: list  # passage docnum -> video id
    doc_start: list  # passage docnum -> start ms
    passages: dict  # video id -> number of passages
    video_ids: list  # the video ids of doc_video, each once
    doc_vidx: object  # numpy int32: passage docnum -> index into video_ids
    start_ms: object  # numpy int64: passage docnum -> start ms
    _passage_doc: dict | None = None
    _records: dict | None = None

    def video(self, vid: str) -> Video:
        """The Video record of a session, made once per generation (a result page asks for ~60)."""
        if self._records is None:
            self._records = {}
        record = self._records.get(vid)
        if record is None:
            meta = self.videos.get(vid) or {"video": {"id": vid, "title": vid}}
            record = self._records[vid] = Video.from_dict(meta["video"])
        return record

    def passage_doc(self) -> dict:
        """(video id, start ms) -> passage docnum: where a meaning hit's stored payload is."""
        if self._passage_doc is None:
            from whoosh.query import Term

            video_docs = set(self.searcher.docs_for_query(Term(S.KIND, S.KIND_VIDEO)))
            # A re-indexed video's old documents stay in their segment, deleted, until a merge: its old
            # video document (start 0) would otherwise pass for its first passage.
            reader = self.searcher.reader()
            live = set(reader.all_doc_ids()) if reader.has_deletions() else None
            self._passage_doc = {}
            for docnum, (vid, start) in enumerate(zip(self.doc_video, self.doc_start, strict=True)):
                if docnum not in video_docs and (live is None or docnum in live):
                    self._passage_doc.setdefault((vid, start), docnum)
        return self._passage_doc


class SearchIndex:
    def __init__(self, index_dir: Path | str, meaning: MeaningOptions | None = None):
        self.index_dir = Path(index_dir)
        self.meaning = MeaningStore(self.index_dir, meaning or MeaningOptions())
        self._siblings_cache: tuple[object, dict] = (None, {})
        self._lock = threading.RLock()
        self._gen: _Generation | None = None
        self._columns: dict = {}  # Whoosh segment id -> (video ids, start ms) of its documents
        self._hot = HotPostings()  # frequent terms' postings, decoded once (warm)
        self._pool = None  # one thread: the meaning half of a "both" search runs beside the words half
        self._rewarming: threading.Thread | None = None  # holding a new generation's frequent postings
        with self._lock, damage_as_error(self.index_dir):
            gen = self._current()
            if not gen.videos:
                raise IndexNotBuilt(f"the search index in {self.index_dir} is empty: run `sessions index`")

    # -- generation management ------------------------------------------------------------
    def _inode(self) -> int:
        try:
            return os.stat(self.index_dir).st_ino
        except FileNotFoundError:
            raise IndexNotBuilt(f"no search index in {self.index_dir}: run `sessions index`") from None

    def _current(self) -> _Generation:
        inode = self._inode()
        gen = self._gen
        if gen is not None and gen.inode == inode:
            try:
                if gen.searcher.up_to_date():
                    return gen
            except Exception:  # the TOC vanished mid-swap: reopen below
                pass
        if gen is not None:
            gen.searcher.close()
            self._gen = None
        for attempt in range(OPEN_ATTEMPTS):
            try:
                ix = open_index(self.index_dir)
                searcher = ix.searcher()
                self._gen = _Generation(searcher, inode, *self._tables(searcher))
                if self._hot.loaded and gen is not None:
                    # Warmed before: hold the new segments' frequent terms too (a rebuild renews them
                    # all), in the background; searches meanwhile read those terms from disk.
                    self._rewarming = threading.Thread(target=self._hold_postings, name="hold-postings", daemon=True)
                    self._rewarming.start()
                return self._gen
            except (IndexDamaged, FileNotFoundError) as exc:
                # Another process committed between our reading the TOC's name and its files, and
                # Whoosh deleted the generation we were opening (a CI run: "No such file
                # _MAIN_23.toc"): open the new one. A file that stays missing is damage.
                lost = exc.__cause__ if isinstance(exc, IndexDamaged) else exc
                if not isinstance(lost, FileNotFoundError) or attempt == OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(0.02 * (attempt + 1))
                inode = self._inode()
        raise AssertionError("unreachable")

    def _tables(self, searcher):
        from whoosh.query import Term

        videos = {}
        for docnum in searcher.docs_for_query(Term(S.KIND, S.KIND_VIDEO)):
            payload = searcher.stored_fields(docnum)[S.PAYLOAD]
            videos[payload["video"]["id"]] = payload
        # Column arrays are cached per Whoosh segment (segments never change; deletions only hide
        # documents), so reopening after one new session only reads that session's segment.
        doc_video: list = []
        doc_start: list = []
        cache = {}
        for leaf, _offset in searcher.reader().leaf_readers():
            segment = leaf.segment() if hasattr(leaf, "segment") else None
            key = segment.segment_id() if segment is not None else id(leaf)
            cols = self._columns.get(key)
            if cols is None:
                n = leaf.doc_count_all()
                cols = (list(leaf.column_reader(S.VIDEO, translate=True)) if n else [],
                        list(leaf.column_reader(S.START, translate=True)) if n else [])
            cache[key] = cols
            doc_video.extend(cols[0])
            doc_start.extend(cols[1])
        self._columns = cache
        passages = Counter(doc_video)
        for vid in videos:
            passages[vid] -= 1  # the video document itself
        video_ids = list(passages)
        number = {vid: i for i, vid in enumerate(video_ids)}
        doc_vidx = np.fromiter((number[v] for v in doc_video), dtype=np.int32, count=len(doc_video))
        start_ms = np.asarray(doc_start, dtype=np.int64)
        return videos, doc_video, doc_start, dict(passages), video_ids, doc_vidx, start_ms

    def warm(self) -> None:
        """Load now what searches would otherwise read again and again, or load while someone waits:
        the decoded postings of the frequent terms (index.bm25.HotPostings, positions included:
        6-11 s and ~106 MB for the bench archive's 3.7M frequent postings), and, with meaning on,
        every passage vector (8.5-10 s for 161k passages) and the query encoder. A server calls it in the background (again after
        new sessions were indexed: a new segment's terms are read from disk until then); a search
        meanwhile waits for it, then runs."""
        self._hold_postings()
        if not self.meaning.options.enabled:
            return
        with self._lock, damage_as_error(self.index_dir):
            gen = self._current()
            self.meaning.refresh(gen.videos, gen)
            if self.meaning.passages:
                self.meaning.encoder().encode_queries(["warm"])

    def _hold_postings(self) -> None:
        try:
            with self._lock, damage_as_error(self.index_dir):
                lexicon(self._current().searcher.reader())  # the vocabulary fuzzy words are compared with
            # Seconds of decoding: on a searcher of its own, so searches go on meanwhile (Whoosh
            # segments are named alike in every reader of the index).
            with damage_as_error(self.index_dir), open_index(self.index_dir).searcher() as searcher:
                self._hot.load(searcher, S.TEXT_FIELDS)
        except Exception:  # a search will meet the same damage and say so
            if threading.current_thread() is not self._rewarming:
                raise
            log.warning("could not hold the frequent terms' postings of the new index generation", exc_info=True)

    def close(self) -> None:
        with self._lock:
            if self._gen is not None:
                self._gen.searcher.close()
                self._gen = None
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None

    def _beside(self, fn, *args):
        """Start fn(*args) on the index's own thread: numpy's products and the encoder's work release
        the GIL, so the meaning half of a search runs while the words half holds it."""
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1, thread_name_prefix="meaning")
        return self._pool.submit(fn, *args)

    # -- search ---------------------------------------------------------------------------
    def search(self, options: SearchOptions | str, /, **changes: Any) -> SearchResult:
        """Run one search. `options` is a SearchOptions, or a query string (then `changes` are
        SearchOptions fields: `search("housing", sort="date")`)."""
        t0 = time.perf_counter()
        if isinstance(options, str):
            options = SearchOptions(query=options, **changes)
        elif changes:
            options = replace(options, **changes)
        query, filters, sort, lead_in = options.query, options.filters, options.sort, options.lead_in
        # Swapped with a notice rather than searching an empty range in silence.
        filters, dates_notice = filters.dates_in_order()
        parsed = parse(query)
        mode = options.mode
        limit, hits_per_video = max(1, int(options.results_limit)), max(1, int(options.hits_per_video))
        plain = _plain(parsed.node)
        with self._lock, damage_as_error(self.index_dir):
            gen = self._current()
            searcher = gen.searcher
            allowed = _allowed_videos(gen, filters)
            notices = [n for n in (dates_notice,) if n] + list(parsed.notices)
            meaning_notices: list[str] = []
            by_meaning = None
            if mode == "meaning" or (mode == "both" and plain and self.meaning.options.enabled):
                if mode == "meaning" and not plain:
                    meaning_notices.append(MEANING_PHRASE_NOTICE)
                by_meaning = self._beside(self._nearest, gen, parsed, allowed, meaning_notices, mode == "meaning")
            elif mode == "both" and not plain:
                meaning_notices.append(PHRASE_NOTICE)
            hits: dict[str, Scored] = {}
            compiled = None
            if mode != "meaning":
                compiled = compile_query(parsed, searcher.reader())
                notices += compiled.notices
                if compiled.query is None and mode == "words":
                    notices.append("Only very common words (stop words) were given: add a more specific word.")
                    return SearchResult(query=query, notice=" ".join(notices) or None,
                                        elapsed=time.perf_counter() - t0)
                # Every matching passage with a cheap score: hit counts, timeline positions, best moments.
                if compiled.query is not None:
                    hits = _by_video(gen, scored_docs(compiled.query, searcher, self._hot), allowed)

            # Sessions whose title or description matches: found even when nobody says the words,
            # marked apart, and (by relevance) ranked first among equals of their kind.
            named = session_matches(parsed.node, gen.videos, allowed) if mode != "meaning" else {}
            for vid in named:
                hits.setdefault(vid, NOTHING)
            # A matching chapter title is also a moment, at the chapter's start.
            chapters = {vid: chapter_matches(parsed.node, gen.videos[vid]) for vid, f in named.items() if CHAPTER in f}

            near: dict[str, list[tuple[float, int]]] = defaultdict(list)
            qvec = None
            if by_meaning is not None:
                qvec, found = by_meaning.result()
                for cos, vid, passage in found:
                    near[vid].append((cos, passage))
            notices += meaning_notices

            if mode == "words":
                ranked = _rank(gen, hits, sort)
            else:
                ranked = _fuse(gen, _rank(gen, hits, "relevance") if hits else [], near, sort)
            if sort == "relevance" and named:
                # Stable: title matches first, then chapter matches, each in their own order.
                ranked.sort(key=lambda vs: (TITLE not in named.get(vs[0], ()), CHAPTER not in named.get(vs[0], ())))
            chosen = ranked[:limit]
            spec = compiled.spec if compiled is not None else None
            videos = [with_chapters(replace(self._video_hits(gen, vid, hits.get(vid, NOTHING), hits_per_video, spec, lead_in,
                                                             score, near.get(vid, []), qvec), matched_in=named.get(vid, ())),
                                    chapters.get(vid, ()), hits_per_video, lead_in)
                      for vid, score in chosen]
            if compiled is not None and not hits and compiled.only_common:
                notices.append("Only very common words (stop words such as the, de, la) were searched: "
                               "they are not indexed in their language; add a more specific word.")
            suggestions = ()
            if compiled is not None and len(hits) < SUGGEST_BELOW and not near:
                suggestions = _suggest(searcher.reader(), query, compiled.words)
        return SearchResult(
            query=query,
            videos=tuple(videos),
            total_videos=len(set(hits) | set(near)),
            total_hits=(sum(len(v) for v in hits.values()) + sum(len(v) for v in near.values())
                        + sum(len(v) for v in chapters.values())),
            suggestions=suggestions,
            notice=" ".join(notices) or None,
            elapsed=time.perf_counter() - t0,
        )

    def _nearest(self, gen, parsed, allowed, notices, strict: bool):
        """(query vector, [(cosine, video id, passage index)]) for a meaning search."""
        store = self.meaning
        if not store.options.enabled:
            if strict:
                store.encoder()  # raises MeaningDisabled with the message
            return None, []
        store.refresh(gen.videos, gen)
        if store.videos == 0:
            if strict:
                notices.append("No session has meaning vectors yet: run `sessions index` with [meaning] enabled.")
            return None, []
        if store.videos < len(gen.videos) and strict:
            notices.append(f"{len(gen.videos) - store.videos} session(s) are not searchable by meaning yet: "
                           "run `sessions index`.")
        text = " ".join(w.text for w in positive_words(parsed.node)) if not _plain(parsed.node) else parsed.text
        encoder = store.encoder()
        qvec = store.query_vector(text)
        found = store.nearest(qvec, allowed, MEANING_CANDIDATES)
        if found:
            floor = max(encoder.floor, found[0][0] - encoder.margin)
            found = [f for f in found if f[0] >= floor]
        return qvec, found

    def _video_hits(self, gen, vid, hits: Scored, per_video, spec, lead_in, score, near=(), qvec=None) -> VideoHits:
        meta = gen.videos.get(vid) or {"video": {"id": vid, "title": vid}}
        video = gen.video(vid)
        doc_start = gen.doc_start
        starts = gen.start_ms[hits.docs]
        moments = []
        seen = set()
        exact = {}
        # Best first; among equals the earlier passage. Overlapping passages may find the same words.
        best = np.lexsort((starts, -hits.scores))[:per_video * 2]
        for passage_score, docnum in zip(hits.scores[best].tolist(), hits.docs[best].tolist(), strict=True):
            if len(moments) == per_video:
                break
            payload = gen.searcher.stored_fields(docnum)[S.PAYLOAD]
            located = locate(payload, spec, payload.get("lang"))
            word_ms = located.word_ms if located else payload["segs"][0][1]
            if word_ms in seen:
                continue
            seen.add(word_ms)
            exact[doc_start[docnum]] = word_ms
            plain, spans, seg_start, seg_end = snippet(payload, located)
            word_time = word_ms / 1000
            play_from = _play_from(word_time, lead_in)
            moments.append(Moment(word_time=word_time, play_from=play_from, segment_start=seg_start / 1000,
                                  segment_end=seg_end / 1000, text=plain, spans=spans,
                                  score=float(passage_score), link=deep_link(video, play_from)))
        # A passage shown as a moment is placed at its matched word, the others at their start.
        times = {s / 1000 for s in np.unique(starts).tolist() if s not in exact} | {ms / 1000 for ms in exact.values()}
        vv = self.meaning.get(vid) if near else None
        # A meaning moment is the best-matching segment of a near passage, best segments first,
        # after the exact moments and never repeating a passage the words already found.
        candidates = []
        if vv is not None:
            fresh = [(passage, start_ms) for _cos, passage in near
                     if (start_ms := int(vv.pass_start[passage])) not in exact]
            best = self.meaning.best_segments(vid, [p for p, _ in fresh], qvec)
            candidates = [(seg[2], seg[0], seg[1], start_ms) for (_p, start_ms), seg in zip(fresh, best, strict=True)
                          if seg is not None]
        for cos, seg_start, seg_end, start_ms in sorted(candidates, key=lambda c: (-c[0], c[1])):
            times.add(seg_start / 1000)
            if len(moments) >= per_video or seg_start in seen:
                continue
            docnum = gen.passage_doc().get((vid, start_ms))
            if docnum is None:
                continue
            seen.add(seg_start)
            payload = gen.searcher.stored_fields(docnum)[S.PAYLOAD]
            plain = next((payload["text"][a:b] for _i, s0, _e, a, b in payload["segs"] if s0 == seg_start), "")
            word_time = seg_start / 1000
            play_from = _play_from(word_time, lead_in)
            moments.append(Moment(word_time=word_time, play_from=play_from, segment_start=word_time,
                                  segment_end=seg_end / 1000, text=plain, spans=(), score=cos,
                                  link=deep_link(video, play_from), matched="meaning"))
        positions = [HitTime(word_time=t, play_from=_play_from(t, lead_in)) for t in sorted(times)]
        best_ms = int(moments[0].word_time * 1000) if moments else None
        return VideoHits(
            video=video,
            language=meta.get("lang"),
            duration=meta.get("duration"),
            hit_count=len(hits) + len(candidates),
            moments=tuple(moments),
            positions=tuple(positions),
            score=score,
            siblings=self._siblings(gen, vid, best_ms),
        )

    # -- siblings -------------------------------------------------------------------------
    def siblings(self, video_id: str, at: float | None = None) -> tuple[Sibling, ...]:
        """The same session in other languages, best first; with `at` (seconds), where each says it."""
        with self._lock:
            gen = self._current()
            if video_id not in gen.videos:
                raise UnknownVideo(f"no session {video_id!r} in the index")
            return self._siblings(gen, video_id, None if at is None else int(at * 1000))

    def _siblings(self, gen, vid, at_ms: int | None) -> tuple[Sibling, ...]:
        path = self.meaning.folder / SIBLINGS_FILE
        try:
            stamp = path.stat().st_mtime_ns
        except FileNotFoundError:
            return ()
        if self._siblings_cache[0] != stamp:
            self._siblings_cache = (stamp, read_siblings(self.meaning.folder))
        found = self._siblings_cache[1].get(vid, [])
        if not found:
            return ()
        if at_ms is not None and self.meaning.options.enabled:
            self.meaning.refresh(gen.videos, gen)
        out = []
        source = self.meaning.full(vid) if at_ms is not None and self.meaning.options.enabled else None
        for other, similarity in sorted(found, key=lambda x: -x[1]):
            meta = gen.videos.get(other)
            if meta is None:
                continue
            video = gen.video(other)
            t = None
            if at_ms is not None and self.meaning.options.enabled:
                ms = corresponding_ms(source, at_ms, self.meaning.full(other))
                t = None if ms is None else ms / 1000
            out.append(Sibling(video=video, language=meta.get("lang"), similarity=similarity, time=t,
                               link=deep_link(video, t or 0.0)))
        return tuple(out)


    # -- for the transcript view ----------------------------------------------------------
    def highlighter(self, query: str) -> Highlighter:
        """`query` compiled once, to mark its words in any number of transcript lines."""
        parsed = parse(query)
        with self._lock, damage_as_error(self.index_dir):
            compiled = compile_query(parsed, self._current().searcher.reader())
        return Highlighter(spec=compiled.spec, query=compiled.query)

    def matching_segments(self, query: str | Highlighter, video_id: str) -> set[int]:
        marks = query if isinstance(query, Highlighter) else self.highlighter(query)
        out: set[int] = set()
        if marks.query is None:
            return out
        with self._lock, damage_as_error(self.index_dir):
            gen = self._current()
            try:
                session = gen.video_ids.index(video_id)
            except ValueError:  # not in the index
                return out
            # Every matching passage of the archive, as a search finds them (frequent words' postings
            # held in memory), then this session's: Whoosh's own matcher walked the postings of an
            # OR of frequent words one by one (~0.1-0.2 s, while the player's recording streamed).
            docs = scored_docs(marks.query, gen.searcher, self._hot).docs
            for docnum in docs[gen.doc_vidx[docs] == session].tolist():
                payload = gen.searcher.stored_fields(docnum)[S.PAYLOAD]
                located = locate(payload, marks.spec, payload.get("lang")) if "segs" in payload else None
                if located is None:
                    continue
                for s, _e in located.spans:
                    for seg in payload["segs"]:
                        if seg[3] <= s < seg[4]:
                            out.add(seg[0])
        return out

    # -- archive --------------------------------------------------------------------------
    @_damage_checked
    def videos(self) -> list[Video]:
        with self._lock:
            metas = list(self._current().videos.values())
        vids = [Video.from_dict(m["video"]) for m in metas]
        return sorted(vids, key=lambda v: (v.upload_date or "", v.title), reverse=True)

    @_damage_checked
    def stats(self) -> ArchiveStats:
        with self._lock:
            metas = list(self._current().videos.values())
        langs: dict[str, int] = defaultdict(int)
        for m in metas:
            langs[m.get("lang") or "unknown"] += 1
        dates = sorted(d for m in metas if (d := m["video"].get("upload_date")))
        indexed = max((m.get("indexed", "") for m in metas), default="") or None
        return ArchiveStats(
            videos=len(metas),
            hours=sum(m.get("duration") or 0 for m in metas) / 3600,
            segments=sum(m.get("segments", 0) for m in metas),
            languages=dict(sorted(langs.items())),
            first_date=dates[0] if dates else None,
            last_date=dates[-1] if dates else None,
            last_indexed=indexed or _mtime_iso(self.index_dir),
        )


BM25_K1, BM25_B = 1.2, 0.75


def _by_video(gen, scored: Scored, allowed: set[str] | None) -> dict[str, Scored]:
    """The scored passages grouped by video (only the videos `allowed`), each in document order."""
    if not len(scored):
        return {}
    docs, scores = scored.docs, scored.scores
    vidx = gen.doc_vidx[docs]
    ids = gen.video_ids
    if allowed is not None:
        keep = np.fromiter((v in allowed for v in ids), dtype=bool, count=len(ids))[vidx]
        docs, scores, vidx = docs[keep], scores[keep], vidx[keep]
    order = np.argsort(vidx, kind="stable")
    docs, scores, vidx = docs[order], scores[order], vidx[order]
    cuts = np.flatnonzero(vidx[1:] != vidx[:-1]) + 1
    bounds = zip(np.r_[0, cuts].tolist(), np.r_[cuts, len(vidx)].tolist(), strict=True)
    return {ids[vidx[a]]: Scored(docs[a:b], scores[a:b]) for a, b in bounds if b > a}


def _play_from(word_time: float, lead_in: float) -> float:
    return play_from(word_time, lead_in)


def _rank(gen, hits: dict[str, list], sort: str) -> list[tuple[str, float]]:
    """[(video id, score)] in display order.

    Relevance ranks sessions by BM25 over passages: the matching passages of a session are its
    term frequency, its number of passages its length; so a session that keeps coming back to
    the topic ranks above one that mentions it once, and long sessions get no free advantage.
    """
    if not hits:
        return []
    lengths = gen.passages
    avg = (sum(lengths.values()) / len(lengths)) if lengths else 1.0
    scores = {}
    for vid, found in hits.items():
        tf, dl = len(found), max(lengths.get(vid, 1), 1)
        scores[vid] = tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * dl / max(avg, 1.0)))

    def day(vid):
        return (gen.videos.get(vid) or {}).get("video", {}).get("upload_date") or ""

    if sort == "relevance":
        order = sorted(scores, key=lambda v: (-scores[v], day(v) and -int(day(v).replace("-", "")), v))
    else:
        dated = sorted((v for v in scores if day(v)), key=lambda v: (day(v), v), reverse=(sort == "date"))
        order = dated + sorted(v for v in scores if not day(v))  # unknown dates last
    return [(v, scores[v]) for v in order]


def _fuse(gen, words: list[tuple[str, float]], near: dict[str, list], sort: str) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of the words ranking and the meaning ranking (sessions by best cosine).

    A session found both ways sums both terms, so exact matches stay on top; at equal score the
    one with word hits comes first. Date sorts order the union by date.
    """
    meaning = sorted(near, key=lambda v: (-max(c for c, _ in near[v]), v))
    scores: dict[str, float] = defaultdict(float)
    in_words = set()
    for r, (vid, _) in enumerate(words, 1):
        scores[vid] += 1 / (RRF_K + r)
        in_words.add(vid)
    for r, vid in enumerate(meaning, 1):
        scores[vid] += 1 / (RRF_K + r)
    if sort == "relevance":
        order = sorted(scores, key=lambda v: (-scores[v], v not in in_words, v))
    else:
        def day(vid):
            return (gen.videos.get(vid) or {}).get("video", {}).get("upload_date") or ""
        dated = sorted((v for v in scores if day(v)), key=lambda v: (day(v), v), reverse=(sort == "date"))
        order = dated + sorted(v for v in scores if not day(v))
    return [(v, scores[v]) for v in order]


def _plain(node) -> bool:
    """Only plain words (AND implied): a query that may be answered by meaning."""
    if isinstance(node, QWord):
        return node.fuzzy is None and not node.prefix
    if isinstance(node, QAnd):
        return all(_plain(n) for n in node.items)
    return False


def _allowed_videos(gen, filters: SearchFilters) -> set[str] | None:
    """The video ids the filters let through (None: no filter). Filters apply to session metadata."""
    if not (filters.languages or filters.since or filters.until or filters.video_ids or filters.title.strip()):
        return None
    langs = {c.lower().split("-")[0] for c in filters.languages}
    since = filters.since.isoformat() if filters.since else None
    until = filters.until.isoformat() if filters.until else None
    ids = set(filters.video_ids)
    title_words = set(S.fold_words(filters.title))
    out = set()
    for vid, meta in gen.videos.items():
        video = meta["video"]
        day = video.get("upload_date") or ""
        if langs and (meta.get("lang") or "").lower().split("-")[0] not in langs:
            continue
        if (since and (not day or day < since)) or (until and (not day or day > until)):
            continue
        if ids and vid not in ids:
            continue
        if title_words and not title_words <= set(S.fold_words(video.get("title") or "")):
            continue
        out.add(vid)
    return out


def _mtime_iso(path: Path) -> str | None:
    try:
        ts = max(p.stat().st_mtime for p in path.iterdir())
    except (OSError, ValueError):
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")




def _suggest(reader, query: str, words: list[str]) -> tuple[str, ...]:
    """One corrected query: each word missing from the vocabulary replaced by its nearest known word."""
    import re

    corrected = query
    changed = False
    for word in words:
        folded = S.fold(word)
        if len(folded) < 3 or reader.doc_frequency(S.VOCAB, folded) > 0:
            continue
        # A stop word is not indexed but not misspelt ("des" is not "dis"); a prefix of a known word is
        # a word being typed ("particip"), not a typo.
        if any(folded in S.stop_words(lang) for lang in S.STEMMED_LANGS):
            continue
        if next(iter(reader.expand_prefix(S.VOCAB, folded)), None) is not None:
            continue
        candidates = [c for c in words_within(reader, folded, 2) if c != folded]
        if not candidates:
            continue
        best = min(candidates, key=lambda c: (edit_distance(folded, c), -reader.doc_frequency(S.VOCAB, c), c))
        corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", best, corrected, count=1)
        changed = True
    return (corrected,) if changed and corrected != query else ()
