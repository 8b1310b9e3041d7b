"""Transcripts as files people use: txt, srt, vtt, json, csv (a writer registry, like whisper's get_writer).

Every writer is a function Transcript → str. Exports are derived from transcripts/*.json and
never read back. Subtitles are cut into cues players show well: text on at most a few short
lines, no blank line or `-->` inside a cue, long segments split at word times when known.
"""

from __future__ import annotations

import csv
import io
import math
import re
import textwrap
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from archive.errors import SessionsError
from archive.ids import safe_stem
from archive.links import deep_link
from archive.records import Segment, Transcript
from archive.store import encode_transcript

Writer = Callable[[Transcript], str]

# Subtitle conventions (BBC/Netflix-like): two lines of ~42 characters, a cue on screen ≤ 7 s.
LINE_CHARS = 42
CUE_CHARS = 2 * LINE_CHARS
CUE_SECONDS = 7.0
_MIN_CUE_MS = 1  # players drop cues whose end is not after their start

CSV_COLUMNS = ("video_id", "title", "segment", "start_ms", "end_ms", "language", "text", "link")
# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class UnknownExportFormat(SessionsError):
    def __init__(self, fmt: str):
        super().__init__(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
        self.fmt = fmt


class NothingToExport(SessionsError):
    """The archive holds no readable transcript."""


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str  # already safe: wrapped lines, no blank line, no "-->"


# -- times ---------------------------------------------------------------------------------


def _ms(seconds: float) -> int:
    """Whole milliseconds, never negative; rounding here once keeps "59.9996 s" from printing as ":60"."""
    if not math.isfinite(seconds):
        return 0
    return max(0, round(seconds * 1000))


def _clock(ms: int, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def srt_time(seconds: float) -> str:
    """`HH:MM:SS,mmm` (hours grow past 99 if ever needed)."""
    return _clock(_ms(seconds), ",")


def vtt_time(seconds: float) -> str:
    """`HH:MM:SS.mmm`."""
    return _clock(_ms(seconds), ".")


def txt_time(seconds: float) -> str:
    """`HH:MM:SS`."""
    return _clock(_ms(seconds), ".")[:-4]


# -- cues ----------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_ARROWS = re.compile(r"-{2,}>")


def clean_text(text: str) -> str:
    """One line of text: whitespace runs (newlines too) become one space, and no `-->` (the cue timing arrow)."""
    return _ARROWS.sub("→", _SPACES.sub(" ", text)).strip()


def _wrap(text: str) -> str:
    lines = textwrap.wrap(text, width=LINE_CHARS, break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines)


def subtitle_cues(transcript: Transcript) -> list[Cue]:
    """The transcript's segments as subtitle cues, in time order."""
    cues: list[Cue] = []
    for segment in transcript.segments:
        cues.extend(_segment_cues(segment))
    cues.sort(key=lambda c: (c.start, c.end))
    return cues


def _segment_cues(segment: Segment) -> list[Cue]:
    text = clean_text(segment.text)
    if not text:
        return []
    start, end = segment.start, max(segment.end, segment.start)
    if len(text) <= CUE_CHARS and end - start <= CUE_SECONDS:
        return [_cue(start, end, text)]
    words = [w for w in segment.words if clean_text(w.word)]
    if words:
        return _split_by_words(words)
    return _split_by_length(text, start, end)


def _cue(start: float, end: float, text: str) -> Cue:
    end = max(end, start + _MIN_CUE_MS / 1000)
    return Cue(start=start, end=end, text=_wrap(text))


_CLAUSE_END = (",", ".", "?", "!", ";", ":", "…", "»", '"')


def join_words(words) -> str:
    """The words' text as one line, whether the engine kept Whisper's leading spaces (" so") or not ("so")."""
    out: list[str] = []
    for word in words:
        text = word.word
        if out and not out[-1][-1:].isspace() and not text[:1].isspace():
            out.append(" ")
        out.append(text)
    return clean_text("".join(out))


def _split_by_words(words) -> list[Cue]:
    """Cut at word boundaries until every cue fits; its times are its words' times.

    Each cut is chosen to balance the two sides (characters and seconds) and prefers the end
    of a clause or a pause, so cues follow the speech instead of leaving a word or two behind.
    """
    if len(words) == 1 or _fits(words):
        return [_cue(words[0].start, max(w.end for w in words), join_words(words))]
    best = min(range(1, len(words)), key=lambda i: _cut_cost(words, i))
    return _split_by_words(words[:best]) + _split_by_words(words[best:])


def _fits(words) -> bool:
    return len(join_words(words)) <= CUE_CHARS and words[-1].end - words[0].start <= CUE_SECONDS


def _fullness(words) -> float:
    return max(len(join_words(words)) / CUE_CHARS, (words[-1].end - words[0].start) / CUE_SECONDS)


def _cut_cost(words, i: int) -> float:
    """How full the fuller side is after cutting before words[i]; lower is better."""
    cost = max(_fullness(words[:i]), _fullness(words[i:]))
    if words[i - 1].word.strip().endswith(_CLAUSE_END):
        cost *= 0.75
    if words[i].start - words[i - 1].end >= 0.3:  # a pause in the speech
        cost *= 0.85
    return cost


def _split_by_length(text: str, start: float, end: float) -> list[Cue]:
    """No word times: cut the text into short pieces and share the segment's time by length."""
    pieces = textwrap.wrap(text, width=CUE_CHARS, break_long_words=False, break_on_hyphens=False)
    total = sum(len(p) for p in pieces)
    cues: list[Cue] = []
    t = start
    for piece in pieces:
        t_end = t + (end - start) * len(piece) / total
        cues.append(_cue(t, t_end, piece))
        t = t_end
    return cues


# -- writers -------------------------------------------------------------------------------


def write_srt(transcript: Transcript) -> str:
    blocks = [
        f"{n}\n{srt_time(c.start)} --> {srt_time(c.end)}\n{c.text}\n"
        for n, c in enumerate(subtitle_cues(transcript), start=1)
    ]
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    # Cue text is markup in WebVTT: `<` opens a tag and `&` an entity.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_vtt(transcript: Transcript) -> str:
    blocks = [
        f"{vtt_time(c.start)} --> {vtt_time(c.end)}\n{_vtt_escape(c.text)}\n" for c in subtitle_cues(transcript)
    ]
    return "WEBVTT\n\n" + "\n".join(blocks)


def write_txt(transcript: Transcript) -> str:
    video = transcript.video
    header = [clean_text(video.title) or video.id]
    link = deep_link(video, 0)
    if link:
        header.append(link)
    facts = []
    if video.upload_date:
        facts.append(video.upload_date)
    if transcript.language:
        facts.append(f"language: {transcript.language}")
    if transcript.duration:
        facts.append(f"duration: {txt_time(transcript.duration)}")
    if facts:
        header.append(" · ".join(facts))
    lines = [f"[{txt_time(s.start)}] {clean_text(s.text)}" for s in transcript.segments if clean_text(s.text)]
    return "\n".join(header) + "\n\n" + "".join(line + "\n" for line in lines)


def write_json(transcript: Transcript) -> str:
    """The stored format itself (transcripts/README.md), byte for byte."""
    return encode_transcript(transcript).decode("utf-8")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(transcript: Transcript) -> str:
    """One row per segment; times in integer milliseconds; `link` opens the video at the segment."""
    video = transcript.video
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for segment in transcript.segments:
        writer.writerow([
            _cell(video.id),
            _cell(clean_text(video.title)),
            segment.id,
            _ms(segment.start),
            _ms(max(segment.end, segment.start)),
            segment.language or transcript.language or "",
            _cell(clean_text(segment.text)),
            deep_link(video, segment.start),
        ])
    return out.getvalue()


WRITERS: dict[str, Writer] = {
    "txt": write_txt,
    "srt": write_srt,
    "vtt": write_vtt,
    "json": write_json,
    "csv": write_csv,
}
FORMATS = tuple(WRITERS)


def get_writer(fmt: str) -> Writer:
    try:
        return WRITERS[fmt]
    except KeyError:
        raise UnknownExportFormat(fmt) from None


def export_text(transcript: Transcript, fmt: str) -> str:
    return get_writer(fmt)(transcript)


def export_bytes(transcript: Transcript, fmt: str) -> bytes:
    """The file's bytes: UTF-8; CSV gets a byte-order mark so spreadsheet programs read accents right."""
    text = export_text(transcript, fmt)
    # "replace": a lone surrogate (from a non-UTF-8 file name) must not stop an export.
    return text.encode("utf-8-sig" if fmt == "csv" else "utf-8", "replace")


def export_filename(video_id: str, fmt: str) -> str:
    """`<safe stem>.<fmt>`: the same id → name mapping as transcripts/, so no id can leave the folder."""
    get_writer(fmt)
    return f"{safe_stem(video_id)}.{fmt}"


# Fixed entry times make the same archive give the same zip bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def export_zip(transcripts: Iterable[Transcript], fmt: str) -> bytes:
    """Every transcript in `fmt`, one file each, in a zip (the whole archive at once)."""
    get_writer(fmt)
    buffer = io.BytesIO()
    names: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for transcript in transcripts:
            name = export_filename(transcript.video.id, fmt)
            if name in names:
                raise ValueError(f"video {transcript.video.id!r} given twice")
            names.add(name)
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, export_bytes(transcript, fmt))
    return buffer.getvalue()
