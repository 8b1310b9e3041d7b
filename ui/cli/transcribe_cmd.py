"""`sessions transcribe PATH...`: local audio/video files → stored, indexed transcripts.

The same library pipeline as `sessions ingest` (ingest.pipeline): the files are the sources, so
they are stored, indexed, recorded in the ingest log and skipped by the same rule.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import click

from ui.cli import EXIT_FAILED, domain_errors, load_cli_config
from ui.cli.engine_choice import engine_choice_options


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@engine_choice_options
@click.option("--force", is_flag=True, help="Transcribe again even if a transcript by the same engine and model exists.")
@click.option("--wait", is_flag=True, help="If an ingest is running on this archive, wait for it instead of refusing.")
@click.pass_context
@domain_errors
def transcribe(ctx: click.Context, paths: tuple[Path, ...], engine: str | None, model: str | None,
               language: str | None, force: bool, wait: bool) -> None:
    """Transcribe local audio or video files (or folders of them) into the archive, searchable at once.

    Each file gets the id local-<first 12 hex digits of its sha256>, so renaming a file does not
    transcribe it again. Files already transcribed with the same engine and model are skipped
    unless --force. Each stored transcript is added to the search index and recorded in the ingest
    log, as `sessions ingest` does. Progress bars go to stderr, one line per failure, a summary line
    at the end; the exit code is 1 if any file failed (the others are still stored).
    """
    from archive.store import TranscriptStore
    from ingest import pipeline
    from ui.cli.ingest_cmd import index_catch_up, index_hook, ingest_options, load_engine_of

    config = load_cli_config(ctx)
    options = ingest_options(config, force=force, engine=engine, model=model, language=language, wait=wait)
    store = TranscriptStore(config.paths.transcripts)
    progress = FileProgress()
    try:
        report = pipeline.ingest([str(p) for p in paths], store=store, options=options,
                                 transcriber=lambda: load_engine_of(options),
                                 on_stored=index_hook(config.paths.index), on_event=progress.handle,
                                 catch_up=index_catch_up(store, config.paths.index))
    finally:
        progress.close()
    for f in report.listing_failures:
        click.echo(f"error: {f.message}", err=True)
    # A file stored but not indexed is in both lists; it counts as transcribed (the next run indexes it).
    failed = len(report.listing_failures) + sum(1 for f in report.failed if f.id not in report.stored)
    total = len(report.stored) + report.skipped + failed
    click.echo(f"transcribed {len(report.stored)}, skipped {report.skipped} (already done), failed {failed} "
               f"of {total} file(s) → {store.root}")
    if not report.ok:
        ctx.exit(EXIT_FAILED)


class FileProgress:
    """Bars on stderr (all files, the current file's seconds); one plain line per file when not a terminal.

    Bars redraw with cursor moves that garble logs, hence the plain lines off a terminal.
    """

    def __init__(self) -> None:
        self.bars = sys.stderr.isatty()
        self._lock = threading.Lock()  # events about downloads may come from the pipeline's thread
        self.overall: Any = None
        self.current: Any = None
        self.number = 0
        self.total = 0

    def handle(self, event: Any) -> None:
        from ingest import run_records as p

        with self._lock:
            if isinstance(event, p.Listed):
                self._listed(event.plan)
            elif isinstance(event, p.TranscribeStarted):
                self._start(event.video)
            elif isinstance(event, p.TranscribeProgressed) and self.current is not None:
                if event.total is not None and self.current.total != event.total:
                    self.current.total = event.total
                self.current.n = min(event.done, event.total) if event.total else event.done
                self.current.refresh()
            elif isinstance(event, p.VideoStored):
                language = event.language or "no speech"
                self._outcome(event.video, f"transcribed ({event.segments} segments, {language})")
            elif isinstance(event, p.VideoFailed):
                self._close_current()
                self._write(f"error: {event.message}")
                self._count()

    def _listed(self, plan: Any) -> None:
        from tqdm import tqdm

        self.total = len(plan.todo) + len(plan.done) + len(plan.listing_failures)
        self.overall = tqdm(total=self.total, unit="file", desc="files", position=0, disable=not self.bars,
                            file=sys.stderr)
        for _ in plan.listing_failures:
            self._count()  # named in the summary
        for video in plan.done:
            self._outcome(video, "skipped (already transcribed with this engine and model)")

    def _start(self, video: Any) -> None:
        from tqdm import tqdm

        self._close_current()
        self.current = tqdm(total=video.duration, unit="s", desc=_short(_name(video)), position=1, leave=False,
                            disable=not self.bars, file=sys.stderr,
                            bar_format="{l_bar}{bar}| {n:.0f}/{total_fmt} s [{elapsed}<{remaining}]")

    def _outcome(self, video: Any, outcome: str) -> None:
        self._close_current()
        self._count()
        if not self.bars:
            click.echo(f"[{self.number}/{self.total}] {_name(video)}: {outcome}", err=True)

    def _count(self) -> None:
        self.number += 1
        if self.overall is not None:
            self.overall.update(1)

    def _close_current(self) -> None:
        if self.current is not None:
            self.current.close()
            self.current = None

    def _write(self, text: str) -> None:
        from tqdm import tqdm

        tqdm.write(text, file=sys.stderr)

    def close(self) -> None:
        with self._lock:
            self._close_current()
            if self.overall is not None:
                self.overall.close()


def _name(video: Any) -> str:
    return Path(video.media_url).name if video.media_url else video.title


def _short(name: str, width: int = 30) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"
