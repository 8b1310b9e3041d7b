"""Whisper engines behind one interface.

Each engine lives in its own module (the only place its package is imported, lazily);
`load_engine` picks one by name. An engine turns an audio/video file into segments of our
own records; building the Transcript (with the Video) is the caller's job.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from archive.options import Options, name_or_path
from archive.records import Segment, TranscriptionInfo
from archive.settings import setting
from ingest.errors import EngineUnavailable

# engine name -> module under ingest.engines
ENGINES = {
    "faster-whisper": "faster_whisper",
    "openai-whisper": "openai_whisper",
}
DEFAULT_ENGINE = "faster-whisper"

# Called with (seconds of audio done, total seconds or None).
ProgressCallback = Callable[[float, float | None], None]


def _not_empty(value: str) -> str | None:
    return "must not be empty" if not value.strip() else None

DEVICES = ("auto", "cpu", "cuda")
# CTranslate2's compute types ("auto"/"": chosen per device).
COMPUTE_TYPES = ("", "auto", "default", "int8", "int8_float16", "int8_float32", "int8_bfloat16", "int16",
                 "float16", "bfloat16", "float32")


@dataclass(frozen=True)
class TranscribeOptions(Options):
    """How to transcribe; also the config's [transcribe] section (a field is a key)."""

    # Ranges (archive.settings) are checked on construction: a huge beam or thread count would make
    # CTranslate2 allocate without bound. An unknown engine is load_engine's EngineUnavailable.
    engine: str = DEFAULT_ENGINE
    # A model name (downloaded normally on a user's machine) or a local model folder / checkpoint.
    model: str = name_or_path("small", check=_not_empty)
    # None: detect per recording. Whether Whisper knows the code is checked when the model loads.
    language: str | None = setting(None, pattern=r"[a-z]{2,3}|auto")
    # The languages the archive expects: a window detected as another one is re-ranked to the most
    # probable of these (ingest/engines/languages.py); empty: any language.
    languages: tuple[str, ...] = ("en", "fr", "es")  # each checked against Whisper's codes when the model loads
    # "auto": CUDA when the engine sees a GPU, else CPU; "cuda" without a GPU is DeviceUnavailable.
    device: str = setting("auto", choices=DEVICES)
    # "auto" or "": int8 on CPU, float16 on a GPU (faster-whisper)
    compute_type: str = setting("auto", choices=COMPUTE_TYPES)
    beam_size: int = setting(5, min=1, max=32)
    vad: bool = True
    word_timestamps: bool = True
    threads: int = setting(0, min=0, max=256)  # 0: the engine's default
    # faster-whisper's BatchedInferencePipeline: this many 30-s windows decoded at once (forces VAD,
    # one temperature, no previous-text conditioning); 0: sequential decoding.
    batch_size: int = setting(0, min=0, max=256)
    # Long recordings are decoded and transcribed in pieces of about this length, cut at a pause
    # (ingest/pieces.py), so memory does not grow with length; 0: the whole recording at once.
    chunk_seconds: float = setting(600.0, min=0, max=86_400, unit="s")

    def to_dict(self) -> dict[str, Any]:
        """JSON-shaped (tuples as lists), so a stored transcript reads back equal to the one written."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class EngineResult:
    segments: tuple[Segment, ...]
    info: TranscriptionInfo


class Transcriber(Protocol):
    name: str
    options: TranscribeOptions

    def transcribe(self, audio: Path, on_progress: ProgressCallback | None = None) -> EngineResult: ...



@dataclass(frozen=True)
class DeviceChoice:
    device: str  # "cpu" or "cuda"
    compute_type: str


def choose_device(options: TranscribeOptions) -> DeviceChoice:
    """The device and compute type `options` resolve to; DeviceUnavailable before any model is loaded."""
    return _engine_module(options).choose_device(options)


def load_engine(options: TranscribeOptions) -> Transcriber:
    """The engine named in `options`, with its model loaded. Raises EngineUnavailable/ModelUnavailable."""
    return _engine_module(options).create(options)


def _engine_module(options: TranscribeOptions) -> Any:
    module_name = ENGINES.get(options.engine)
    if module_name is None:
        raise EngineUnavailable(f"unknown engine {options.engine!r}; choose one of: {', '.join(ENGINES)}")
    return importlib.import_module(f"ingest.engines.{module_name}")
