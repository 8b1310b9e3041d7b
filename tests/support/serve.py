"""`sessions serve` as a real server on 127.0.0.1 for a test: start, wait until healthy, stop."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.media import REPO


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


@contextmanager
def serving(config: Path, tree: Path = REPO) -> Iterator[str]:
    """`sessions serve` on a free loopback port with SESSIONS_CONFIG=config; yields its base URL.

    `tree`: the checkout whose code serves (bench.ui compares two trees side by side)."""
    port = free_port()
    env = dict(os.environ, SESSIONS_CONFIG=str(config))
    if Path(tree).resolve() != Path(REPO).resolve():
        env["PYTHONPATH"] = str(Path(tree).resolve())
    proc = subprocess.Popen([sys.executable, "-c", "from ui.cli import main; main()", "serve", "--port", str(port)],
                            env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        stop(proc)
