"""Which device and compute type a transcription runs on: one rule for both engines.

`device = "auto"` takes a GPU when the engine's own runtime sees one (CTranslate2 for
faster-whisper, torch for openai-whisper) and the CPU otherwise; `"cuda"` without a visible
GPU is DeviceUnavailable, raised before any model is loaded or anything downloaded. The compute
type defaults per device ("auto" or ""): int8 on the CPU (several times faster than float32
there at the same accuracy), float16 on a GPU (what its tensor cores are built for).
"""

from __future__ import annotations

from ingest.engines import DEVICES, DeviceChoice, TranscribeOptions
from ingest.errors import DeviceUnavailable

DEFAULT_COMPUTE = {"cpu": "int8", "cuda": "float16"}
_AUTO = ("", "auto", "default")


def pick_device(options: TranscribeOptions, cuda_devices: int, defaults: dict[str, str] = DEFAULT_COMPUTE,
                runtime: str = "CTranslate2") -> DeviceChoice:
    """`options.device`/`compute_type` resolved, given how many GPUs the engine's runtime sees."""
    requested = (options.device or "auto").lower()
    if requested not in DEVICES:
        raise DeviceUnavailable(f"unknown device {options.device!r}; choose one of: {', '.join(DEVICES)}")
    if requested == "cuda" and cuda_devices < 1:
        raise DeviceUnavailable(f"device 'cuda' was asked for but {runtime} sees no CUDA GPU on this machine; "
                                "set [transcribe] device = \"auto\" or \"cpu\"")
    device = "cuda" if requested == "cuda" or (requested == "auto" and cuda_devices > 0) else "cpu"
    compute = (options.compute_type or "").lower()
    return DeviceChoice(device=device, compute_type=defaults[device] if compute in _AUTO else compute)
