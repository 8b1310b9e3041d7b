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
MIN_CUE_SECONDS = 0.7  # shorter than this a cue flashes by before it can be read
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
    """Lines of at most LINE_CHARS, balanced: never a lone word left on the last line when the
    text fits on lines that share it more evenly."""
    if len(text) <= LINE_CHARS:
        return text
    two = _balanced_break(text)
    if two is not None:
        return two
    lines = textwrap.wrap(text, width=LINE_CHARS, break_long_words=False, break_on_hyphens=False)
    if len(lines) >= 2 and " " not in lines[-1]:
        last_two = _balanced_break(lines[-2] + " " + lines[-1])
        if last_two is not None:
            lines[-2:] = last_two.split("\n")
    return "\n".join(lines)


# A line must not start with these (French typography puts a space before them).
_NO_LINE_START = ("?", "!", ":", ";", "»", "…", ")", "%")


def _balanced_break(text: str) -> str | None:
    """`text` on two lines of at most LINE_CHARS, as even as possible (a clause end helps); None if it cannot be."""
    breaks = [i for i, c in enumerate(text) if c == " " and i <= LINE_CHARS and len(text) - i - 1 <= LINE_CHARS
              and not text[i + 1 :].startswith(_NO_LINE_START)]
    if not breaks:
        return None

    def unevenness(i: int) -> float:
        gap = abs(i - (len(text) - i - 1))
        return gap * 0.5 if text[i - 1] in ",.;:?!" else gap

    best = min(breaks, key=unevenness)
    return text[:best] + "\n" + text[best + 1 :]


def subtitle_cues(transcript: Transcript) -> list[Cue]:
    """The transcript's segments as subtitle cues, in time order, each on screen long enough to read."""
    pieces: list[_Piece] = []
    for segment in transcript.segments:
        pieces.extend(_segment_pieces(segment))
    pieces.sort(key=lambda p: (p.start, p.end))
    return [_cue(p.start, p.end, p.text) for p in _readable(pieces, transcript.duration)]


@dataclass(frozen=True)
class _Piece:
    start: float
    end: float
    text: str  # one line, not wrapped yet


def _segment_pieces(segment: Segment) -> list[_Piece]:
    text = clean_text(segment.text)
    if not text:
        return []
    start, end = segment.start, max(segment.end, segment.start)
    if len(text) <= CUE_CHARS and end - start <= CUE_SECONDS:
        return [_Piece(start, end, text)]
    words = [w for w in segment.words if clean_text(w.word)]
    if words:
        return _SpokenWords(words, text).pieces(0, len(words))
    return _split_by_length(text, start, end)


def _cue(start: float, end: float, text: str) -> Cue:
    end = max(end, start + _MIN_CUE_MS / 1000)
    return Cue(start=start, end=end, text=_wrap(text))


_CLAUSE_END = (",", ".", "?", "!", ";", ":", "…", "»", '"')
# Whisper starts a word with these when it belongs to the previous one: C + 'est, Est + -ce, it + 's.
_ATTACHED = re.compile(r"^(?:['’]|-\w)")


def join_words(words) -> str:
    """The words' text as one line, whether the engine kept Whisper's leading spaces (" so") or not ("so").

    Used only when the segment's own text does not hold the words (which then gives the spacing):
    a word starting with an apostrophe or a hyphen joins the previous one (`C'est`, `Est-ce`).
    """
    out: list[str] = []
    for word in words:
        text = word.word
        if out and not out[-1][-1:].isspace() and not text[:1].isspace() and not _ATTACHED.match(text):
            out.append(" ")
        out.append(text)
    return clean_text("".join(out))


def word_spans(text: str, words) -> list[tuple[int, int]] | None:
    """Where each word lies in `text` (the segment's cleaned text), in order; None when they do not
    account for all of it (then the text cannot give the spacing between them)."""
    spans: list[tuple[int, int]] = []
    at = 0
    for word in words:
        token = clean_text(word.word)
        found = text.find(token, at)
        if found < 0 or text[at:found].strip():
            return None
        spans.append((found, found + len(token)))
        at = found + len(token)
    return spans if not text[at:].strip() else None


