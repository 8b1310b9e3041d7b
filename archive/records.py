"""Our own typed records, used at every boundary. Times are float seconds everywhere.

No third-party types live in here: engines and yt-dlp are translated into these records
inside their wrapper modules. `to_dict`/`from_dict` define the transcript file format
(documented in transcripts/README.md); `from_dict` validates and raises ValueError naming
the field that is wrong, which the store turns into CorruptTranscript naming the file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1
FORMAT_NAME = "session-search-transcript"

# No recording lasts 11 days: a larger time is damage or a hostile file (1e308 overflowed int()).
MAX_SECONDS = 1_000_000.0


@dataclass(frozen=True, slots=True)
class Word:
    start: float
    end: float
    word: str
    probability: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        probability = self.probability if math.isfinite(self.probability) else 0.0
        return {"start": self.start, "end": self.end, "word": self.word, "probability": probability}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Word:
        return cls(
            start=_time(d, "start"),
            end=_time(d, "end"),
            word=_str(d, "word"),
            probability=_num(d, "probability", 1.0),
        )


@dataclass(frozen=True, slots=True)
class Segment:
    id: int
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    # Set when a recording switches language and the engine detected it per segment.
    language: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "words": [w.to_dict() for w in self.words],
            "avg_logprob": _finite_or_none(self.avg_logprob),
            "no_speech_prob": _finite_or_none(self.no_speech_prob),
        }
        if self.language is not None:
            d["language"] = self.language
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Segment:
        words = d.get("words", [])
        if not isinstance(words, list):
            raise ValueError("segment 'words' must be a list")
        return cls(
            id=_int(d, "id"),
            start=_time(d, "start"),
            end=_time(d, "end"),
            text=_str(d, "text"),
            words=tuple(Word.from_dict(_obj(w, "word")) for w in words),
            avg_logprob=_opt_num(d, "avg_logprob"),
            no_speech_prob=_opt_num(d, "no_speech_prob"),
            language=_opt_str(d, "language"),
        )


@dataclass(frozen=True, slots=True)
class Chapter:
    """A titled part of a recording, as its author marked it (YouTube chapters, a file's chapter marks)."""

    title: str
    start: float
    end: float | None = None  # None: runs to the next chapter or the end of the recording

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Chapter:
        end = None if d.get("end") is None else _time(d, "end")
        return cls(title=_str(d, "title"), start=_time(d, "start"), end=end)


@dataclass(frozen=True, slots=True)
class Video:
    """One recording: a YouTube video, an item of a feed, or a local file.

    `webpage_url` is the page people open (YouTube watch URL); `media_url` is what was
    downloaded or the local file path. `upload_date` is ISO `YYYY-MM-DD` or None.
    """

    id: str
    title: str
    channel: str = ""
    webpage_url: str = ""
    media_url: str = ""
    upload_date: str | None = None
    duration: float | None = None
    description: str = ""
    language: str | None = None
    chapters: tuple[Chapter, ...] = ()  # in time order

    def to_dict(self) -> dict[str, Any]:
        d = {
            "id": self.id,
            "title": self.title,
            "channel": self.channel,
            "webpage_url": self.webpage_url,
            "media_url": self.media_url,
            "upload_date": self.upload_date,
            "duration": _finite_or_none(self.duration),
            "description": self.description,
            "language": self.language,
        }
        # Written only when there are some, so a transcript without chapters reads and writes back unchanged.
        if self.chapters:
            d["chapters"] = [c.to_dict() for c in self.chapters]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Video:
        chapters = d.get("chapters") or []
        if not isinstance(chapters, list):
            raise ValueError("video 'chapters' must be a list")
        return cls(
            id=_str(d, "id"),
            title=_str(d, "title", ""),
            channel=_str(d, "channel", ""),
            webpage_url=_str(d, "webpage_url", ""),
            media_url=_str(d, "media_url", ""),
            upload_date=_opt_str(d, "upload_date"),
            duration=_opt_duration(d, "duration"),
            description=_str(d, "description", ""),
            language=_opt_str(d, "language"),
            chapters=tuple(Chapter.from_dict(_obj(c, "chapter")) for c in chapters),
        )


@dataclass(frozen=True, slots=True)
class TranscriptionInfo:
    """How a transcript was made: enough to decide whether re-transcribing is needed."""

    engine: str
    engine_version: str
    model: str
    language: str | None
    language_probability: float | None = None
    # A dict is unhashable; leaving it out of the hash keeps the record usable as a key.
    options: dict[str, Any] = field(default_factory=dict, hash=False)
    created: str = ""  # ISO 8601 UTC
    audio_duration: float | None = None  # seconds of audio actually decoded
    # Where it ran; "" in files written before these were recorded.
    device: str = ""  # "cpu" or "cuda"
    compute_type: str = ""  # e.g. "int8", "float16"
    worker: str = ""  # the process that transcribed it when not the ingest itself ("host/pid N", a Dask address)

    def to_dict(self) -> dict[str, Any]:
        d = {
            "engine": self.engine,
            "engine_version": self.engine_version,
            "model": self.model,
            "language": self.language,
            "language_probability": _finite_or_none(self.language_probability),
            "options": dict(self.options),
            "created": self.created,
            "audio_duration": _finite_or_none(self.audio_duration),
        }
        # Written only when known, so an older transcript reads and writes back unchanged.
        for key in ("device", "compute_type", "worker"):
            if getattr(self, key):
                d[key] = getattr(self, key)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TranscriptionInfo:
        options = d.get("options", {})
        if not isinstance(options, dict):
            raise ValueError("transcription 'options' must be an object")
        return cls(
            engine=_str(d, "engine"),
            engine_version=_str(d, "engine_version", ""),
            model=_str(d, "model"),
            language=_opt_str(d, "language"),
            language_probability=_opt_num(d, "language_probability"),
            options=dict(options),
            created=_str(d, "created", ""),
            audio_duration=_opt_duration(d, "audio_duration"),
            device=_str(d, "device", ""),
            compute_type=_str(d, "compute_type", ""),
            worker=_str(d, "worker", ""),
        )


@dataclass(frozen=True, slots=True)
class Transcript:
    video: Video
    transcription: TranscriptionInfo
    segments: tuple[Segment, ...] = ()

    @property
    def language(self) -> str | None:
        return self.transcription.language or self.video.language

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())

    @property
    def duration(self) -> float | None:
        """The recording's length: metadata first, then decoded audio, then the last segment's end."""
        if self.video.duration:
            return self.video.duration
        if self.transcription.audio_duration:
            return self.transcription.audio_duration
        return self.segments[-1].end if self.segments else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT_NAME,
            "schema_version": SCHEMA_VERSION,
            "video": self.video.to_dict(),
            "transcription": self.transcription.to_dict(),
            "segments": [s.to_dict() for s in self.segments],
        }

    @classmethod
    def from_dict(cls, d: Any) -> Transcript:
        if not isinstance(d, dict):
            raise ValueError("top level must be a JSON object")
        if d.get("format") != FORMAT_NAME:
            raise ValueError(f"not a Session Search transcript (missing \"format\": \"{FORMAT_NAME}\")")
        version = d.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(f"unsupported schema_version {version!r} (this version reads {SCHEMA_VERSION})")
        segments = d.get("segments")
        if not isinstance(segments, list):
            raise ValueError("'segments' must be a list")
        return cls(
            video=Video.from_dict(_obj(d.get("video"), "video")),
            transcription=TranscriptionInfo.from_dict(_obj(d.get("transcription"), "transcription")),
            segments=tuple(Segment.from_dict(_obj(s, "segment")) for s in segments),
        )


