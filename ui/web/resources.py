"""Things the app keeps across reruns and sessions: config, the open index, transcripts.

`st.cache_resource` shares one SearchIndex (and its searcher) between every browser session;
a missing index raises IndexNotBuilt, which is not cached, so the app notices when one appears.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from archive.records import Transcript
from archive.store import TranscriptStore
from ui.config import Config, config_path, load_config


def config() -> Config:
    return _config(str(config_path().resolve()))


@st.cache_resource(show_spinner=False)
def _config(path: str) -> Config:
    return load_config(path)


def search_index(cfg: Config):
    return _search_index(str(cfg.paths.index), cfg.meaning)


@st.cache_resource(show_spinner=False)
def _search_index(index_dir: str, meaning=None):
    from index.search import SearchIndex  # Whoosh loads here, once per process

    return SearchIndex(Path(index_dir), meaning=meaning)


def media_roots(cfg: Config) -> tuple[Path, ...]:
    """Folders the player may serve local recordings from: configured, plus those ingests recorded."""
    from archive.media_roots import recorded_media_roots

    return tuple(cfg.paths.media_roots) + recorded_media_roots(cfg.paths.state)


def store(cfg: Config) -> TranscriptStore:
    return TranscriptStore(cfg.paths.transcripts)


def _file_stamp(cfg: Config, video_id: str) -> int:
    """The transcript file's version for cache keys (0 when missing)."""
    path = store(cfg).path_for(video_id)
    return path.stat().st_mtime_ns if path.is_file() else 0


def transcript(cfg: Config, video_id: str) -> Transcript:
    """The full transcript of one session; re-read only when its file changes."""
    return _transcript(str(cfg.paths.transcripts), video_id, _file_stamp(cfg, video_id))


@st.cache_resource(show_spinner=False, max_entries=32)
def _transcript(root: str, video_id: str, stamp: int) -> Transcript:
    return TranscriptStore(root).read(video_id)


def archive_summary(cfg: Config):
    """(ArchiveStats, videos) of the index; recomputed at most every 30 s, so new ingests show up."""
    return _archive_summary(str(cfg.paths.index))


@st.cache_resource(show_spinner=False, ttl=30)
def _archive_summary(index_dir: str):
    index = _search_index(index_dir)
    return index.stats(), list(index.videos())


def store_summary(cfg: Config):
    """(ArchiveStats, videos) read from transcripts/ itself: the overview while the index is damaged."""
    return _store_summary(str(cfg.paths.transcripts))


@st.cache_resource(show_spinner=False, ttl=30)
def _store_summary(root: str):
    from collections import Counter

    from index.results import ArchiveStats

    transcripts = list(TranscriptStore(root).iter_all(on_error=lambda _exc: None))
    languages = Counter(t.language or "unknown" for t in transcripts)
    dates = sorted(d for t in transcripts if (d := t.video.upload_date))
    stats = ArchiveStats(
        videos=len(transcripts),
        hours=sum(t.duration or 0 for t in transcripts) / 3600,
        segments=sum(len(t.segments) for t in transcripts),
        languages=dict(sorted(languages.items())),
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
    )
    return stats, [t.video for t in transcripts]


def captions(cfg: Config, video_id: str) -> bytes:
    """The session's transcript as WebVTT captions for the player; made once per transcript version."""
    return _captions(str(cfg.paths.transcripts), video_id, _file_stamp(cfg, video_id))


@st.cache_resource(show_spinner=False, max_entries=32)
def _captions(root: str, video_id: str, stamp: int) -> bytes:
    from archive.export import export_bytes

    return export_bytes(_transcript(root, video_id, stamp), "vtt")
