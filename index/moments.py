"""Locate the matched words inside a stored passage: jump time, escaped + highlighted snippet.

Works on the passage payload written by index.build (text, segments, analysed tokens with word
start times) and a compile.Spec, so it needs neither Whoosh nor the transcript file.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from index import schema as S
from index.compile import Spec

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
    forms = [set(t[0].split("|")) for t in toks]
    found = []
    for leaf in leaves:
        n = len(leaf)
        for i in range(len(forms) - n + 1):
            if all(forms[i + k] & leaf[k] for k in range(n)):
                found.append((i, i + n - 1))
    return sorted(set(found))


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


def snippet(payload: dict, located: Located | None) -> tuple[str, str, int, int]:
    """(plain text, escaped HTML with <mark>s, segment start ms, segment end ms) around the match."""
    text = payload["text"]
    segs = payload["segs"]
    if located is None:
        seg = segs[0]
        return text[seg[3]:seg[4]], html.escape(text[seg[3]:seg[4]]), seg[1], seg[2]
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
    plain = prefix + text[a:b] + suffix
    parts = [html.escape(prefix)]
    cursor = a
    for s, e in located.spans:
        if s < a or e > b:
            continue
        parts.append(html.escape(text[cursor:s]))
        parts.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        cursor = e
    parts.append(html.escape(text[cursor:b]))
    parts.append(html.escape(suffix))
    return plain, "".join(parts), covering[0][1], covering[-1][2]


def highlight_html(text: str, spec: Spec, lang: str | None) -> str:
    """Any text (e.g. one segment of a full transcript) escaped, with matched words in <mark>."""
    code = S.index_lang(lang)
    toks = [("|".join(forms), s, e, 0) for forms, s, e in S.analyze(code, text)]
    spans = sorted({(toks[p][1], toks[p][2]) for a, b in matches(toks, spec, code) for p in range(a, b + 1)})
    out, cursor = [], 0
    for s, e in spans:
        out.append(html.escape(text[cursor:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        cursor = e
    out.append(html.escape(text[cursor:]))
    return "".join(out)
