"""Things the app keeps across reruns and sessions: config, the open index, transcripts.

`st.cache_resource` shares one SearchIndex (and its searcher) between every browser session;
a missing index raises IndexNotBuilt, which is not cached, so the app notices when one appears.
"""

from __future__ import annotations

import gc
import logging
import threading
from pathlib import Path

import streamlit as st

from archive.records import Transcript
from archive.store import TranscriptStore
from ui.config import Config, config_path, load_config

log = logging.getLogger("sessions.ui")


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

    index = SearchIndex(Path(index_dir), meaning=meaning)
    # The default mode searches by meaning too: load the vectors while the visitor types, not after Enter.
    threading.Thread(target=_warm, args=(index,), name="warm-meaning-search", daemon=True).start()
    return index


_frozen = False


def _warm(index) -> None:
    try:
        index.warm()
    except Exception:  # a failing encoder or damaged vectors: the search itself will say so
        log.warning("could not load the meaning vectors ahead of the first search", exc_info=True)
    # The open index holds long-lived containers of millions of entries (its vocabulary, session
    # tables, the encoder) that each of Python's full collections would walk again: 60-90 ms with
    # the server's messages waiting, every few searches on the bench archive. Frozen, they are left
    # out. Once per process: a server opens one index; what is frozen is never collected.
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()


def search(cfg: Config, options):
    """`SearchIndex.search(options)`, shared by every visitor: the same search (a shared link, Back,
    "show more" back to a page already seen, a popular query) is answered from memory until the
    index or its meaning vectors change on disk."""
    return _search(str(cfg.paths.index), _index_stamp(cfg.paths.index), repr(options), cfg.meaning,
                   search_index(cfg), options)


def _index_stamp(index_dir: Path) -> tuple:
    """Changes whenever the index does: a rebuild swaps the folder (a new inode), an update or new
    meaning vectors add files (a new mtime). A missing index stamps as None (the search then says so)."""
    from index.vectors import meaning_dir

    stamps = []
    for folder in (Path(index_dir), meaning_dir(Path(index_dir))):
        try:
            info = folder.stat()
            stamps.append((info.st_ino, info.st_mtime_ns))
        except OSError:
            stamps.append(None)
    return tuple(stamps)


@st.cache_resource(show_spinner=False, max_entries=256, ttl=3600)
def _search(index_dir: str, stamp: tuple, options_key: str, meaning, _index, _options):
    return _index.search(_options)


def media_roots(cfg: Config) -> tuple[Path, ...]:
    """Folders the player may serve local recordings from: configured, plus those ingests recorded."""
    from archive.media_roots import recorded_media_roots

    return tuple(cfg.paths.media_roots) + recorded_media_roots(cfg.paths.state)


def media(path: str) -> bytes | str:
    """A local recording's bytes for st.video, read once per file version: given a path, Streamlit
    reads the whole file (a 1.5 h talk is ~130 MB) on every run that shows the player. The bytes are
    the very object Streamlit's media store keeps, so caching them costs no second copy."""
    try:
        info = Path(path).stat()
    except OSError:
        return path  # gone since it was checked: st.video says so
    return _media(path, info.st_mtime_ns, info.st_size)


@st.cache_resource(show_spinner=False, max_entries=4)
def _media(path: str, stamp: int, size: int) -> bytes:
    return Path(path).read_bytes()


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
    return _archive_summary(str(cfg.paths.index), cfg.meaning)


@st.cache_resource(show_spinner=False, ttl=30)
def _archive_summary(index_dir: str, meaning=None):
    index = _search_index(index_dir, meaning)  # the same open index the searches use
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
