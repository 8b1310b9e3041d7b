"""Synthetic speech for tests: espeak-ng reads a text in a given voice into a 16 kHz mono WAV.

Real speech audio in any language we need (French, Spanish, English...) without recordings:
Whisper's `base` model transcribes espeak speech well enough to search and to detect its
language. Files are cached by content (text, voice, speed), so a session-scoped fixture
builds each talk once; pass a folder under the test's tmp or under .cache/.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SPEECH_CACHE = REPO / ".cache" / "speech"

# A short talk on a local-government topic, written for these tests (about 40 s at 150 words/min).
FRENCH_TALK = (
    "Bonjour à toutes et à tous, et bienvenue à cette session consacrée à la gestion des déchets "
    "dans les petites municipalités. Aujourd'hui, nous allons voir comment une commune de vingt mille "
    "habitants a réduit de moitié le volume de ses ordures en trois ans. Le conseil municipal a d'abord "
    "consulté les habitants, puis il a installé des points de collecte dans chaque quartier. "
    "Les agents de la mairie ont formé les écoles et les commerçants au tri sélectif. "
    "Enfin, la ville a signé un accord avec la région pour financer un centre de compostage. "
    "Est-ce que ce modèle peut fonctionner ailleurs ? C'est la question que nous poserons à nos invités."
)

ENGLISH_TALK = (
    "Good morning everyone, and welcome to this learning session on participatory budgeting in "
    "intermediary cities. Over the next hour, three mayors will explain how their councils invited "
    "residents to decide how a part of the municipal budget is spent. In the first city, neighbourhood "
    "assemblies met every spring, and each assembly chose two projects, such as street lighting, a "
    "playground or a new water point. In the second city, the council opened an online platform, but it "
    "also kept paper ballots in every market, because many older residents do not use the internet. "
    "The third city started small, with only one district, and it grew the programme year after year. "
    "What did they learn? First, people trust the process when the results are published on time. "
    "Second, the municipal staff need training and time. And third, the budget must be real, even if "
    "it is modest. Let us now hear from our first speaker."
)


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def speak(text: str, voice: str, path: Path | str | None = None, *, speed: int = 150,
          cache: Path | str | None = None) -> Path:
    """`text` read by espeak-ng voice `voice` ("en", "fr", "es") as a 16 kHz mono WAV.

    With `path`, the WAV is written there; otherwise it is cached under `cache` (default
    .cache/speech/) by a digest of text, voice and speed, and reused on the next call.
    Skips the calling test when espeak-ng or ffmpeg is not installed.
    """
    if not espeak_available() or shutil.which("ffmpeg") is None:
        pytest.skip("espeak-ng and ffmpeg are needed for synthetic speech (apt-get install espeak-ng ffmpeg)")
    if path is None:
        key = hashlib.sha256(f"{voice}\n{speed}\n{text}".encode()).hexdigest()[:16]
        path = Path(cache or SPEECH_CACHE) / f"{voice}-{key}.wav"
        if path.is_file():
            return path
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = path.with_name(f".{path.stem}.{os.getpid()}.raw.wav")
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.wav")
    try:
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text],
                       check=True, capture_output=True)
        # espeak writes 22 kHz; Whisper wants 16 kHz mono (and PyAV then needs no resampling).
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(raw),
                        "-ar", "16000", "-ac", "1", str(tmp)], check=True, capture_output=True)
        tmp.replace(path)  # atomic: a parallel test never reads half a file
    finally:
        raw.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    return path
