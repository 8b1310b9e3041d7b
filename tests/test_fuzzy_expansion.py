"""Fuzzy words expand to exactly the vocabulary words Whoosh's terms_within(prefix=1) finds, over an
index of several segments (index.compile.fuzzy_words compares only words of a length within reach)."""

from __future__ import annotations

import pytest

from index import schema as S
from index.build import index_transcript, open_index
from index.compile import _Compiler, lexicon, words_within
from tests.support.index_data import transcript

SPOKEN = {
    "en": "government governments governance governor participation participating particular resilience "
          "resilient residence sanitation sanity municipality municipal budget budgeting budgets",
    "fr": "gouvernement municipalité municipalités participation résilience assainissement budget",
    "es": "gobierno municipalidad participación resiliencia saneamiento presupuesto",
}
TYPOS = ["goverment", "governmnet", "particpation", "resilince", "municipalite", "budjet", "sanitaton",
         "gvernment", "a", "zz", "participacion", "municipalidad"]


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    ix_dir = tmp_path_factory.mktemp("fuzzy") / "index"
    for n, (lang, text) in enumerate(SPOKEN.items()):  # one commit each: several segments
        index_transcript(ix_dir, transcript(f"fuzzy{n:06d}", lang, [text]), f"c{n}")
    ix = open_index(ix_dir)
    with ix.searcher() as s:
        assert len(s.subsearchers) >= 2
        yield s.reader()


@pytest.mark.parametrize("maxdist", [1, 2])
@pytest.mark.parametrize("typo", TYPOS)
def test_same_words_as_whoosh_terms_within(reader, typo, maxdist):
    folded = S.fold(typo)
    whoosh = {t.decode("utf-8") if isinstance(t, bytes) else t
              for t in reader.terms_within(S.VOCAB, folded, maxdist, prefix=1)}
    assert set(_Compiler(reader).fuzzy_words(typo, maxdist)) == whoosh | {folded}
    assert sorted(words_within(reader, folded, maxdist)) == sorted(whoosh)  # "did you mean" asks this


def test_the_lexicon_is_made_once_per_reader(reader):
    assert lexicon(reader) is lexicon(reader)
    assert sum(len(words) for words in lexicon(reader).values()) == len(list(reader.lexicon(S.VOCAB)))
