"""Text from outside (a feed's titles, a stored transcript) made safe to show on a terminal.

A title like "\x1b]0;owned\x07" or "\x1b[2J" is an escape sequence a terminal obeys: C0 and C1
control characters (and DEL) are dropped; tabs and, where asked, newlines stay.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROLS_AND_NEWLINES = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def printable(text: str, newlines: bool = False) -> str:
    """`text` without control characters (a newline becomes a space unless `newlines`)."""
    if newlines:
        return _CONTROLS.sub("", text)
    return _CONTROLS_AND_NEWLINES.sub(lambda m: " " if m.group() in "\n\r" else "", text)
