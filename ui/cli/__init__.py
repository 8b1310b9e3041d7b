"""The `sessions` command. The only place domain errors become messages and exit codes.

Subcommands live in their own modules under ui/cli/ and are imported only when run, so
`sessions --help` and light commands start without loading Whisper, yt-dlp or Whoosh.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from archive.errors import SessionsError

EXIT_OK = 0
EXIT_FAILED = 1  # the command ran but something it was asked to do failed (named on stderr)
EXIT_USAGE = 2  # click's code for bad arguments

# command name -> "module:attribute"
COMMANDS = {
    "ingest": "ui.cli.ingest_cmd:ingest",
    "transcribe": "ui.cli.transcribe_cmd:transcribe",
    "index": "ui.cli.index_cmd:index",
    "search": "ui.cli.search_cmd:search",
    "siblings": "ui.cli.siblings_cmd:siblings",
    "export": "ui.cli.export_cmd:export",
    "list": "ui.cli.list_cmd:list_sessions",
    "status": "ui.cli.status_cmd:status",
    "serve": "ui.cli.serve_cmd:serve",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)


@click.group(cls=LazyGroup)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    envvar="SESSIONS_CONFIG",
    help="Config file (default: config.toml at the project root; env SESSIONS_CONFIG).",
)
@click.option("-v", "--verbose", count=True,
              help="Show what happens as log lines on stderr (-v: info, -vv: debug, yt-dlp's messages too).")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
              help="Append the log lines (with times) to this file, whatever -v says.")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None, verbose: int, log_file: Path | None) -> None:
    """Session Search: a searchable archive of UCLG Learning's recorded sessions.

    Typical use: `sessions ingest` (new videos of the channel → transcripts → index),
    then `sessions serve` (the search UI) or `sessions search "peer learning"`.
    """
    from ui.cli.logs import setup_logging, stop_logging

    ctx.ensure_object(dict)
    ctx.obj["config_file"] = config_file
    try:
        setup_logging(verbose, log_file)
    except OSError as exc:
        raise click.BadParameter(f"cannot write {log_file}: {exc.strerror or exc}", param_hint="--log-file") from None
    ctx.call_on_close(stop_logging)


def load_cli_config(ctx: click.Context):
    """The Config for this invocation (loaded once per command)."""
    from ui.config import load_config

    root = ctx.find_root()
    root.ensure_object(dict)
    if "config" not in root.obj:
        root.obj["config"] = load_config(root.obj.get("config_file"))
    return root.obj["config"]


def domain_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our exceptions into one clear line on stderr and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SessionsError as exc:
            click.echo(f"error: {exc}", err=True)
            raise SystemExit(EXIT_FAILED) from None

    return wrapper


def main() -> None:
    cli(prog_name="sessions")
