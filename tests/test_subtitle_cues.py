"""Subtitle cues read like the transcript: spacing from the segment text, cues long enough to read,
balanced lines (issue 12, points 14 and 15)."""

from __future__ import annotations

import re

import pysrt
import pytest

from archive.export import (
    CUE_CHARS,
    LINE_CHARS,
    MIN_CUE_SECONDS,
    clean_text,
    export_text,
    join_words,
    subtitle_cues,
)
from archive.records import Segment, Transcript, Word
from archive.store import encode_transcript
from tests.support.sample_transcripts import info, jfk_transcript


def _timed(tokens: list[str], start: float = 0.0, step: float = 0.35) -> tuple[Word, ...]:
    """Words as our engines store them: Whisper's leading space stripped."""
    return tuple(Word(start + i * step, start + i * step + 0.3, t) for i, t in enumerate(tokens))


def _transcript(*segments: Segment, language: str = "fr") -> Transcript:
    return Transcript(jfk_transcript().video, info(language), segments)


def _segment(n: int, text: str, tokens: list[str], start: float = 0.0, step: float = 0.35) -> Segment:
    words = _timed(tokens, start, step)
    return Segment(n, words[0].start, words[-1].end, text, words)


def _flat(cue) -> str:
    return cue.text.replace("\n", " ")


# Whisper's tokens for these sentences, as faster-whisper returns them (leading spaces stripped).
FRENCH = ("C'est évident : l'écran de la mairie affiche les horaires. Est-ce que l'accumulation des "
          "demandes d'aujourd'hui pose problème ? C'est la question qu'on nous pose.")
FRENCH_TOKENS = ["C", "'est", "évident", ":", "l", "'écran", "de", "la", "mairie", "affiche", "les", "horaires.",
                 "Est", "-ce", "que", "l", "'accumulation", "des", "demandes", "d", "'aujourd", "'hui", "pose",
                 "problème", "?", "C", "'est", "la", "question", "qu", "'on", "nous", "pose."]
SPANISH = "¿Qué hace el ayuntamiento? El consejo aprobó el presupuesto participativo de la ciudad en marzo."
SPANISH_TOKENS = ["¿Qué", "hace", "el", "ayuntamiento?", "El", "consejo", "aprobó", "el", "presupuesto",
                  "participativo", "de", "la", "ciudad", "en", "marzo."]
ENGLISH = "It's the council's plan: we'll open the city's new library next week, and it's free for everyone."
ENGLISH_TOKENS = ["It", "'s", "the", "council", "'s", "plan:", "we", "'ll", "open", "the", "city", "'s", "new",
                  "library", "next", "week,", "and", "it", "'s", "free", "for", "everyone."]


@pytest.mark.parametrize(("text", "tokens", "language"),
                         [(FRENCH, FRENCH_TOKENS, "fr"), (SPANISH, SPANISH_TOKENS, "es"),
                          (ENGLISH, ENGLISH_TOKENS, "en")])
def test_cue_text_is_the_segment_text_whatever_the_language(text, tokens, language):
    segment = _segment(0, text, tokens)
    assert segment.end - segment.start > 7.0 or len(text) > CUE_CHARS  # long enough to be cut into cues
    cues = subtitle_cues(_transcript(segment, language=language))
    assert len(cues) >= 2
    assert " ".join(_flat(c) for c in cues) == text  # no space added, none lost
    for cue in cues:
        assert _flat(cue) in text
        assert not re.search(r"\w ['’]|\w -\w", _flat(cue)), cue.text


def test_french_srt_reads_c_est_not_c_space_est():
    srt = export_text(_transcript(_segment(0, FRENCH, FRENCH_TOKENS)), "srt")
    text = " ".join(s.text.replace("\n", " ") for s in pysrt.from_string(srt, error_handling=pysrt.ERROR_RAISE))
    assert "C'est évident" in text and "l'accumulation" in text and "Est-ce" in text
    assert "C 'est" not in text and "Est -ce" not in text and "d 'aujourd" not in text


def test_transcripts_already_stored_export_right_without_retranscription(tmp_path):
    # A file written before this fix holds the same fields: spacing comes from its segment text.
    from archive.store import TranscriptStore

    store = TranscriptStore(tmp_path)
    path = store.write(_transcript(_segment(0, FRENCH, FRENCH_TOKENS)))
    before = path.read_bytes()
    reread = store.read_path(path)
    assert " ".join(_flat(c) for c in subtitle_cues(reread)) == FRENCH
    assert path.read_bytes() == before == encode_transcript(reread)  # nothing re-written


def test_words_that_do_not_match_the_text_are_joined_keeping_apostrophes_and_hyphens():
    words = _timed(["C", "'est", "vrai,", "est", "-ce", "qu", "'il", "pleut", "-", "oui"])
    assert join_words(words) == "C'est vrai, est-ce qu'il pleut - oui"
    assert join_words(_timed([" C", "'est", " là"])) == "C'est là"  # Whisper's own spacing kept


def test_a_cut_never_splits_an_elided_word_or_opens_a_cue_with_a_question_mark():
    tokens = ["Est", "-ce", "que", "ce", "modèle", "peut", "fonctionner", "ailleurs", "?", "C", "'est", "la",
              "question", "que", "nous", "posons", "à", "nos", "invités", "aujourd", "'hui", "."]
    text = ("Est-ce que ce modèle peut fonctionner ailleurs ? C'est la question que nous posons à nos invités "
            "aujourd'hui.")
    cues = subtitle_cues(_transcript(_segment(0, text, tokens, step=0.45)))
    assert len(cues) >= 2
    for cue in cues:
        assert not _flat(cue).startswith(("?", "'", "-", "."))
    assert " ".join(_flat(c) for c in cues) == text


