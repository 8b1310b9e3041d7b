"""SearchOptions: everything one search takes; also the config's [index] section (defaults for searches)."""

from __future__ import annotations

from dataclasses import dataclass

from archive.options import InvalidOption, Options, not_a_key
from index.results import SearchFilters, SortOrder

SORT_ORDERS = ("relevance", "date", "date-asc")


@dataclass(frozen=True)
class SearchOptions(Options):
    # What one search asks (the face fills these in; not config keys).
    query: str = not_a_key("")
    filters: SearchFilters = not_a_key(factory=SearchFilters)
    sort: SortOrder = not_a_key("relevance")
    # [index] config keys: how results are shaped.
    results_limit: int = 20  # sessions returned
    hits_per_video: int = 5  # best moments per session
    lead_in: float = 2.0  # seconds played before the first matched word

    def validate(self) -> None:
        if self.sort not in SORT_ORDERS:
            raise InvalidOption("sort", f"unknown sort {self.sort!r} (one of: {', '.join(SORT_ORDERS)})")
