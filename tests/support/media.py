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


def with_chapters(name: str, target: Path, chapters: list[tuple[float, float, str]]) -> Path:
    """A shared recording as an m4a (AAC) carrying real chapter marks [(start s, end s, title)], made by
    ffmpeg from an ffmetadata file's [CHAPTER] sections."""
    import subprocess

    meta = [";FFMETADATA1"]
    for start, end, title in chapters:
        escaped = "".join("\\" + c if c in "=;#\\\n" else c for c in title)
        meta += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={int(start * 1000)}", f"END={int(end * 1000)}",
                 f"title={escaped}"]
    target.parent.mkdir(parents=True, exist_ok=True)
    meta_file = target.with_name(target.name + ".ffmeta")
    meta_file.write_text("\n".join(meta) + "\n", encoding="utf-8")
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(media(name)), "-i", str(meta_file),
                    "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1", "-ac", "1", "-ar", "16000",
                    "-c:a", "aac", "-b:a", "48k", "-f", "mp4", str(target)], check=True, timeout=120)
    meta_file.unlink()
    return target
