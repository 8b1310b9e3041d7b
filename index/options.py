"""SearchOptions: everything one search takes; also the config's [index] section (defaults for searches)."""

from __future__ import annotations

from dataclasses import dataclass

from archive.options import InvalidOption, Options, not_a_key
from archive.settings import setting
from index.results import SEARCH_MODES, SearchFilters, SearchMode, SortOrder

SORT_ORDERS = ("relevance", "date", "date-asc")


@dataclass(frozen=True)
class SearchOptions(Options):
    # What one search asks (the face fills these in; not config keys).
    query: str = not_a_key("")
    filters: SearchFilters = not_a_key(factory=SearchFilters)
    sort: SortOrder = not_a_key("relevance")
    # words: what was said; meaning: nearest passages by vector, any language; both: the two fused.
    mode: SearchMode = not_a_key("words")
    # [index] config keys: how results are shaped.
    results_limit: int = setting(20, min=1, max=10_000)  # sessions returned
    hits_per_video: int = setting(5, min=1, max=1000)  # best moments per session
    # Seconds played before the first matched word; a negative one would jump past the word.
    lead_in: float = setting(2.0, min=0, max=60, unit="s")

    def validate(self) -> None:
        super().validate()
        if self.sort not in SORT_ORDERS:
            raise InvalidOption("sort", f"unknown sort {self.sort!r} (one of: {', '.join(SORT_ORDERS)})")
        if self.mode not in SEARCH_MODES:
            raise InvalidOption("mode", f"unknown search mode {self.mode!r} (one of: {', '.join(SEARCH_MODES)})")
