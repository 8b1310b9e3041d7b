"""Session-level matches: the query against a session's title, description and chapter titles (not its speech).

"Stocktaking", a word of a title, a description or a chapter title, finds the session even when nobody
says it; a chapter match is also a moment at the chapter's start (index.search).
Pure Python over the parsed query (index.query) and the session table, analysed like transcripts
(index.schema: the session's language, stemmed, accent-folded), so "participacion" finds a title
with "Participación". Operators keep their meaning: AND/OR/NOT, "phrases", prefix* and fuzzy~.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from index import query as Q
from index import schema as S
from index.results import Span

TITLE, DESCRIPTION, CHAPTER = "title", "description", "chapter"


@dataclass(frozen=True)
class _Text:
    words: tuple[frozenset[str], ...]  # per token: its index forms, in order
    folded: tuple[str, ...]  # per token: the folded word (prefix and fuzzy compare these)
    forms: frozenset[str] = frozenset()  # every token's forms: a word is one set lookup
    distinct: frozenset[str] = frozenset()  # the folded words, once each (prefix, fuzzy)
    content: tuple[frozenset[str], ...] = ()  # `words` without stop words (phrases skip them, as speech does)


@lru_cache(maxsize=200_000)
def _token(lang: str, word: str) -> tuple[frozenset[str], str]:
    # One object per distinct word, shared by every text that has it (the cached texts stay small).
    return frozenset(S.word_forms(lang, word)), S.fold(word)


def _tokens(lang: str, text: str) -> list[tuple[frozenset[str], str]]:
    return [_token(lang, m.group()) for m in S.WORD_RE.finditer(text or "")]


@lru_cache(maxsize=50_000)
def _text(lang: str, text: str) -> _Text:
    # Cached: every search reads every session's title, description and chapter titles again.
    tokens = _tokens(lang, text)
    words = tuple(forms for forms, _ in tokens)
    folded = tuple(f for _, f in tokens)
    return _Text(words, folded, frozenset().union(*words), frozenset(folded), tuple(w for w in words if w))


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance; past `limit` (when given) any number above it."""
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@lru_cache(maxsize=200_000)
def _near(wanted: str, word: str, edits: int) -> bool:
    # Cached: the archive's words repeat from session to session, the distance is the costly part.
    return edit_distance(wanted, word, edits) <= edits


@lru_cache(maxsize=1024)
def _forms(lang: str, word: str) -> frozenset[str]:
    return frozenset(S.word_forms(lang, word))


@lru_cache(maxsize=1024)
def _phrase_forms(lang: str, phrase: str) -> tuple[frozenset[str], ...]:
    wanted = (_forms(lang, m.group()) for m in S.WORD_RE.finditer(phrase))
    return tuple(w for w in wanted if w)  # stop words are not indexed in speech either


@lru_cache(maxsize=4096)
def _folded(word: str) -> str:
    return S.fold(word)


def _word(node: Q.Word, lang: str, text: _Text) -> bool:
    folded = _folded(node.text)
    if node.prefix:
        return any(w.startswith(folded) for w in text.distinct)
    if node.fuzzy is not None:
        return any(_near(folded, w, node.fuzzy) for w in text.distinct)
    return not _forms(lang, node.text).isdisjoint(text.forms)


def _phrase(node: Q.Phrase, lang: str, text: _Text) -> bool:
    wanted = _phrase_forms(lang, node.text)
    if not wanted or any(w.isdisjoint(text.forms) for w in wanted):
        return False
    words = text.content
    return any(all(wanted[k] & words[i + k] for k in range(len(wanted))) for i in range(len(words) - len(wanted) + 1))


def matches(node: Q.Node, lang: str, text: _Text) -> bool:
    if isinstance(node, Q.Word):
        return _word(node, lang, text)
    if isinstance(node, Q.Phrase):
        return _phrase(node, lang, text)
    if isinstance(node, Q.Not):
        return not matches(node.item, lang, text)
    if isinstance(node, Q.And):
        return all(matches(x, lang, text) for x in node.items)
    return any(matches(x, lang, text) for x in node.items)


def _lang(meta: dict) -> str:
    return S.index_lang(meta.get("lang") or (meta.get("video") or {}).get("language"))


