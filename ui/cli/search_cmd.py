"""`sessions search QUERY`: search the archive from the terminal (readable text or JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from archive.links import whole_seconds
from archive.text import printable
from ui.cli import domain_errors, load_cli_config


def clock(seconds: float) -> str:
    s = whole_seconds(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


# How a moment that is not a spoken hit is marked apart.
MARKERS = {"meaning": " (meaning)", "chapter": " (chapter)"}


def terminal_snippet(text: str, spans) -> str:
    """The moment's text with its matched words in «»."""
    from index.results import pieces

    return "".join(f"«{piece}»" if marked else piece for piece, marked in pieces(text, spans))


@click.command("search")
@click.argument("query")
@click.option("--lang", "langs", multiple=True, metavar="CODE", help="Only sessions in this language (repeatable): en, fr, es.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Uploaded on or after YYYY-MM-DD.")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), help="Uploaded on or before YYYY-MM-DD.")
@click.option("--video", "videos", multiple=True, metavar="ID", help="Only this video id (repeatable).")
@click.option("--title", default="", help="Words that must appear in the session title.")
@click.option("--sort", type=click.Choice(["relevance", "date", "date-asc"]), default="relevance", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), help="Sessions to show (default: [index] results_limit).")
@click.option("--hits", "hits_per_video", type=click.IntRange(min=1), help="Moments per session (default: [index] hits_per_video).")
@click.option("--mode", type=click.Choice(["words", "meaning", "both"]), default="both", show_default=True,
              help="words: what was said; meaning: passages close in meaning, in any language; both: fused.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
@domain_errors
def search(ctx, query, langs, since, until, videos, title, sort, limit, hits_per_video, mode, as_json) -> None:
    """Find the moments where QUERY was said.

    QUERY syntax: words (all must match), "exact phrase", OR, NOT / -word, (grouping),
    word~ (fuzzy), pref* (prefix). See the README for details. Quoted phrases and operators are
    matched exactly (in --mode both they get no meaning hits).
    """
    from dataclasses import replace

    from index.results import SearchFilters
    from index.search import SearchIndex

    config = load_cli_config(ctx)
    filters = SearchFilters(
        languages=tuple(langs),
        since=since.date() if since else None,
        until=until.date() if until else None,
        video_ids=tuple(videos),
        title=title,
    )
    # [index] is the search's options: the command line's choices go on top.
    options = replace(config.index, query=query, filters=filters, sort=sort, mode=mode,
                      results_limit=limit or config.index.results_limit,
                      hits_per_video=hits_per_video or config.index.hits_per_video)
    result = SearchIndex(config.paths.index, meaning=config.meaning).search(options)
    if as_json:
        click.echo(json.dumps(asdict(result), ensure_ascii=False, indent=1, default=str))
        return
    if result.notice:
        click.echo(f"note: {result.notice}")
    click.echo(f"{result.total_videos} session(s), {result.total_hits} passage(s) for {query!r} "
               f"({result.elapsed:.2f} s)")
    for n, hits in enumerate(result.videos, 1):
        v = hits.video
        details = [v.upload_date or "date unknown", hits.language or "?"]
        if hits.duration:
            details.append(clock(hits.duration))
        details.append(f"{hits.hit_count} hit{'s' if hits.hit_count != 1 else ''}")
        # Stored titles and text may hold escape sequences a terminal would obey.
        click.echo(f"\n{n}. {printable(v.title or v.id)}  ({printable(' · '.join(details))})")
        if set(hits.matched_in) - {"chapter"}:
            click.echo(f"   matches in its {' and '.join(f for f in hits.matched_in if f != 'chapter')}")
        for m in hits.moments:
            marker = MARKERS.get(m.matched, "")
            click.echo(printable(f"   [{clock(m.word_time)}]{marker} {terminal_snippet(m.text, m.spans)}"))
            if m.link:
                click.echo(f"              {m.link}")
        if hits.siblings:
            also = " · ".join(f"{s.language or '?'}: {s.video.title or s.video.id} {s.link}" for s in hits.siblings)
            click.echo(printable(f"   also in: {also}"))
    for s in result.suggestions:
        click.echo(f"\ndid you mean: {printable(s)}")
