"""The --engine/--model/--language options shared by `transcribe` and `ingest`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from ingest.engines import ENGINES, TranscribeOptions


def engine_choice_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add --engine, --model and --language (overrides of config [transcribe])."""
    fn = click.option("--language",
                      help="Force a language code (e.g. fr); 'auto' detects it per recording "
                           "(default: [transcribe] language).")(fn)
    fn = click.option("--model",
                      help="Model name (e.g. small) or local model folder / .pt file "
                           "(default: [transcribe] model).")(fn)
    fn = click.option("--engine", type=click.Choice(sorted(ENGINES)),
                      help="Whisper engine (default: [transcribe] engine).")(fn)
    return fn


def apply_engine_choice(base: TranscribeOptions, engine: str | None, model: str | None,
                        language: str | None) -> TranscribeOptions:
    """Config options with the command line's choices on top."""
    changes: dict[str, Any] = {}
    if engine:
        changes["engine"] = engine
    if model:
        # A model given as an existing path is kept absolute, so re-runs from elsewhere match.
        path = Path(model).expanduser()
        changes["model"] = str(path.resolve()) if path.exists() else model
    if language:
        changes["language"] = None if language.lower() == "auto" else language.lower()
    return replace(base, **changes)
