"""Outside text (titles, descriptions, transcripts) made safe for Streamlit's markdown and HTML.

Streamlit renders labels, captions and `st.markdown` as Markdown, where `<script>`, `[x](javascript:…)`
or `**` in a title would become markup. `md_text` backslash-escapes every ASCII punctuation mark
(CommonMark lets any of them be escaped), so the text is shown exactly as written.
"""

from __future__ import annotations

import html
import re
import string

_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")
_MARK_TAG = re.compile(r"</?mark>")
_MARK_SPLIT = re.compile(r"<mark>(.*?)</mark>")


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def md_text(text: str) -> str:
    """Markdown that displays `text` literally, on one line."""
    return _PUNCT.sub(r"\\\1", one_line(text))


def html_text(text: str) -> str:
    """HTML that displays `text` literally, on one line (no blank line can end an HTML block)."""
    return html.escape(one_line(text), quote=True)


def snippet_html(snippet: str, plain: str) -> str:
    """The search layer's highlighted snippet, if it is escaped text plus <mark> only.

    Defence in depth: any other tag (or a stray `<`/`>`) means it was not escaped as agreed,
    so the plain text is shown instead, escaped here, without highlighting.
    """
    if snippet and not re.search(r"[<>]", _MARK_TAG.sub("", snippet)):
        return one_line(snippet)
    return html_text(plain)


def snippet_markdown(snippet: str, plain: str) -> str:
    """The highlighted snippet as label Markdown: matched words on a marker background, the rest literal.

    Same contract as `snippet_html` (escaped text plus <mark> only, else the plain text unmarked), for
    widgets such as buttons whose labels take Markdown but not HTML.
    """
    if not snippet or re.search(r"[<>]", _MARK_TAG.sub("", snippet)):
        return md_text(plain)
    parts = _MARK_SPLIT.split(one_line(snippet))
    # split() with one group alternates: outside, marked, outside, marked, …
    escaped = [_PUNCT.sub(r"\\\1", html.unescape(part)) for part in parts]
    return "".join(f":orange-background[{part}]" if i % 2 and part.strip() else part
                   for i, part in enumerate(escaped))


def html_block(inner: str, css_class: str) -> str:
    """An HTML block Markdown leaves alone: one line inside a <div>, so no Markdown runs inside."""
    return f'<div class="{css_class}">{inner}</div>'
