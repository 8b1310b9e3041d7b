"""`sessions transcribe PATH...`: local audio/video files → stored transcripts."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive.errors import SessionsError
from ui.cli import EXIT_FAILED, domain_errors, load_cli_config
from ui.cli.engine_choice import apply_engine_choice, engine_choice_options


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@engine_choice_options
@click.option("--force", is_flag=True, help="Transcribe again even if a transcript by the same engine and model exists.")
@click.pass_context
@domain_errors
def transcribe(ctx: click.Context, paths: tuple[Path, ...], engine: str | None, model: str | None,
               language: str | None, force: bool) -> None:
    """Transcribe local audio or video files into the transcript folder.

    Each file gets the id local-<first 12 hex digits of its sha256>, so renaming a file does not
    transcribe it again. Files already transcribed with the same engine and model are skipped
    unless --force. Progress bars go to stderr, one line per failure, a summary line at the end;
    the exit code is 1 if any file failed (the others are still stored).
    """
    from tqdm import tqdm

    from archive.store import TranscriptStore
    from ingest.engines import choose_device, load_engine
    from ingest.transcribe import local_video, needs_transcription, transcribe_file

    config = load_cli_config(ctx)
    options = apply_engine_choice(config.transcribe, engine, model, language)
    store = TranscriptStore(config.paths.transcripts)
    choose_device(options)  # a GPU asked for and missing: one error before any file is read
    err = sys.stderr
    # Bars redraw with cursor moves that garble logs: off when stderr is not a terminal,
    # replaced by one plain line per file.
    bars = err.isatty()
    loaded = None
    done = skipped = failed = 0
    overall = tqdm(total=len(paths), unit="file", desc="files", position=0, disable=not bars, file=err)
    try:
        for number, path in enumerate(paths, 1):
            outcome = "failed"
            try:
                video = local_video(path)
                if not force and not needs_transcription(store, video.id, options):
                    skipped += 1
                    outcome = "skipped (already transcribed with this engine and model)"
                    continue
                if loaded is None:
                    loaded = load_engine(options)  # only when some file needs it; failure ends the run
                with tqdm(total=None, unit="s", desc=_short(path), position=1, leave=False, disable=not bars,
                          file=err, bar_format="{l_bar}{bar}| {n:.0f}/{total_fmt} s [{elapsed}<{remaining}]") as bar:
                    transcript = transcribe_file(path, loaded, video, on_progress=_follow(bar))
                store.write(transcript)
                done += 1
                outcome = f"transcribed ({len(transcript.segments)} segments, {transcript.transcription.language or 'no speech'})"
            except SessionsError as exc:
                if loaded is None and _is_engine_error(exc):
                    raise
                failed += 1
                tqdm.write(f"error: {exc}", file=err)
            finally:
                overall.update(1)
                if not bars and outcome != "failed":
                    click.echo(f"[{number}/{len(paths)}] {path.name}: {outcome}", err=True)
    finally:
        overall.close()
    click.echo(f"transcribed {done}, skipped {skipped} (already done), failed {failed} "
               f"of {len(paths)} file(s) → {store.root}")
    if failed:
        ctx.exit(EXIT_FAILED)


def _is_engine_error(exc: SessionsError) -> bool:
    from ingest.errors import EngineUnavailable, ModelUnavailable, UnsupportedLanguage

    # About the run, not the file: every other file would fail the same way.
    return isinstance(exc, (EngineUnavailable, ModelUnavailable, UnsupportedLanguage))


def _follow(bar):
    def on_progress(done: float, total: float | None) -> None:
        if total is not None and bar.total != total:
            bar.total = total
        bar.n = min(done, total) if total else done
        bar.refresh()

    return on_progress


def _short(path: Path, width: int = 30) -> str:
    name = path.name
    return name if len(name) <= width else name[: width - 1] + "…"
