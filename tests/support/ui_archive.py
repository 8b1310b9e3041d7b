"""Small archives for the UI tests: real transcripts (faster-whisper tiny.en on real speech) and
hand-made ones for UI-only cases (a YouTube source, a hostile title), indexed with index.build."""

from __future__ import annotations

import shutil
from pathlib import Path

from archive.records import Transcript, Video
from archive.store import TranscriptStore
from tests.support.media import media


def transcribe_real(audio: Path, model: Path, video: Video) -> Transcript:
    """A real transcription (never faked): tiny.en, greedy, word timestamps."""
    from ingest.engines import TranscribeOptions, load_engine

    engine = load_engine(TranscribeOptions(model=str(model), language="en", beam_size=1, vad=False,
                                           word_timestamps=True))
    result = engine.transcribe(audio)
    assert result.segments, f"no speech recognised in {audio}"
    return Transcript(video=video, transcription=result.info, segments=result.segments)


def local_copy(name: str, folder: Path) -> Path:
    """A recording from ../shared/media copied beside the archive (the player serves it from there)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copyfile(media(name), target)
    return target


def build_archive(root: Path, transcripts: list[Transcript]) -> Path:
    """transcripts/ + index/ + config.toml under `root`; returns the config path for SESSIONS_CONFIG."""
    from index.build import rebuild

    store = TranscriptStore(root / "transcripts")
    for transcript in transcripts:
        store.write(transcript)
    rebuild(store, root / "index")
    config = root / "config.toml"
    config.write_text(
        '[paths]\ntranscripts = "transcripts"\nindex = "index"\naudio = "audio"\nstate = "state"\n'
        '[index]\nlead_in = 2.0\nhits_per_video = 5\nresults_limit = 20\n'
        '[ui]\ntitle = "Session Search (test)"\n',
        encoding="utf-8",
    )
    return config
