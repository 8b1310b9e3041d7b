"""`sessions status`: what the archive holds and how the last ingests went."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from ui.cli import domain_errors, load_cli_config


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
@domain_errors
def status(ctx: click.Context, as_json: bool) -> None:
    """Counts of transcripts and indexed videos, the last ingest run, and failures with their reasons."""
    config = load_cli_config(ctx)
    info = collect_status(config.paths.transcripts, config.paths.index, config.paths.state)
    if as_json:
        click.echo(json.dumps(info, indent=1, ensure_ascii=False))
        return
    click.echo(f"transcripts: {info['transcripts']}  ({config.paths.transcripts})")
    indexed = info["indexed"]
    click.echo(f"indexed:     {indexed if indexed is not None else 'no index yet (run sessions index)'}"
               f"  ({config.paths.index})")
    if info["running_pid"]:
        click.echo(f"an ingest is running now (PID {info['running_pid']})")
    run = info["last_run"]
    if run is None:
        click.echo("last run:    never")
    else:
        when = run["finished"] or run["started"]
        click.echo(f"last run:    {when}  {run['status']}: {run['new']} new, {run['skipped']} skipped, "
                   f"{run['failed']} failed, {run['audio_seconds'] / 3600:.2f} h transcribed, "
                   f"{run['elapsed']:.1f} s")
    failures = info["failures"]
    click.echo(f"failures:    {len(failures)}" + (" (retried on the next run)" if failures else ""))
    for f in failures:
        click.echo(f"  {f['id']}  {f['title']}  {f['reason']}: {f['message']}  "
                   f"(failed {f['failures']}x, last {f['updated']})")


def collect_status(transcripts: Path, index_dir: Path, state_dir: Path) -> dict[str, Any]:
    from archive.store import TranscriptStore
    from ingest.ingest_log import IngestLog

    log = IngestLog.load(state_dir)
    last = log.last_run()
    if last is not None and last.status == "running" and not _alive(last.pid):
        last = last.__class__(**{**asdict(last), "status": "interrupted"})
    return {
        "transcripts": len(TranscriptStore(transcripts).files()),
        "indexed": _indexed_count(index_dir),
        "running_pid": running_pid(state_dir),
        "last_run": asdict(last) if last else None,
        "runs": len(log.runs),
        "failures": [asdict(v) for v in log.failures()],
    }


def _indexed_count(index_dir: Path) -> int | None:
    from index.build import indexed_sources, open_index
    from index.errors import IndexNotBuilt

    try:
        ix = open_index(Path(index_dir))
    except IndexNotBuilt:
        return None
    try:
        return len(indexed_sources(ix))
    finally:
        ix.close()


def running_pid(state_dir: Path) -> int | None:
    """The PID in the ingest lock file when that process is alive (without taking the lock)."""
    from ingest.ingest_log import LOCK_NAME

    try:
        text = (Path(state_dir) / LOCK_NAME).read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and _alive(int(text)) else None


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
