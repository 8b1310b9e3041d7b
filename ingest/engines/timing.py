"""Engine-neutral clean-up of segment and word times, shared by both engine wrappers.

Whisper's word times come from cross-attention alignment and can overlap by a few
milliseconds or spill past the end of the audio; a "jump to this word" link needs them
ordered and inside the recording, so both engines pass their words through here.
"""

from __future__ import annotations

from collections.abc import Iterable

from archive.records import Segment, Word

_DECIMALS = 3  # milliseconds: finer than any player seeks, keeps transcript files small


def clean_words(raw: Iterable[tuple[float, float, str, float]], duration: float, floor: float = 0.0) -> tuple[Word, ...]:
    """(start, end, text, probability) → Words with non-decreasing times inside [floor, duration]."""
    words: list[Word] = []
    last_start = floor
    for start, end, text, probability in raw:
        if not text.strip():
            continue
        start = min(max(float(start), last_start), duration)
        end = min(max(float(end), start), duration)
        words.append(Word(start=round(start, _DECIMALS), end=round(end, _DECIMALS), word=text.strip(),
                          probability=round(float(probability), 4)))
        last_start = start
    return tuple(words)


def make_segment(
    index: int,
    start: float,
    end: float,
    text: str,
    words: tuple[Word, ...],
    duration: float,
    avg_logprob: float | None,
    no_speech_prob: float | None,
    language: str | None,
) -> Segment:
    """A Segment whose bounds contain its words and stay inside the audio."""
    start = min(max(float(start), 0.0), duration)
    end = min(max(float(end), start), duration)
    if words:
        start = min(start, words[0].start)
        end = max(end, words[-1].end)
    return Segment(
        id=index,
        start=round(start, _DECIMALS),
        end=round(end, _DECIMALS),
        text=text.strip(),
        words=words,
        avg_logprob=None if avg_logprob is None else round(float(avg_logprob), 4),
        no_speech_prob=None if no_speech_prob is None else round(float(no_speech_prob), 4),
        language=language,
    )
