"""The search state and its URL form, so a search (and a moment of a session) can be shared.

URL parameters: q, lang (comma-separated codes), since, until (YYYY-MM-DD), session (a video id
that restricts the search), sort (relevance|date|date-asc), v (the video being played) and t (whole
seconds into it). Reading is forgiving: a malformed value is dropped and named in `problems`, never
an error, because a hand-edited link should still open the archive.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import get_args
from urllib.parse import urlencode

from archive.links import whole_seconds
from archive.records import within_recording
from index.results import SearchFilters, SearchMode, SortOrder

SORTS: tuple[str, ...] = get_args(SortOrder)
MODES: tuple[str, ...] = get_args(SearchMode)
MAX_QUERY = 500
_LANG = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class SearchState:
    q: str = ""
    languages: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    session: str = ""
    sort: str = "relevance"
    mode: str = "words"  # words | meaning | both (index SearchOptions.mode)
    v: str = ""
    t: int = 0
    problems: tuple[str, ...] = field(default=(), compare=False)

    def filters(self) -> SearchFilters:
        return SearchFilters(
            languages=self.languages,
            since=self.since,
            until=self.until,
            video_ids=(self.session,) if self.session else (),
        )

    def search_key(self) -> tuple:
        """What the results depend on: the player position is not part of it."""
        return (self.q, self.languages, self.since, self.until, self.session, self.sort, self.mode)

    def at(self, video_id: str, seconds: float) -> SearchState:
        return replace(self, v=video_id, t=whole_seconds(seconds))


def from_params(params: Mapping[str, str]) -> SearchState:
    problems: list[str] = []
    q = " ".join(str(params.get("q", "")).split())[:MAX_QUERY]

    languages: list[str] = []
    for code in str(params.get("lang", "")).split(","):
        code = code.strip().lower()
        if not code:
            continue
        if _LANG.match(code):
            if code not in languages:
                languages.append(code)
        else:
            problems.append(f"ignored language {code!r} (use codes like en, fr, es)")

    since = _date(params, "since", problems)
    until = _date(params, "until", problems)
    if since and until and since > until:
        problems.append("the 'since' date is after the 'until' date: they were swapped")
        since, until = until, since

    sort = str(params.get("sort", "relevance")) or "relevance"
    if sort not in SORTS:
        problems.append(f"ignored sort {sort!r} (use one of {', '.join(SORTS)})")
        sort = "relevance"

    t = _start_time(params, problems)

    mode = str(params.get("mode", "words")) or "words"
    if mode not in MODES:
        problems.append(f"ignored search mode {mode!r} (use one of {', '.join(MODES)})")
        mode = "words"

    return SearchState(
        q=q,
        languages=tuple(languages),
        since=since,
        until=until,
        session=str(params.get("session", "")).strip(),
        sort=sort,
        mode=mode,
        v=str(params.get("v", "")).strip(),
        t=t,
        problems=tuple(problems),
    )


def to_params(state: SearchState) -> dict[str, str]:
    """The URL parameters of `state`; defaults are left out so links stay short."""
    params: dict[str, str] = {}
    if state.q:
        params["q"] = state.q
    if state.languages:
        params["lang"] = ",".join(state.languages)
    if state.since:
        params["since"] = state.since.isoformat()
    if state.until:
        params["until"] = state.until.isoformat()
    if state.session:
        params["session"] = state.session
    if state.sort != "relevance":
        params["sort"] = state.sort
    if state.mode != "words":
        params["mode"] = state.mode
    if state.v:
        params["v"] = state.v
        params["t"] = str(state.t)
    return params


def query_string(state: SearchState) -> str:
    """`?q=…&v=…&t=…` for links inside the app (already URL-encoded, not HTML-escaped)."""
    return "?" + urlencode(to_params(state))


def moment_links(state: SearchState, video_id: str) -> Callable[[float], str]:
    """`seconds -> query_string(state.at(video_id, seconds))`, with the shared part encoded once.

    A result page links every moment of every session, so this runs hundreds of times per page.
    """
    if not video_id:
        return lambda seconds: query_string(state.at(video_id, seconds))
    prefix = moment_link_prefix(state, video_id)
    return lambda seconds: prefix + str(whole_seconds(seconds))


def moment_link_prefix(state: SearchState, video_id: str) -> str:
    """A moment's link without its whole seconds, which come last (`?q=…&v=ID&t=`): the hit
    timeline gives it once and the page's script appends each tick's seconds."""
    fixed = urlencode(to_params(replace(state, v="", t=0)))
    return "?" + (fixed + "&" if fixed else "") + urlencode({"v": video_id}) + "&t="


def _start_time(params: Mapping[str, str], problems: list[str]) -> int:
    raw = str(params.get("t", "")).strip().removesuffix("s")
    if not raw:
        return 0
    try:
        seconds = float(raw)
    except ValueError:
        problems.append(f"ignored start time {raw[:40]!r} (use whole seconds)")
        return 0
    if not within_recording(seconds):
        # inf, nan, 1e308, 99999999999999999999999 or negative: no recording has that moment.
        problems.append(f"ignored start time {raw[:40]!r} (not a moment of a recording): playing from the start")
        return 0
    return whole_seconds(seconds)


def _date(params: Mapping[str, str], key: str, problems: list[str]) -> date | None:
    raw = str(params.get(key, "")).strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(f"ignored {key} date {raw!r} (use YYYY-MM-DD)")
        return None
