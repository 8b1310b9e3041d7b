"""`sessions siblings ID`: the same session in the archive's other languages."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from ui.cli import domain_errors, load_cli_config


@click.command("siblings")
@click.argument("video_id")
@click.option("--at", "at", type=click.FloatRange(min=0), help="A moment of VIDEO_ID (seconds): where each sibling says it.")
@click.option("--json", "as_json", is_flag=True, help="Print the siblings as JSON.")
@click.pass_context
@domain_errors
def siblings(ctx, video_id: str, at: float | None, as_json: bool) -> None:
    """List the other-language versions of session VIDEO_ID (detected by `sessions index`)."""
    from index.search import SearchIndex

    config = load_cli_config(ctx)
    found = SearchIndex(config.paths.index, meaning=config.meaning).siblings(video_id, at=at)
    if as_json:
        click.echo(json.dumps({"video": video_id, "siblings": [asdict(s) for s in found]},
                              ensure_ascii=False, indent=1, default=str))
        return
    if not found:
        click.echo(f"{video_id}: no sibling session found in another language")
        return
    for s in found:
        when = f" at {s.time:.0f} s" if s.time is not None else ""
        click.echo(f"{s.language or '?'}  {s.video.id}  {s.video.title}  (similarity {s.similarity:.2f}){when}")
        click.echo(f"    {s.link}")
