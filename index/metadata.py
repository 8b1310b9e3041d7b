"""Session-level matches: the query against a session's title and description (not its speech).

"Stocktaking", a word of a title or of a description, finds the session even when nobody says it.
Pure Python over the parsed query (index.query) and the session table, analysed like transcripts
(index.schema: the session's language, stemmed, accent-folded), so "participacion" finds a title
with "Participación". Operators keep their meaning: AND/OR/NOT, "phrases", prefix* and fuzzy~.
"""

from __future__ import annotations

from dataclasses import dataclass

from index import query as Q
from index import schema as S

TITLE, DESCRIPTION = "title", "description"


@dataclass(frozen=True)
class _Text:
    words: tuple[frozenset[str], ...]  # per token: its index forms, in order
    folded: tuple[str, ...]  # per token: the folded word (prefix and fuzzy compare these)


def _text(lang: str, text: str) -> _Text:
    tokens = [m.group() for m in S.WORD_RE.finditer(text or "")]
    return _Text(tuple(frozenset(S.word_forms(lang, t)) for t in tokens), tuple(S.fold(t) for t in tokens))


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


def session_matches(node: Q.Node, sessions: dict[str, dict], allowed: set[str] | None = None) -> dict[str, tuple[str, ...]]:
    """{video id: the fields that match ("title", "description")} over the index's session table."""
    found: dict[str, tuple[str, ...]] = {}
    for vid, meta in sessions.items():
        if allowed is not None and vid not in allowed:
            continue
        video = meta.get("video") or {}
        lang = S.index_lang(meta.get("lang") or video.get("language"))
        fields = tuple(name for name, value in ((TITLE, video.get("title")), (DESCRIPTION, video.get("description")))
                       if value and matches(node, lang, _text(lang, value)))
        if fields:
            found[vid] = fields
    return found
