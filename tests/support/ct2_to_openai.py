"""Test support: a CTranslate2 Whisper model folder → an openai-whisper `.pt` checkpoint.

The pinned offline weight packages ship CTranslate2 models only; openai-whisper needs its own
checkpoint (`{"dims": ..., "model_state_dict": ...}`). This reads CTranslate2's `model.bin`
directly (format of `ctranslate2/specs/model_spec.py::_serialize`: version, spec name,
revision, variables with name/rank/shape/dtype/bytes, then aliases) and renames the tensors
(table in /work/shared/design/TESTING.md). int8 weights are dequantised with their
`*_scale` rows; float16 becomes float32. The checkpoint also carries `alignment_heads`
from the model's config.json, which `ingest.engines.openai_whisper` uses for word times.
Converted once, cached by the sha256 of model.bin.
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import numpy as np

from ingest.transcribe import content_digest

_DTYPES = (np.float32, np.int8, np.int16, np.int32, np.float16, None)  # None: bfloat16 (unused here)


def read_ct2_variables(model_bin: Path) -> dict[str, np.ndarray]:
    """Every named variable of a CTranslate2 model.bin (aliases resolved) as numpy arrays."""
    data = Path(model_bin).read_bytes()
    pos = 0

    def take(fmt: str):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    def string() -> str:
        nonlocal pos
        (length,) = take("H")
        text = data[pos : pos + length - 1].decode("utf-8")  # stored with a trailing NUL
        pos += length
        return text

    (version,) = take("I")
    if version < 4:
        raise ValueError(f"{model_bin}: CTranslate2 binary version {version} is not supported (need 4+)")
    spec = string()
    if spec != "WhisperSpec":
        raise ValueError(f"{model_bin}: a {spec!r} model, not a Whisper model")
    take("I")  # spec revision
    (count,) = take("I")
    variables: dict[str, np.ndarray] = {}
    for _ in range(count):
        name = string()
        (rank,) = take("B")
        shape = take("I" * rank) if rank else ()
        (type_id,) = take("B")
        (nbytes,) = take("I")
        dtype = _DTYPES[type_id]
        if dtype is None:
            raise ValueError(f"{model_bin}: variable {name} is bfloat16, which this converter does not read")
        variables[name] = np.frombuffer(data, dtype=dtype, count=nbytes // np.dtype(dtype).itemsize,
                                        offset=pos).reshape(shape)
        pos += nbytes
    (aliases,) = take("I")
    for _ in range(aliases):
        alias, target = string(), string()
        variables[alias] = variables[target]
    return variables


def _float(variables: dict[str, np.ndarray], name: str) -> np.ndarray:
    value = variables[name]
    if value.dtype == np.int8 or value.dtype == np.int16:
        scale = variables[name + "_scale"].astype(np.float32)
        flat = value.reshape(value.shape[0], -1).astype(np.float32)
        scale = scale.reshape(-1, 1) if scale.ndim else scale
        return (flat / scale).reshape(value.shape)
    return value.astype(np.float32)


def convert(model_dir: Path) -> dict:
    """The openai-whisper checkpoint dict for a CTranslate2 Whisper model folder."""
    import torch

    model_dir = Path(model_dir)
    v = read_ct2_variables(model_dir / "model.bin")
    config = json.loads((model_dir / "config.json").read_text())
    f = lambda name: torch.from_numpy(_float(v, name).copy())  # noqa: E731
    sd: dict[str, torch.Tensor] = {}

    def linear(src: str, dst: str, bias: bool = True) -> None:
        sd[f"{dst}.weight"] = f(f"{src}/weight")
        if bias:
            sd[f"{dst}.bias"] = f(f"{src}/bias")

    def norm(src: str, dst: str) -> None:
        sd[f"{dst}.weight"] = f(f"{src}/gamma")
        sd[f"{dst}.bias"] = f(f"{src}/beta")

    def fused(src: str, dsts: list[str], biased: list[bool]) -> None:
        weights = f(f"{src}/weight").chunk(len(dsts), dim=0)
        biases = f(f"{src}/bias").chunk(len(dsts), dim=0)
        for dst, w, b, has_bias in zip(dsts, weights, biases, biased, strict=True):
            sd[f"{dst}.weight"] = w.contiguous()
            if has_bias:
                sd[f"{dst}.bias"] = b.contiguous()

    for i in (1, 2):
        sd[f"encoder.conv{i}.weight"] = f(f"encoder/conv{i}/weight")
        sd[f"encoder.conv{i}.bias"] = f(f"encoder/conv{i}/bias")
    n_audio_layer = _count_layers(v, "encoder")
    n_text_layer = _count_layers(v, "decoder")
    for i in range(n_audio_layer):
        src, dst = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        _attention_block(src + "/self_attention", dst + ".attn", dst + ".attn_ln", fused, linear, norm)
        _mlp(src + "/ffn", dst, linear, norm)
    norm("encoder/layer_norm", "encoder.ln_post")
    sd["encoder.positional_embedding"] = f("encoder/position_encodings/encodings")
    sd["decoder.token_embedding.weight"] = f("decoder/embeddings/weight")
    sd["decoder.positional_embedding"] = f("decoder/position_encodings/encodings")
    for i in range(n_text_layer):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        _attention_block(src + "/self_attention", dst + ".attn", dst + ".attn_ln", fused, linear, norm)
        linear(src + "/attention/linear_0", dst + ".cross_attn.query")
        fused(src + "/attention/linear_1", [dst + ".cross_attn.key", dst + ".cross_attn.value"], [False, True])
        linear(src + "/attention/linear_2", dst + ".cross_attn.out")
        norm(src + "/attention/layer_norm", dst + ".cross_attn_ln")
        _mlp(src + "/ffn", dst, linear, norm)
    norm("decoder/layer_norm", "decoder.ln")

    n_mels, n_audio_state = sd["encoder.conv1.weight"].shape[1], sd["encoder.conv1.weight"].shape[0]
    n_vocab, n_text_state = sd["decoder.token_embedding.weight"].shape
    dims = {
        "n_mels": int(n_mels),
        "n_vocab": int(n_vocab),
        "n_audio_ctx": int(sd["encoder.positional_embedding"].shape[0]),
        "n_audio_state": int(n_audio_state),
        "n_audio_head": int(v["encoder/num_heads"]) if "encoder/num_heads" in v else int(n_audio_state) // 64,
        "n_audio_layer": n_audio_layer,
        "n_text_ctx": int(sd["decoder.positional_embedding"].shape[0]),
        "n_text_state": int(n_text_state),
        "n_text_head": int(v["decoder/num_heads"]) if "decoder/num_heads" in v else int(n_text_state) // 64,
        "n_text_layer": n_text_layer,
    }
    return {"dims": dims, "model_state_dict": sd, "alignment_heads": config.get("alignment_heads", [])}


def _attention_block(src, dst, ln_dst, fused, linear, norm) -> None:
    # openai's key projection has no bias; CTranslate2 stores zeros in its place.
    fused(src + "/linear_0", [dst + ".query", dst + ".key", dst + ".value"], [True, False, True])
    linear(src + "/linear_1", dst + ".out")
    norm(src + "/layer_norm", ln_dst)


def _mlp(src, dst, linear, norm) -> None:
    linear(src + "/linear_0", dst + ".mlp.0")
    linear(src + "/linear_1", dst + ".mlp.2")
    norm(src + "/layer_norm", dst + ".mlp_ln")


def _count_layers(variables: dict[str, np.ndarray], stack: str) -> int:
    pattern = re.compile(rf"^{stack}/layer_(\d+)/")
    return 1 + max(int(m.group(1)) for name in variables if (m := pattern.match(name)))


def checkpoint_for(model_dir: Path, cache: Path) -> Path:
    """Convert once into `cache` (keyed by model.bin's sha256) and return the .pt path."""
    import torch

    model_dir = Path(model_dir)
    digest = content_digest(model_dir / "model.bin")[:16]
    target = Path(cache) / f"openai-whisper-{digest}.pt"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".pt.part")
    torch.save(convert(model_dir), tmp)
    tmp.replace(target)  # atomic: a half-written checkpoint never sits under the final name
    return target
