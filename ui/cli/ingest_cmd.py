"""`sessions ingest`: bring the archive up to date with the channel (or any URL / local folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ui.cli import EXIT_FAILED, domain_errors, load_cli_config
from ui.cli.amounts import audio_length, elapsed
from ui.cli.engine_choice import apply_engine_choice, engine_choice_options
from ui.cli.ingest_progress import Progress


@click.command()
@click.argument("sources", nargs=-1, metavar="[URL|FOLDER]...")
@click.option("--dry-run", is_flag=True, help="List only: show new / done / failed-before videos, then stop.")
@click.option("--limit", type=click.IntRange(min=0), help="Ingest at most N videos this run (newest first).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Only videos uploaded on or after this date.")
@click.option("--match", metavar="REGEX", help="Only videos whose title matches (case-insensitive).")
@click.option("--quiet", "-q", is_flag=True, help="No progress; print only failures (for cron).")
@click.option("--force", is_flag=True, help="Transcribe again even videos already transcribed with this model.")
@click.option("--refresh-metadata", is_flag=True,
              help="Transcribe nothing: fetch the transcribed videos' titles, descriptions, dates and chapters "
                   "and update the transcripts (and the index) where they changed.")
@engine_choice_options
@click.option("--wait", is_flag=True, help="If another ingest is running, wait for it instead of refusing.")
@click.option("--jobs", "-j", type=click.IntRange(min=1),
              help="Transcribe N videos at once in N worker processes (default: [ingest] jobs).")
@click.option("--scheduler", metavar="tcp://HOST:8786",
              help="Send each video to the workers of this Dask scheduler (default: [ingest] scheduler).")
@click.pass_context
@domain_errors
def ingest(ctx: click.Context, sources: tuple[str, ...], dry_run: bool, limit: int | None, since: Any,
           match: str | None, quiet: bool, force: bool, refresh_metadata: bool, engine: str | None,
           model: str | None, language: str | None, wait: bool, jobs: int | None, scheduler: str | None) -> None:
    """Download and transcribe the channel's new videos, then index them.

    \b
    sessions ingest                      the sources in config.toml [channel]
    sessions ingest URL...               any URL yt-dlp handles (channel tab, playlist, video, RSS feed)
    sessions ingest ~/recordings/        a local folder of recordings
    sessions ingest --dry-run            show what is new, done, or failed before; change nothing
    sessions ingest -q                   for cron: silent unless something failed (exit 1)
    sessions ingest --jobs 2             two videos at once, one worker process each
    sessions ingest --scheduler tcp://HOST:8786   on the workers of a Dask cluster
    sessions ingest --refresh-metadata   new titles, descriptions, dates, chapters; no Whisper

    Already transcribed videos (same engine and model) are skipped; failed ones are retried.
    Each video is committed on its own, so an interrupted run resumes where it stopped.
    """
    from archive.store import TranscriptStore
    from ingest import pipeline, planning

    config = load_cli_config(ctx)
    urls = tuple(sources) or config.channel.urls
    if not urls:
        raise click.UsageError("no sources: give a URL or folder, or set [channel] urls in the config")
    options = ingest_options(config, since=since.date() if since else None, match=match, limit=limit,
                             force=force, engine=engine, model=model, language=language, wait=wait,
                             **({"jobs": jobs} if jobs else {}), **({"scheduler": scheduler} if scheduler else {}))
    store = TranscriptStore(config.paths.transcripts)

    if refresh_metadata:
        clashing = [name for name, given in (("--dry-run", dry_run), ("--force", force), ("--jobs", jobs),
                                             ("--scheduler", scheduler)) if given]
        if clashing:
            raise click.UsageError(f"--refresh-metadata transcribes nothing: {', '.join(clashing)} does not apply")
        _refresh(urls, store, options, config, quiet)
        return

    if dry_run:
        plan = planning.plan_ingest(urls, store=store, options=options,
                                    on_event=_failures_only if quiet else _retries_on_stderr)
        print_plan(plan)
        if plan.listing_failures:
            raise SystemExit(EXIT_FAILED)
        return

    progress = None if quiet else Progress()  # ui/cli/ingest_progress.py
    try:
        report = pipeline.ingest(
            urls, store=store, options=options,
            transcriber=lambda: load_engine_of(options),
            on_stored=index_hook(config.paths.index, config.meaning),
            catch_up=index_catch_up(store, config.paths.index),
            on_event=progress.handle if progress else _failures_only,
        )
    finally:
        if progress:
            progress.close()
    if not quiet or not report.ok:
        print_summary(report, err=quiet)
    if not report.ok:
        raise SystemExit(EXIT_FAILED)


def _refresh(urls: tuple[str, ...], store: Any, options: Any, config: Any, quiet: bool) -> None:
    from ingest.refresh import refresh_metadata

    progress = None if quiet else Progress()
    try:
        report = refresh_metadata(urls, store=store, options=options,
                                  on_refreshed=refresh_index_hook(config.paths.index, config.meaning),
                                  on_event=progress.handle if progress else _failures_only)
    finally:
        if progress:
            progress.close()
    if not quiet or not report.ok:
        print_refresh_summary(report, err=quiet)
    if not report.ok:
        raise SystemExit(EXIT_FAILED)


def ingest_options(config: Any, **choices: Any):
    """[ingest] (already the pipeline's IngestOptions) with this run's command-line choices on top."""
    from dataclasses import replace

    transcribe = apply_engine_choice(config.ingest.transcribe, choices.pop("engine", None),
                                     choices.pop("model", None), choices.pop("language", None))
    return replace(config.ingest, transcribe=transcribe, **choices)


def load_engine_of(options: Any):
    from ingest.engines import load_engine

    return load_engine(options.transcribe)


def index_hook(index_dir: Path, meaning: Any = None):
    """What the pipeline calls after each stored transcript: add it to the search index."""

    def on_stored(transcript: Any, path: Path) -> None:
        from archive.store import TranscriptStore
        from index.build import file_stamp, index_transcript

        stamp = file_stamp(path)
        index_transcript(index_dir, transcript, TranscriptStore.checksum(path), source=path.name, stamp=stamp,
                         meaning=meaning)

    return on_stored


def refresh_index_hook(index_dir: Path, meaning: Any = None):
    """What a metadata refresh calls after rewriting a transcript: re-index it, keeping its meaning vectors."""

    def on_refreshed(transcript: Any, path: Path, previous: str) -> None:
        from archive.store import TranscriptStore
        from index.build import file_stamp, index_transcript

        index_transcript(index_dir, transcript, TranscriptStore.checksum(path), source=path.name,
                         stamp=file_stamp(path), meaning=meaning, same_segments_as=previous)

    return on_refreshed


def index_catch_up(store: Any, index_dir: Path):
    """What the pipeline calls first: index every stored transcript the index lacks (or repair it)."""

    def catch_up() -> int:
        from index.build import sync

        report = sync(store, index_dir)
        return len(report.added) + len(report.updated)

    return catch_up


# -- output --------------------------------------------------------------------------------

def _line(video: Any) -> str:
    return f"  {video.upload_date or '????-??-??'}  {video.id}  {video.title}"


def print_plan(plan: Any) -> None:
    new, retries = plan.new, plan.retries
    click.echo(f"new: {len(new)}")
    for v in new:
        click.echo(_line(v))
    click.echo(f"failed before, to retry: {len(retries)}")
    for v in retries:
        click.echo(_line(v))
    click.echo(f"already done: {len(plan.done)}")
    if plan.filtered_out:
        click.echo(f"left out by --since/--match/--limit: {plan.filtered_out}")
    for line in listing_failure_lines(plan.listing_failures, "error: could not list"):
        click.echo(line, err=True)


def print_failures(report: Any) -> int:
    """The run's listing and per-video failures on stderr; their count."""
    for line in listing_failure_lines(report.listing_failures, "failed to list"):
        click.echo(line, err=True)
    for f in report.failed:
        click.echo(f"failed: {f.id} ({f.title}): {f.reason}: {f.message}", err=True)
    return len(report.failed) + len(report.listing_failures)


def print_summary(report: Any, err: bool = False) -> None:
    failed = print_failures(report)
    line = (f"ingest: {len(report.stored)} new, {report.skipped} skipped, {failed} failed, "
            f"{audio_length(report.audio_seconds)} of audio transcribed, in {elapsed(report.elapsed)}")
    if report.reindexed:
        line += f" ({report.reindexed} stored transcript(s) the index lacked were indexed)"
    click.echo(line, err=err)


def print_refresh_summary(report: Any, err: bool = False) -> None:
    failed = print_failures(report)
    line = (f"refresh: {len(report.refreshed)} updated, {report.unchanged} unchanged, {failed} failed, "
            f"nothing transcribed, in {elapsed(report.elapsed)}")
    if report.not_transcribed:
        line += f"; {report.not_transcribed} listed video(s) not transcribed yet (`sessions ingest` does them)"
    click.echo(line, err=err)


def listing_failure_lines(failures: Any, prefix: str) -> list[str]:
    """One line per failed source, but one line per host that could not be reached at all
    (a machine without a network would otherwise repeat it for every tab of the channel)."""
    from ingest.source import UNREACHABLE, host_of

    lines: list[str] = []
    unreachable: dict[str, list[Any]] = {}
    for f in failures:
        if f.reason == UNREACHABLE and host_of(f.id):
            unreachable.setdefault(host_of(f.id), []).append(f)
        else:
            lines.append(f"{prefix} {f.id}: {f.reason}: {f.message}")
    for tabs in unreachable.values():
        why = tabs[0].message.split(": ", 1)[-1] if tabs[0].message.startswith(tabs[0].id) else tabs[0].message
        count = f"{len(tabs)} sources" if len(tabs) > 1 else tabs[0].id
        lines.append(f"{why}: {count} not listed (no network?); the archive stays as it is, "
                     "run `sessions ingest` again once the host can be reached")
    return lines


def _retries_on_stderr(event: Any) -> None:
    """--dry-run: listing has no bars, but a retry wait must not look like a hang."""
    from ingest import run_records as p

    if isinstance(event, p.Retrying):
        click.echo(f"retrying {event.what} in {event.delay:.1f} s ({event.reason}, attempt {event.attempt})", err=True)


def _failures_only(event: Any) -> None:
    """--quiet: nothing while it runs; failures are listed once at the end."""
