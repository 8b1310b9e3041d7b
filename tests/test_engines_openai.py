"""The openai-whisper engine, on checkpoints converted from the same offline weights."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.engines import TranscribeOptions, load_engine
from ingest.errors import ModelUnavailable, UnsupportedLanguage
from tests.support.media import REFERENCE, media
from tests.support.wer import normalise, wer

# torch's OpenMP threads spin while waiting: with 2 threads on a busy 2-core machine jfk took
# 15 s instead of 2 s. One thread keeps these tests steady wherever they run.
THREADS = 1


@pytest.fixture(scope="module")
def tiny(openai_tiny_en_checkpoint):
    return load_engine(TranscribeOptions(engine="openai-whisper", model=str(openai_tiny_en_checkpoint), beam_size=1,
                                         threads=THREADS))


@pytest.fixture(scope="module")
def jfk(tiny):
    return tiny.transcribe(media("jfk.flac"))


@pytest.mark.slow
def test_jfk_with_word_times(jfk):
    text = " ".join(s.text for s in jfk.segments)
    assert wer(REFERENCE["jfk.flac"], text) <= 0.10, text
    words = [w for s in jfk.segments for w in s.words]
    assert len(words) >= 20
    assert [w.start for w in words] == sorted(w.start for w in words)
    assert all(0.0 <= w.start <= w.end <= 11.0 for w in words)
    assert (jfk.info.engine, jfk.info.language, jfk.info.audio_duration) == ("openai-whisper", "en", 11.0)


@pytest.mark.slow
def test_same_weights_give_near_identical_text_on_both_engines(jfk, tiny_en_model):
    # Greedy decoding, no VAD on either side: the converter is checked by the output it produces.
    faster = load_engine(TranscribeOptions(model=str(tiny_en_model), beam_size=1, vad=False))
    faster_text = " ".join(s.text for s in faster.transcribe(media("jfk.flac")).segments)
    openai_text = " ".join(s.text for s in jfk.segments)
    assert wer(normalise(faster_text), openai_text) <= 0.05, (faster_text, openai_text)
    # and the word times agree to within a few tenths of a second
    faster_words = [w for s in faster.transcribe(media("jfk.flac")).segments for w in s.words]
    openai_words = [w for s in jfk.segments for w in s.words]
    if len(faster_words) == len(openai_words):
        assert max(abs(a.start - b.start) for a, b in zip(faster_words, openai_words, strict=True)) < 0.5


@pytest.mark.slow
def test_alignment_heads_come_from_the_checkpoint(tiny, tiny_en_model):
    expected = json.loads((Path(tiny_en_model) / "config.json").read_text())["alignment_heads"]
    heads = tiny._model.alignment_heads.to_dense().nonzero().tolist()
    assert sorted(heads) == sorted(expected)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["silence_8s.wav", "tone_8s.wav"])
def test_nothing_is_invented_over_silence_or_a_tone(tiny, name):
    result = tiny.transcribe(media(name))
    assert result.segments == ()
    assert result.info.language is None


@pytest.fixture(scope="module")
def base(openai_base_checkpoint):
    return load_engine(TranscribeOptions(engine="openai-whisper", model=str(openai_base_checkpoint), beam_size=1,
                                         threads=THREADS))


@pytest.mark.slow
def test_base_transcribes_french(base):
    result = base.transcribe(media("pv_test_fr.wav"))
    assert result.info.language == "fr"
    assert result.segments and {s.language for s in result.segments} == {"fr"}


@pytest.mark.slow
def test_base_detects_spanish(base):
    # Detection only: openai-whisper base decodes this hard sentence slowly (temperature fallbacks).
    from ingest.audio import load_audio

    language, _ = base._detect_language(load_audio(media("pv_test_es.wav")).samples)
    assert language == "es"


# -- loading errors -------------------------------------------------------------------------------


def test_missing_checkpoint_and_folder(tmp_path):
    with pytest.raises(ModelUnavailable, match="missing.pt"):
        load_engine(TranscribeOptions(engine="openai-whisper", model=str(tmp_path / "missing.pt")))
    with pytest.raises(ModelUnavailable, match=".pt checkpoint"):
        load_engine(TranscribeOptions(engine="openai-whisper", model=str(tmp_path)))


def test_file_that_is_not_a_checkpoint(tmp_path):
    fake = tmp_path / "model.pt"
    fake.write_bytes(b"definitely not a torch checkpoint")
    with pytest.raises(ModelUnavailable, match="model.pt: not an openai-whisper checkpoint"):
        load_engine(TranscribeOptions(engine="openai-whisper", model=str(fake)))


def test_model_names(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # nothing downloaded in there
    with pytest.raises(ModelUnavailable, match="'tiny' is unavailable: it is not downloaded yet"):
        load_engine(TranscribeOptions(engine="openai-whisper", model="tiny"))
    with pytest.raises(ModelUnavailable, match="unknown openai-whisper model 'huge-v9'"):
        load_engine(TranscribeOptions(engine="openai-whisper", model="huge-v9"))


@pytest.mark.slow
def test_english_only_model_refuses_a_forced_french(openai_tiny_en_checkpoint):
    with pytest.raises(UnsupportedLanguage, match="English-only"):
        load_engine(TranscribeOptions(engine="openai-whisper", model=str(openai_tiny_en_checkpoint), language="fr"))


def test_converter_reads_every_tensor_the_model_needs(openai_tiny_en_checkpoint):
    import torch
    from whisper.model import ModelDimensions, Whisper

    checkpoint = torch.load(openai_tiny_en_checkpoint, weights_only=True)
    model = Whisper(ModelDimensions(**checkpoint["dims"]))
    missing, unexpected = model.load_state_dict(checkpoint["model_state_dict"], strict=False)
    assert (missing, unexpected) == ([], [])
    assert checkpoint["dims"]["n_vocab"] == 51864 and checkpoint["dims"]["n_text_layer"] == 4
