"""Keep the meaning vectors in line with the Whoosh index (called by index.build).

The words index is the reference: a video has usable vectors when its vector file carries the
checksum the index holds for it. `sync` embeds every indexed video that lacks them and drops
files of videos the index no longer has, so whatever a crash interrupted, the next
`sessions index` completes. Embedding happens outside the Whoosh writer lock.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from archive.errors import CorruptTranscript
from archive.store import TranscriptStore
from index import vectors as V
from index.encoders import Encoder, MeaningOptions, cached_encoder
from index.vectors import meaning_dir

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], None]

__all__ = ["meaning_dir", "prepare", "store", "sync", "refresh_siblings"]


def prepare(index_dir: Path, options: MeaningOptions | None, check: bool = True) -> Encoder | None:
    """The encoder to embed with (None: meaning disabled); EncoderMismatch when `check` fails."""
    if options is None or not options.enabled:
        return None
    encoder = cached_encoder(options)
    if check:
        V.check_encoder(meaning_dir(index_dir), encoder.info)
    return encoder


def store(index_dir: Path, vectors: V.VideoVectors) -> None:
    folder = meaning_dir(index_dir)
    V.check_encoder(folder, vectors.encoder)
    V.claim(folder, vectors.encoder)
    V.write(folder, vectors)


def sync(ix, index_dir: Path, transcripts: TranscriptStore, encoder: Encoder,
         on_progress: ProgressCallback | None = None, reuse_from: Path | None = None) -> tuple[tuple[str, ...], int]:
    """Bring <index_dir>/meaning in line with the index `ix`: (embedded video ids, files reused)."""
    from index.build import indexed_sources

    folder = meaning_dir(index_dir)
    V.check_encoder(folder, encoder.info)
    V.claim(folder, encoder.info)
    wanted = {vid: (source, checksum) for source, (vid, checksum) in indexed_sources(ix).items()}
    have = V.stored(folder)
    for vid in sorted(set(have) - set(wanted)):
        have[vid][0].unlink(missing_ok=True)
    todo = sorted(vid for vid in wanted if have.get(vid, (None, None))[1] != wanted[vid][1])

    reused = 0
    if reuse_from is not None and Path(reuse_from).resolve() != folder.resolve() \
            and V.stored_encoder(reuse_from) == encoder.info:
        old = V.stored(reuse_from)
        for vid in list(todo):
            if vid in old and old[vid][1] == wanted[vid][1]:
                shutil.copyfile(old[vid][0], V.file_for(folder, vid))
                todo.remove(vid)
                reused += 1

    embedded = []
    for done, vid in enumerate(todo, 1):
        source, checksum = wanted[vid]
        path = Path(transcripts.root) / source
        try:
            if TranscriptStore.checksum(path) != checksum:
                continue  # changed since it was indexed: the next update re-indexes and embeds it
            transcript = TranscriptStore.read_path(path)
        except (CorruptTranscript, FileNotFoundError, OSError) as exc:
            log.warning("not embedding %s: %s", source, exc)
            continue
        V.write(folder, V.embed_transcript(transcript, checksum, encoder))
        embedded.append(vid)
        if on_progress:
            on_progress(done, len(todo), source)
    refresh_siblings(ix, index_dir)
    return tuple(embedded), reused


def refresh_siblings(ix, index_dir: Path) -> None:
    from index.build import indexed_videos
    from index.siblings import detect, write_siblings

    write_siblings(meaning_dir(index_dir), detect(meaning_dir(index_dir), indexed_videos(ix)))
