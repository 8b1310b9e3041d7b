"""Ranges for settings, declared on the option dataclasses' fields and checked in one place.

    beam_size: int = setting(5, min=1, max=32)
    host: str = setting("127.0.0.1", check=host_problem)

`setting` is `dataclasses.field` with a Range in its metadata; `problems(options)` lists every field
of an instance outside its range. archive.options.Options.validate runs it on every construction,
so a config table (the error names file, section and key) and a library caller get the same check,
and a range lives beside the option it bounds.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

RANGE = "range"


@dataclass(frozen=True)
class Range:
    min: float | None = None
    max: float | None = None
    choices: tuple[Any, ...] = ()  # text compares case-insensitively (the engines lower-case it)
    pattern: str | None = None  # a full match, for text
    check: Callable[[Any], str | None] | None = None  # any other rule: a sentence, or None
    unit: str = ""  # "s": seconds, in messages

    def problem(self, value: Any) -> str | None:
        if isinstance(value, tuple):
            for item in value:
                if (p := self.problem(item)) is not None:
                    return f"{item!r}: {p}"
            return None
        if value is None:
            return None
        folded = value.lower() if isinstance(value, str) else value
        if self.choices and folded not in self.choices:
            return f"must be one of {', '.join(map(repr, self.choices))}, got {value!r}"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                return f"must be a finite number, got {value!r}"
            low, high = self.min, self.max
            if (low is not None and value < low) or (high is not None and value > high):
                return f"must be {self._span()}, got {value!r}"
        if self.pattern is not None and isinstance(value, str) and not re.fullmatch(self.pattern, value):
            return f"{value!r} is not allowed here"
        if self.check is not None:
            return self.check(value)
        return None

    def _span(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        if self.min is not None and self.max is not None:
            return f"from {_num(self.min)} to {_num(self.max)}{unit}"
        if self.min is not None:
            return f"at least {_num(self.min)}{unit}"
        return f"at most {_num(self.max)}{unit}"


def _num(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def setting(default: Any = dataclasses.MISSING, *, factory: Any = dataclasses.MISSING,
            metadata: dict[str, Any] | None = None, **bounds: Any) -> Any:
    """A dataclass field with a default and a Range (min, max, choices, pattern, check, unit)."""
    return dataclasses.field(default=default, default_factory=factory,
                             metadata={**(metadata or {}), RANGE: Range(**bounds)})


def problems(options: Any) -> list[tuple[str, str]]:
    """(field, problem) for every field of a dataclass instance outside its range."""
    out = []
    for f in dataclasses.fields(options):
        bounds = f.metadata.get(RANGE)
        if bounds is not None and (p := bounds.problem(getattr(options, f.name))) is not None:
            out.append((f.name, p))
    return out
