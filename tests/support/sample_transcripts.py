"""Hand-built transcripts for tests of formats, storage and exports (not of transcription).

The words and times of `jfk_transcript` follow the real jfk.flac recording (see tests.support.media).
"""

from __future__ import annotations

from archive.records import Segment, Transcript, TranscriptionInfo, Video, Word

YOUTUBE_ID = "dQw4w9WgXcQ"

_JFK_WORDS = [
    (0.0, 0.3, " And"), (0.3, 0.5, " so"), (0.5, 0.7, " my"), (0.7, 1.1, " fellow"), (1.1, 2.2, " Americans,"),
    (3.2, 3.5, " ask"), (3.5, 3.9, " not"), (3.9, 4.3, " what"), (4.3, 4.5, " your"), (4.5, 5.0, " country"),
    (5.0, 5.3, " can"), (5.3, 5.5, " do"), (5.5, 5.6, " for"), (5.6, 6.2, " you,"), (6.8, 7.1, " ask"),
    (7.1, 7.4, " what"), (7.4, 7.6, " you"), (7.6, 7.8, " can"), (7.8, 8.0, " do"), (8.0, 8.2, " for"),
    (8.2, 8.5, " your"), (8.5, 10.3, " country."),
]


def words(items) -> tuple[Word, ...]:
    return tuple(Word(start=s, end=e, word=w, probability=0.9) for s, e, w in items)


def info(language: str | None = "en", **extra) -> TranscriptionInfo:
    return TranscriptionInfo(
        engine="faster-whisper",
        engine_version="1.2.1",
        model="tiny.en",
        language=language,
        language_probability=0.97,
        options={"beam_size": 1, "vad": False, "word_timestamps": True},
        created="2026-11-29T06:00:00+00:00",
        **extra,
    )


def jfk_transcript(video_id: str = YOUTUBE_ID, *, youtube: bool = True, title: str = "Inaugural address") -> Transcript:
    """One long segment with word times (split into cues by exports) and one short one."""
    first = words(_JFK_WORDS[:5])
    rest = words(_JFK_WORDS[5:])
    video = Video(
        id=video_id,
        title=title,
        channel="UCLG Learning",
        webpage_url=f"https://www.youtube.com/watch?v={video_id}" if youtube else "",
        media_url="" if youtube else "/srv/media/jfk.flac",
        upload_date="1961-01-20",
        duration=11.0,
        language="en",
    )
    segments = (
        Segment(0, 0.0, 2.2, "".join(w.word for w in first), first, avg_logprob=-0.2, no_speech_prob=0.01),
        Segment(1, 3.2, 10.3, "".join(w.word for w in rest), rest, avg_logprob=-0.3, no_speech_prob=0.02),
    )
    return Transcript(video=video, transcription=info(audio_duration=11.0), segments=segments)


def french_transcript(video_id: str = "forum-2024-fr") -> Transcript:
    """Accents, a segment in another language, and text that must be made safe in subtitles and CSV."""
    video = Video(id=video_id, title="=Forum d'apprentissage « villes »", channel="UCLG Learning",
                  media_url="https://media.example.org/forum.mp4#frag", upload_date="2024-05-14", language="fr")
    segments = (
        Segment(0, 0.0, 4.97, " Les deux autres sont situés au bord de la mer jaune."),
        Segment(1, 5.0, 5.0, " <b>Très</b> bien & merci --> suite\n\nfin", language="es"),
        Segment(2, 3725.4996, 3727.0, " -1 degré, en fin de séance."),
    )
    return Transcript(video=video, transcription=info("fr"), segments=segments)
