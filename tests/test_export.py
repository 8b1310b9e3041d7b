"""Export writers: SRT/VTT read back by subtitle libraries (and ffmpeg), CSV with integer ms and deep links, zips."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import subprocess
import zipfile

import pysrt
import pytest
import webvtt

from archive.export import (
    CSV_COLUMNS,
    CUE_CHARS,
    CUE_SECONDS,
    FORMATS,
    UnknownExportFormat,
    clean_text,
    export_bytes,
    export_filename,
    export_text,
    export_zip,
    get_writer,
    join_words,
    srt_time,
    subtitle_cues,
    vtt_time,
)
from archive.records import Segment, Transcript, Word
from archive.store import encode_transcript
from tests.support.sample_transcripts import YOUTUBE_ID, french_transcript, info, jfk_transcript


def _vtt_ms(stamp: str) -> int:
    hms, ms = stamp.split(".")
    h, m, s = (int(x) for x in hms.split(":"))
    return ((h * 60 + m) * 60 + s) * 1000 + int(ms)


def test_registry_has_the_five_formats():
    assert FORMATS == ("txt", "srt", "vtt", "json", "csv")
    with pytest.raises(UnknownExportFormat, match="unknown export format 'docx'; choose one of: txt, srt"):
        get_writer("docx")


@pytest.mark.parametrize(
    ("seconds", "srt", "vtt"),
    [
        (0.0, "00:00:00,000", "00:00:00.000"),
        (3.2, "00:00:03,200", "00:00:03.200"),
        (59.9996, "00:01:00,000", "00:01:00.000"),  # rounds once, never prints "60" seconds
        (3725.4996, "01:02:05,500", "01:02:05.500"),
        (-0.2, "00:00:00,000", "00:00:00.000"),
        (100 * 3600 + 1.5, "100:00:01,500", "100:00:01.500"),
    ],
)
def test_time_stamps(seconds, srt, vtt):
    assert srt_time(seconds) == srt
    assert vtt_time(seconds) == vtt


# -- SRT ---------------------------------------------------------------------------------------


def test_srt_reads_back_with_pysrt():
    t = jfk_transcript()
    subs = pysrt.from_string(export_text(t, "srt"), error_handling=pysrt.ERROR_RAISE)
    assert [s.index for s in subs] == list(range(1, len(subs) + 1))
    assert subs[0].start.ordinal == 0 and subs[0].end.ordinal == 2200
    assert subs[0].text == "And so my fellow Americans,"
    # The second segment (7.1 s) is longer than a cue may stay on screen: cut at word times.
    assert len(subs) == 3
    assert subs[1].start.ordinal == 3200 and subs[-1].end.ordinal == 10300
    assert subs[1].text == "ask not what your country can do for you,"  # cut where the clause ends
    assert (subs[2].start.ordinal, subs[2].text) == (6800, "ask what you can do for your country.")
    assert " ".join(s.text.replace("\n", " ") for s in subs) == clean_text(t.text)
    for sub in subs:
        assert sub.end.ordinal > sub.start.ordinal
        assert sub.end.ordinal - sub.start.ordinal <= CUE_SECONDS * 1000


def test_subtitle_text_is_safe_for_players():
    srt = export_text(french_transcript(), "srt")
    subs = pysrt.from_string(srt, error_handling=pysrt.ERROR_RAISE)
    assert len(subs) == 3
    tricky = subs[1]
    assert "-->" not in tricky.text and "\n\n" not in tricky.text
    assert tricky.text == "<b>Très</b> bien & merci → suite fin"
    assert tricky.end.ordinal > tricky.start.ordinal  # a zero-length segment still shows
    assert subs[2].start.ordinal == 3725500
    assert srt.count("-->") == 3  # only the timing lines


def test_cues_of_a_long_segment_without_word_times_share_its_time():
    text = " ".join(f"mot{i}" for i in range(60))
    t = Transcript(french_transcript().video, info("fr"), (Segment(0, 10.0, 40.0, text),))
    cues = subtitle_cues(t)
    assert len(cues) > 1
    assert cues[0].start == 10.0 and cues[-1].end == pytest.approx(40.0)
    assert all(a.end == pytest.approx(b.start) for a, b in zip(cues, cues[1:], strict=False))
    assert " ".join(c.text.replace("\n", " ") for c in cues) == text
    assert all(len(c.text.replace("\n", " ")) <= CUE_CHARS for c in cues)


def test_cues_are_wrapped_into_short_lines_and_blank_segments_dropped():
    words = tuple(Word(i * 0.3, i * 0.3 + 0.25, f" parole{i}") for i in range(30))
    t = Transcript(
        french_transcript().video,
        info("fr"),
        (Segment(0, 0.0, 1.0, "   \n "), Segment(1, 0.0, 9.0, "".join(w.word for w in words), words)),
    )
    cues = subtitle_cues(t)
    assert cues and all(c.text for c in cues)
    for cue in cues:
        assert all(0 < len(line) <= 42 for line in cue.text.split("\n"))
        assert cue.end - cue.start <= CUE_SECONDS


def test_words_without_leading_spaces_are_joined_with_spaces():
    # Our engines strip each word ("so"); raw Whisper keeps a leading space (" so"): both must read right.
    stripped = tuple(Word(w.start, w.end, w.word.strip()) for s in jfk_transcript().segments for w in s.words)
    assert join_words(stripped) == clean_text(jfk_transcript().text)
    t = Transcript(jfk_transcript().video, info(), (Segment(0, 0.0, 10.3, jfk_transcript().text, stripped),))
    texts = [c.text.replace("\n", " ") for c in subtitle_cues(t)]
    assert " ".join(texts) == clean_text(t.text)
    # 10.3 s is too long for one cue: the cut falls at a comma followed by a pause.
    assert texts == ["And so my fellow Americans, ask not what your country can do for you,",
                     "ask what you can do for your country."]


def test_cues_stay_within_limits_whatever_the_pauses_and_punctuation():
    rng = random.Random(7)
    words, t = [], 0.0
    for i in range(400):
        t += rng.choice([0.05, 0.1, 0.3, 2.5, 6.9])  # short gaps and long pauses
        length = rng.uniform(0.1, 0.9)
        words.append(Word(t, t + length, f" w{i}" + rng.choice(["", "", "", ",", ".", "?"])))
        t += length
    segment = Segment(0, words[0].start, words[-1].end, "".join(w.word for w in words), tuple(words))
    cues = subtitle_cues(Transcript(jfk_transcript().video, info(), (segment,)))
    assert " ".join(c.text.replace("\n", " ") for c in cues) == clean_text(segment.text)  # nothing lost
    for cue in cues:
        one_word = " " not in cue.text.replace("\n", " ")
        assert one_word or (cue.end - cue.start <= CUE_SECONDS and len(cue.text.replace("\n", " ")) <= CUE_CHARS)
    assert all(a.start <= b.start for a, b in zip(cues, cues[1:], strict=False))


# -- VTT ---------------------------------------------------------------------------------------


def test_vtt_reads_back_with_webvtt():
    vtt = export_text(jfk_transcript(), "vtt")
    assert vtt.startswith("WEBVTT\n\n")
    captions = webvtt.from_string(vtt).captions
    assert len(captions) == 3
    assert (_vtt_ms(captions[0].start), _vtt_ms(captions[0].end)) == (0, 2200)
    assert captions[0].text == "And so my fellow Americans,"
    assert _vtt_ms(captions[-1].end) == 10300


def test_vtt_escapes_markup_in_cue_text():
    captions = webvtt.from_string(export_text(french_transcript(), "vtt")).captions
    raw = captions[1].raw_text
    assert raw == "&lt;b&gt;Très&lt;/b&gt; bien &amp; merci → suite fin"  # shown as typed, not as bold
    assert _vtt_ms(captions[2].start) == 3725500


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe (Debian ffmpeg) not installed")
@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_ffmpeg_reads_every_cue(tmp_path, fmt):
    # ffmpeg's demuxers are what VLC/mpv use: a stricter check than the Python libraries.
    path = tmp_path / f"jfk.{fmt}"
    path.write_bytes(export_bytes(jfk_transcript(), fmt))
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_packets", "-of", "json", str(path)],
        capture_output=True, text=True, timeout=60, check=True,
    )
    packets = json.loads(out.stdout)["packets"]
    cues = subtitle_cues(jfk_transcript())
    assert [round(float(p["pts_time"]) * 1000) for p in packets] == [round(c.start * 1000) for c in cues]
    assert [round(float(p["duration_time"]) * 1000) for p in packets] == [round((c.end - c.start) * 1000) for c in cues]


# -- CSV ---------------------------------------------------------------------------------------


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_integer_ms_and_youtube_deep_links():
    rows = _rows(export_text(jfk_transcript(), "csv"))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["segment"], r["start_ms"], r["end_ms"]) for r in rows] == [("0", "0", "2200"), ("1", "3200", "10300")]
    assert rows[1]["link"] == f"https://www.youtube.com/watch?v={YOUTUBE_ID}&t=3s"
    assert rows[0]["video_id"] == YOUTUBE_ID and rows[0]["language"] == "en"
    assert rows[1]["text"].startswith("ask not what your country")


def test_csv_of_a_non_youtube_video_is_safe_for_spreadsheets():
    rows = _rows(export_text(french_transcript(), "csv"))
    assert rows[0]["link"] == "https://media.example.org/forum.mp4#t=0"
    assert rows[2]["start_ms"] == "3725500" and rows[2]["link"].endswith("#t=3725")
    assert [r["language"] for r in rows] == ["fr", "es", "fr"]  # a segment's own language wins
    assert rows[0]["title"].startswith("'=Forum")  # would run as a formula in a spreadsheet
    assert rows[2]["text"] == "'-1 degré, en fin de séance."
    assert rows[1]["text"] == "<b>Très</b> bien & merci → suite fin"  # one line: no newline in a cell


def test_csv_file_has_a_bom_for_spreadsheets_and_reads_back_as_utf8():
    data = export_bytes(french_transcript(), "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    assert "situés" in data.decode("utf-8-sig")


# -- TXT and JSON ------------------------------------------------------------------------------


def test_txt_is_readable_with_a_time_per_segment():
    text = export_text(french_transcript(), "txt")
    head, body = text.split("\n\n", 1)
    assert head.splitlines()[0] == "=Forum d'apprentissage « villes »"
    assert "language: fr" in head
    assert body.splitlines() == [
        "[00:00:00] Les deux autres sont situés au bord de la mer jaune.",
        "[00:00:05] <b>Très</b> bien & merci → suite fin",
        "[01:02:05] -1 degré, en fin de séance.",
    ]


def test_chapters_are_exported_in_json_and_listed_in_txt():
    from dataclasses import replace

    from archive.records import Chapter

    t = french_transcript()
    t = replace(t, video=replace(t.video, chapters=(Chapter("Ouverture", 0.0, 5.0), Chapter("Débat\nfinal", 3725.0))))
    data = json.loads(export_text(t, "json"))
    assert data["video"]["chapters"] == [{"title": "Ouverture", "start": 0.0, "end": 5.0},
                                         {"title": "Débat\nfinal", "start": 3725.0, "end": None}]
    head = export_text(t, "txt").split("\n\n", 1)[0].splitlines()
    assert head[-3:] == ["chapters:", "  [00:00:00] Ouverture", "  [01:02:05] Débat final"]


def test_json_export_is_the_stored_format_byte_for_byte():
    t = french_transcript()
    assert export_bytes(t, "json") == encode_transcript(t)
    assert Transcript.from_dict(json.loads(export_text(t, "json"))) == t


# -- file names and zip ------------------------------------------------------------------------


def test_export_file_names_follow_the_transcript_names():
    assert export_filename(YOUTUBE_ID, "srt") == f"{YOUTUBE_ID}.srt"
    assert export_filename("../../etc/passwd", "csv") == "~2E~2E~2F~2E~2E~2Fetc~2Fpasswd.csv"
    with pytest.raises(UnknownExportFormat):
        export_filename(YOUTUBE_ID, "pdf")


@pytest.mark.parametrize("fmt", FORMATS)
def test_zip_holds_one_file_per_transcript(fmt):
    transcripts = [jfk_transcript(), french_transcript(), jfk_transcript("../../etc/passwd", youtube=False)]
    data = export_zip(transcripts, fmt)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names == [export_filename(t.video.id, fmt) for t in transcripts]
        assert all("/" not in n and "\\" not in n and not n.startswith(".") for n in names)  # no zip-slip
        for t in transcripts:
            assert archive.read(export_filename(t.video.id, fmt)) == export_bytes(t, fmt)
    assert export_zip(transcripts, fmt) == data  # same archive, same bytes


def test_zip_refuses_the_same_video_twice_and_unknown_formats():
    with pytest.raises(ValueError, match="given twice"):
        export_zip([jfk_transcript(), jfk_transcript()], "txt")
    with pytest.raises(UnknownExportFormat):
        export_zip([], "odt")
    with zipfile.ZipFile(io.BytesIO(export_zip([], "txt"))) as archive:
        assert archive.namelist() == []


@pytest.mark.slow
@pytest.mark.integration
def test_subtitles_of_a_real_transcription_play(tiny_en_model, tmp_path):
    """tiny.en on jfk.flac (real word times) → SRT and VTT that pysrt, webvtt-py and ffprobe accept."""
    from ingest.engines import TranscribeOptions, load_engine
    from ingest.transcribe import transcribe_file
    from tests.support.media import media

    engine = load_engine(TranscribeOptions(model=str(tiny_en_model), language="en", beam_size=1, vad=False))
    transcript = transcribe_file(media("jfk.flac"), engine)
    words = clean_text(transcript.text).lower().split()
    assert "americans" in " ".join(words) and words[-1].startswith("country")

    srt = pysrt.from_string(export_text(transcript, "srt"), error_handling=pysrt.ERROR_RAISE)
    vtt = webvtt.from_string(export_text(transcript, "vtt")).captions
    cues = subtitle_cues(transcript)
    assert len(srt) == len(vtt) == len(cues) >= 2
    assert " ".join(c.text.replace("\n", " ") for c in srt) == " ".join(clean_text(s.text) for s in transcript.segments)
    for sub, cap in zip(srt, vtt, strict=True):
        assert 0 < sub.end.ordinal - sub.start.ordinal <= CUE_SECONDS * 1000
        assert (_vtt_ms(cap.start), _vtt_ms(cap.end)) == (sub.start.ordinal, sub.end.ordinal)
    assert srt[-1].end.ordinal <= 11_000  # inside the 11 s recording
    if shutil.which("ffprobe"):
        path = tmp_path / "jfk.vtt"
        path.write_bytes(export_bytes(transcript, "vtt"))
        out = subprocess.run(["ffprobe", "-v", "error", "-show_packets", "-of", "json", str(path)],
                             capture_output=True, text=True, timeout=60, check=True)
        assert len(json.loads(out.stdout)["packets"]) == len(cues)
