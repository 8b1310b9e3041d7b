"""index.query: the query language, its repairs (with notices) and its refusals (QueryError)."""

from __future__ import annotations

import pytest

from index.errors import QueryError
from index.query import And, Not, Or, Phrase, Word, parse


def test_words_phrases_and_operators():
    assert parse("peer learning").node == And((Word("peer"), Word("learning")))
    assert parse('"local finance"').node == Phrase("local finance")
    assert parse("housing OR vivienda").node == Or((Word("housing"), Word("vivienda")))
    assert parse("climate NOT finance -water").node == And(
        (Word("climate"), Not(Word("finance")), Not(Word("water"))))
    assert parse("(water OR eau) AND sanitation").node == And(
        (Or((Word("water"), Word("eau"))), Word("sanitation")))
    assert parse("and or not").node == And((Word("and"), Word("or"), Word("not")))  # lower case: words


def test_fuzzy_and_prefix():
    assert parse("goverment~").node == Word("goverment", fuzzy=2)
    assert parse("city~").node == Word("city", fuzzy=1)
    assert parse("city~2").node == Word("city", fuzzy=2)
    assert parse("particip*").node == Word("particip", prefix=True)


@pytest.mark.parametrize(("query", "node", "notice"), [
    ('"unterminated phrase', Phrase("unterminated phrase"), "unterminated quote"),
    ("(a OR b", Or((Word("a"), Word("b"))), "missing ')'"),
    ("a) b", And((Word("a"), Word("b"))), "closes nothing"),
    ("foo AND", Word("foo"), "AND"),
    ("a OR OR b", Or((Word("a"), Word("b"))), "OR"),
    ("y~9", Word("y", fuzzy=2), "at most 2"),
    ("a*", Word("a"), "at least 2 letters"),
    ("*tion", Word("tion"), "final *"),
    ('"a b"~3', Phrase("a b"), "Proximity"),
])
def test_broken_syntax_is_repaired_with_a_notice(query, node, notice):
    parsed = parse(query)
    assert parsed.node == node
    assert any(notice in n for n in parsed.notices), parsed.notices


@pytest.mark.parametrize(("query", "message"), [
    ("", "nothing to search"),
    ("AND OR (", "nothing to search"),
    ("🙂 🎉", "nothing to search"),
    ("NOT housing", "not only words to exclude"),
    ("x" * 5000, "at most 500"),
])
def test_unrunnable_queries_raise_query_error(query, message):
    with pytest.raises(QueryError, match=message):
        parse(query)
