"""The Whoosh schema and the per-language analysis: the only place field names are spelled.

Two kinds of documents live in one index:
- one VIDEO document per transcript: its metadata, checksum and vocabulary (for fuzzy/prefix
  expansion and "did you mean");
- PASSAGE documents: windows of WINDOW consecutive Whisper segments stepping by STEP, so that
  consecutive windows share one segment and a phrase crossing any segment boundary lies whole
  inside some window. Each passage stores its text, the segments' times and the analysed tokens
  with their word start times, so a hit's jump time and highlight need no JSON re-read and no
  re-analysis.

Text is analysed in its own language (English/French/Spanish stemming and stop words; any other
language is only lower-cased and accent-folded) into its own field; one query is compiled against
every language field. Each word is indexed under two forms at the same position:
`fold(stem(word))` and `stem(fold(word))`. The snowball stemmers only strip accented suffixes
when the accent is there ("participación" → "particip", but "participacion" stays whole), so the
second form lets a query typed without accents find the accented word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import Analyzer, Token

# -- granularity ----------------------------------------------------------------------------
WINDOW = 4  # segments per passage document
STEP = 3  # a new passage every STEP segments: consecutive passages share one segment

# -- field names ----------------------------------------------------------------------------
KIND = "kind"  # "video" | "passage"
VIDEO = "video"  # video id (sortable: grouping, collapse)
# LANG, DATE and TITLE copy session metadata onto every document so Whoosh queries can filter on
# them; SearchIndex filters on its in-memory session table instead (measured faster).
LANG = "lang"  # ISO 639-1 code, or UNKNOWN_LANG
DATE = "date"  # upload date as integer YYYYMMDD, 0 when unknown (sortable)
START = "start_ms"  # passage start, integer ms (sortable integers: see TESTING.md)
TITLE = "title"  # title words, accent-folded, no stemming (the title filter)
VOCAB = "vocab"  # video documents: the distinct folded words of the transcript
PAYLOAD = "payload"  # stored only: dict described in build.py
TEXT_PREFIX = "text_"

KIND_VIDEO = "video"
KIND_PASSAGE = "passage"

STEMMED_LANGS = ("en", "fr", "es")
UNKNOWN_LANG = "xx"  # any other language: folded, not stemmed
TEXT_LANGS = (*STEMMED_LANGS, UNKNOWN_LANG)


def text_field(lang: str | None) -> str:
    return TEXT_PREFIX + index_lang(lang)


def index_lang(lang: str | None) -> str:
    """The analysis language for a transcript's language code ('en-US' → 'en'; others → 'xx')."""
    code = (lang or "").lower().split("-")[0].split("_")[0]
    return code if code in STEMMED_LANGS else UNKNOWN_LANG


TEXT_FIELDS = tuple(text_field(lang) for lang in TEXT_LANGS)


def date_key(iso: str | None) -> int:
    """'2024-05-17' → 20240517; unknown or malformed → 0."""
    if not iso or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return 0
    return int(iso.replace("-", ""))


# -- analysis -------------------------------------------------------------------------------
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case and strip accents: 'Participación' → 'participacion'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ß", "ss").replace("œ", "oe")


@lru_cache(maxsize=8)
def _stemmer(lang: str):
    from whoosh.lang import stemmer_for_language

    return stemmer_for_language(lang)


@lru_cache(maxsize=8)
def stop_words(lang: str) -> frozenset[str]:
    if lang not in STEMMED_LANGS:
        return frozenset()
    from whoosh.lang import stopwords_for_language

    return frozenset(fold(w) for w in stopwords_for_language(lang))


@lru_cache(maxsize=200_000)
def word_forms(lang: str, word: str) -> tuple[str, ...]:
    """The index terms of one word in `lang` (one or two forms); () for a stop word or a single letter."""
    folded = fold(word)
    if (len(folded) < 2 and not folded.isdigit()) or folded in stop_words(lang):
        return ()
    if lang not in STEMMED_LANGS:
        return (folded,)
    stem = _stemmer(lang)
    a = fold(stem(word.lower()))
    b = stem(folded)
    return (a,) if a == b else (a, b)


def analyze(lang: str, text: str) -> list[tuple[tuple[str, ...], int, int]]:
    """Tokens of `text` in `lang`: (forms, start char, end char); the list index is the position."""
    out = []
    for m in WORD_RE.finditer(text):
        forms = word_forms(lang, m.group())
        if forms:
            out.append((forms, m.start(), m.end()))
    return out


def fold_words(text: str) -> list[str]:
    """Folded words without stemming or stop words (titles, vocabulary)."""
    return [fold(m.group()) for m in WORD_RE.finditer(text)]


class _AnalyzerMixin:
    """Whoosh calls analyzers with keyword options; we honour positions/chars and ignore the rest."""

    def _tokens(self, value: str):
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (forms, start, end) in enumerate(self._tokens(value)):
            for form in forms:
                token.text = form
                token.boost = 1.0
                token.stopped = False
                if positions:
                    token.pos = start_pos + pos
                if chars:
                    token.startchar = start_char + start
                    token.endchar = start_char + end
                yield token

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self):
        return hash((type(self).__name__, tuple(sorted(self.__dict__.items()))))


class LanguageAnalyzer(_AnalyzerMixin, Analyzer):
    """Stemming, stop words and accent folding for one language (see the module docstring)."""

    def __init__(self, lang: str):
        self.lang = lang

    def _tokens(self, value: str):
        return analyze(self.lang, value)


class FoldAnalyzer(_AnalyzerMixin, Analyzer):
    """Folded words, no stemming, no stop words: titles."""

    def _tokens(self, value: str):
        return [((fold(m.group()),), m.start(), m.end()) for m in WORD_RE.finditer(value)]


def build_schema():
    from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

    fields = {
        KIND: ID(),
        VIDEO: ID(sortable=True),
        LANG: ID(),
        DATE: NUMERIC(int, bits=32, sortable=True, signed=False),
        START: NUMERIC(int, bits=32, sortable=True, signed=False),
        TITLE: TEXT(analyzer=FoldAnalyzer(), phrase=False),
        VOCAB: KEYWORD(scorable=False),
        PAYLOAD: STORED(),
    }
    for lang in TEXT_LANGS:
        fields[text_field(lang)] = TEXT(analyzer=LanguageAnalyzer(lang), phrase=True)
    return Schema(**fields)