# -- readable cues (point 15) ----------------------------------------------------------------


def test_a_short_cue_stays_on_screen_into_the_silence_after_it():
    long = _segment(0, " ".join(f"mot{i}" for i in range(20)), [f"mot{i}" for i in range(20)], step=0.35)
    merci = Segment(1, 9.0, 9.2, "Merci.", (Word(9.0, 9.2, "Merci."),))
    after = Segment(2, 12.0, 13.0, "Au revoir.", ())
    cues = subtitle_cues(_transcript(long, merci, after))
    merci_cue = next(c for c in cues if c.text == "Merci.")
    assert merci_cue.end - merci_cue.start >= MIN_CUE_SECONDS - 1e-9
    assert merci_cue.end <= 12.0  # never over the next cue
    assert all(c.end - c.start >= MIN_CUE_SECONDS - 1e-9 for c in cues)


def test_a_short_cue_with_speech_right_after_joins_its_neighbour():
    yes = Segment(0, 5.0, 5.25, "Oui.", ())
    rest = Segment(1, 5.3, 7.0, "Nous commençons.", ())
    cues = subtitle_cues(_transcript(yes, rest))
    assert [c.text for c in cues] == ["Oui. Nous commençons."]
    assert (cues[0].start, cues[0].end) == (5.0, 7.0)


def test_speech_that_short_with_no_room_stays_short():
    only = Segment(0, 0.0, 0.3, "Oui.", ())
    t = Transcript(jfk_transcript().video.__class__(id="x", title="x", duration=0.3), info("fr"), (only,))
    cues = subtitle_cues(t)
    assert len(cues) == 1 and cues[0].end == pytest.approx(0.3)


def test_the_last_line_is_not_a_lone_word_when_a_balanced_split_exists():
    text = "The municipal council approved the new budget today"  # greedy wrap leaves "today" alone
    assert len(text) > LINE_CHARS
    cue = subtitle_cues(_transcript(Segment(0, 0.0, 3.0, text), language="en"))[0]
    lines = cue.text.split("\n")
    assert len(lines) == 2 and all(len(line) <= LINE_CHARS for line in lines)
    assert " " in lines[-1]
    assert abs(len(lines[0]) - len(lines[1])) <= 12


def test_a_french_question_mark_never_starts_a_line():
    text = "Est-ce que ce modèle de gestion peut fonctionner ailleurs ?"
    lines = subtitle_cues(_transcript(Segment(0, 0.0, 4.0, text)))[0].text.split("\n")
    assert not any(line.startswith("?") for line in lines)
    assert " ".join(lines) == text


def test_cue_text_equals_the_transcript_text_for_long_talks():
    # Many segments, words with and without Whisper's leading spaces: nothing lost, nothing added.
    segments = []
    t = 0.0
    for n in range(30):
        tokens = FRENCH_TOKENS if n % 2 else ENGLISH_TOKENS
        text = FRENCH if n % 2 else ENGLISH
        segments.append(_segment(n, text, tokens, start=t))
        t = segments[-1].end + 0.5
    transcript = _transcript(*segments)
    cues = subtitle_cues(transcript)
    assert " ".join(_flat(c) for c in cues) == clean_text(transcript.text)
    one_word_last_lines = sum(1 for c in cues if " " not in c.text.split("\n")[-1])
    assert one_word_last_lines <= len(cues) // 10


# -- real Whisper output ---------------------------------------------------------------------


def _real_transcript(model, text: str, voice: str) -> Transcript:
    from ingest.engines import TranscribeOptions, load_engine
    from ingest.transcribe import transcribe_file
    from tests.support.speech import speak

    return transcribe_file(speak(text, voice), load_engine(TranscribeOptions(model=str(model), beam_size=1)))


@pytest.mark.slow
@pytest.mark.integration
def test_subtitles_of_real_french_speech_keep_elisions_and_hyphens(base_model):
    """espeak-ng French talk → offline base → SRT: Whisper's `C` + `'est`, `Est` + `-ce` read as spoken."""
    from tests.support.speech import FRENCH_TALK

    transcript = _real_transcript(base_model, FRENCH_TALK, "fr")
    words = [w.word for s in transcript.segments for w in s.words]
    assert any(w.startswith(("'", "-")) for w in words), words  # what used to come out as "C 'est"
    srt = pysrt.from_string(export_text(transcript, "srt"), error_handling=pysrt.ERROR_RAISE)
    text = " ".join(s.text.replace("\n", " ") for s in srt)
    assert text == clean_text(transcript.text)
    assert not re.search(r"\w ['’]\w|\w -\w", text), text
    assert "Est-ce" in text or "est-ce" in text, text
    for sub in srt:
        assert all(" " in line for line in sub.text.split("\n")[1:]), sub.text  # no lone last word


@pytest.mark.slow
@pytest.mark.integration
def test_subtitles_of_a_real_english_talk_are_readable(tiny_en_model):
    """espeak-ng English talk → tiny.en: cues last ≥ 0.7 s and none ends on a one-word line
    (3 of 18 cues did before)."""
    from tests.support.speech import ENGLISH_TALK

    transcript = _real_transcript(tiny_en_model, ENGLISH_TALK, "en")
    cues = subtitle_cues(transcript)
    assert len(cues) >= 10
    assert " ".join(_flat(c) for c in cues) == clean_text(transcript.text)
    assert all(c.end - c.start >= MIN_CUE_SECONDS - 1e-9 for c in cues)
    assert [c.text for c in cues if "\n" in c.text and " " not in c.text.split("\n")[-1]] == []
