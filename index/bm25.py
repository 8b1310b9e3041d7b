"""A BM25 scorer over Whoosh postings: every document a query matches, with a cheap score, in one pass.

Whoosh's generic matchers cost several Python calls per matching document: scoring every hit of
a common word over a channel-sized archive takes hundreds of milliseconds. Here a term's
postings are read block by block and Or / And / AndNot become dict operations. Anything else
(phrases, ...) falls back to Whoosh's own matcher for that sub-query (for phrases its skipping
span matcher was measured faster than decoding every position block here). Deleted documents are
removed as Whoosh does.

The fast path reads eight private members of whoosh-reloaded 2.7.5's W3 postings matcher
(`_read_ids`, `_read_weights`, `_ids`, `_weights`, `_goto`, `_atend`, `_lastblock`, `_nextoffset`;
whole blocks of ids and term frequencies at once). It is used only when that exact version is
installed (FAST_PATH); otherwise, or for any other postings format, a term is read through the
public matcher API (is_active / id / weight / next). tests/test_bm25.py checks, on an index with
several segments and deleted documents, that both paths return exactly the documents Whoosh's
own matcher returns for every kind of query.

The score of a passage is BM25 without length normalisation (passages are all about four
segments long): sum over matched terms of idf × tf·(k1+1)/(tf+k1); a phrase counts the idf of
its terms once.
"""

from __future__ import annotations

import math
from importlib import metadata

K1 = 1.2
WRITTEN_FOR = ("whoosh-reloaded", "2.7.5")  # the distribution whose private postings members we read


def _installed_is_written_for() -> bool:
    name, version = WRITTEN_FOR
    try:
        return metadata.version(name) == version
    except metadata.PackageNotFoundError:
        return False


# Read block by block only on the exact Whoosh these internals were read from; a test may turn it off.
FAST_PATH = _installed_is_written_for()


class _Scorer:
    def __init__(self, searcher):
        self.reader = searcher.reader()  # the top-level reader: idf over the whole index
        self.n = max(self.reader.doc_count(), 1)
        self.cache: dict = {}

    def idf(self, fieldname: str, text) -> float:
        key = (fieldname, text)
        if key not in self.cache:
            df = self.reader.doc_frequency(fieldname, text)
            self.cache[key] = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
        return self.cache[key]


def scored_docs(query, searcher) -> dict[int, float]:
    """{global document number: score} for every document matching `query` (deletions excluded)."""
    scorer = _Scorer(searcher)
    subs = searcher.subsearchers or [(searcher, 0)]
    out: dict[int, float] = {}
    for sub, offset in subs:
        found = _eval(query, sub, scorer)
        if offset:
            found = {d + offset: s for d, s in found.items()}
        out.update(found)
    return out


def _eval(q, searcher, scorer: _Scorer) -> dict[int, float]:
    from whoosh import query as Q

    if isinstance(q, Q.Term):
        return _term(searcher.reader(), q.fieldname, q.text, scorer)
    if isinstance(q, Q.Or):
        out: dict[int, float] = {}
        for sub in q.subqueries:
            found = _eval(sub, searcher, scorer)
            # Language fields hold disjoint passages: usually no overlap, so merge at C speed.
            both = out.keys() & found.keys()
            fixed = {d: out[d] + found[d] for d in both}
            out.update(found)
            out.update(fixed)
        return out
    if isinstance(q, Q.And):
        parts = sorted((_eval(sub, searcher, scorer) for sub in q.subqueries), key=len)
        if not parts:
            return {}
        out = parts[0]
        for p in parts[1:]:
            out = {d: out[d] + p[d] for d in out.keys() & p.keys()}
        return out
    if isinstance(q, Q.AndNot):
        excluded = _eval(q.b, searcher, scorer)
        return {d: s for d, s in _eval(q.a, searcher, scorer).items() if d not in excluded}
    if isinstance(q, Q.NullQuery.__class__):
        return {}
    weight = sum(scorer.idf(fn, t) for fn, t in q.iter_all_terms()) if hasattr(q, "iter_all_terms") else 1.0
    return dict.fromkeys(q.docs(searcher), weight)  # phrases and anything else: Whoosh's matcher


def _term(reader, fieldname: str, text, scorer: _Scorer) -> dict[int, float]:
    from whoosh.reading import TermNotFound

    try:
        if (fieldname, text) not in reader:
            return {}
        m = reader.postings(fieldname, text)
    except TermNotFound:
        return {}
    idf = scorer.idf(fieldname, text)
    pairs = _block_postings(m, reader) if FAST_PATH else None
    if pairs is None:  # the public way (it skips deleted documents itself)
        pairs = []
        while m.is_active():
            pairs.append((m.id(), m.weight()))
            m.next()
    k = K1 + 1
    return {d: idf * w * k / (w + K1) for d, w in pairs}


_BLOCK_MEMBERS = ("_read_ids", "_read_weights", "_goto", "_atend", "_lastblock", "_nextoffset")


def _block_postings(m, reader) -> list[tuple[int, float]] | None:
    """(document, term frequency) of every live posting, a whole block at a time; None when `m` is
    not the W3 block matcher this was written for."""
    deleted = None
    if hasattr(m, "child") and not hasattr(m, "_goto"):  # FilterMatcher hiding deleted documents
        deleted = reader.deleted_docs_set
        m = m.child
    if not all(hasattr(m, a) for a in _BLOCK_MEMBERS):
        return None
    out: list[tuple[int, float]] = []
    while not m._atend:
        m._read_ids()
        m._read_weights()
        out.extend(zip(m._ids, m._weights, strict=False))
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    if deleted:
        out = [(d, w) for d, w in out if d not in deleted]
    return out
