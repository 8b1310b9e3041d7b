"""What a search returns: our own records, free of Whoosh types. Times are float seconds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from archive.records import Video

SortOrder = Literal["relevance", "date", "date-asc"]


@dataclass(frozen=True)
class SearchFilters:
    languages: tuple[str, ...] = ()  # ISO 639-1 codes, e.g. ("fr", "es"); empty = all
    since: date | None = None  # upload date, inclusive
    until: date | None = None  # upload date, inclusive
    video_ids: tuple[str, ...] = ()  # empty = all sessions
    title: str = ""  # words that must appear in the title


@dataclass(frozen=True)
class Moment:
    """One place in a video where the query matched."""

    jump: float  # where playback should start: first matched word's start minus the lead-in, >= 0
    word_time: float  # start of the first matched word (from word timestamps)
    segment_start: float
    segment_end: float
    text: str  # plain text of the matched passage
    snippet_html: str  # the same passage HTML-escaped, matched words wrapped in <mark>…</mark>
    score: float
    link: str  # deep link: YouTube watch?v=…&t=Ns, or the media URL / file with #t=N


@dataclass(frozen=True)
class VideoHits:
    """All matches in one video, best moments first."""

    video: Video
    language: str | None
    duration: float | None
    hit_count: int  # every matching passage in the video, not only the moments shown
    moments: tuple[Moment, ...]
    positions: tuple[float, ...]  # word_time of every hit, for a timeline over the duration
    score: float


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
