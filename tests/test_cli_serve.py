"""`sessions serve`: the Streamlit command line, and a real server answering on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from ui.cli import cli
from ui.cli.serve_cmd import APP, streamlit_command

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} not healthy after {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def test_streamlit_command_is_local_headless_and_without_telemetry():
    cmd = streamlit_command("127.0.0.1", 8600)
    assert cmd[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert Path(cmd[4]) == APP and APP.is_file()
    flags = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert flags == {"--server.address": "127.0.0.1", "--server.port": "8600", "--server.headless": "true",
                     "--browser.gatherUsageStats": "false", "--client.toolbarMode": "viewer"}


def test_help_lists_host_and_port():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--host" in result.output and "--port" in result.output


def test_bad_config_is_one_clear_error(tmp_path):
    bad = tmp_path / "config.toml"
    bad.write_text("[ui]\nport = 'eighty'\n")
    result = CliRunner().invoke(cli, ["--config", str(bad), "serve"])
    assert result.exit_code == 1
    assert "[ui] port" in result.output


@pytest.mark.integration
def test_serve_answers_on_loopback_before_anything_is_ingested(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[paths]\ntranscripts = "transcripts"\nindex = "index"\n')
    port = free_port()
    env = dict(os.environ, SESSIONS_CONFIG=str(config))
    proc = subprocess.Popen([sys.executable, "-c", "from ui.cli import main; main()", "serve", "--port", str(port)],
                            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert r.status == 200
    finally:
        stop(proc)
    # `serve` became the Streamlit process itself: stopping it left nothing listening.
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
