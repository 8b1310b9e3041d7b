"""Cutting a stream of samples into pieces at quiet moments, so long recordings fit in bounded memory.

An engine transcribes a long recording piece by piece (`[transcribe] chunk_seconds`, 10 minutes
by default) instead of holding all of it: a 3-hour session is ~690 MB of float32 samples plus the
model's working memory per window, a 10-minute piece ~38 MB. Each cut is placed at the quietest
moment of the last `search` seconds before the nominal boundary (lowest energy over a 0.3 s
window), which in speech is a pause between words: pieces do not overlap, so no word is doubled,
and a word is only split when someone talks for `search` seconds without the slightest pause (then
the quietest point is still the least bad place). The pieces put end to end are the input, sample
for sample; each piece carries its offset in seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

SAMPLE_RATE = 16000
_FRAME = 0.05  # seconds per energy frame
_SMOOTH = 6  # frames averaged: a pause must be ~0.3 s quiet, not one quiet instant inside a word


def search_seconds(piece_seconds: float) -> float:
    """How far before the nominal boundary a cut may move: a quarter of a piece, at most 30 s."""
    return min(30.0, piece_seconds / 4)


def pieces_at_silence(blocks: Iterable[np.ndarray], piece_seconds: float,
                      search: float | None = None, rate: int = SAMPLE_RATE) -> Iterator[tuple[float, np.ndarray]]:
    """(offset seconds, samples) pieces of at most `piece_seconds`, cut at quiet moments; <= 0: one piece."""
    if piece_seconds <= 0:
        whole = [b for b in blocks if len(b)]
        if whole:
            yield 0.0, (np.concatenate(whole) if len(whole) > 1 else whole[0])
        return
    size = int(piece_seconds * rate)
    window = max(int((search_seconds(piece_seconds) if search is None else search) * rate), 1)
    buffer: list[np.ndarray] = []
    held = 0
    offset = 0
    for block in blocks:
        if not len(block):
            continue
        buffer.append(block)
        held += len(block)
        while held >= size:
            joined = np.concatenate(buffer) if len(buffer) > 1 else buffer[0]
            cut = quietest_cut(joined[max(size - window, 0):size], rate) + max(size - window, 0)
            yield offset / rate, joined[:cut]
            offset += cut
            rest = joined[cut:]
            buffer, held = ([rest] if len(rest) else []), len(rest)
    if held:
        yield offset / rate, (np.concatenate(buffer) if len(buffer) > 1 else buffer[0])


def quietest_cut(samples: np.ndarray, rate: int = SAMPLE_RATE) -> int:
    """The sample index (> 0) in `samples` at the middle of its quietest stretch."""
    frame = max(int(_FRAME * rate), 1)
    count = len(samples) // frame
    if count < 1:
        return max(len(samples), 1)
    energy = np.square(samples[: count * frame].astype(np.float64)).reshape(count, frame).mean(axis=1)
    smooth = np.convolve(energy, np.ones(min(_SMOOTH, count)) / min(_SMOOTH, count), mode="same")
    # The latest of equally quiet frames keeps pieces as long as allowed.
    best = count - 1 - int(np.argmin(smooth[::-1]))
    return max(best * frame + frame // 2, 1)
