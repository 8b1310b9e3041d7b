"""Small archives for the UI tests: real transcripts (faster-whisper tiny.en on real speech) and
hand-made ones for UI-only cases (a YouTube source, a hostile title), indexed with index.build."""

from __future__ import annotations

import shutil
from pathlib import Path

from archive.records import Transcript, Video
from archive.store import TranscriptStore
from tests.support.configs import write_config
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


def build_archive(root: Path, transcripts: list[Transcript], *, results_limit: int = 20) -> Path:
    """transcripts/ + index/ + config.toml under `root`; returns the config path for SESSIONS_CONFIG."""
    from index.build import rebuild

    store = TranscriptStore(root / "transcripts")
    for transcript in transcripts:
        store.write(transcript)
    rebuild(store, root / "index")
    return write_config(
        root,
        paths={"transcripts": "transcripts", "index": "index", "audio": "audio", "state": "state",
               "media_roots": ["media"]},
        index={"lead_in": 2.0, "hits_per_video": 5, "results_limit": results_limit},
        ui={"title": "Session Search (test)"},
    )


def long_clip(folder: Path, seconds: int) -> Path:
    """A real video at least `seconds` long (ta_video.mp4 looped with ffmpeg, streams copied), its index
    (moov) first as yt-dlp writes every mp4 (`-movflags +faststart`), so a player starts from the first
    bytes instead of fetching the file's end first."""
    import subprocess

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"talk_{seconds}s.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", str(seconds // 10 + 1), "-i",
                    str(media("ta_video.mp4")), "-c", "copy", "-t", str(seconds), "-movflags", "+faststart", str(target)], check=True)
    return target


def channel_archive(root: Path, sessions: int = 60, minutes: float = 5.0, limit: int = 20) -> Path:
    """A channel-like archive for the page's layout and flow: `sessions` bench.archive sessions (EN/FR/ES
    talk, titles, dates) `minutes` long, each playable from one real local video; returns the config."""
    from dataclasses import replace

    from bench.archive import make_session

    clip = long_clip(root / "media", int(minutes * 60) + 5)
    transcripts = []
    for i in range(sessions):
        t = make_session(i, hours=minutes / 60)
        transcripts.append(replace(t, video=replace(t.video, media_url=str(clip))))
    return build_archive(root, transcripts, results_limit=limit)
