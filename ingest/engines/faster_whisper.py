"""The faster-whisper engine (default): the only module importing faster_whisper / ctranslate2.

The device and compute type come from ingest/engines/devices.py (a GPU when CTranslate2
sees one, int8 on CPU / float16 on GPU by default); Silero VAD and word timestamps are on
by default. The model is a name (downloaded the usual way on a user's machine) or a local
CTranslate2 model folder.

Language: forced when the options name one; otherwise detected on every 30-second window
(faster-whisper's `multilingual=True`) so a recording that switches language mid-file keeps
its second half: detecting once from the first 30 s dropped the German half of
multilingual.mp3 with `base`; per-window detection with `condition_on_previous_text=False`
transcribed both halves (an English prompt otherwise pulls the next window back to English
or to silence). Each Segment records the language of its window; an unsure guess is
re-ranked to the languages the archive expects (`languages` option, ingest/engines/languages.py).
"""

from __future__ import annotations

import os
import re
from collections import deque
from pathlib import Path
from typing import Any

from archive.records import Segment, TranscriptionInfo
from ingest.audio import SAMPLE_RATE, stream_audio
from ingest.engines import DeviceChoice, EngineResult, ProgressCallback, TranscribeOptions
from ingest.engines.devices import pick_device
from ingest.engines.languages import check_forced_language, check_languages, choose_language
from ingest.engines.timing import clean_words, make_segment, split_long
from ingest.errors import ModelUnavailable
from ingest.pieces import pieces_at_silence

SPLIT_SECONDS = 12.0  # a batched window longer than this is cut at its sentences (subtitle-sized lines)

ENGINE_NAME = "faster-whisper"
# "owner/name" of a CTranslate2 model on the Hugging Face hub, which faster-whisper also accepts.
_HUB_REPO = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")
# Whisper falls back to sampling (temperature 0.2 … 1.0) on a window whose greedy text loops or is
# unlikely. CTranslate2 seeds each of a model's threads once, at its first sample, from a random
# device unless a seed is set: the same file then gave different words on every run (the fast
# French espeak talk of test_languages.py falls back on most windows; its segments, and so where its
# last window starts and which language that window is given, changed from run to run). Set before
# each load, a process's transcripts are reproducible: same file, model and order, same words.
SAMPLING_SEED = 0


def create(options: TranscribeOptions) -> FasterWhisperTranscriber:
    """Load the model named in `options`; ModelUnavailable names it when that fails."""
    import ctranslate2
    from faster_whisper import WhisperModel

    choice = choose_device(options)
    source = _model_source(options.model)
    ctranslate2.set_random_seed(SAMPLING_SEED)
    try:
        model = WhisperModel(
            source,
            device=choice.device,
            compute_type=choice.compute_type,
            cpu_threads=max(options.threads, 0),
            local_files_only=_offline(),
        )
    except ValueError as exc:  # unknown size name or compute type
        raise ModelUnavailable(f"Whisper model {options.model!r} could not be loaded: {exc}") from exc
    except Exception as exc:  # huggingface_hub and ctranslate2 raise many unrelated types
        raise ModelUnavailable(_load_failure(options.model, exc)) from exc
    check_forced_language(options.language, options.model, model.model.is_multilingual, _all_languages())
    check_languages(options.languages, _all_languages())
    return FasterWhisperTranscriber(model, options, choice)


def choose_device(options: TranscribeOptions) -> DeviceChoice:
    import ctranslate2

    return pick_device(options, ctranslate2.get_cuda_device_count())


class FasterWhisperTranscriber:
    name = ENGINE_NAME

    def __init__(self, model: Any, options: TranscribeOptions, device: DeviceChoice):
        self.options = options
        self.device = device
        self._model = model
        self._pipeline: Any = None  # BatchedInferencePipeline, made on first use
        # Every language decision of faster-whisper goes through model.model.detect_language:
        # wrapping it lets us prefer the channel's languages and learn each window's language.
        self._languages = _LanguageChooser(model.model, options.languages)
        model.model = self._languages

    @property
    def multilingual_model(self) -> bool:
        return bool(self._languages.is_multilingual)

    def transcribe(self, audio: Path, on_progress: ProgressCallback | None = None) -> EngineResult:
        import faster_whisper

        stream = stream_audio(audio)
        declared = stream.declared_duration
        opts = self.options
        per_window = opts.language is None and self.multilingual_model
        self._languages.reset()
        segments: list[Segment] = []
        detected: tuple[str | None, float | None] = (None, None)
        for offset, samples in pieces_at_silence(stream, opts.chunk_seconds):
            end = offset + len(samples) / SAMPLE_RATE
            raw_segments, info = self._decode(samples, per_window)
            if detected[0] is None:
                detected = (info.language, info.language_probability)
            for raw in raw_segments:  # a generator: decoding happens while we iterate
                language = self._languages.language_of_next_segment(info.language) if per_window else info.language
                words = clean_words(
                    ((offset + w.start, offset + w.end, w.word, w.probability) for w in raw.words or ()), end,
                    floor=offset + max(raw.start, 0.0),
                )
                if not raw.text.strip():
                    pass
                elif opts.batch_size > 0 and words and raw.end - raw.start > SPLIT_SECONDS:
                    for run in split_long(words, SPLIT_SECONDS):
                        segments.append(
                            make_segment(len(segments), run[0].start, run[-1].end, " ".join(w.word for w in run),
                                         run, end, raw.avg_logprob, raw.no_speech_prob, language)
                        )
                else:
                    segments.append(
                        make_segment(len(segments), offset + raw.start, offset + raw.end, raw.text, words, end,
                                     raw.avg_logprob, raw.no_speech_prob, language)
                    )
                if on_progress:
                    on_progress(min(offset + raw.end, end), declared)
        total = stream.decoded_seconds  # the stream has checked the recording is complete
        if on_progress:
            on_progress(total, total)
        if opts.language is not None:
            language, probability = opts.language, None
        else:
            language, probability = _main_language(segments, *detected)
        return EngineResult(
            segments=tuple(segments),
            info=TranscriptionInfo(
                engine=ENGINE_NAME,
                engine_version=faster_whisper.__version__,
                model=opts.model,
                language=language,
                language_probability=probability,
                options=opts.to_dict(),
                audio_duration=round(total, 3),
                device=self.device.device,
                compute_type=self.device.compute_type,
            ),
        )

    def _decode(self, samples: Any, per_window: bool) -> tuple[Any, Any]:
        """faster-whisper's (segments generator, info) for one piece, sequential or batched."""
        opts = self.options
        common = dict(language=opts.language, beam_size=opts.beam_size, word_timestamps=opts.word_timestamps,
                      multilingual=per_window)
        if opts.batch_size > 0:
            # Batched decoding needs VAD to find its windows and never conditions on previous text.
            # Without timestamp tokens (faster-whisper's own default) it keeps the whole window's
            # words: with them, base dropped the tail of long unbroken speech (WER 7.9% vs 2.6% on
            # bench.ingest's English); each window is then cut at its sentences (split_long).
            return self._batched().transcribe(samples, batch_size=opts.batch_size, vad_filter=True,
                                              without_timestamps=True, **common)
        return self._model.transcribe(samples, vad_filter=opts.vad, condition_on_previous_text=not per_window,
                                      **common)

    def _batched(self) -> Any:
        if self._pipeline is None:
            from faster_whisper import BatchedInferencePipeline

            pipeline = BatchedInferencePipeline(self._model)
            forward = pipeline.forward
            chooser = self._languages

            def forward_noting_languages(features, tokenizer, chunks_metadata, options):
                # Each batch detects one language per window: note it for every segment of that window.
                chooser.batch = None
                results = forward(features, tokenizer, chunks_metadata, options)
                chooser.note_batch(results)
                return results

            pipeline.forward = forward_noting_languages
            self._pipeline = pipeline
        return self._pipeline


