"""`sessions list`: the archive's sessions (id, date, language, duration, title), for staff who need ids."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import click

from archive.records import Video
from ui.cli import domain_errors, load_cli_config


@click.command(name="list")
@click.option("--lang", "languages", multiple=True, metavar="CODE",
              help="Only sessions in this language (ISO code: en, fr, es); repeat or comma-separate.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only sessions recorded on or after YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (one JSON array).")
@click.pass_context
@domain_errors
def list_sessions(ctx: click.Context, languages: tuple[str, ...], since, as_json: bool) -> None:
    """List the archived sessions, newest first: id, date, language, duration and title.

    \b
    sessions list
    sessions list --lang fr --since 2024-01-01
    sessions list --json | jq -r '.[].id'       ids for `sessions export`
    """
    config = load_cli_config(ctx)
    wanted = {code.strip().lower() for part in languages for code in part.split(",") if code.strip()}
    day = since.date() if since else None
    videos = [v for v in archived_videos(config) if _keep(v, wanted, day)]
    if as_json:
        click.echo(json.dumps([_row(v) for v in videos], indent=1, ensure_ascii=False))
        return
    for v in videos:
        click.echo("\t".join([v.id, v.upload_date or "-", v.language or "-", _length(v.duration),
                              " ".join(v.title.split())]))
    click.echo(f"{len(videos)} session(s)", err=True)


def archived_videos(config) -> list[Video]:
    """The sessions, newest first: from the index when it is built (fast), else read from transcripts/."""
    from index.errors import IndexNotBuilt

    try:
        from index.search import SearchIndex

        return SearchIndex(config.paths.index).videos()
    except IndexNotBuilt:
        from archive.store import TranscriptStore

        store = TranscriptStore(config.paths.transcripts)
        videos = []
        for transcript in store.iter_all(on_error=lambda exc: click.echo(f"warning: skipped {exc}", err=True)):
            v = transcript.video
            videos.append(replace(v, language=v.language or transcript.language,
                                  duration=v.duration or transcript.duration))
        return sorted(videos, key=lambda v: (v.upload_date or "", v.title), reverse=True)


def _keep(video: Video, languages: set[str], since: date | None) -> bool:
    if languages and (video.language or "") not in languages:
        return False
    return since is None or bool(video.upload_date and video.upload_date >= since.isoformat())


def _row(video: Video) -> dict:
    return {"id": video.id, "title": video.title, "date": video.upload_date, "language": video.language,
            "duration": video.duration, "chapters": [c.to_dict() for c in video.chapters]}


def _length(seconds: float | None) -> str:
    if not seconds:
        return "-"
    total = int(round(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"
