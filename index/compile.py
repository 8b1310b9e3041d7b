"""Parsed query → a Whoosh query over every language field, plus a Spec to locate matches.

Fuzzy and prefix words expand against the vocabulary of real (accent-folded) words stored on
video documents, then each expansion is analysed like any word; so `developm*` finds
"development" even though the index holds the stem "develop". Expansions are capped
(MAX_EXPANSIONS, most frequent first) with a notice.

The Spec mirrors the query's positive leaves per analysis language, so passages can be scanned
for the exact token positions that matched (jump time, highlight) without asking Whoosh.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from index import query as Q
from index import schema as S

MAX_EXPANSIONS = 100

# reader -> {(first letter, length): vocabulary words}: one per index generation (a new generation
# has a new reader), so a typo is compared only with the words that could be within reach of it.
_LEXICONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def lexicon(reader) -> dict[tuple[str, int], list[str]]:
    """The archive's vocabulary (the folded words of every transcript) by first letter and length."""
    table = _LEXICONS.get(reader)
    if table is None:
        table = {}
        for term in reader.lexicon(S.VOCAB):
            word = term.decode("utf-8") if isinstance(term, bytes) else term
            table.setdefault((word[:1], len(word)), []).append(word)
        _LEXICONS[reader] = table
    return table


def words_within(reader, folded: str, maxdist: int) -> list[str]:
    """The vocabulary's words within `maxdist` Damerau-Levenshtein edits of `folded` that share its
    first letter (Whoosh's terms_within(prefix=1), over only the lengths within reach)."""
    from whoosh.support.levenshtein import distance

    table = lexicon(reader)
    return [word for n in range(len(folded) - maxdist, len(folded) + maxdist + 1)
            for word in table.get((folded[:1], n), ()) if distance(word, folded, limit=maxdist) <= maxdist]


@dataclass
class Spec:
    # lang -> list of leaves; a leaf is a tuple of per-position form sets (length 1 for a word)
    leaves: dict[str, list[tuple[frozenset[str], ...]]] = field(default_factory=dict)

    def add(self, lang: str, leaf: tuple[frozenset[str], ...]) -> None:
        if leaf and leaf not in self.leaves.setdefault(lang, []):
            self.leaves[lang].append(leaf)


@dataclass
class Compiled:
    query: object  # whoosh.query.Query, or None when every word was a stop word
    spec: Spec
    notices: list[str]
    words: list[str]  # plain words of the query, for "did you mean"
    only_common: bool = False  # every word searched is a stop word in English, French or Spanish


def _analysed(lang: str, text: str) -> list[tuple[str, ...]]:
    return [forms for forms, _, _ in S.analyze(lang, text)]


def _text_query(fieldname: str, tokens: list[tuple[str, ...]]):
    from whoosh.query import Or, Phrase, Term

    if len(tokens) == 1:
        forms = tokens[0]
        return Term(fieldname, forms[0]) if len(forms) == 1 else Or([Term(fieldname, f) for f in forms])
    # Every indexed word carries its stem(fold(word)) form (the last one), so phrases use it.
    return Phrase(fieldname, [forms[-1] for forms in tokens])


def _leaf(tokens: list[tuple[str, ...]]) -> tuple[frozenset[str], ...]:
    if len(tokens) == 1:
        return (frozenset(tokens[0]),)
    return tuple(frozenset({forms[-1]}) for forms in tokens)


