"""What a search returns: our own records, free of Whoosh types. Times are float seconds."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from archive.records import Video

SortOrder = Literal["relevance", "date", "date-asc"]
SearchMode = Literal["words", "meaning", "both"]
SEARCH_MODES = ("words", "meaning", "both")


@dataclass(frozen=True)
class SearchFilters:
    languages: tuple[str, ...] = ()  # ISO 639-1 codes, e.g. ("fr", "es"); empty = all
    since: date | None = None  # upload date, inclusive
    until: date | None = None  # upload date, inclusive
    video_ids: tuple[str, ...] = ()  # empty = all sessions
    title: str = ""  # words that must appear in the title

    def dates_in_order(self) -> tuple[SearchFilters, str | None]:
        """These filters with since ≤ until, and a notice when they had to be swapped."""
        if self.since and self.until and self.since > self.until:
            return (replace(self, since=self.until, until=self.since),
                    f"The 'since' date ({self.since}) was after the 'until' date ({self.until}): "
                    "they were swapped.")
        return self, None


Span = tuple[int, int]  # (start, end) character offsets into a text


@dataclass(frozen=True)
class Moment:
    """One place in a video where the query matched.

    Every face shows `word_time` and plays or links from `play_from`; the lead-in is applied here
    once, never again by a face.
    """

    word_time: float  # start of the first matched word (from word timestamps): the time shown
    play_from: float  # where playback and links start: word_time minus the lead-in, >= 0
    segment_start: float
    segment_end: float
    text: str  # plain text of the matched passage
    spans: tuple[Span, ...]  # the matched words in `text`, in order, not overlapping
    score: float
    link: str  # deep link at play_from: YouTube watch?v=…&t=Ns, or the media URL / file with #t=N
    # "words": the query's words were said here (word_time is the first matched word);
    # "meaning": a passage close in meaning (word_time is the start of its best-matching segment;
    # spans is empty: no word of the query need be there, so nothing is highlighted);
    # "chapter": a chapter title of the session matched (word_time is the chapter's start, text its
    # title, spans the query's words in it, segment_start/end the chapter's span; not scored: 0).
    matched: str = "words"


def play_from(word_time: float, lead_in: float) -> float:
    """Where playback starts for a word spoken at `word_time`: the one place the lead-in is applied."""
    return max(0.0, word_time - max(0.0, lead_in))


@dataclass(frozen=True)
class Sibling:
    """The same session in another language (see index.siblings)."""

    video: Video
    language: str | None
    similarity: float  # cosine of the two sessions' mean content vectors
    time: float | None = None  # where the sibling says what the session's best moment says, seconds
    link: str = ""  # deep link into the sibling (at `time` when known)


@dataclass(frozen=True)
class HitTime:
    """Where one hit falls: the time to show and the time to play from (as in Moment)."""

    word_time: float
    play_from: float


def pieces(text: str, spans: tuple[Span, ...]) -> list[tuple[str, bool]]:
    """`text` cut at `spans`: [(piece, is a matched word)], for a face to render its own way."""
    out: list[tuple[str, bool]] = []
    cursor = 0
    for start, end in spans:
        if start < cursor or end > len(text) or start >= end:
            continue  # overlapping or out of range: not a span of this text
        if start > cursor:
            out.append((text[cursor:start], False))
        out.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        out.append((text[cursor:], False))
    return out


@dataclass(frozen=True)
class VideoHits:
    """All matches in one video, best moments first."""

    video: Video
    language: str | None
    duration: float | None
    hit_count: int  # every matching passage in the video, not only the moments shown
    moments: tuple[Moment, ...]
    positions: tuple[HitTime, ...]  # every hit in time order, for a timeline over the duration
    score: float
    siblings: tuple[Sibling, ...] = ()  # the same session in other languages
    matched_in: tuple[str, ...] = ()  # "title", "description", "chapter": the session's own words matched too


@dataclass(frozen=True)
class SearchResult:
    query: str
    videos: tuple[VideoHits, ...] = ()
    total_videos: int = 0
    total_hits: int = 0
    suggestions: tuple[str, ...] = ()  # "did you mean" corrections of the whole query
    notice: str | None = None  # e.g. how broken syntax was read; shown to the user
    elapsed: float = 0.0  # seconds spent searching


@dataclass(frozen=True)
class ArchiveStats:
    videos: int = 0
    hours: float = 0.0
    segments: int = 0
    languages: dict[str, int] = field(default_factory=dict)  # language code -> number of videos
    first_date: str | None = None
    last_date: str | None = None
    last_indexed: str | None = None  # ISO 8601 UTC of the last index change
