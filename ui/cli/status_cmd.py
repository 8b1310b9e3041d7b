"""`sessions status`: what the archive holds and how the last ingests went."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from archive.processes import pid_alive
from ui.cli import domain_errors, load_cli_config
from ui.cli.amounts import audio_length


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
    if info["index_damaged"]:
        indexed = info["index_damaged"]
    elif indexed is None:
        indexed = "no index yet (run sessions index)"
    click.echo(f"indexed:     {indexed}  ({config.paths.index})")
    corrupt = info["corrupt"]
    if corrupt:
        click.echo(f"corrupt:     {len(corrupt)} transcript file(s) cannot be read "
                   "(the next ingest transcribes them again and sets the bad file aside)")
        for c in corrupt:
            click.echo(f"  {c['file']}: {c['reason']}")
    if info["running_pid"]:
        click.echo(f"an ingest is running now (PID {info['running_pid']})")
    run = info["last_run"]
    if run is None:
        click.echo("last run:    never")
    else:
        when = run["finished"] or run["started"]
        click.echo(f"last run:    {when}  {run['status']}: {run['new']} new, {run['skipped']} skipped, "
                   f"{run['failed']} failed, {audio_length(run['audio_seconds'])} of audio transcribed, "
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
    if last is not None and last.status == "running" and not pid_alive(last.pid):
        last = last.__class__(**{**asdict(last), "status": "interrupted"})
    store = TranscriptStore(transcripts)
    indexed, damaged = _indexed_count(index_dir)
    return {
        "transcripts": len(store.files()),
        "indexed": indexed,
        "index_damaged": damaged,  # the IndexDamaged message, or None
        "corrupt": [{"file": str(e.path), "reason": e.reason} for e in store.corrupt_files(log.vouches_for(store))],
        "running_pid": running_pid(state_dir),
        "last_run": asdict(last) if last else None,
        "runs": len(log.runs),
        "failures": [asdict(v) for v in log.failures()],
    }


def _indexed_count(index_dir: Path) -> tuple[int | None, str | None]:
    """(videos in the index or None when there is none, the damage message or None)."""
    from index.build import damage_as_error, indexed_sources, open_index
    from index.errors import IndexDamaged, IndexNotBuilt

    try:
        ix = open_index(Path(index_dir))
        try:
            with damage_as_error(Path(index_dir)):
                return len(indexed_sources(ix)), None
        finally:
            ix.close()
    except IndexNotBuilt:
        return None, None
    except IndexDamaged as exc:
        return None, str(exc)


def running_pid(state_dir: Path) -> int | None:
    """The PID in the ingest lock file when that process is alive (without taking the lock)."""
    from ingest.ingest_log import LOCK_NAME

    try:
        text = (Path(state_dir) / LOCK_NAME).read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and pid_alive(int(text)) else None


