"""index.bm25 against Whoosh's own matcher: the same documents for every kind of query.

The fast path reads private members of whoosh-reloaded 2.7.5's postings matcher. Over an index with
several segments and deleted documents, and posting lists longer than one block, the documents it
scores must be exactly those `searcher.docs_for_query` finds; and again with the fast path off
(the public matcher API, what runs on any other Whoosh version).
"""

from __future__ import annotations

import pytest

from index import bm25
from index import schema as S
from index.build import documents, open_index
from index.compile import compile_query
from index.query import parse
from tests.support.index_data import transcript

LONG_EN = transcript("longSession1", "en", [
    f"in city number {i} the mayors discuss housing and {'water' if i % 3 else 'sanitation'} budgets"
    for i in range(420)  # ~140 passages: "city" spans more than one 128-posting block
], date="2024-01-10")
EN = transcript("enSession01", "en", [
    "Welcome to this peer learning session on local governments",
    "today we discuss housing policies and the localization of the",
    "sustainable development goals in intermediary cities",
    "our mayors share their experience with participatory budgeting",
], date="2024-03-01")
FR = transcript("frSession01", "fr", [
    "Bienvenue à cette session sur la participation des collectivités territoriales",
    "les élus locaux partagent leurs expériences de budget participatif",
    "la municipalité de Chefchaouen présente son développement durable et l'eau",
], date="2023-06-15")
ES = transcript("esSession01", "es", [
    "Bienvenidos a la sesión sobre la participación ciudadana y la vivienda",
    "los gobiernos locales comparten sus experiencias de agua y saneamiento",
], date="2022-11-20")
GONE = transcript("goneSession", "en", [  # deleted: its words must never come back
    f"city housing water budget session {i} of the peer learning on local governments" for i in range(300)
], date="2021-01-01")
CHANGED_OLD = transcript("changedSess", "en", ["the first version spoke of housing and water"] * 200)
CHANGED_NEW = transcript("changedSess", "en", ["the second version spoke of sanitation only"] * 3)

QUERIES = {
    "term": "housing",
    "term, several blocks": "city",
    "term, one posting": "Chefchaouen",
    "phrase": '"local governments"',
    "phrase, across segments": '"localization of the sustainable development goals"',
    "and": "peer learning",
    "or": "housing OR vivienda",
    "grouping": "(water OR eau OR agua) AND sanitation",
    "not": "housing NOT water",
    "minus": "city -sanitation",
    "fuzzy": "budgetting~",
    "prefix": "particip*",
    "languages": "session OR sesion OR budget",
    "nothing": "zebra",
}
FILTERS = {  # a query And-ed with filters as Whoosh terms over passage fields (a video, the passage kind)
    "one video": ("housing OR water", [(S.VIDEO, "longSession1")]),
    "videos": ("city OR session OR sesion", [(S.VIDEO, "enSession01"), (S.VIDEO, "esSession01")]),
    "deleted video": ("housing", [(S.VIDEO, "goneSession")]),
    "passages only": ("session", [(S.KIND, S.KIND_PASSAGE)]),
}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    """Four segments (no merging), one video deleted, one replaced: deletions in three segments."""
    from whoosh.query import Term

    ix = open_index(tmp_path_factory.mktemp("bm25") / "index", create=True)
    for batch in ([LONG_EN, GONE], [EN, CHANGED_OLD], [FR], [ES]):
        writer = ix.writer()
        for t in batch:
            for doc in documents(t, "checksum"):
                writer.add_document(**doc)
        writer.commit(merge=False)
    writer = ix.writer()
    writer.delete_by_query(Term(S.VIDEO, GONE.video.id))
    writer.delete_by_query(Term(S.VIDEO, CHANGED_OLD.video.id))
    for doc in documents(CHANGED_NEW, "checksum2"):
        writer.add_document(**doc)
    writer.commit(merge=False)
    with ix.searcher() as s:
        assert len(s.subsearchers) >= 4 and s.reader().has_deletions()
        yield s


def _whoosh(q, searcher) -> set[int]:
    return set(searcher.docs_for_query(q)) if q is not None else set()


HOT = {}  # the read path being tested: hot postings for it, or None


def _fast(q, searcher) -> set[int]:
    if q is None:
        return set()
    found = bm25.scored_docs(q, searcher, HOT.get("postings"))
    assert list(found.docs) == sorted(set(found.docs.tolist())) and len(found.scores) == len(found.docs)
    return set(found.docs.tolist())