class _SpokenWords:
    """A segment's timed words and the text of any run of them, spaced as the segment's text is."""

    def __init__(self, words: list, text: str):
        self.words = words
        self._text = text
        self._spans = word_spans(text, words)

    def text(self, i: int, j: int) -> str:
        if self._spans is None:
            return join_words(self.words[i:j])
        return self._text[self._spans[i][0] : self._spans[j - 1][1]]

    def pieces(self, i: int, j: int) -> list[_Piece]:
        """Cut at word boundaries until every piece fits; its times are its words' times.

        Each cut is chosen to balance the two sides (characters and seconds) and prefers the end
        of a clause or a pause, so cues follow the speech instead of leaving a word or two behind.
        """
        if j - i == 1 or self._fits(i, j):
            return [_Piece(self.words[i].start, max(w.end for w in self.words[i:j]), self.text(i, j))]
        best = min(range(i + 1, j), key=lambda k: self._cut_cost(i, k, j))
        return self.pieces(i, best) + self.pieces(best, j)

    def _seconds(self, i: int, j: int) -> float:
        return self.words[j - 1].end - self.words[i].start

    def _fits(self, i: int, j: int) -> bool:
        return len(self.text(i, j)) <= CUE_CHARS and self._seconds(i, j) <= CUE_SECONDS

    def _fullness(self, i: int, j: int) -> float:
        return max(len(self.text(i, j)) / CUE_CHARS, self._seconds(i, j) / CUE_SECONDS)

    def _cut_cost(self, i: int, k: int, j: int) -> float:
        """How full the fuller side is after cutting before words[k]; lower is better."""
        words = self.words
        cost = max(self._fullness(i, k), self._fullness(k, j))
        if words[k - 1].word.strip().endswith(_CLAUSE_END):
            cost *= 0.75
        if words[k].start - words[k - 1].end >= 0.3:  # a pause in the speech
            cost *= 0.85
        if min(self._seconds(i, k), self._seconds(k, j)) < MIN_CUE_SECONDS:
            cost *= 1.5  # a flash too short to read
        if not any(c.isalnum() for c in words[k].word) or self._attached(k):
            cost *= 3  # "?" alone would open the next cue; C | 'est would split a word
        return cost

    def _attached(self, k: int) -> bool:
        """words[k] continues words[k-1] with no space between them."""
        if self._spans is None:
            return bool(_ATTACHED.match(self.words[k].word.lstrip()))
        return self._spans[k][0] == self._spans[k - 1][1]


def _readable(pieces: list[_Piece], duration: float | None) -> list[_Piece]:
    """Every cue on screen for MIN_CUE_SECONDS: a short one stays into the silence after it, or,
    when speech follows at once, joins a neighbour it fits with. Speech that short with no room
    either side stays as it is."""
    out: list[_Piece] = []
    for n, piece in enumerate(pieces):
        following = pieces[n + 1].start if n + 1 < len(pieces) else (duration or math.inf)
        if piece.end - piece.start < MIN_CUE_SECONDS:
            piece = _Piece(piece.start, max(piece.end, min(piece.start + MIN_CUE_SECONDS, following)), piece.text)
        if out and (_short(out[-1]) or _short(piece)) and _joinable(out[-1], piece):
            prev = out.pop()
            piece = _Piece(prev.start, max(prev.end, piece.end), prev.text + " " + piece.text)
        out.append(piece)
    return out


_JOIN_GAP = 1.0  # seconds: a cue never shows text said more than this later (or earlier)


def _short(piece: _Piece) -> bool:
    return piece.end - piece.start < MIN_CUE_SECONDS


def _joinable(a: _Piece, b: _Piece) -> bool:
    return (b.start - a.end <= _JOIN_GAP and len(a.text) + 1 + len(b.text) <= CUE_CHARS
            and max(a.end, b.end) - a.start <= CUE_SECONDS)


def _split_by_length(text: str, start: float, end: float) -> list[_Piece]:
    """No word times: cut the text into short pieces and share the segment's time by length."""
    pieces = textwrap.wrap(text, width=CUE_CHARS, break_long_words=False, break_on_hyphens=False)
    total = sum(len(p) for p in pieces)
    cues: list[_Piece] = []
    t = start
    for piece in pieces:
        t_end = t + (end - start) * len(piece) / total
        cues.append(_Piece(t, t_end, piece))
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
    if video.chapters:
        header.append("chapters:")
        header.extend(f"  [{txt_time(c.start)}] {clean_text(c.title)}" for c in video.chapters)
    lines = [f"[{txt_time(s.start)}] {clean_text(s.text)}" for s in transcript.segments if clean_text(s.text)]
    return "\n".join(header) + "\n\n" + "".join(line + "\n" for line in lines)


def write_json(transcript: Transcript) -> str:
    """The stored format itself (transcripts/README.md), byte for byte."""
    return encode_transcript(transcript).decode("utf-8")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(transcript: Transcript) -> str:
    """One row per segment; times in integer milliseconds; `link` opens the video at the segment."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    _csv_rows(writer, transcript)
    return out.getvalue()


def combined_csv(transcripts: Iterable[Transcript]) -> bytes:
    """Every transcript's rows in one CSV (one header; the video_id column tells them apart), with a BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for transcript in transcripts:
        _csv_rows(writer, transcript)
    return out.getvalue().encode("utf-8-sig", "replace")


def _csv_rows(writer, transcript: Transcript) -> None:
    video = transcript.video
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
