"""Outside text (titles, descriptions, transcripts) made safe for Streamlit's markdown and HTML.

Streamlit renders labels, captions and `st.markdown` as Markdown, where `<script>`, `[x](javascript:…)`
or `**` in a title would become markup. `md_text` backslash-escapes every ASCII punctuation mark
(CommonMark lets any of them be escaped), so the text is shown exactly as written.
"""

from __future__ import annotations

import html
import re
import string

from index.results import Span, pieces

_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")
_SPACES = re.compile(r"\s+")


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def md_text(text: str) -> str:
    """Markdown that displays `text` literally, on one line."""
    return _PUNCT.sub(r"\\\1", one_line(text))


def html_text(text: str) -> str:
    """HTML that displays `text` literally, on one line (no blank line can end an HTML block)."""
    return html.escape(one_line(text), quote=True)


def marked_html(text: str, spans: tuple[Span, ...]) -> str:
    """HTML that displays `text` literally, on one line, with the words at `spans` in <mark>."""
    return "".join(f"<mark>{html.escape(piece, quote=True)}</mark>" if marked else html.escape(piece, quote=True)
                   for piece, marked in _flat_pieces(text, spans))


def _flat_pieces(text: str, spans: tuple[Span, ...]) -> list[tuple[str, bool]]:
    """pieces(), with runs of white space made one space and the ends of the whole text trimmed.

    Piece by piece, so the spans still point at the right words and the spaces between them stay.
    """
    out = [(_SPACES.sub(" ", piece), marked) for piece, marked in pieces(text, spans)]
    if out:
        out[0] = (out[0][0].lstrip(), out[0][1])
        out[-1] = (out[-1][0].rstrip(), out[-1][1])
    return [(piece, marked) for piece, marked in out if piece]


def html_block(inner: str, css_class: str) -> str:
    """An HTML block Markdown leaves alone: one line inside a <div>, so no Markdown runs inside."""
    return f'<div class="{css_class}">{inner}</div>'
