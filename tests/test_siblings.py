"""The sibling rule of index.siblings on hand-made session vectors (the encoder is not under test
here: tests/test_meaning_real.py runs the real one on real speech)."""

from __future__ import annotations

import numpy as np
import pytest

from index import vectors as V
from index.encoders import EncoderInfo
from index.siblings import detect

INFO = EncoderInfo(name="usem3", version="test", dim=8)


def unit(*weights: float) -> np.ndarray:
    v = np.zeros(INFO.dim, np.float32)
    v[: len(weights)] = weights
    return v / np.linalg.norm(v)


def store(folder, sessions: dict[str, tuple[str, str, np.ndarray, np.ndarray]]) -> dict[str, dict]:
    """sessions: {id: (language, upload date, mean vector, title vector)} → the index's video payloads."""
    V.claim(folder, INFO)
    empty = np.zeros((0, INFO.dim), np.float16)
    videos = {}
    for vid, (lang, day, mean, title) in sessions.items():
        V.write(folder, V.VideoVectors(
            video_id=vid, checksum=f"sum-{vid}", encoder=INFO, seg_vecs=empty,
            seg_ms=np.zeros((0, 2), np.int64), pass_start=np.zeros(0, np.int64),
            pass_rows=np.zeros((0, 2), np.int64), pass_vecs=empty,
            mean=mean.astype(np.float16), title=title.astype(np.float16)))
        videos[vid] = {"checksum": f"sum-{vid}", "lang": lang, "video": {"upload_date": day}}
    return videos


def pairs(folder, videos) -> set[frozenset[str]]:
    return {frozenset((p.a, p.b)) for p in detect(folder, videos)}


TITLE = unit(1, 0, 0, 0, 0, 0, 0, 1)
OTHER_TITLE = unit(0, 1, 0, 0, 0, 0, 1, 0)


def event(french_mean, french_day="2024-03-06", french_title=TITLE):
    """English and Spanish say the same thing; the French version is badly transcribed (its mean
    resembles the Spanish one only), as the trilingual test talk is."""
    return {
        "en": ("en", "2024-03-01", unit(1, 0.1, 0, 0), TITLE),
        "es": ("es", "2024-03-03", unit(1, 0.1, 0.7, 0), TITLE),
        "fr": ("fr", french_day, french_mean, french_title),
        "other": ("en", "2024-03-02", unit(0, 0, 0, 1), OTHER_TITLE),
    }


FRENCH = unit(0.2, 0, 1, 0)  # cosine 0.73 with Spanish, 0.2 with English


def test_a_poorly_transcribed_version_joins_its_event_through_the_one_it_resembles(tmp_path):
    found = pairs(tmp_path, store(tmp_path, event(FRENCH)))
    assert found == {frozenset(("en", "es")), frozenset(("es", "fr")), frozenset(("en", "fr"))}


def test_the_chain_is_not_completed_when_the_titles_disagree(tmp_path):
    found = pairs(tmp_path, store(tmp_path, event(FRENCH, french_title=unit(0, 0, 0, 0, 1))))
    assert frozenset(("en", "fr")) not in found
    assert frozenset(("en", "es")) in found


@pytest.mark.parametrize("french_day", ["", "2024-05-20"], ids=["unknown date", "months apart"])
def test_the_chain_is_not_completed_without_close_known_dates(tmp_path, french_day):
    found = pairs(tmp_path, store(tmp_path, event(FRENCH, french_day=french_day)))
    assert frozenset(("en", "fr")) not in found


def test_a_chain_that_meets_a_language_twice_completes_nothing(tmp_path):
    # en1 - es - fr - en2: each link is a mutual best match, but one event cannot hold two English
    # sessions, so somewhere the chain is wrong: no pair is inferred from it.
    sessions = {
        "en1": ("en", "2024-03-01", unit(1, 0.1, 0, 0), TITLE),
        "es": ("es", "2024-03-02", unit(1, 1, 0, 0), TITLE),
        "fr": ("fr", "2024-03-03", unit(0.1, 1, 1, 0), TITLE),
        "en2": ("en", "2024-03-04", unit(0, 0.1, 1, 0), TITLE),
    }
    found = pairs(tmp_path, store(tmp_path, sessions))
    assert found == {frozenset(("en1", "es")), frozenset(("es", "fr")), frozenset(("fr", "en2"))}