class _Compiler:
    """Compiles the query once per analysis language and ORs the results.

    Per language, not per word: a word that is a stop word in French ("de", "la") is dropped from
    the French query only, so `bord de la mer` still finds a French passage, while an English
    passage must still contain "de" and "la" to match the English query.
    """

    def __init__(self, reader):
        self.reader = reader
        self.spec = Spec()
        self.notices: list[str] = []
        self.texts: list[str] = []  # every plain word and phrase searched, once
        self.words: list[str] = []
        self.lang = S.TEXT_LANGS[0]
        self._first_pass = True
        self._expansions: dict[tuple[str, str, int], list[str]] = {}

    def compile_all(self, node):
        from whoosh.query import Or

        parts = []
        for lang in S.TEXT_LANGS:
            self.lang = lang
            part = self.compile(node)
            self._first_pass = False
            if part is not None and not isinstance(part, tuple):
                parts.append(part)
        return Or(parts) if len(parts) > 1 else (parts[0] if parts else None)

    def compile(self, node):
        from whoosh.query import And, AndNot, Or

        if isinstance(node, Q.Phrase):
            if self._first_pass:
                self.words.extend(m.group() for m in S.WORD_RE.finditer(node.text))
                self.texts.append(node.text)
            return self.text(node.text)
        if isinstance(node, Q.Word):
            if self._first_pass:
                self.words.append(node.text)
            if node.prefix:
                return self.expanded(self._expansion("prefix", node.text, 0))
            if node.fuzzy:
                return self.expanded(self._expansion("fuzzy", node.text, node.fuzzy))
            if self._first_pass:
                self.texts.append(node.text)
            return self.text(node.text)
        if isinstance(node, Q.Not):
            return ("not", self.compile(node.item))
        parts = [self.compile(x) for x in node.items]
        if isinstance(node, Q.Or):
            parts = [p for p in parts if p is not None and not isinstance(p, tuple)]
            return Or(parts) if len(parts) > 1 else (parts[0] if parts else None)
        pos = [p for p in parts if p is not None and not isinstance(p, tuple)]
        neg = [p[1] for p in parts if isinstance(p, tuple) and p[1] is not None]
        if not pos:
            return None
        q = And(pos) if len(pos) > 1 else pos[0]
        return AndNot(q, Or(neg) if len(neg) > 1 else neg[0]) if neg else q

    def text(self, text: str):
        """The word or phrase in the current language; None when it is only stop words there."""
        tokens = _analysed(self.lang, text)
        if not tokens:
            return None
        self.spec.add(self.lang, _leaf(tokens))
        return _text_query(S.text_field(self.lang), tokens)

    def expanded(self, words: list[str]):
        from whoosh.query import NullQuery, Or, Term

        if not words:
            return NullQuery  # matches nothing; "did you mean" may help
        forms: set[str] = set()
        for w in words:
            for analysed, _, _ in S.analyze(self.lang, w):
                forms.update(analysed)
                self.spec.add(self.lang, (frozenset(analysed),))
        if not forms:
            return None  # every expansion is a stop word in this language
        terms = [Term(S.text_field(self.lang), f) for f in sorted(forms)]
        return Or(terms) if len(terms) > 1 else terms[0]

    def _expansion(self, kind: str, text: str, maxdist: int) -> list[str]:
        key = (kind, text, maxdist)
        if key not in self._expansions:  # once per query, not once per language
            self._expansions[key] = (self.prefix_words(text) if kind == "prefix"
                                     else self.fuzzy_words(text, maxdist))
        return self._expansions[key]

    def _ranked(self, candidates: list[str], shown: str) -> list[str]:
        if len(candidates) <= MAX_EXPANSIONS:
            return candidates
        candidates.sort(key=lambda w: -self.reader.doc_frequency(S.VOCAB, w))
        self.notices.append(f"{shown} matches {len(candidates)} words: searched the {MAX_EXPANSIONS} most common.")
        return candidates[:MAX_EXPANSIONS]

    def prefix_words(self, text: str) -> list[str]:
        prefix = S.fold(text)
        found = [t.decode("utf-8") if isinstance(t, bytes) else t for t in self.reader.expand_prefix(S.VOCAB, prefix)]
        return self._ranked(found, f"{text}*")

    def fuzzy_words(self, text: str, maxdist: int) -> list[str]:
        """The vocabulary's words within `maxdist` Damerau-Levenshtein edits sharing the first letter:
        what Whoosh's terms_within(prefix=1) gives, comparing only words of a length within reach
        (an edit changes the length by one at most) instead of every word with that letter."""
        folded = S.fold(text)
        return self._ranked(sorted(set(words_within(self.reader, folded, maxdist)) | {folded}), f"{text}~{maxdist}")


def compile_query(parsed: Q.ParsedQuery, reader) -> Compiled:
    c = _Compiler(reader)
    q = c.compile_all(parsed.node)
    stopped = [t for t in c.texts if not any(_analysed(lang, t) for lang in S.TEXT_LANGS)]
    if stopped:
        c.notices.append("Ignored words too common to search for: " + ", ".join(stopped) + ".")
    common = [any(not _analysed(lang, t) for lang in S.STEMMED_LANGS) for t in c.texts]
    return Compiled(query=q, spec=c.spec, notices=c.notices, words=c.words,
                    only_common=bool(common) and all(common))
