"""The shared real recordings (../shared/media) and their reference texts."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MEDIA = Path(os.environ.get("SESSIONS_TEST_MEDIA", REPO.parent / "shared" / "media"))

REFERENCE = {
    "jfk.flac": "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country.",
    "pv_test_en.wav": "Today only platforms one and three are used.",
    "pv_test_fr.wav": "Les deux autres sont situés au bord de la mer jaune.",
    "pv_test_es.wav": "Un homenaje a que abre era más que necesario.",
}


def media(name: str) -> Path:
    path = MEDIA / name
    if not path.is_file():
        raise FileNotFoundError(f"test recording {path} is missing (expected ../shared/media beside the repo)")
    return path
