"""Hostile queries: whatever is typed, the parser and the search give results or a QueryError, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.store import TranscriptStore
from index.build import update
from index.errors import QueryError
from index.query import MAX_NESTING, MAX_QUERY_CHARS, ParsedQuery, parse
from index.results import SearchResult
from index.search import SearchIndex
from tests.support.index_data import transcript

PIECES = st.sampled_from(["(", ")", '"', "\u201c", "\u00ab", "-", "*", "~", "~9", "?", " ", "AND", "OR", "NOT",
                          "peer", "learning", "logement", "ciudad", "é", "_", "'", "\x00", "\u200b", "🙂"])
QUERIES = st.one_of(st.text(max_size=80), st.lists(PIECES, max_size=60).map(" ".join),
                    st.lists(PIECES, max_size=120).map("".join))
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def si(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-query")
    store = TranscriptStore(root / "transcripts")
    store.write(transcript("enSession01", "en", ["welcome to this peer learning session", "on housing and cities"]))
    store.write(transcript("frSession01", "fr", ["la participation des collectivités", "le logement social"]))
    update(store, root / "index")
    return SearchIndex(root / "index")


@pytest.mark.parametrize("query", [
    "(" * 247 + "x",
    "(" * (MAX_QUERY_CHARS - 1) + "x",
    "(a " * 160 + "b",
    "NOT " * 120 + "x y",
    "peer " + "-(" * 200 + "x",
])
def test_deep_nesting_is_a_query_error(query, si):
    assert len(query) <= MAX_QUERY_CHARS
    with pytest.raises(QueryError, match="levels deep"):
        parse(query)
    with pytest.raises(QueryError, match="levels deep"):
        si.search(query)


def test_nesting_up_to_the_limit_is_searched(si):
    query = "(peer " * MAX_NESTING + "learning" + ")" * MAX_NESTING
    assert si.search(query).total_videos == 1
    assert si.search("NOT " * (MAX_NESTING - 1) + "housing peer").total_videos == 0  # odd: excluded


@pytest.mark.parametrize("query", ["peer NOT NOT housing", "peer NOT (NOT housing)", "peer -(-housing)"])
def test_two_nots_cancel_out(query, si):
    # Not(Not(x)) once reached the scorer as a raw tuple: AttributeError.
    result = si.search(query)
    assert result.total_videos == 1
    assert "cancel" in result.notice


@FAST
@given(QUERIES)
def test_parser_gives_a_query_or_a_query_error(text):
    try:
        parsed = parse(text)
    except QueryError as exc:
        assert str(exc)
    else:
        assert isinstance(parsed, ParsedQuery)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(QUERIES)
def test_search_gives_results_or_a_query_error(si, text):
    try:
        result = si.search(text)
    except QueryError:
        return
    assert isinstance(result, SearchResult)
