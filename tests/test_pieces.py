"""ingest.pieces: long recordings cut at pauses; the pieces are the input, sample for sample."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.pieces import pieces_at_silence, quietest_cut

RATE = 16000


def speechlike(seconds: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(int(seconds * RATE)) * 0.3).astype(np.float32)


def blocks_of(samples: np.ndarray, size: int):
    for i in range(0, len(samples), size):
        yield samples[i:i + size]


@pytest.mark.parametrize("block", [1000, 16000 * 7, 16000 * 100])
def test_pieces_put_end_to_end_are_the_input(block):
    audio = speechlike(95.0)
    pieces = list(pieces_at_silence(blocks_of(audio, block), piece_seconds=20.0))
    assert np.array_equal(np.concatenate([p for _, p in pieces]), audio)
    offsets = [o for o, _ in pieces]
    assert offsets[0] == 0.0
    for (o, p), nxt in zip(pieces, offsets[1:], strict=False):
        assert nxt == pytest.approx(o + len(p) / RATE)
    assert all(len(p) <= 20.0 * RATE for _, p in pieces)


def test_the_cut_moves_back_into_a_pause():
    # 18 s of "speech", a 0.5 s pause, then more: a nominal 20-s boundary lies in the speech.
    audio = np.concatenate([speechlike(18.0), np.zeros(RATE // 2, np.float32), speechlike(10.0, 1)])
    (first, a), (second, b), *_ = pieces_at_silence(blocks_of(audio, 4096), piece_seconds=20.0, search=5.0)
    cut = len(a) / RATE
    assert 18.0 < cut < 18.5 and second == pytest.approx(cut)


def test_no_pause_still_cuts_within_the_search_window():
    audio = speechlike(50.0)
    offsets = [o for o, _ in pieces_at_silence(blocks_of(audio, 8000), piece_seconds=20.0, search=5.0)]
    assert 15.0 <= offsets[1] <= 20.0


def test_zero_means_one_piece():
    audio = speechlike(30.0)
    assert [(o, len(p)) for o, p in pieces_at_silence(blocks_of(audio, 5000), 0)] == [(0.0, len(audio))]
    assert list(pieces_at_silence(iter([]), 10.0)) == []


def test_quietest_cut_is_inside_the_samples():
    assert 0 < quietest_cut(np.zeros(10, np.float32)) <= 10
    assert quietest_cut(np.zeros(0, np.float32)) == 1
