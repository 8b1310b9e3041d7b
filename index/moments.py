"""Locate the matched words inside a stored passage: the word time, the snippet and its matched spans.

Works on the passage payload written by index.build (text, segments, analysed tokens with word
start times) and a compile.Spec, so it needs neither Whoosh nor the transcript file.
"""

from __future__ import annotations

from dataclasses import dataclass

from index import schema as S
from index.compile import Spec
from index.results import Span

MAX_SNIPPET_CHARS = 320


@dataclass(frozen=True)
class Located:
    word_ms: int  # start of the first matched word
    first_char: int
    last_char: int
    spans: tuple[tuple[int, int], ...]  # (start char, end char) of every matched token
    first_pos: int = 0


def matches(toks, spec: Spec, lang: str) -> list[tuple[int, int]]:
    """(first position, last position) of each occurrence of any positive leaf, by position."""
    leaves = spec.leaves.get(lang, ())
    if not leaves:
        return []
    # Where each form stands: a leaf's first word is then a few lookups, not a scan of the passage.
    where: dict[str, list[int]] = {}
    for i, t in enumerate(toks):
        for form in t[0].split("|"):
            where.setdefault(form, []).append(i)
    found = set()
    for leaf in leaves:
        at = [{i for form in forms for i in where.get(form, ())} for forms in leaf]
        n = len(leaf)
        for i in at[0]:
            if all(i + k in at[k] for k in range(1, n)):
                found.add((i, i + n - 1))
    return sorted(found)


def locate(payload: dict, spec: Spec, lang: str) -> Located | None:
    toks = payload["toks"]
    occ = matches(toks, spec, S.index_lang(lang))
    if not occ:
        return None
    first, last = occ[0]
    spans = set()
    for a, b in occ:
        for p in range(a, b + 1):
            spans.add((toks[p][1], toks[p][2]))
    return Located(word_ms=toks[first][3], first_char=toks[first][1], last_char=toks[last][2],
                   spans=tuple(sorted(spans)), first_pos=first)


def snippet(payload: dict, located: Located | None) -> tuple[str, tuple[Span, ...], int, int]:
    """(plain text, spans of the matched words in it, segment start ms, segment end ms) around the match."""
    text = payload["text"]
    segs = payload["segs"]
    if located is None:
        seg = segs[0]
        return text[seg[3]:seg[4]], (), seg[1], seg[2]
    covering = [s for s in segs if s[4] >= located.first_char and s[3] <= located.last_char]
    covering = covering or [segs[0]]
    a, b = covering[0][3], covering[-1][4]
    if b - a > MAX_SNIPPET_CHARS:
        # Keep the match and some context before it; cut at spaces.
        a2 = max(a, located.first_char - MAX_SNIPPET_CHARS // 3)
        if a2 > a:
            a2 = text.find(" ", a2) + 1 or a2
        b2 = min(b, max(located.last_char, a2 + MAX_SNIPPET_CHARS))
        if b2 < b:
            cut = text.rfind(" ", located.last_char, b2)
            b2 = cut if cut > located.last_char else b2
        prefix, suffix = ("… " if a2 > a else ""), (" …" if b2 < b else "")
        a, b = a2, b2
    else:
        prefix = suffix = ""
    shift = len(prefix) - a
    spans = tuple((s + shift, e + shift) for s, e in located.spans if s >= a and e <= b)
    return prefix + text[a:b] + suffix, spans, covering[0][1], covering[-1][2]


@dataclass(frozen=True)
class Highlighter:
    """A query compiled once, to find its matched words in any number of texts (transcript lines)."""

    spec: Spec
    query: object = None  # the compiled Whoosh query (None: nothing to match), for matching_segments

    def spans(self, text: str, language: str | None) -> tuple[Span, ...]:
        """The matched words of `text` (analysed as `language`), as character spans in order."""
        code = S.index_lang(language)
        toks = [("|".join(forms), s, e, 0) for forms, s, e in S.analyze(code, text)]
        return tuple(sorted({(toks[p][1], toks[p][2]) for a, b in matches(toks, self.spec, code)
                             for p in range(a, b + 1)}))
