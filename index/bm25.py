"""A BM25 scorer over Whoosh postings: every document a query matches, with a cheap score, in one pass.

Whoosh's generic matchers cost several Python calls per matching document: scoring every hit of
a common word over a channel-sized archive takes hundreds of milliseconds. Here a term's
postings are read block by block into numpy arrays, and Or / And / AndNot / Phrase become array
operations (a phrase: one key per document and position shifted by the word's place in the
phrase; the keys every word shares). Anything else falls back to Whoosh's own matcher for that
sub-query. Deleted documents are removed as Whoosh does.

The postings of frequent terms can be kept decoded in memory, positions included (HotPostings,
loaded once by SearchIndex.warm; ~30 bytes a posting): a common word's ~100 blocks cost ~10 ms
to unpickle on every search (~25 ms with positions, for a phrase), most of what a search for it
costs. Rare terms are read from disk each time (a block or two).

The fast path reads ten private members of whoosh-reloaded 2.7.5's W3 postings matcher
(`_read_ids`, `_read_weights`, `_read_values`, `_ids`, `_weights`, `_values`, `_goto`, `_atend`,
`_lastblock`, `_nextoffset`; whole blocks at once). It is used only when that exact version is
installed (FAST_PATH); otherwise, or for any other postings format, a term is read through the
public matcher API (is_active / id / weight / next) and phrases go to Whoosh's matcher.
tests/test_bm25.py checks, on an index with several segments and deleted documents, that both
paths, with and without hot postings, return exactly the documents Whoosh's own matcher returns
for every kind of query.

The score of a passage is BM25 without length normalisation (passages are all about four
segments long): sum over matched terms of idf × tf·(k1+1)/(tf+k1); a phrase counts the idf of
its terms once.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from importlib import metadata

import numpy as np

K1 = 1.2
WRITTEN_FOR = ("whoosh-reloaded", "2.7.5")  # the distribution whose private postings members we read
HOT_MIN_DOCS = 256  # terms in at least this many passages (two blocks or more) are kept decoded


def _installed_is_written_for() -> bool:
    name, version = WRITTEN_FOR
    try:
        return metadata.version(name) == version
    except metadata.PackageNotFoundError:
        return False


# Read block by block only on the exact Whoosh these internals were read from; a test may turn it off.
FAST_PATH = _installed_is_written_for()

_NO_DOCS = np.empty(0, dtype=np.int64)
_NO_SCORES = np.empty(0, dtype=np.float64)


@dataclass(frozen=True)
class Scored:
    """Every matching document: global document numbers, ascending and unique, and their scores."""

    docs: np.ndarray  # int64
    scores: np.ndarray  # float64, aligned with docs

    def __len__(self) -> int:
        return len(self.docs)


NOTHING = Scored(_NO_DOCS, _NO_SCORES)


class HotPostings:
    """Decoded (document, term frequency) arrays of the frequent terms, per Whoosh segment.

    Whoosh segments never change once written (deletions are a separate set, applied when read), so
    a segment's arrays stay valid for every later generation that still holds the segment."""

    def __init__(self, min_docs: int = HOT_MIN_DOCS):
        self.min_docs = min_docs
        # segment id -> (field, term) -> (docs int64, term frequencies float64, positions: see _positions)
        self._segments: dict[str, dict[tuple[str, str], tuple]] = {}
        self.loaded = False  # load() has run: the index's owner keeps later generations held too
        self._loading = threading.Lock()  # one load at a time; searches read while it runs

    def load(self, searcher, fieldnames) -> int:
        """Decode the frequent terms of every segment not loaded yet; forget segments gone. Returns
        the number of postings held."""
        if not FAST_PATH:
            return 0
        with self._loading:
            return self._load(searcher, fieldnames)

    def _load(self, searcher, fieldnames) -> int:
        wanted = {}
        for sub, _offset in searcher.subsearchers or [(searcher, 0)]:
            key = _segment_key(sub.reader())
            if key is not None:
                wanted[key] = sub.reader()
        self._segments = {k: v for k, v in self._segments.items() if k in wanted}
        for key, reader in wanted.items():
            if key in self._segments:
                continue
            terms = {}
            for fieldname in fieldnames:
                if fieldname not in reader.schema:
                    continue
                for text, info in reader.iter_field(fieldname):
                    if info.doc_frequency() < self.min_docs:
                        continue
                    text = text.decode("utf-8") if isinstance(text, bytes) else text
                    m = reader.postings(fieldname, text)
                    fmt = reader.schema[fieldname].format
                    with_positions = bool(fmt and fmt.supports("positions"))
                    arrays = _block_arrays(_unfiltered(m), values=with_positions)
                    if arrays is None:
                        continue
                    # Held as read (int64, float64): no conversion per search.
                    held = _positions(arrays[2], _positions_decoder(fmt)) if with_positions else None
                    terms[(fieldname, text)] = (arrays[0], arrays[1], held)
            self._segments = {**self._segments, key: terms}  # swapped whole: a search may be reading it
        self.loaded = True
        return self.postings()

    def get(self, segment_key, fieldname: str, text):
        """(docs, term frequencies, (offsets, positions) or None) of a held term, or None."""
        terms = self._segments.get(segment_key)
        if terms is None:
            return None
        return terms.get((fieldname, text.decode("utf-8") if isinstance(text, bytes) else text))

    def postings(self) -> int:
        return sum(len(held[0]) for terms in self._segments.values() for held in terms.values())

    def nbytes(self) -> int:
        return sum(a.nbytes for terms in self._segments.values() for docs, tf, pos in terms.values()
                   for a in (docs, tf, *(pos or ())))


