"""The import rules of docs/ARCHITECTURE.md, read from the source (no module is imported)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# third-party package -> the only modules allowed to import it
WRAPPERS = {
    "yt_dlp": {"ingest/source.py"},
    "faster_whisper": {"ingest/engines/faster_whisper.py"},
    "ctranslate2": {"ingest/engines/faster_whisper.py"},
    "whisper": {"ingest/engines/openai_whisper.py"},
    "torch": {"ingest/engines/openai_whisper.py"},
    "av": {"ingest/audio.py"},
}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def product_modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


@pytest.mark.parametrize("package, forbidden", [
    ("ingest", {"index", "ui", "whoosh", "streamlit"}),
    ("index", {"ui", "yt_dlp", "faster_whisper", "whisper", "torch", "streamlit"}),
])
def test_data_flows_one_way(package, forbidden):
    offenders = {str(p.relative_to(REPO)): sorted(imported_roots(p) & forbidden) for p in product_modules(package)}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_each_external_tool_has_one_wrapper_module():
    for tool, allowed in WRAPPERS.items():
        importers = {
            str(p.relative_to(REPO))
            for package in ("ingest", "index", "ui")
            for p in product_modules(package)
            if tool in imported_roots(p)
        }
        assert importers <= allowed, f"{tool} imported outside its wrapper: {sorted(importers - allowed)}"


def test_whoosh_stays_inside_index():
    importers = {str(p.relative_to(REPO)) for pkg in ("ingest", "ui") for p in product_modules(pkg)
                 if "whoosh" in imported_roots(p)}
    assert importers == set()
