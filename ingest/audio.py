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
            return _declared_duration(container, stream, path)
    except av.error.FFmpegError as exc:
        raise NotMedia(path, f"not an audio or video file ({_reason(exc)})") from exc


def file_chapters(path: Path | str, timeout: float | None = None) -> list[tuple[float, float | None, str]]:
    """The chapter marks a media file (or an http(s) URL of one) holds (mp4/m4a/mkv chapters):
    [(start s, end s, title)]. `timeout`: seconds to wait for a URL's server.

    Chapters are an extra: a file PyAV cannot open or read them from has none (decoding reports
    what is wrong with it).
    """
    import av

    try:
        with av.open(str(path), mode="r", metadata_errors="ignore", timeout=timeout) as container:
            marks = container.chapters() if hasattr(container, "chapters") else []
    except (av.error.FFmpegError, OSError, ValueError):
        return []
    out = []
    for mark in marks:
        try:
            base = mark["time_base"]
            start = float(mark["start"] * base)
            end = float(mark["end"] * base) if mark.get("end") is not None else None
        except (KeyError, TypeError, ValueError, ZeroDivisionError, OverflowError):
            continue
        out.append((start, end, str((mark.get("metadata") or {}).get("title") or "")))
    return out


def load_audio(path: Path | str) -> Audio:
    """Decode the first audio stream to 16 kHz mono float32; raises the errors named above.

    Holds the whole recording (460 MB for 2 hours): engines stream it with `stream_audio`.
    """
    stream = stream_audio(path)
    blocks = list(stream)
    samples = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
    blocks.clear()
    return Audio(samples=samples, declared_duration=stream.declared_duration)


class AudioStream:
    """The first audio stream of a file as consecutive float32 blocks (16 kHz mono), decoded lazily.

    Iterating decodes; at most one block (~`block_seconds`) plus PyAV's buffers is held at a time,
    so memory does not grow with the recording's length. The same checks as `load_audio` run:
    NotMedia on the first block, DamagedMedia after the last one when much is missing.
    """

    def __init__(self, path: Path | str, block_seconds: float = 30.0):
        self.path = _existing(path)
        self.block_samples = max(int(block_seconds * SAMPLE_RATE), 1)
        self.declared_duration: float | None = probe_duration(self.path)
        self.decoded_samples = 0

    @property
    def decoded_seconds(self) -> float:
        return self.decoded_samples / SAMPLE_RATE

    def __iter__(self):
        import av

        path = self.path
        self.decoded_samples = 0
        resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        try:
            with av.open(str(path), mode="r", metadata_errors="ignore") as container:
                stream = _audio_stream(container, path)
                frames = _skip_invalid_frames(container.decode(stream))
                pending: list[np.ndarray] = []
                held = 0
                for frame in _resample(_grouped(frames, self.block_samples), resampler):
                    pcm = frame.to_ndarray().reshape(-1)
                    pending.append(pcm)
                    held += len(pcm)
                    while held >= self.block_samples:
                        block, pending, held = _take(pending, self.block_samples)
                        self.decoded_samples += len(block)
                        yield _to_float(block)
                if held:
                    block, pending, held = _take(pending, held)
                    self.decoded_samples += len(block)
                    yield _to_float(block)
        except av.error.FFmpegError as exc:
            if not self.decoded_samples:
                raise NotMedia(path, f"not an audio or video file ({_reason(exc)})") from exc
            raise DamagedMedia(path, f"decoding stopped after {self.decoded_seconds:.1f} s: {_reason(exc)}") from exc
        finally:
            # PyAV's resampler keeps buffers alive until a collection runs (faster-whisper #390).
            del resampler
            gc.collect()
        check_complete(path, Audio(np.zeros(0, np.float32), self.declared_duration), self.decoded_seconds)


def stream_audio(path: Path | str, block_seconds: float = 30.0) -> AudioStream:
    """`path` as an AudioStream of `block_seconds` blocks; NotMedia/MediaNotFound at once if unreadable."""
    return AudioStream(path, block_seconds)


def check_complete(path: Path, audio: Audio, decoded: float | None = None) -> None:
    """DamagedMedia when the decoded audio (`decoded` seconds, else the samples') is much shorter than declared."""
    declared = audio.declared_duration
    duration = audio.duration if decoded is None else decoded
    if declared is None or declared <= 0:
        if duration == 0:
            raise DamagedMedia(path, "no audio could be decoded")
        return
    missing = declared - duration
    if duration < declared * DAMAGE_RATIO and missing > DAMAGE_MIN_GAP:
        raise DamagedMedia(
            path, f"only {duration:.2f} s of audio decoded but the file says {declared:.1f} s"
        )


# -- helpers --------------------------------------------------------------------------------


def _existing(path: Path | str) -> Path:
    path = Path(path)
    if not path.exists():
        raise MediaNotFound(path)
    if not path.is_file():
        raise NotMedia.not_a_file(path)
    return path


def _audio_stream(container, path: Path):
    streams = container.streams.audio
    if not streams:
        raise NotMedia(path, "has no audio stream")
    return streams[0]


def _declared_duration(container, stream, path: Path) -> float | None:
    if container.format.name == "wav":
        # FFmpeg derives a WAV's duration from the file size, so a half-downloaded file looks whole;
        # the RIFF header still says how much audio was written.
        riff = riff_duration(path)
        if riff is not None:
            return riff
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000  # av.time_base
    return None


def riff_duration(path: Path) -> float | None:
    """Seconds of audio a WAV file's RIFF header announces (data chunk size / byte rate).

    None when the header does not say (not RIFF/WAVE, RF64, a streaming writer's 0 or 0xFFFFFFFF size).
    """
    try:
        with open(path, "rb") as f:
            head = f.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return None
            byte_rate = None
            for _ in range(64):  # chunks before "data": fmt, LIST, fact, …
                chunk = f.read(8)
                if len(chunk) < 8:
                    return None
                kind, size = chunk[:4], int.from_bytes(chunk[4:], "little")
                if kind == b"fmt ":
                    fmt = f.read(size + (size & 1))
                    if len(fmt) < 12:
                        return None
                    byte_rate = int.from_bytes(fmt[8:12], "little")
                elif kind == b"data":
                    if not byte_rate or size in (0, 0xFFFFFFFF):
                        return None
                    return size / byte_rate
                else:
                    f.seek(size + (size & 1), 1)
    except OSError:
        return None
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


def _grouped(frames, group: int = _FRAME_GROUP):
    import av

    fifo = av.audio.fifo.AudioFifo()
    group = min(group, _FRAME_GROUP)
    for frame in frames:
        frame.pts = None  # the fifo rejects timestamp gaps, which damaged files have
        fifo.write(frame)
        if fifo.samples >= group:
            yield fifo.read()
    if fifo.samples > 0:
        yield fifo.read()


def _resample(frames, resampler):
    for frame in itertools.chain(frames, [None]):  # None flushes the resampler
        yield from resampler.resample(frame)


def _take(pending: list[np.ndarray], count: int) -> tuple[np.ndarray, list[np.ndarray], int]:
    """The first `count` samples of `pending` as one array, and what is left."""
    joined = np.concatenate(pending) if len(pending) > 1 else pending[0]
    rest = joined[count:]
    return joined[:count], ([rest] if len(rest) else []), len(rest)


def _to_float(pcm: np.ndarray) -> np.ndarray:
    samples = pcm.astype(np.float32)
    samples /= 32768.0
    return samples


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)
