"""`sessions index [--rebuild]`: bring the search index in line with transcripts/."""

from __future__ import annotations

import sys
from typing import Any

import click

from ui.cli import EXIT_FAILED, domain_errors, load_cli_config


@click.command("index")
@click.option("--rebuild", "clean", is_flag=True, help="Start from an empty index instead of updating by checksum.")
@click.pass_context
@domain_errors
def index(ctx: click.Context, clean: bool) -> None:
    """Index new, changed and removed transcripts (incremental by checksum)."""
    from archive.store import TranscriptStore
    from index.build import rebuild, sync

    config = load_cli_config(ctx)
    store = TranscriptStore(config.paths.transcripts)
    bars: dict[str, Any] = {}

    def progress_for(label: str):
        def progress(done: int, total: int, name: str) -> None:
            if label not in bars:
                for other in bars.values():
                    other.__exit__(None, None, None)
                bars.clear()
                bars[label] = click.progressbar(length=total, label=label, file=sys.stderr)
                bars[label].__enter__()
            bars[label].update(1)
        return progress

    try:
        # Without --rebuild a damaged index is rebuilt too: it is derived from transcripts/.
        report = (rebuild if clean else sync)(store, config.paths.index, on_progress=progress_for("indexing"),
                                              meaning=config.meaning, on_embed=progress_for("embedding"))
    finally:
        for bar in bars.values():
            bar.__exit__(None, None, None)
    if report.repaired:
        click.echo(f"the search index was damaged ({report.repaired}): rebuilt it from the transcripts", err=True)
    for name, reason in report.corrupt:
        click.echo(f"skipped corrupt transcript {name}: {reason}", err=True)
    click.echo(
        f"{'rebuilt' if clean or report.repaired else 'updated'} index: {len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.removed)} removed, {len(report.unchanged)} unchanged, {len(report.corrupt)} corrupt; "
        f"{report.videos} videos in {config.paths.index}"
    )
    if config.meaning.enabled:
        reused = f", {report.reused} reused" if clean or report.repaired else ""
        click.echo(f"meaning vectors: {len(report.embedded)} session(s) embedded{reused} ({config.meaning.encoder})")
    if report.corrupt:
        raise SystemExit(EXIT_FAILED)