class _LanguageChooser:
    """Stands in for the CTranslate2 model: passes everything through, re-ranks language guesses."""

    def __init__(self, inner: Any, expected: tuple[str, ...]):
        self._inner = inner
        self._expected = expected
        self._previous: str | None = None  # the language chosen for the window before
        self.current: str | None = None  # sequential: the window being decoded
        self.batch: list[str] | None = None  # batched: one per window of the last batch
        self._queued: deque[str | None] = deque()  # batched: one per segment not yet read

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def reset(self) -> None:
        self._previous = None
        self.current = None
        self.batch = None
        self._queued.clear()

    def note_batch(self, results: list[list[Any]]) -> None:
        """After a batch: the language of each segment it made, in the order they will be read."""
        languages = self.batch if self.batch is not None and len(self.batch) == len(results) else None
        for i, window in enumerate(results):
            self._queued.extend([languages[i] if languages else None] * len(window))

    def language_of_next_segment(self, fallback: str | None) -> str | None:
        if self._queued:
            return self._queued.popleft() or fallback
        return self.current or fallback

    def detect_language(self, *args: Any, **kwargs: Any) -> list[list[tuple[str, float]]]:
        results = self._inner.detect_language(*args, **kwargs)
        # CTranslate2 names languages by token ("<|fr|>"): strip to codes to re-rank, then put back.
        ranked = []
        for r in results:  # one per window, in the order of the recording
            chosen = choose_language([(t[2:-2], p) for t, p in r], self._expected, self._previous)
            if chosen:
                self._previous = chosen[0][0]
            ranked.append([(f"<|{code}|>", p) for code, p in chosen])
        if ranked and ranked[0]:
            self.current = ranked[0][0][0][2:-2]
        self.batch = [r[0][0][2:-2] if r else None for r in ranked]
        return ranked


def _all_languages() -> tuple[str, ...]:
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return tuple(_LANGUAGE_CODES)


def _main_language(segments: list[Segment], detected: str | None, probability: float | None):
    """The language that covers the most speech; the detector's probability when it agrees."""
    spoken: dict[str, float] = {}
    for s in segments:
        if s.language:
            spoken[s.language] = spoken.get(s.language, 0.0) + (s.end - s.start)
    if not spoken:
        return None, None  # nothing was said: no language to claim
    main = max(spoken, key=spoken.__getitem__)
    return main, (round(float(probability), 4) if main == detected and probability is not None else None)


def _model_source(model: str) -> str:
    """A local folder must hold model.bin; anything else is treated as a model name."""
    path = Path(model).expanduser()
    looks_like_path = path.is_absolute() or model.startswith((".", "~")) or os.sep in model
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise ModelUnavailable(f"model folder {path} has no model.bin (a CTranslate2 Whisper model is expected)")
        return str(path)
    if looks_like_path and not path.exists() and not _HUB_REPO.fullmatch(model):
        raise ModelUnavailable(f"model folder {path} does not exist")
    if path.is_file():
        raise ModelUnavailable(f"{path} is a file: faster-whisper needs a model folder (model.bin, config.json, ...)")
    return model


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def _load_failure(model: str, exc: Exception) -> str:
    if Path(model).expanduser().is_dir():
        return f"model folder {model} could not be loaded: {exc}"
    if _offline():
        why = "it is not downloaded yet and downloads are off (HF_HUB_OFFLINE is set)"
    else:
        why = f"it could not be downloaded ({type(exc).__name__})"
    return f"Whisper model {model!r} is unavailable: {why}; give a local model folder with --model or [transcribe] model"
