"""config.toml → one typed Config whose sections ARE the library's option dataclasses.

[transcribe] is ingest.engines.TranscribeOptions, [ingest] is ingest.run_records.IngestOptions (with
the download source's keys inline), [index] is index.options.SearchOptions; [paths], [channel] and
[ui] are the small classes below. Each builds itself from its table (archive.options.Options.from_dict):
an unknown key or a value of the wrong type is a ConfigError naming the file, the section and the
key, so adding a setting is adding a field. Relative paths resolve against the config file's
folder. `SESSIONS_CONFIG` points at another file (tests use it).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from archive.options import ConfigError, Options
from index.options import SearchOptions
from ingest.engines import TranscribeOptions
from ingest.run_records import IngestOptions

__all__ = ["Config", "ConfigError", "config_path", "load_config", "config_from_dict"]

ENV_VAR = "SESSIONS_CONFIG"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = REPO_ROOT / "config.toml"


@dataclass(frozen=True)
class PathsSection(Options):
    transcripts: Path = Path("transcripts")
    index: Path = Path("data/index")
    audio: Path = Path("data/audio")  # downloads in flight (deleted unless keep_audio)
    state: Path = Path("data/state")  # ingest log, lock
    # Folders the player may serve local recordings from (besides those local ingests recorded).
    media_roots: tuple[Path, ...] = ()


@dataclass(frozen=True)
class ChannelSection(Options):
    # The UCLG Learning channel's tabs; any URL yt-dlp handles, or a local folder, also works.
    urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class UiSection(Options):
    host: str = "127.0.0.1"
    port: int = 8501
    title: str = "UCLG Learning — Session Search"


@dataclass(frozen=True)
class Config:
    path: Path
    paths: PathsSection = field(default_factory=PathsSection)
    channel: ChannelSection = field(default_factory=ChannelSection)
    transcribe: TranscribeOptions = field(default_factory=TranscribeOptions)
    ingest: IngestOptions = field(default_factory=IngestOptions)  # its transcribe and folders wired in
    index: SearchOptions = field(default_factory=SearchOptions)  # defaults of every search
    ui: UiSection = field(default_factory=UiSection)


_SECTIONS: dict[str, type[Options]] = {
    "paths": PathsSection,
    "channel": ChannelSection,
    "transcribe": TranscribeOptions,
    "ingest": IngestOptions,
    "index": SearchOptions,
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