@dataclass(frozen=True)
class _Session:
    """A session's analysed title, description and chapter titles (made once per session table entry)."""

    lang: str
    title: _Text | None
    description: _Text | None
    chapters: _Text | None  # every chapter title in one text: a first look before each chapter's own
    everything: _Text  # all three in one text: most sessions fail a query's first look at this


# video id -> (the session table entry it was made from, its texts): a new index generation's
# entries are new dicts, so an entry is used only while it is the very dict it was made from.
_SESSIONS: dict[str, tuple[dict, _Session]] = {}


def _session(vid: str, meta: dict) -> _Session:
    held = _SESSIONS.get(vid)
    if held is not None and held[0] is meta:
        return held[1]
    video = meta.get("video") or {}
    lang = _lang(meta)
    title, description = video.get("title") or "", video.get("description") or ""
    chapters = " \n ".join(c.get("title") or "" for c in video.get("chapters") or ())
    made = _Session(lang, _text(lang, title) if title else None, _text(lang, description) if description else None,
                    _text(lang, chapters) if chapters else None,
                    _text(lang, " \n ".join(t for t in (title, description, chapters) if t)))
    _SESSIONS[vid] = (meta, made)
    return made


def session_matches(node: Q.Node, sessions: dict[str, dict], allowed: set[str] | None = None) -> dict[str, tuple[str, ...]]:
    """{video id: the fields that match ("title", "description", "chapter")} over the index's session table."""
    found: dict[str, tuple[str, ...]] = {}
    quick = _quick_check(node)
    for vid, meta in sessions.items():
        if allowed is not None and vid not in allowed:
            continue
        texts = _session(vid, meta)
        lang = texts.lang
        if quick is not None and not matches(quick, lang, texts.everything):
            continue
        fields = tuple(name for name, text in ((TITLE, texts.title), (DESCRIPTION, texts.description))
                       if text is not None and matches(node, lang, text))
        if next(_matching_chapters(node, meta, lang, quick, texts.chapters), None) is not None:
            fields += (CHAPTER,)
        if fields:
            found[vid] = fields
    return found


def chapter_matches(node: Q.Node, meta: dict) -> list[tuple[dict, tuple[Span, ...]]]:
    """The session's chapters (stored dicts: title, start, end) whose title matches, in time order,
    each with the character spans of the query's words in its title."""
    lang = _lang(meta)
    return [(chapter, word_spans(node, lang, chapter.get("title") or ""))
            for chapter, _analysis in _matching_chapters(node, meta, lang, _quick_check(node))]


def _matching_chapters(node: Q.Node, meta: dict, lang: str, quick: Q.Node | None, joined: _Text | None = None):
    chapters = (meta.get("video") or {}).get("chapters") or ()
    if not chapters:
        return
    # An archive has ~15 chapters per session: one look at all of a session's chapter words first
    # (a chapter matching holds one of the query's words) spares evaluating the query on each.
    if joined is None:
        joined = _text(lang, " \n ".join(c.get("title") or "" for c in chapters))
    if quick is not None and not matches(quick, lang, joined):
        return
    for chapter in chapters:
        title = chapter.get("title") or ""
        text = _text(lang, title)
        if title and matches(node, lang, text):
            yield chapter, text


def _quick_check(node: Q.Node) -> Q.Node | None:
    """Any of the query's positive words, when every match of `node` must hold one (no NOT in the way)."""
    return Q.Or(tuple(Q.positive_words(node))) if _needs_positive(node) else None


def _needs_positive(node: Q.Node) -> bool:
    if isinstance(node, (Q.Word, Q.Phrase)):
        return True
    if isinstance(node, Q.Not):
        return False
    if isinstance(node, Q.And):
        return any(_needs_positive(x) for x in node.items)
    return all(_needs_positive(x) for x in node.items)


def word_spans(node: Q.Node, lang: str, text: str) -> tuple[Span, ...]:
    """Where the query's positive words are in `text` (a matching phrase marks each of its words)."""
    words: list[Q.Word] = []
    for item in Q.positive_words(node):
        if isinstance(item, Q.Phrase):
            words.extend(Q.Word(m.group()) for m in S.WORD_RE.finditer(item.text))
        else:
            words.append(item)
    marked = []
    for m in S.WORD_RE.finditer(text):
        forms, folded = _token(lang, m.group())
        token = _Text((forms,), (folded,), forms, frozenset((folded,)), (forms,) if forms else ())
        if any(_word(w, lang, token) for w in words):
            marked.append(m.span())
    return tuple(marked)
