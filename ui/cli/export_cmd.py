"""`sessions export`: transcripts as txt, srt, vtt, json or csv files (or the whole archive as a zip)."""

from __future__ import annotations

from pathlib import Path

import click

from archive.export import FORMATS
from ui.cli import EXIT_FAILED, domain_errors, load_cli_config


@click.command()
@click.argument("video_ids", nargs=-1, metavar="[ID]...")
@click.option("--all", "export_all", is_flag=True, help="Export every transcript, as one zip file.")
@click.option("--combined", is_flag=True,
              help="With --all --format csv: one CSV of every transcript (transcripts.csv) instead of a zip.")
@click.option(
    "--format", "-f", "fmt", type=click.Choice(FORMATS), default="txt", show_default=True, help="Output format."
)
@click.option(
    "--out",
    "-o",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (created if missing). Without it, one ID is printed to stdout.",
)
@click.pass_context
@domain_errors
def export(ctx: click.Context, video_ids: tuple[str, ...], export_all: bool, combined: bool, fmt: str,
           out_dir: Path | None) -> None:
    """Export transcripts as txt, srt, vtt, json or csv.

    \b
    sessions export ID                    print one transcript (txt) to stdout
    sessions export ID -f srt -o subs/    write subs/ID.srt
    sessions export ID1 ID2 -f csv -o out/
    sessions export --all -f vtt -o out/  write out/transcripts-vtt.zip (one file per video)
    sessions export --all -f csv --combined -o out/   write out/transcripts.csv (every video's rows)
    sessions list                         the ids, titles, dates and languages to choose from

    Files are named after the video id the way transcripts/ names them. CSV times are integer
    milliseconds with a link that opens the video at the segment.
    """
    from archive import export as exporter
    from archive.store import TranscriptStore, atomic_write_bytes

    if export_all and video_ids:
        raise click.UsageError("give IDs or --all, not both")
    if not export_all and not video_ids:
        raise click.UsageError("give at least one video ID, or --all")
    if combined and (fmt != "csv" or not export_all):
        raise click.UsageError("--combined goes with --all --format csv")
    if len(set(video_ids)) > 1 and out_dir is None:
        raise click.UsageError("several IDs need --out DIR (stdout takes one transcript)")

    store = TranscriptStore(load_cli_config(ctx).paths.transcripts)

    if export_all:
        skipped = []
        transcripts = list(store.iter_all(on_error=skipped.append))
        for exc in skipped:
            click.echo(f"warning: skipped unreadable transcript {exc}", err=True)
        if not transcripts:
            raise exporter.NothingToExport(f"no readable transcripts in {store.root}")
        if combined:
            target = (out_dir or Path(".")) / "transcripts.csv"
            atomic_write_bytes(target, exporter.combined_csv(transcripts))
        else:
            target = (out_dir or Path(".")) / f"transcripts-{fmt}.zip"
            atomic_write_bytes(target, exporter.export_zip(transcripts, fmt))
        click.echo(str(target))
        click.echo(f"exported {len(transcripts)} transcript(s) to {target}", err=True)
        if skipped:
            raise SystemExit(EXIT_FAILED)
        return

    # Read everything first: an unknown or corrupt id fails before any file is written.
    transcripts = [store.read(video_id) for video_id in dict.fromkeys(video_ids)]
    if out_dir is None:
        text = exporter.export_text(transcripts[0], fmt)
        click.echo(text, nl=not text.endswith("\n"))
        return
    for transcript in transcripts:
        target = out_dir / exporter.export_filename(transcript.video.id, fmt)
        atomic_write_bytes(target, exporter.export_bytes(transcript, fmt))
        click.echo(str(target))
