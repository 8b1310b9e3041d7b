"""json.loads for files anyone may have written: every way it can fail is a ValueError.

The stdlib parser recurses per nesting level, so `[[[[…` 100,000 deep raises RecursionError,
which callers that catch ValueError (bad JSON) would let through as a traceback.
"""

from __future__ import annotations

import json
from typing import Any


def loads(data: str | bytes) -> Any:
    """Parsed JSON; ValueError (json.JSONDecodeError for syntax) for anything that is not usable JSON."""
    try:
        return json.loads(data)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc
