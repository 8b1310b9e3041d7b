"""Records: float seconds, to_dict/from_dict round trips, and validation that names the bad field."""

from __future__ import annotations

import copy
import dataclasses
import json
import math

import pytest

from archive.records import (
    FORMAT_NAME,
    SCHEMA_VERSION,
    Chapter,
    Segment,
    Transcript,
    TranscriptionInfo,
    Video,
    Word,
)
from tests.support.sample_transcripts import french_transcript, info, jfk_transcript


def test_round_trip_through_json_keeps_every_field():
    for transcript in (jfk_transcript(), french_transcript()):
        data = json.loads(json.dumps(transcript.to_dict(), allow_nan=False))
        assert Transcript.from_dict(data) == transcript


def test_times_are_float_seconds_even_when_written_as_integers():
    data = jfk_transcript().to_dict()
    data["segments"][0]["start"] = 0
    data["segments"][0]["words"][0]["end"] = 1
    transcript = Transcript.from_dict(data)
    assert type(transcript.segments[0].start) is float
    assert type(transcript.segments[0].words[0].end) is float


def test_stored_dict_carries_format_and_schema_version():
    data = jfk_transcript().to_dict()
    assert data["format"] == FORMAT_NAME
    assert data["schema_version"] == SCHEMA_VERSION == 1
    assert "language" not in data["segments"][0]  # only written when a segment's language differs
    assert french_transcript().to_dict()["segments"][1]["language"] == "es"


def test_records_are_frozen_and_hashable():
    transcript = jfk_transcript()
    with pytest.raises(dataclasses.FrozenInstanceError):
        transcript.video.title = "changed"  # type: ignore[misc]
    assert len({transcript, jfk_transcript()}) == 1  # options (a dict) is left out of the hash


def test_from_dict_does_not_share_the_options_dict_with_its_input():
    data = jfk_transcript().to_dict()
    transcript = Transcript.from_dict(data)
    data["transcription"]["options"]["beam_size"] = 99
    assert transcript.transcription.options["beam_size"] == 1


def test_derived_properties():
    t = jfk_transcript()
    assert t.text.startswith("And so my fellow Americans, ask not")
    assert t.language == "en"
    assert t.duration == 11.0
    no_meta = dataclasses.replace(t, video=dataclasses.replace(t.video, duration=None, language="fr"),
                                  transcription=dataclasses.replace(t.transcription, audio_duration=None, language=None))
    assert no_meta.duration == 10.3  # last segment's end
    assert no_meta.language == "fr"  # metadata language when detection has none
    assert Transcript(Video(id="x", title=""), info(), ()).duration is None


