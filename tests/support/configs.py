"""config.toml files for tests, written from Python values instead of hand-typed TOML.

    write_config(tmp_path, paths={"transcripts": "transcripts", "index": "index"}, index={"lead_in": 1.0})

Only tests of the loader itself (tests/test_config.py) write raw TOML: they test how text is read.
"""

from __future__ import annotations

import json
from pathlib import Path

# The archive layout most tests use: transcripts/ and index/ beside the config file.
ARCHIVE = {"transcripts": "transcripts", "index": "index"}


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str | Path):
        return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r} in a test config")


def config_text(**sections: dict[str, object]) -> str:
    lines = []
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines.extend(f"{key} = {toml_value(value)}" for key, value in values.items())
        lines.append("")
    return "\n".join(lines)


def write_config(folder: Path, *, name: str = "config.toml", **sections: dict[str, object]) -> Path:
    """`folder/name` holding `sections` ({section: {key: value}}); returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(config_text(**sections), encoding="utf-8")
    return path
