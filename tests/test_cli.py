"""The `sessions` command group: help lists every command, and help stays light (no heavy imports)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.cli import COMMANDS, EXIT_OK, EXIT_USAGE

REPO = Path(__file__).resolve().parents[1]
SESSIONS = Path(sys.executable).parent / "sessions"  # the console script pip installed into this venv

# What makes a start slow: none of these may load just to print help.
HEAVY = ("faster_whisper", "ctranslate2", "whisper", "torch", "yt_dlp", "whoosh", "streamlit", "numpy", "av")

_HELP_EVERYWHERE = """
import json, sys
from click.testing import CliRunner
from ui.cli import COMMANDS, cli
runner = CliRunner()
codes = {"": runner.invoke(cli, ["--help"]).exit_code}
for name in COMMANDS:
    codes[name] = runner.invoke(cli, [name, "--help"]).exit_code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in json.loads(sys.argv[1]))
print(json.dumps({"codes": codes, "heavy": heavy}))
"""


def _env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1"}


def test_sessions_help_lists_every_command():
    assert SESSIONS.is_file(), "the sessions console script is not installed (pip install -e .)"
    result = subprocess.run([str(SESSIONS), "--help"], capture_output=True, text=True, timeout=120, cwd=REPO,
                            env=_env())
    assert result.returncode == EXIT_OK, result.stderr
    assert result.stdout.startswith("Usage: sessions [OPTIONS] COMMAND [ARGS]...")
    listed = result.stdout.split("Commands:", 1)[1].split()
    for name in COMMANDS:
        assert name in listed, f"`sessions --help` does not list {name}"
    assert "SESSIONS_CONFIG" in result.stdout


def test_help_of_every_command_imports_no_heavy_library():
    # Measured by what gets imported, not by timing: timings are noise on a shared machine.
    result = subprocess.run([sys.executable, "-c", _HELP_EVERYWHERE, json.dumps(HEAVY)], capture_output=True,
                            text=True, timeout=120, cwd=REPO, env=_env())
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["codes"] == {"": 0, **dict.fromkeys(COMMANDS, 0)}
    assert report["heavy"] == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_text(name, run_cli):
    result = run_cli(None, name, "--help")
    assert result.exit_code == EXIT_OK, result.output
    assert result.output.startswith(f"Usage: cli {name} [OPTIONS]")
    description = result.output.split("\n\n", 2)[1].strip()
    assert len(description) > 10, f"`sessions {name} --help` has no description"


def test_unknown_command_is_a_usage_error(run_cli):
    result = run_cli(None, "frobnicate")
    assert result.exit_code == EXIT_USAGE
    assert "No such command 'frobnicate'" in result.stderr


def test_missing_config_file_is_a_usage_error(tmp_path, run_cli):
    result = run_cli(tmp_path, "export", "x")
    assert result.exit_code == EXIT_USAGE  # --config must name a file, not a folder
    assert "is a directory" in result.stderr
