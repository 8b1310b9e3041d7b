"""`sessions serve`: the search UI on this machine (streamlit run ui/web/app.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from ui.cli import domain_errors, load_cli_config

# The page (ui/web/app.py) inside an st.App that also streams local recordings (ui/web/server.py).
APP = Path(__file__).resolve().parents[1] / "web" / "server.py"
PRIMARY_COLOR = "#b42318"


def streamlit_command(host: str, port: int) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.address", host,
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",  # no "Deploy" button for people reading the archive
        # Streamlit's red (#ff4b4b) under a primary button's white text is 3.3:1; this one is 6.6:1 (WCAG AA).
        "--theme.primaryColor", PRIMARY_COLOR,
        # Streamlit's gc.collect(2) after every run holds the GIL while the run's last messages wait
        # to be sent: ~60-150 ms a rerun in bench.ui (an open 458k-segment index, cached transcripts).
        # Python's own generational collector still runs.
        "--runner.postScriptGC", "false",
        # Streamlit's watcher of the app's source files is for editing the app: after every run it
        # resolves the path of each of the thousands of imported modules (realpath) on the server's
        # event loop, which sends nothing meanwhile: ~100-200 ms before the browser hears that the
        # run finished.
        "--server.fileWatcherType", "none",
    ]


@click.command()
@click.option("--host", default=None, help="Address to listen on (default: [ui] host, 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Port (default: [ui] port, 8501).")
@click.pass_context
@domain_errors
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the search UI in the browser (Streamlit). Ctrl+C stops it.

    Works before anything is ingested: the page then explains how to build the archive.
    """
    from ui.config import host_problem

    if host is not None and (problem := host_problem(host)):
        raise click.BadParameter(problem, param_hint="--host")
    cfg = load_cli_config(ctx)
    host = host or cfg.ui.host
    port = cfg.ui.port if port is None else port
    env = dict(os.environ, SESSIONS_CONFIG=str(cfg.path))
    click.echo(f"Session Search UI on http://{host}:{port}  (config: {cfg.path}; Ctrl+C to stop)", err=True)
    command = streamlit_command(host, port)
    if os.name == "posix":
        # Become Streamlit (same PID): stopping `sessions serve` then stops the server, no orphan left.
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(command[0], command, env)
    try:
        code = subprocess.call(command, env=env)
    except KeyboardInterrupt:
        code = 0
    raise SystemExit(code)
