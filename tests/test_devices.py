"""Device and compute-type choice: auto picks what the runtime sees; a missing GPU is one clear error."""

from __future__ import annotations

import pytest

from archive.options import InvalidOption
from archive.records import TranscriptionInfo
from ingest.engines import DeviceChoice, TranscribeOptions, choose_device
from ingest.engines.devices import pick_device
from ingest.errors import DeviceUnavailable


@pytest.mark.parametrize(("device", "compute", "gpus", "expected"), [
    ("auto", "auto", 0, DeviceChoice("cpu", "int8")),
    ("auto", "", 1, DeviceChoice("cuda", "float16")),
    ("cpu", "auto", 2, DeviceChoice("cpu", "int8")),
    ("cuda", "auto", 1, DeviceChoice("cuda", "float16")),
    ("CUDA", "int8_float16", 1, DeviceChoice("cuda", "int8_float16")),
    ("auto", "float32", 0, DeviceChoice("cpu", "float32")),
])
def test_the_choice(device, compute, gpus, expected):
    assert pick_device(TranscribeOptions(device=device, compute_type=compute), gpus) == expected


def test_forced_cuda_without_a_gpu_is_one_clear_error():
    with pytest.raises(DeviceUnavailable, match="sees no CUDA GPU"):
        pick_device(TranscribeOptions(device="cuda"), 0)


def test_unknown_device_is_named():
    # Refused when the options are made (config or library), before any engine is asked.
    with pytest.raises(InvalidOption, match="device: must be one of 'auto', 'cpu', 'cuda', got 'tpu'"):
        pick_device(TranscribeOptions(device="tpu"), 0)


def test_auto_picks_the_cpu_on_this_machine():
    # No GPU here (CTranslate2 reports 0 devices); on a GPU machine this would say cuda.
    import ctranslate2

    if ctranslate2.get_cuda_device_count():
        pytest.skip("a CUDA GPU is visible")
    assert choose_device(TranscribeOptions()) == DeviceChoice("cpu", "int8")
    with pytest.raises(DeviceUnavailable):
        choose_device(TranscribeOptions(device="cuda"))


def test_openai_whisper_keeps_float_compute_types():
    pytest.importorskip("torch")
    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA GPU is visible")
    assert choose_device(TranscribeOptions(engine="openai-whisper", compute_type="int8")) == \
        DeviceChoice("cpu", "float32")
    with pytest.raises(DeviceUnavailable, match="torch sees no CUDA GPU"):
        choose_device(TranscribeOptions(engine="openai-whisper", device="cuda"))


def test_transcripts_record_device_and_compute_type_and_old_ones_still_read():
    info = TranscriptionInfo("faster-whisper", "1.2.1", "base", "en", device="cpu", compute_type="int8")
    assert TranscriptionInfo.from_dict(info.to_dict()) == info
    old = TranscriptionInfo("faster-whisper", "1.2.1", "base", "en").to_dict()
    assert "device" not in old  # written as before when unknown
    assert TranscriptionInfo.from_dict(old).device == ""


def test_ingest_with_forced_cuda_fails_before_any_work(tmp_path):
    import ctranslate2

    from archive.store import TranscriptStore
    from ingest.pipeline import ingest
    from ingest.run_records import IngestOptions

    if ctranslate2.get_cuda_device_count():
        pytest.skip("a CUDA GPU is visible")
    calls = []
    options = IngestOptions(transcribe=TranscribeOptions(device="cuda"), audio_dir=tmp_path / "audio",
                            state_dir=tmp_path / "state")
    with pytest.raises(DeviceUnavailable):
        ingest([str(tmp_path / "nothing")], store=TranscriptStore(tmp_path / "t"), options=options,
               transcriber=lambda: calls.append(1))
    assert calls == [] and not (tmp_path / "t").exists() and not (tmp_path / "state").exists()


def test_cli_transcribe_with_forced_cuda_says_so_and_writes_nothing(tmp_path, run_cli):
    import ctranslate2

    from tests.support.configs import write_config
    from tests.support.media import media

    if ctranslate2.get_cuda_device_count():
        pytest.skip("a CUDA GPU is visible")
    config = write_config(tmp_path, paths={"transcripts": "transcripts"}, transcribe={"model": "base", "device": "cuda"})
    result = run_cli(config, "transcribe", media("jfk.flac"), catch_exceptions=True)
    assert result.exit_code != 0
    assert "no CUDA GPU" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "transcripts").exists()
