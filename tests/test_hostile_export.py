"""Hostile transcripts through every export writer, and hostile video ids through the file-name mapping.

Any transcript the store accepts becomes SRT/VTT that parse with exactly our cues (text never
forges a cue: no blank line, no `-->`, no VTT tag), CSV that reads back row for row with no cell a
spreadsheet would run as a formula, and JSON that reads back equal. Any id maps to a file name that
stays in its folder, and two ids never share one.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pysrt
import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.export import (
    CSV_COLUMNS,
    export_filename,
    subtitle_cues,
    write_csv,
    write_json,
    write_srt,
    write_txt,
    write_vtt,
)
from archive.ids import MAX_STEM, safe_stem
from archive.records import MAX_SECONDS, Segment, Transcript, Video, Word
from tests.support.sample_transcripts import info

FAST = settings(max_examples=120, deadline=None)
NASTY = ["-->", "--->", "\n\n", "\r\n", "\r", "<b>", "</c>", "<script>alert(1)</script>", "&amp;", "=cmd|' /C calc'!A0",
         "+1", "-1", "@SUM(A1)", "\t", "\x00", "\x0b", "\x0c", "\u2028", "\u00a0", "1", "00:00:01,000 --> 00:00:02,000",
         "WEBVTT", "NOTE", "C'est", "l'écran", "Est-ce", "¿Qué?", " ", "\ufeff", "\u200b", "🙂", "\ud800"]
TEXT = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=8)), max_size=12).map("".join)
TIME = st.floats(min_value=0, max_value=MAX_SECONDS, allow_nan=False)


@st.composite
def transcripts(draw) -> Transcript:
    segments = []
    for n in range(draw(st.integers(0, 5))):
        start = draw(TIME)
        end = draw(st.one_of(TIME, st.just(start)))
        text = draw(TEXT)
        words = ()
        if draw(st.booleans()):
            parts = [w for w in re.split(r"(\s+)", text) if w and not w.isspace()]
            step = max(end - start, 0.0) / max(len(parts), 1)
            words = tuple(Word(start + i * step, start + (i + 1) * step, " " + w) for i, w in enumerate(parts))
        segments.append(Segment(n, start, end, text, words, language=draw(st.sampled_from([None, "en", "fr"]))))
    video = Video(id=draw(st.text(min_size=1, max_size=20).filter(str.strip)), title=draw(TEXT),
                  webpage_url=draw(st.sampled_from(["", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"])),
                  duration=draw(st.one_of(st.none(), TIME)))
    return Transcript(video=video, transcription=info("en"), segments=tuple(segments))


@FAST
@given(transcripts())
def test_srt_parses_into_exactly_our_cues(transcript):
    cues = subtitle_cues(transcript)
    text = write_srt(transcript)
    parsed = pysrt.from_string(text, error_handling=pysrt.ERROR_RAISE)
    assert len(parsed) == len(cues)
    for item, cue in zip(parsed, cues, strict=True):
        assert "-->" not in item.text and "\n\n" not in item.text
        assert item.text == cue.text


@FAST
@given(transcripts())
def test_vtt_parses_into_exactly_our_cues_without_markup(transcript):
    cues = subtitle_cues(transcript)
    text = write_vtt(transcript)
    parsed = webvtt.from_string(text)
    assert len(parsed.captions) == len(cues)
    for caption in parsed.captions:
        assert "<" not in caption.raw_text and "-->" not in caption.raw_text


@FAST
@given(transcripts())
def test_csv_reads_back_row_for_row_with_no_formula(transcript):
    rows = list(csv.reader(io.StringIO(write_csv(transcript), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(transcript.segments) + 1
    for row in rows[1:]:
        assert len(row) == len(CSV_COLUMNS)
        for cell in (row[0], row[1], row[6]):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
        assert int(row[3]) <= int(row[4])


@FAST
@given(transcripts())
def test_json_reads_back_equal_and_txt_has_one_line_per_segment(transcript):
    assert Transcript.from_dict(json.loads(write_json(transcript))) == transcript
    body = write_txt(transcript).split("\n\n", 1)[1]
    assert all(re.match(r"\[\d+:\d\d:\d\d\] ", line) for line in body.splitlines())


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1), st.text(min_size=1))
def test_safe_stem_is_one_to_one_and_stays_in_its_folder(a, b):
    for video_id in (a, b):
        if not video_id.strip():
            continue
        stem = safe_stem(video_id)
        assert re.fullmatch(r"[A-Za-z0-9_~-]+", stem), stem  # no separator, no dot, no space
        assert len(stem) <= MAX_STEM
        assert "/" not in export_filename(video_id, "srt") and export_filename(video_id, "srt").count(".") == 1
    if a != b and a.strip() and b.strip():
        assert safe_stem(a) != safe_stem(b)


def test_ids_that_once_collided_or_escaped_stay_apart():
    hostile = ["../../etc/passwd", "..", ".", "a/b", "a\\b", "CON", "con", "nul.txt", "a~2Fb", "a/b~", "~", "a" * 500,
               "a" * 499 + "b", "\ud800", "\x00", " x", "x "]
    stems = [safe_stem(h) for h in hostile]
    assert len(set(stems)) == len(stems)
    assert all("." not in s and "/" not in s for s in stems)
