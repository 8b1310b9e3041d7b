"""config.toml → one typed Config.

Every section is a frozen dataclass; the loader checks each key against the dataclass
fields: an unknown key or a value of the wrong type is a ConfigError naming the file,
the section and the key. Relative paths resolve against the config file's folder.
`SESSIONS_CONFIG` points at another file (tests use it).
"""

from __future__ import annotations

import os
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from archive.errors import SessionsError
from ingest.engines import TranscribeOptions

ENV_VAR = "SESSIONS_CONFIG"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = REPO_ROOT / "config.toml"


class ConfigError(SessionsError):
    pass


@dataclass(frozen=True)
class PathsSection:
    transcripts: Path = Path("transcripts")
    index: Path = Path("data/index")
    audio: Path = Path("data/audio")  # downloads in flight (deleted unless keep_audio)
    state: Path = Path("data/state")  # ingest log, lock
    # Folders the player may serve local recordings from (besides those local ingests recorded).
    media_roots: tuple[Path, ...] = ()


@dataclass(frozen=True)
class ChannelSection:
    # The UCLG Learning channel's tabs; any URL yt-dlp handles, or a local folder, also works.
    urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class IngestSection:
    keep_audio: bool = False
    sleep_interval: float = 0.0  # seconds between downloads (min of a random range)
    max_sleep_interval: float = 0.0
    sleep_requests: float = 0.0  # seconds between metadata requests
    rate_limit: str = ""  # bytes/s for downloads, e.g. "2M"; "" = unlimited
    cookies_file: str = ""  # Netscape cookies.txt for YouTube's bot checks
    retries: int = 5  # transient failures (timeouts, 429, 5xx) per video
    retry_backoff: float = 2.0  # seconds, doubled on each retry
    audio_format: str = "bestaudio/best"


@dataclass(frozen=True)
class IndexSection:
    lead_in: float = 2.0  # seconds played before the first matched word
    hits_per_video: int = 5
    results_limit: int = 20


@dataclass(frozen=True)
class UiSection:
    host: str = "127.0.0.1"
    port: int = 8501
    title: str = "UCLG Learning — Session Search"


@dataclass(frozen=True)
class Config:
    path: Path
    paths: PathsSection = field(default_factory=PathsSection)
    channel: ChannelSection = field(default_factory=ChannelSection)
    transcribe: TranscribeOptions = field(default_factory=TranscribeOptions)
    ingest: IngestSection = field(default_factory=IngestSection)
    index: IndexSection = field(default_factory=IndexSection)
    ui: UiSection = field(default_factory=UiSection)


_SECTIONS: dict[str, type] = {
    "paths": PathsSection,
    "channel": ChannelSection,
    "transcribe": TranscribeOptions,
    "ingest": IngestSection,
    "index": IndexSection,
    "ui": UiSection,
}
# Values that mean "not set" in TOML, which has no null.
_OPTIONAL_EMPTY = {("transcribe", "language")}


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
        sections[name] = _build_section(cls, name, table, path)
    return Config(path=path, **sections)


def _build_section(cls: type, section: str, table: dict[str, Any], path: Path) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{path}: [{section}] {key}"
        if key not in known:
            raise ConfigError(f"{where}: unknown key (known: {', '.join(sorted(known))})")
        if (section, key) in _OPTIONAL_EMPTY and value == "":
            values[key] = None
            continue
        values[key] = _coerce(hints[key], value, where, path.parent)
        if (section, key) == ("transcribe", "model") and _looks_like_path(value):
            values[key] = str((path.parent / Path(value).expanduser()).resolve())
    # Default folders too belong beside the config file, not wherever the command was started.
    for f in fields(cls):
        if f.name not in values and hints[f.name] is Path and isinstance(f.default, Path):
            values[f.name] = (path.parent / f.default).resolve()
    return cls(**values)


def _looks_like_path(value: str) -> bool:
    """A model given as a folder ("models/base", "./x", "~/m") rather than a name ("small")."""
    return "/" in value or "\\" in value or value.startswith((".", "~"))


def _coerce(hint: Any, value: Any, where: str, base: Path) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _coerce(options[0], value, where, base)
    if hint is Path:
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}: expected a path (text), got {value!r}")
        p = Path(value).expanduser()
        return p if p.is_absolute() else (base / p).resolve()
    if origin is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
        if typing.get_args(hint)[0] is Path:
            return tuple(_coerce(Path, v, where, base) for v in value)
        return tuple(value)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected a whole number, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected text, got {value!r}")
        return value
    raise ConfigError(f"{where}: unsupported setting type {hint!r}")  # a bug in a section class
