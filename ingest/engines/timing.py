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


SENTENCE_ENDS = (".", "?", "!", "…")
CLAUSE_ENDS = (",", ";", ":")


def split_long(words: tuple[Word, ...], max_seconds: float, min_seconds: float = 2.0) -> list[tuple[Word, ...]]:
    """Words of one long decoded window cut into subtitle-sized runs, at sentence ends first.

    Batched decoding without timestamp tokens returns each ≤ 30-s window as one segment; a
    subtitle, a search passage and a transcript line should be a sentence or so. A run ends after a
    sentence-ending word once it lasts `min_seconds`; one reaching `max_seconds` is cut after its
    last clause mark, else at its widest pause."""
    runs: list[tuple[Word, ...]] = []
    run: list[Word] = []
    for word in words:
        run.append(word)
        length = run[-1].end - run[0].start
        if word.word.endswith(SENTENCE_ENDS) and length >= min_seconds:
            runs.append(tuple(run))
            run = []
        elif length >= max_seconds and len(run) > 1:
            marks = [i for i, w in enumerate(run[:-1]) if w.word.endswith(CLAUSE_ENDS)]
            cut = marks[-1] if marks else max(range(len(run) - 1), key=lambda i: run[i + 1].start - run[i].end)
            runs.append(tuple(run[: cut + 1]))
            run = run[cut + 1:]
    if run:
        runs.append(tuple(run))
    return runs