def _segment_key(reader):
    segment = reader.segment() if hasattr(reader, "segment") else None
    return segment.segment_id() if segment is not None else None


class _Scorer:
    def __init__(self, searcher, hot: HotPostings | None):
        self.reader = searcher.reader()  # the top-level reader: idf over the whole index
        self.n = max(self.reader.doc_count(), 1)
        self.cache: dict = {}
        self.hot = hot
        self._deleted: dict[int, np.ndarray] = {}

    def live(self, reader, docs: np.ndarray, *aligned: np.ndarray):
        """`docs` and the arrays aligned with it, without the segment's deleted documents."""
        deleted = reader.deleted_docs_set  # Whoosh caches it per reader
        if not deleted:
            return (docs, *aligned)
        gone = self._deleted.get(id(reader))
        if gone is None:
            gone = self._deleted[id(reader)] = np.fromiter(deleted, dtype=np.int64)
        keep = ~np.isin(docs, gone)
        return (docs[keep], *(a[keep] for a in aligned))

    def idf(self, fieldname: str, text) -> float:
        key = (fieldname, text)
        if key not in self.cache:
            df = self.reader.doc_frequency(fieldname, text)
            self.cache[key] = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
        return self.cache[key]


def scored_docs(query, searcher, hot: HotPostings | None = None) -> Scored:
    """Every document matching `query` (deletions excluded), with its score."""
    scorer = _Scorer(searcher, hot)
    parts = []
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        docs, scores = _eval(query, sub, scorer)
        if len(docs):
            parts.append((docs + offset, scores))
    if not parts:
        return NOTHING
    if len(parts) == 1:
        return Scored(*parts[0])
    # Segments are in document-number order: concatenated, the numbers stay ascending.
    return Scored(np.concatenate([d for d, _ in parts]), np.concatenate([s for _, s in parts]))


def _eval(q, searcher, scorer: _Scorer) -> tuple[np.ndarray, np.ndarray]:
    from whoosh import query as Q

    if isinstance(q, Q.Term):
        return _term(searcher.reader(), q.fieldname, q.text, scorer)
    if isinstance(q, Q.Or):
        return _union([_eval(sub, searcher, scorer) for sub in q.subqueries])
    if isinstance(q, Q.And):
        parts = sorted((_eval(sub, searcher, scorer) for sub in q.subqueries), key=lambda p: len(p[0]))
        if not parts:
            return _NO_DOCS, _NO_SCORES
        docs, scores = parts[0]
        for other_docs, other_scores in parts[1:]:
            if not len(docs):
                break
            docs, mine, theirs = np.intersect1d(docs, other_docs, assume_unique=True, return_indices=True)
            scores = scores[mine] + other_scores[theirs]
        return docs, scores
    if isinstance(q, Q.AndNot):
        docs, scores = _eval(q.a, searcher, scorer)
        if not len(docs):
            return docs, scores
        excluded, _ = _eval(q.b, searcher, scorer)
        keep = ~np.isin(docs, excluded, assume_unique=True)
        return docs[keep], scores[keep]
    if isinstance(q, Q.NullQuery.__class__):
        return _NO_DOCS, _NO_SCORES
    weight = sum(scorer.idf(fn, t) for fn, t in q.iter_all_terms()) if hasattr(q, "iter_all_terms") else 1.0
    if isinstance(q, Q.Phrase) and FAST_PATH and q.slop == 1 and q.boost == 1.0:
        docs = _phrase_docs(searcher.reader(), q.fieldname, q.words, scorer)
        if docs is not None:
            return docs, np.full(len(docs), weight)
    docs = np.fromiter(q.docs(searcher), dtype=np.int64)  # anything else: Whoosh's matcher
    docs.sort()
    return docs, np.full(len(docs), weight)


