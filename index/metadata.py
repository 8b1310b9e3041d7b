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
    spans: tuple[Span, ...] = ()  # per token: where it is in the text


@lru_cache(maxsize=50_000)
def _text(lang: str, text: str) -> _Text:
    # Cached: every search reads every session's title, description and chapter titles again.
    found = list(S.WORD_RE.finditer(text or ""))
    return _Text(tuple(frozenset(S.word_forms(lang, m.group())) for m in found),
                 tuple(S.fold(m.group()) for m in found), tuple(m.span() for m in found))


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


def _word(node: Q.Word, lang: str, text: _Text) -> bool:
    folded = S.fold(node.text)
    if node.prefix:
        return any(w.startswith(folded) for w in text.folded)
    if node.fuzzy is not None:
        return any(edit_distance(folded, w, node.fuzzy) <= node.fuzzy for w in text.folded)
    forms = set(S.word_forms(lang, node.text))
    return bool(forms) and any(forms & w for w in text.words)


def _phrase(node: Q.Phrase, lang: str, text: _Text) -> bool:
    wanted = [set(S.word_forms(lang, m.group())) for m in S.WORD_RE.finditer(node.text)]
    wanted = [w for w in wanted if w]  # stop words are not indexed in speech either
    if not wanted:
        return False
    words = [w for w in text.words if w]
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


def session_matches(node: Q.Node, sessions: dict[str, dict], allowed: set[str] | None = None) -> dict[str, tuple[str, ...]]:
    """{video id: the fields that match ("title", "description", "chapter")} over the index's session table."""
    found: dict[str, tuple[str, ...]] = {}
    quick = _quick_check(node)
    for vid, meta in sessions.items():
        if allowed is not None and vid not in allowed:
            continue
        video = meta.get("video") or {}
        lang = _lang(meta)
        fields = tuple(name for name, value in ((TITLE, video.get("title")), (DESCRIPTION, video.get("description")))
                       if value and matches(node, lang, _text(lang, value)))
        if next(_matching_chapters(node, meta, lang, quick), None) is not None:
            fields += (CHAPTER,)
        if fields:
            found[vid] = fields
    return found


def chapter_matches(node: Q.Node, meta: dict) -> list[tuple[dict, tuple[Span, ...]]]:
    """The session's chapters (stored dicts: title, start, end) whose title matches, in time order,
    each with the character spans of the query's words in its title."""
    lang = _lang(meta)
    return [(chapter, word_spans(node, lang, text))
            for chapter, text in _matching_chapters(node, meta, lang, _quick_check(node))]


def _matching_chapters(node: Q.Node, meta: dict, lang: str, quick: Q.Node | None):
    chapters = (meta.get("video") or {}).get("chapters") or ()
    if not chapters:
        return
    # An archive has ~15 chapters per session: one look at all of a session's chapter words first
    # (a chapter matching holds one of the query's words) spares evaluating the query on each.
    if quick is not None and not matches(quick, lang, _text(lang, " \n ".join(c.get("title") or "" for c in chapters))):
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


def word_spans(node: Q.Node, lang: str, text: _Text) -> tuple[Span, ...]:
    """Where the query's positive words are in an analysed text (a matching phrase marks each of its words)."""
    words: list[Q.Word] = []
    for item in Q.positive_words(node):
        if isinstance(item, Q.Phrase):
            words.extend(Q.Word(m.group()) for m in S.WORD_RE.finditer(item.text))
        else:
            words.append(item)
    marked = []
    for i, span in enumerate(text.spans):
        token = _Text((text.words[i],), (text.folded[i],))
        if any(_word(w, lang, token) for w in words):
            marked.append(span)
    return tuple(marked)
