"""config.toml → one typed Config whose sections ARE the library's option dataclasses.

[transcribe] is ingest.engines.TranscribeOptions, [ingest] is ingest.run_records.IngestOptions (with
the download source's keys inline), [index] is index.options.SearchOptions; [paths], [channel] and
[ui] are the small classes below. Each builds itself from its table (archive.options.Options.from_dict):
an unknown key, a value of the wrong type or one outside its field's range (archive.settings) is a
ConfigError naming the file, the section and the key, so adding a setting is adding a field. Relative paths resolve against the config file's
folder. `SESSIONS_CONFIG` points at another file (tests use it).
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from archive.options import ConfigError, Options
from archive.settings import setting
from index.encoders import MeaningOptions
from index.options import SearchOptions
from ingest.engines import TranscribeOptions
from ingest.run_records import IngestOptions
from ingest.source import url_problem

__all__ = ["Config", "ConfigError", "config_path", "load_config", "config_from_dict"]

ENV_VAR = "SESSIONS_CONFIG"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = REPO_ROOT / "config.toml"


# -- rules for values (archive.settings ranges, checked whenever a section is made) ----------
def folder_problem(path: Path) -> str | None:
    """A folder setting naming an existing file (or something else that is no folder)."""
    return f"{path} is a file, not a folder" if path.exists() and not path.is_dir() else None


def host_problem(host: str) -> str | None:
    """An address the UI server can bind: an IP address or a host name (RFC 1123 labels)."""
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    if host and len(host) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in labels):
        return None
    return f"{host!r} is not an IP address or a host name (e.g. 127.0.0.1, localhost)"


def source_problem(url: str) -> str | None:
    if not url.strip():
        return "an empty entry"
    return f"not a valid URL: {problem}" if "://" in url and (problem := url_problem(url)) else None


def _title_problem(title: str) -> str | None:
    return "must not be empty" if not title.strip() else ("is longer than 200 characters" if len(title) > 200 else None)


_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


@dataclass(frozen=True)
class PathsSection(Options):
    transcripts: Path = setting(Path("transcripts"), check=folder_problem)
    index: Path = setting(Path("data/index"), check=folder_problem)
    audio: Path = setting(Path("data/audio"), check=folder_problem)  # downloads in flight (deleted unless keep_audio)
    state: Path = setting(Path("data/state"), check=folder_problem)  # ingest log, lock
    # Folders the player may serve local recordings from (besides those local ingests recorded).
    media_roots: tuple[Path, ...] = setting((), check=folder_problem)


@dataclass(frozen=True)
class ChannelSection(Options):
    # The UCLG Learning channel's tabs; any URL yt-dlp handles, or a local folder, also works.
    urls: tuple[str, ...] = setting((), check=source_problem)


@dataclass(frozen=True)
class UiSection(Options):
    host: str = setting("127.0.0.1", check=host_problem)
    port: int = setting(8501, min=1, max=65535)
    title: str = setting("UCLG Learning — Session Search", check=_title_problem)


@dataclass(frozen=True)
class Config:
    path: Path
    paths: PathsSection = field(default_factory=PathsSection)
    channel: ChannelSection = field(default_factory=ChannelSection)
    transcribe: TranscribeOptions = field(default_factory=TranscribeOptions)
    ingest: IngestOptions = field(default_factory=IngestOptions)  # its transcribe and folders wired in
    index: SearchOptions = field(default_factory=SearchOptions)  # defaults of every search
    meaning: MeaningOptions = field(default_factory=MeaningOptions)  # search by meaning, siblings
    ui: UiSection = field(default_factory=UiSection)


_SECTIONS: dict[str, type[Options]] = {
    "paths": PathsSection,
    "channel": ChannelSection,
    "transcribe": TranscribeOptions,
    "ingest": IngestOptions,
    "index": SearchOptions,
    "meaning": MeaningOptions,
    "ui": UiSection,
}


def config_path(explicit: Path | str | None = None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else DEFAULT_PATH


def load_config(path: Path | str | None = None) -> Config:
    """Load and validate the config file (explicit path, else $SESSIONS_CONFIG, else ./config.toml)."""
    path = config_path(path).resolve()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: config file not found (set {ENV_VAR} or create it)") from exc
    except OSError as exc:  # a folder, no permission
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except RecursionError as exc:  # tomllib recurses per nesting level of an array or table
        raise ConfigError(f"{path}: not valid TOML: nested too deeply") from exc
    return config_from_dict(raw, path)


def config_from_dict(raw: dict[str, Any], path: Path) -> Config:
    unknown = set(raw) - set(_SECTIONS)
    if unknown:
        raise ConfigError(f"{path}: unknown section [{sorted(unknown)[0]}] (known: {', '.join(_SECTIONS)})")
    sections: dict[str, Any] = {}
    for name, cls in _SECTIONS.items():
        table = raw.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: '{name}' must be a table [{name}]")
        sections[name] = cls.from_dict(table, where=f"{path}: [{name}]", base=path.parent)
    paths = sections["paths"]
    # An ingest run needs the transcription options and the folders too: the same objects, not copies.
    sections["ingest"] = replace(sections["ingest"], transcribe=sections["transcribe"],
                                 audio_dir=paths.audio, state_dir=paths.state)
    return Config(path=path, **sections)