def _union(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return _NO_DOCS, _NO_SCORES
    if len(parts) == 1:
        return parts[0]
    docs = np.concatenate([d for d, _ in parts])
    scores = np.concatenate([s for _, s in parts])
    order = np.argsort(docs, kind="stable")
    docs, scores = docs[order], scores[order]
    first = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
    return docs[first], np.add.reduceat(scores, first)


def _term(reader, fieldname: str, text, scorer: _Scorer) -> tuple[np.ndarray, np.ndarray]:
    pairs = _postings(reader, fieldname, text, scorer)
    if pairs is None:
        return _NO_DOCS, _NO_SCORES
    docs, tf = pairs
    idf = scorer.idf(fieldname, text)
    return docs, idf * tf * (K1 + 1) / (tf + K1)


def _postings(reader, fieldname: str, text, scorer: _Scorer):
    """(document numbers int64 ascending, term frequencies float64) of the live postings of a term
    in one segment, or None when the segment has no such term."""
    from whoosh.reading import TermNotFound

    try:
        if (fieldname, text) not in reader:
            return None
    except TermNotFound:
        return None
    hot = scorer.hot
    held = hot.get(_segment_key(reader), fieldname, text) if hot is not None and FAST_PATH else None
    if held is not None:
        return scorer.live(reader, held[0], held[1])
    try:
        m = reader.postings(fieldname, text)
    except TermNotFound:
        return None
    arrays = None
    if FAST_PATH:
        raw = _unfiltered(m)
        arrays = _block_arrays(raw)
        if arrays is not None and raw is not m:  # m was a FilterMatcher hiding deleted documents
            arrays = scorer.live(reader, *arrays)
    if arrays is None:  # the public way (it skips deleted documents itself)
        ids, weights = [], []
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
        arrays = np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)
    return arrays


def _unfiltered(m):
    """The block matcher under the FilterMatcher Whoosh wraps around it to hide deleted documents."""
    return m.child if hasattr(m, "child") and not hasattr(m, "_goto") else m


_BLOCK_MEMBERS = ("_read_ids", "_read_weights", "_goto", "_atend", "_lastblock", "_nextoffset")


def _block_arrays(m, values: bool = False):
    """(ids int64, term frequencies float64[, per-posting value bytes]) of every posting, deleted
    ones included, a whole block at a time; None when `m` is not the W3 block matcher this was
    written for."""
    if not all(hasattr(m, a) for a in _BLOCK_MEMBERS) or (values and not hasattr(m, "_read_values")):
        return None
    ids: list = []
    weights: list = []
    vals: list = []
    while not m._atend:
        m._read_ids()
        m._read_weights()
        ids.append(m._ids)
        weights.append(m._weights)
        if values:
            m._read_values()
            vals.extend(m._values)
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    docs = np.fromiter((d for block in ids for d in block), dtype=np.int64)
    tf = np.concatenate([np.asarray(w, dtype=np.float64) for w in weights]) if weights else _NO_SCORES
    return (docs, tf, vals) if values else (docs, tf)


def _phrase_docs(reader, fieldname: str, words, scorer: _Scorer) -> np.ndarray | None:
    """Live documents holding `words` at consecutive positions (Whoosh's Phrase with slop 1), or
    None when this cannot be read here (then Whoosh's matcher answers).

    Every (document, position - k) of the k-th word is one int64 key: the documents whose keys all
    words share hold the phrase. Array work only; positions of held terms are already decoded."""
    from whoosh.reading import TermNotFound

    if fieldname not in reader.schema:
        return _NO_DOCS
    fmt = reader.schema[fieldname].format
    if not fmt or not fmt.supports("positions"):
        return None
    hot = scorer.hot
    n = len(words)
    keys = None
    for k, word in enumerate(words):
        try:
            if (fieldname, word) not in reader:
                return _NO_DOCS
        except TermNotFound:
            return _NO_DOCS
        held = hot.get(_segment_key(reader), fieldname, word) if hot is not None else None
        if held is not None and held[2] is not None:
            docs, (offsets, flat) = held[0], held[2]
        else:
            m = reader.postings(fieldname, word)
            arrays = _block_arrays(_unfiltered(m), values=True)
            if arrays is None:
                return None
            docs, (offsets, flat) = arrays[0], _positions(arrays[2], _positions_decoder(fmt))
        owner = np.repeat(docs, np.diff(offsets))
        mine = owner * _KEY_SHIFT + (flat.astype(np.int64) + (n - k))
        keys = mine if keys is None else np.intersect1d(keys, mine, assume_unique=True)
        if not len(keys):
            return _NO_DOCS
    found = np.unique(keys // _KEY_SHIFT)
    return scorer.live(reader, found)[0]


_KEY_SHIFT = 1 << 32  # document number above, position below: one int64 key per (document, position)


def _positions(values, decode) -> tuple[np.ndarray, np.ndarray]:
    """The positions of each posting, flattened: (offsets int64, one more than postings; positions
    int32), posting i's positions being positions[offsets[i]:offsets[i + 1]]."""
    from itertools import chain

    lists = [list(decode(v)) for v in values]
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    flat = np.fromiter(chain.from_iterable(lists), dtype=np.int32, count=int(offsets[-1]))
    return offsets, flat


def _positions_decoder(fmt):
    """A posting value's positions. For whoosh.formats.Positions, its own decode_positions inlined
    (a phrase of two common words decodes a few thousand values): a pickled list of deltas after a
    4-byte frequency, the pickle's final stop byte sometimes left off."""
    from itertools import accumulate
    from pickle import loads

    from whoosh.formats import Positions

    if type(fmt) is not Positions:
        return fmt.decode_positions
    return lambda value: accumulate(loads((value if value.endswith(b".") else value + b".")[4:]))