# -- validation helpers: each names the field that is wrong ---------------------------------

_MISSING = object()


def _obj(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"'{name}' must be an object")
    return value


def _get(d: dict[str, Any], key: str, default: Any) -> Any:
    value = d.get(key, _MISSING)
    if value is _MISSING:
        if default is _MISSING:
            raise ValueError(f"missing field '{key}'")
        return default
    return value


def _num(d: dict[str, Any], key: str, default: Any = _MISSING) -> float:
    value = _get(d, key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"field '{key}' must be a number, got {value!r}")
    return float(value)


def _int(d: dict[str, Any], key: str) -> int:
    value = _get(d, key, _MISSING)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"field '{key}' must be an integer, got {value!r}")
    return value


def within_recording(seconds: float) -> bool:
    """Whether `seconds` can be a time in a recording: finite, not negative, at most MAX_SECONDS."""
    return math.isfinite(seconds) and 0 <= seconds <= MAX_SECONDS


def _time(d: dict[str, Any], key: str) -> float:
    # NaN, infinite or absurd times (1e308 overflows every int() of an export) would break every
    # export and the index: refuse them on reading.
    value = _num(d, key)
    if not within_recording(value):
        raise ValueError(f"field '{key}' must be a finite number of seconds from 0 to {MAX_SECONDS:.0f}, got {value!r}")
    return value


def _opt_duration(d: dict[str, Any], key: str) -> float | None:
    # A length is metadata (yt-dlp's, the decoder's): one no recording can have reads as unknown.
    value = _opt_num(d, key)
    return value if value is not None and within_recording(value) else None


def _opt_num(d: dict[str, Any], key: str) -> float | None:
    # Statistics (log-probabilities) that came out non-finite carry no information: read as absent.
    return None if d.get(key) is None else _finite_or_none(_num(d, key))


def _finite_or_none(value: float | None) -> float | None:
    # Strict JSON has no NaN/Infinity; the store writes with allow_nan=False.
    return value if value is not None and math.isfinite(value) else None


def _str(d: dict[str, Any], key: str, default: Any = _MISSING) -> str:
    value = _get(d, key, default)
    if not isinstance(value, str):
        raise ValueError(f"field '{key}' must be a string, got {value!r}")
    return value


def _opt_str(d: dict[str, Any], key: str) -> str | None:
    return None if d.get(key) is None else _str(d, key)
