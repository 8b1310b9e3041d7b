"""Reading audio out of media files: the one module that imports PyAV.

Both engines get their audio from `load_audio`, so every recording is checked the same way
before any model sees it: a missing file, a file that is not media, a media file without
sound and a recording whose decoded audio is much shorter than its container claims
(a corrupt stream that decoders silently cut short) are each reported by name instead of
becoming an empty or truncated transcript.
"""

from __future__ import annotations

import gc
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.errors import DamagedMedia, MediaNotFound, NotMedia

SAMPLE_RATE = 16000  # what every Whisper model expects: 16 kHz mono float32
# A recording is damaged when decoding yields less than this share of the announced length,
# and the gap is longer than DAMAGE_MIN_GAP seconds (container durations are a little loose).
DAMAGE_RATIO = 0.9
DAMAGE_MIN_GAP = 1.0
_FRAME_GROUP = 500_000  # samples resampled at once: bounds the resampler's working memory


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # float32, mono, SAMPLE_RATE
    declared_duration: float | None  # what the container/stream header says, seconds

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def probe_duration(path: Path | str) -> float | None:
    """The audio length the file announces (stream header, else container), without decoding."""
    import av

    path = _existing(path)
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            stream = _audio_stream(container, path)
            return _declared_duration(container, stream)
    except av.error.FFmpegError as exc:
        raise NotMedia(path, f"not an audio or video file ({_reason(exc)})") from exc


def load_audio(path: Path | str) -> Audio:
    """Decode the first audio stream to 16 kHz mono float32; raises the errors named above."""
    import av

    path = _existing(path)
    resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            stream = _audio_stream(container, path)
            declared = _declared_duration(container, stream)
            frames = _skip_invalid_frames(container.decode(stream))
            for frame in _resample(_grouped(frames), resampler):
                chunks.append(frame.to_ndarray().reshape(-1).copy())
    except av.error.FFmpegError as exc:
        if not chunks:
            raise NotMedia(path, f"not an audio or video file ({_reason(exc)})") from exc
        raise DamagedMedia(path, f"decoding stopped after {_seconds(chunks):.1f} s: {_reason(exc)}") from exc
    finally:
        # PyAV's resampler keeps buffers alive until a collection runs (faster-whisper #390).
        del resampler
        gc.collect()
    # Step by step, dropping each stage: a 2-hour recording is 230 MB as int16, 460 MB as float32.
    pcm = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
    chunks.clear()
    samples = pcm.astype(np.float32)
    del pcm
    samples /= 32768.0
    audio = Audio(samples=samples, declared_duration=declared)
    check_complete(path, audio)
    return audio


def check_complete(path: Path, audio: Audio) -> None:
    """DamagedMedia when the decoded audio is much shorter than the file says it is."""
    declared = audio.declared_duration
    if declared is None or declared <= 0:
        if audio.duration == 0:
            raise DamagedMedia(path, "no audio could be decoded")
        return
    missing = declared - audio.duration
    if audio.duration < declared * DAMAGE_RATIO and missing > DAMAGE_MIN_GAP:
        raise DamagedMedia(
            path, f"only {audio.duration:.2f} s of audio decoded but the file says {declared:.1f} s"
        )


# -- helpers --------------------------------------------------------------------------------


def _existing(path: Path | str) -> Path:
    path = Path(path)
    if not path.exists():
        raise MediaNotFound(path)
    if not path.is_file():
        raise NotMedia(path, "is a folder, not an audio or video file")
    return path


def _audio_stream(container, path: Path):
    streams = container.streams.audio
    if not streams:
        raise NotMedia(path, "has no audio stream")
    return streams[0]


def _declared_duration(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000  # av.time_base
    return None


def _skip_invalid_frames(frames):
    # A few bad packets in a long recording are tolerated; what they cost is caught by
    # check_complete when it adds up to a real loss.
    import av

    iterator = iter(frames)
    while True:
        try:
            yield next(iterator)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            continue


def _grouped(frames):
    import av

    fifo = av.audio.fifo.AudioFifo()
    for frame in frames:
        frame.pts = None  # the fifo rejects timestamp gaps, which damaged files have
        fifo.write(frame)
        if fifo.samples >= _FRAME_GROUP:
            yield fifo.read()
    if fifo.samples > 0:
        yield fifo.read()


def _resample(frames, resampler):
    for frame in itertools.chain(frames, [None]):  # None flushes the resampler
        yield from resampler.resample(frame)


def _seconds(chunks: list[np.ndarray]) -> float:
    return sum(len(c) for c in chunks) / SAMPLE_RATE


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)
