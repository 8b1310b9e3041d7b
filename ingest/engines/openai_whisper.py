"""The openai-whisper engine (extra `openai-whisper`): the only module importing whisper / torch.

CPU float32 (openai-whisper has no int8), or a GPU in float16 when torch sees one (device
"auto"/"cuda", ingest/engines/devices.py; untested on hardware here); word timestamps on by default. The model is a name
(downloaded the usual way into ~/.cache/whisper) or a `.pt` checkpoint. A checkpoint loaded
from a path gets its word-alignment heads from its own `alignment_heads` entry (our converter
writes it), else from the official table when its dimensions match one official model
(whisper.load_model leaves them at a generic default, which degrades word times).

Differences from faster-whisper, by nature of the package: no VAD; the language is detected
once from the first 30 s (chosen among the expected `languages` like the
other engine), so a mid-file language switch is not followed — use faster-whisper for such
recordings; progress is reported at start and end only (openai-whisper has no callback).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from archive.records import Segment, TranscriptionInfo
from ingest.audio import SAMPLE_RATE, load_audio
from ingest.engines import DeviceChoice, EngineResult, ProgressCallback, TranscribeOptions
from ingest.engines.devices import pick_device
from ingest.engines.languages import check_forced_language, check_languages, choose_language
from ingest.engines.timing import clean_words, make_segment
from ingest.errors import EngineUnavailable, ModelUnavailable

ENGINE_NAME = "openai-whisper"
logger = logging.getLogger("sessions.ingest")
_COMPUTE = {"cpu": "float32", "cuda": "float16"}


def create(options: TranscribeOptions) -> OpenAIWhisperTranscriber:
    try:
        import torch
        import whisper
    except ImportError as exc:
        raise EngineUnavailable(
            "engine 'openai-whisper' is not installed (pip install -e '.[openai-whisper]')"
        ) from exc
    choice = choose_device(options)
    if options.threads > 0:
        torch.set_num_threads(options.threads)
    path = Path(options.model).expanduser()
    if path.is_file():
        model = _load_checkpoint(path)
    elif path.exists() or _looks_like_path(options.model):
        raise ModelUnavailable(f"{path}: openai-whisper needs a .pt checkpoint file or a model name")
    else:
        model = _load_named(options.model, whisper)
    from whisper.tokenizer import LANGUAGES

    check_forced_language(options.language, options.model, model.is_multilingual, LANGUAGES)
    check_languages(options.languages, LANGUAGES)
    return OpenAIWhisperTranscriber(model.to(choice.device).eval(), options, choice)


def choose_device(options: TranscribeOptions) -> DeviceChoice:
    try:
        import torch
    except ImportError as exc:
        raise EngineUnavailable(
            "engine 'openai-whisper' is not installed (pip install -e '.[openai-whisper]')"
        ) from exc
    choice = pick_device(options, torch.cuda.device_count() if torch.cuda.is_available() else 0, _COMPUTE, "torch")
    if choice.compute_type not in ("float32", "float16"):
        # A config written for faster-whisper (int8) stays usable: openai-whisper has no int8.
        logger.info("openai-whisper has no %s: using %s", choice.compute_type, _COMPUTE[choice.device])
        choice = DeviceChoice(choice.device, _COMPUTE[choice.device])
    return choice


class OpenAIWhisperTranscriber:
    name = ENGINE_NAME

    def __init__(self, model: Any, options: TranscribeOptions, device: DeviceChoice):
        self.options = options
        self.device = device
        self._model = model

    def transcribe(self, audio: Path, on_progress: ProgressCallback | None = None) -> EngineResult:
        import torch
        import whisper

        decoded = load_audio(audio)
        total = decoded.duration
        if on_progress:
            on_progress(0.0, total)
        opts = self.options
        language, probability = opts.language, None
        if language is None:
            language, probability = self._detect_language(decoded.samples)
        with torch.inference_mode():
            result = self._model.transcribe(
                decoded.samples,
                language=language,
                beam_size=opts.beam_size if opts.beam_size > 1 else None,
                best_of=opts.beam_size if opts.beam_size > 1 else None,
                word_timestamps=opts.word_timestamps,
                fp16=self.device.compute_type == "float16",
                verbose=None,  # None: silent (False would draw its own progress bar)
            )
        segments: list[Segment] = []
        for raw in result["segments"]:
            if not raw["text"].strip():
                continue
            words = clean_words(
                ((w["start"], w["end"], w["word"], w.get("probability", 1.0)) for w in raw.get("words", ())),
                total,
                floor=max(raw["start"], 0.0),
            )
            segments.append(
                make_segment(len(segments), raw["start"], raw["end"], raw["text"], words, total,
                             raw.get("avg_logprob"), raw.get("no_speech_prob"), result.get("language") or language)
            )
        if on_progress:
            on_progress(total, total)
        spoken = bool(segments)
        return EngineResult(
            segments=tuple(segments),
            info=TranscriptionInfo(
                engine=ENGINE_NAME,
                engine_version=whisper.__version__,
                model=opts.model,
                language=(result.get("language") or language) if spoken else opts.language,
                language_probability=probability if spoken else None,
                options=opts.to_dict(),
                audio_duration=round(total, 3),
                device=self.device.device,
                compute_type=self.device.compute_type,
            ),
        )

    def _detect_language(self, samples) -> tuple[str, float | None]:
        import torch
        import whisper

        if not self._model.is_multilingual:
            return "en", None
        clip = whisper.pad_or_trim(torch.from_numpy(samples[: 30 * SAMPLE_RATE]))
        mel = whisper.log_mel_spectrogram(clip, self._model.dims.n_mels).to(self._model.device)
        with torch.inference_mode():
            _, probs = self._model.detect_language(mel)
        ranked = choose_language(sorted(probs.items(), key=lambda kv: kv[1], reverse=True), self.options.languages)
        return ranked[0][0], round(float(ranked[0][1]), 4)


def _load_checkpoint(path: Path) -> Any:
    import torch
    import whisper
    from whisper.model import ModelDimensions, Whisper

    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
        model = Whisper(ModelDimensions(**checkpoint["dims"]))
        model.load_state_dict(checkpoint["model_state_dict"])
    except Exception as exc:  # unpickling, missing keys, shape mismatches: all mean "not a checkpoint"
        raise ModelUnavailable(f"{path}: not an openai-whisper checkpoint ({type(exc).__name__}: {exc})") from exc
    heads = checkpoint.get("alignment_heads")
    if heads:
        _set_alignment_heads(model, heads)
    else:
        official = _official_name(model.dims, whisper)
        if official:
            model.set_alignment_heads(whisper._ALIGNMENT_HEADS[official])
    return model


def _set_alignment_heads(model: Any, heads: list[list[int]]) -> None:
    import torch

    mask = torch.zeros(model.dims.n_text_layer, model.dims.n_text_head, dtype=torch.bool)
    for layer, head in heads:
        mask[layer, head] = True
    model.register_buffer("alignment_heads", mask.to_sparse(), persistent=False)


def _official_name(dims: Any, whisper: Any) -> str | None:
    """The official model whose shape this is, when exactly one matches (large-v1/v2 do not)."""
    shapes = {
        "tiny": (4, 384), "base": (6, 512), "small": (12, 768), "medium": (24, 1024),
    }
    english_only = dims.n_vocab == 51864
    for name, (layers, width) in shapes.items():
        if (dims.n_text_layer, dims.n_text_state) == (layers, width):
            return f"{name}.en" if english_only else name
    return None


def _load_named(name: str, whisper: Any) -> Any:
    if name not in whisper._MODELS:
        raise ModelUnavailable(
            f"unknown openai-whisper model {name!r} (names: {', '.join(whisper.available_models())}; or a .pt file)"
        )
    root = os.path.join(os.getenv("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "whisper")
    cached = os.path.join(root, os.path.basename(whisper._MODELS[name]))
    if not os.path.isfile(cached) and os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on"):
        raise ModelUnavailable(
            f"Whisper model {name!r} is unavailable: it is not downloaded yet and downloads are off "
            "(HF_HUB_OFFLINE is set); give a .pt checkpoint with --model or [transcribe] model"
        )
    try:
        return whisper.load_model(name, device="cpu", download_root=root)
    except Exception as exc:  # urllib, checksum and torch errors alike
        raise ModelUnavailable(
            f"Whisper model {name!r} could not be loaded ({type(exc).__name__}: {exc}); "
            "give a .pt checkpoint with --model or [transcribe] model"
        ) from exc


def _looks_like_path(model: str) -> bool:
    return os.sep in model or model.startswith((".", "~")) or model.endswith(".pt")