@pytest.fixture(params=["fast path", "hot postings", "some hot postings", "public matcher"])
def fast_path(request, monkeypatch, searcher):
    monkeypatch.setattr(bm25, "FAST_PATH", request.param != "public matcher")
    hot = None
    if "hot" in request.param:
        # Every term held decoded (every lookup takes the hot path), or only those in 3+ passages (a
        # phrase then mixes held words and words read from disk).
        hot = bm25.HotPostings(min_docs=1 if request.param == "hot postings" else 3)
        assert hot.load(searcher, S.TEXT_FIELDS) > 0
    monkeypatch.setitem(HOT, "postings", hot)
    return request.param


@pytest.mark.parametrize("text", QUERIES.values(), ids=QUERIES.keys())
def test_same_documents_as_whoosh(searcher, fast_path, text):
    compiled = compile_query(parse(text), searcher.reader())
    expected = _whoosh(compiled.query, searcher)
    assert _fast(compiled.query, searcher) == expected
    assert bool(expected) == (text != "zebra")


@pytest.mark.parametrize("name", FILTERS)
def test_same_documents_with_filters(searcher, fast_path, name):
    from whoosh.query import And, Or, Term

    text, terms = FILTERS[name]
    compiled = compile_query(parse(text), searcher.reader())
    filters = [Term(field, value) for field, value in terms]
    q = And([compiled.query, Or(filters) if len(filters) > 1 else filters[0]])
    expected = _whoosh(q, searcher)
    assert _fast(q, searcher) == expected
    assert bool(expected) == (name != "deleted video")


def test_deleted_and_replaced_documents_stay_gone(searcher, fast_path):
    compiled = compile_query(parse("first OR version OR water"), searcher.reader())
    found = _fast(compiled.query, searcher)
    assert found and not any(searcher.reader().is_deleted(d) for d in found)
    assert _fast(compile_query(parse("first"), searcher.reader()).query, searcher) == set()
    assert found == _whoosh(compiled.query, searcher)


def test_the_fast_path_really_reads_blocks_here(searcher):
    """Else the differential tests above would compare the public path with itself."""
    assert bm25.FAST_PATH, "whoosh-reloaded 2.7.5 is pinned in pyproject.toml: the fast path should be on"
    long_terms = 0
    for sub, _offset in searcher.subsearchers:
        reader = sub.reader()
        term = (S.text_field("en"), "citi")
        if term in reader and reader.doc_frequency(*term) > 128:
            assert bm25._block_arrays(reader.postings(*term).child if reader.has_deletions()
                                      else reader.postings(*term)) is not None
            long_terms += 1
    assert long_terms, "no posting list longer than one block"


def test_scores_add_up_over_or_and_and(searcher):
    """A document found by several words scores the sum of their terms, the same on every path."""
    reader = searcher.reader()
    for text in ("housing OR water", "housing water", "(water OR eau OR agua) AND sanitation"):
        q = compile_query(parse(text), reader).query
        plain = bm25.scored_docs(q, searcher)
        hot = bm25.HotPostings(min_docs=1)
        hot.load(searcher, S.TEXT_FIELDS)
        held = bm25.scored_docs(q, searcher, hot)
        assert plain.docs.tolist() == held.docs.tolist()
        assert plain.scores.tolist() == pytest.approx(held.scores.tolist())

    def scores(text):
        found = bm25.scored_docs(compile_query(parse(text), reader).query, searcher)
        return dict(zip(found.docs.tolist(), found.scores.tolist(), strict=True))

    both, housing, water = scores("housing water"), scores("housing"), scores("water")
    assert both and both.keys() == housing.keys() & water.keys()
    assert all(s == pytest.approx(housing[d] + water[d]) for d, s in both.items())
    either = scores("housing OR water")
    assert all(either[d] == pytest.approx(housing.get(d, 0) + water.get(d, 0)) for d in either)


def test_fast_path_only_on_the_whoosh_it_was_written_for(monkeypatch):
    name, version = bm25.WRITTEN_FOR
    assert bm25._installed_is_written_for()
    monkeypatch.setattr(bm25.metadata, "version", lambda dist: "2.7.6" if dist == name else version)
    assert not bm25._installed_is_written_for()

    def missing(dist):
        raise bm25.metadata.PackageNotFoundError(dist)

    monkeypatch.setattr(bm25.metadata, "version", missing)
    assert not bm25._installed_is_written_for()
