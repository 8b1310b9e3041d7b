"""Option dataclasses that are also config sections (faster-whisper's style: one class, built from a dict).

A library option class subclasses `Options` (and is a frozen dataclass); `Cls.from_dict(table)`
builds it from a config table, checking every key against the fields and every value against
the field's type. An unknown key, a value of the wrong type or a value `validate` rejects is a
ConfigError naming where it came from (`where`: "FILE: [section]") and the key. So adding a config
key is adding a field. Field markers:
- `not_a_key(default)`: set by the program (a run's choices, parts wired from other sections), never
  read from the table;
- `inline(Cls)`: a nested Options read from the SAME table (e.g. [ingest] holds the download source's
  keys); a key that names a field of both gets the value in both;
- `name_or_path(default)`: text that is a name ("small") or, when it looks like a path, a path resolved
  against the config file's folder.
`X | None` fields take "" for None (TOML has no null). Relative `Path` values, given or default,
resolve against `base` (the config file's folder) when one is passed.

Ranges are declared on the fields with `archive.settings.setting(default, min=…, max=…, choices=…,
pattern=…, check=…)`; `validate()` (called on every construction) checks them, and a class adds
rules that span fields by overriding it (calling super().validate() first). A value out of range
raises `InvalidOption(key, message)`; from_dict turns it into a ConfigError naming the section and key.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from archive import settings
from archive.errors import SessionsError
from archive.settings import setting

_KEY = "options.key"  # metadata: False for a field that is not a config key
_INLINE = "options.inline"
_NAME_OR_PATH = "options.name_or_path"


class ConfigError(SessionsError):
    """A setting that cannot be used; the message names the file, the section and the key."""


class InvalidOption(SessionsError):
    """Raised by an Options class's validate(): `key` holds a value it cannot work with."""

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


def not_a_key(default: Any = dataclasses.MISSING, *, factory: Any = dataclasses.MISSING) -> Any:
    return dataclasses.field(default=default, default_factory=factory, metadata={_KEY: False})


def inline(cls: type) -> Any:
    return dataclasses.field(default_factory=cls, metadata={_INLINE: True})


def name_or_path(default: str, **bounds: Any) -> Any:
    return setting(default, metadata={_NAME_OR_PATH: True}, **bounds)


class Options:
    """Base of the option dataclasses; subclasses are `@dataclass(frozen=True)`."""

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise InvalidOption(key, message) for a value outside its field's range (archive.settings)."""
        for key, problem in settings.problems(self):
            raise InvalidOption(key, problem)

    @classmethod
    def config_keys(cls) -> set[str]:
        """Every key the table of this class may hold (its own fields and those of its inline parts)."""
        keys: set[str] = set()
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.metadata.get(_INLINE):
                keys |= _hints(cls)[f.name].config_keys()
            elif f.metadata.get(_KEY, True):
                keys.add(f.name)
        return keys

    @classmethod
    def from_dict(cls, table: Mapping[str, Any], *, where: str = "", base: Path | None = None, **fixed: Any) -> Self:
        """`cls` from a config table; `fixed` sets fields that are not keys (wired by the program)."""
        prefix = f"{where} " if where else ""
        known = cls.config_keys()
        for key in table:
            if key not in known:
                raise ConfigError(f"{prefix}{key}: unknown key (known: {', '.join(sorted(known))})")
        hints = _hints(cls)
        values: dict[str, Any] = dict(fixed)
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.name in fixed:
                continue
            hint = hints[f.name]
            if f.metadata.get(_INLINE):
                part_keys = hint.config_keys()
                values[f.name] = hint.from_dict({k: v for k, v in table.items() if k in part_keys},
                                                where=where, base=base)
            elif not f.metadata.get(_KEY, True):
                continue
            elif f.name in table:
                values[f.name] = _value(f, hint, table[f.name], f"{prefix}{f.name}", base)
            elif base is not None and hint is Path and isinstance(f.default, Path):
                # Default folders too belong beside the config file, not wherever the command was started.
                values[f.name] = (base / f.default).resolve()
        try:
            return cls(**values)
        except InvalidOption as exc:
            raise ConfigError(f"{prefix}{exc.key}: {exc.message}") from None


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _value(f: dataclasses.Field[Any], hint: Any, value: Any, where: str, base: Path | None) -> Any:
    if _optional(hint) and value == "":
        return None
    value = coerce(hint, value, where, base)
    if f.metadata.get(_NAME_OR_PATH) and base is not None and _looks_like_path(value):
        coerce(Path, value, where)  # a path the OS can name
        return str((base / Path(value).expanduser()).resolve())
    return value


def _optional(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in typing.get_args(hint)


def _looks_like_path(value: str) -> bool:
    """A model given as a folder ("models/base", "./x", "~/m") rather than a name ("small")."""
    return "/" in value or "\\" in value or value.startswith((".", "~"))


def coerce(hint: Any, value: Any, where: str, base: Path | None = None) -> Any:
    """`value` (from TOML) as the type `hint`, or a ConfigError at `where`."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return coerce(options[0], value, where, base)
    if hint is Path:
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}: expected a path (text), got {value!r}")
        if "\x00" in value:  # the OS cannot name it: every later use would be a ValueError
            raise ConfigError(f"{where}: a path cannot contain a NUL character, got {value!r}")
        p = Path(value).expanduser()
        return p if p.is_absolute() or base is None else (base / p).resolve()
    if origin is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
        if typing.get_args(hint)[0] is Path:
            return tuple(coerce(Path, v, where, base) for v in value)
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
    raise ConfigError(f"{where}: unsupported setting type {hint!r}")  # a bug in an options class
