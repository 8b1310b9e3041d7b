"""`sessions serve`: the Streamlit command line, and a real server answering on 127.0.0.1."""

from __future__ import annotations

import socket
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support.configs import ARCHIVE, write_config
from tests.support.serve import serving
from ui.cli.serve_cmd import APP, streamlit_command


def test_streamlit_command_is_local_headless_and_without_telemetry():
    cmd = streamlit_command("127.0.0.1", 8600)
    assert cmd[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert Path(cmd[4]) == APP and APP.is_file()
    flags = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert flags == {"--server.address": "127.0.0.1", "--server.port": "8600", "--server.headless": "true",
                     "--browser.gatherUsageStats": "false", "--client.toolbarMode": "viewer",
                     "--theme.primaryColor": "#b42318",  # white on it is 6.6:1 (WCAG AA)
                     "--runner.postScriptGC": "false",  # no full collection between a run and its last messages
                     "--server.fileWatcherType": "none"}  # no path of every module resolved after each run


def test_help_lists_host_and_port(run_cli):
    result = run_cli(None, "serve", "--help")
    assert result.exit_code == 0
    assert "--host" in result.output and "--port" in result.output


def test_bad_config_is_one_clear_error(tmp_path, run_cli):
    result = run_cli(write_config(tmp_path, ui={"port": "eighty"}), "serve")
    assert result.exit_code == 1
    assert "[ui] port" in result.output


@pytest.mark.integration
def test_serve_answers_on_loopback_before_anything_is_ingested(tmp_path):
    with serving(write_config(tmp_path, paths=ARCHIVE)) as url, urllib.request.urlopen(url + "/", timeout=5) as r:
        assert r.status == 200
    port = int(url.rsplit(":", 1)[1])
    # `serve` became the Streamlit process itself: stopping it left nothing listening.
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