def _broken(mutate) -> dict:
    data = copy.deepcopy(jfk_transcript().to_dict())
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("format"), "not a Session Search transcript"),
        (lambda d: d.update(format="other-tool"), "not a Session Search transcript"),
        (lambda d: d.update(schema_version=2), "unsupported schema_version 2"),
        (lambda d: d.pop("schema_version"), "unsupported schema_version None"),
        (lambda d: d.update(segments={}), "'segments' must be a list"),
        (lambda d: d.update(video=[]), "'video' must be an object"),
        (lambda d: d["video"].pop("id"), "missing field 'id'"),
        (lambda d: d["video"].update(title=3), "field 'title' must be a string"),
        (lambda d: d["transcription"].pop("engine"), "missing field 'engine'"),
        (lambda d: d["transcription"].update(options=[]), "'options' must be an object"),
        (lambda d: d["segments"][0].update(start="0.0"), "field 'start' must be a number"),
        (lambda d: d["segments"][0].update(end=True), "field 'end' must be a number"),
        (lambda d: d["segments"][0].update(id=1.5), "field 'id' must be an integer"),
        (lambda d: d["segments"][0].update(start=float("nan")), "field 'start' must be a finite number"),
        (lambda d: d["segments"][0].update(end=float("inf")), "field 'end' must be a finite number"),
        (lambda d: d["segments"][0].update(words="and so"), "'words' must be a list"),
        (lambda d: d["segments"][0]["words"].append("so"), "'word' must be an object"),
        (lambda d: d["segments"][0]["words"][0].pop("word"), "missing field 'word'"),
        (lambda d: d["segments"][1]["words"][0].update(start=float("-inf")), "must be a finite number"),
        (lambda d: d["segments"].append(None), "'segment' must be an object"),
    ],
)
def test_from_dict_names_what_is_wrong(mutate, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        Transcript.from_dict(_broken(mutate))


@pytest.mark.parametrize("top", [[], "text", 3, None])
def test_top_level_must_be_an_object(top):
    with pytest.raises(ValueError, match="top level must be a JSON object"):
        Transcript.from_dict(top)


def test_optional_fields_may_be_missing_and_unknown_fields_are_ignored():
    data = {
        "format": FORMAT_NAME,
        "schema_version": SCHEMA_VERSION,
        "video": {"id": "v1", "extra": "ignored"},
        "transcription": {"engine": "faster-whisper", "model": "base"},
        "segments": [{"id": 0, "start": 0, "end": 1.5, "text": " hi", "confidence": 1}],
    }
    t = Transcript.from_dict(data)
    assert t.video == Video(id="v1", title="")
    assert t.transcription.language is None and t.transcription.options == {}
    assert t.segments == (Segment(0, 0.0, 1.5, " hi"),)


def test_non_finite_statistics_are_written_as_null_and_read_as_absent():
    seg = Segment(0, 0.0, 1.0, " x", (Word(0.0, 1.0, " x", math.nan),), avg_logprob=-math.inf, no_speech_prob=math.nan)
    t = Transcript(Video(id="v", title="t", duration=math.nan),
                   TranscriptionInfo("e", "1", "m", "en", language_probability=math.inf), (seg,))
    data = t.to_dict()
    json.dumps(data, allow_nan=False)  # strict JSON: other tools (jq, browsers) can read the file
    assert data["segments"][0]["avg_logprob"] is None
    assert data["segments"][0]["no_speech_prob"] is None
    assert data["segments"][0]["words"][0]["probability"] == 0.0
    assert data["video"]["duration"] is None
    assert data["transcription"]["language_probability"] is None
    # Files written by other tools with NaN statistics still read: the statistic is absent.
    data["segments"][0]["avg_logprob"] = math.nan
    assert Transcript.from_dict(data).segments[0].avg_logprob is None


def test_chapters_round_trip_and_older_files_without_them_read_fine():
    t = jfk_transcript()
    with_chapters = dataclasses.replace(t, video=dataclasses.replace(t.video, chapters=(
        Chapter("Opening", 0.0, 3.2), Chapter("Ask not", 3.2, None))))
    data = json.loads(json.dumps(with_chapters.to_dict(), allow_nan=False))
    assert data["video"]["chapters"] == [{"title": "Opening", "start": 0.0, "end": 3.2},
                                         {"title": "Ask not", "start": 3.2, "end": None}]
    assert Transcript.from_dict(data) == with_chapters
    hash(with_chapters.video)  # still usable as a key
    # A transcript written before chapters were stored has no "chapters" key, and writes back without one.
    old = t.to_dict()
    assert "chapters" not in old["video"]
    assert Transcript.from_dict(old).video.chapters == ()
    assert Transcript.from_dict(old).to_dict() == old


@pytest.mark.parametrize("chapters, message", [
    ("Opening", "'chapters' must be a list"),
    (["Opening"], "'chapter' must be an object"),
    ([{"title": "Opening"}], "missing field 'start'"),
    ([{"title": "Opening", "start": math.inf}], "field 'start' must be a finite number"),
    ([{"title": 3, "start": 0}], "field 'title' must be a string"),
])
def test_a_damaged_chapter_is_named(chapters, message):
    data = jfk_transcript().to_dict()
    data["video"]["chapters"] = chapters
    with pytest.raises(ValueError, match=message):
        Transcript.from_dict(data)
