"""Real transcripts of ../shared/media made by the real faster-whisper engine (for index tests).

jfk.flac with tiny.en, pv_test_fr.wav / pv_test_es.wav with the multilingual base model (the
language forced: base detects Spanish poorly on this clip). Greedy decoding, word timestamps on;
VAD only for Spanish (without it base hears "la masque necesaria" instead of "más que
necesario"). A few seconds in all. Titles and dates are set so filters and sorting can be tested.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from archive.records import Transcript, Video
from ingest.engines import TranscribeOptions, load_engine
from ingest.transcribe import transcribe_file
from tests.support.media import media

# file -> (video id, title, upload date, model fixture name, language, vad)
SPECS = {
    "jfk.flac": ("jfkInaugur1", "Inaugural address — ask not", "1961-01-20", "tiny_en", "en", False),
    "pv_test_fr.wav": ("pvTestFr001", "Séance de test en français", "2023-05-10", "base", "fr", False),
    "pv_test_es.wav": ("pvTestEs001", "Sesión de prueba en español", "2024-02-15", "base", "es", True),
}


def make_real_transcripts(models: dict[str, Path]) -> dict[str, Transcript]:
    """{file name: Transcript} for every file of SPECS; `models` maps "tiny_en"/"base" to folders."""
    out = {}
    engines = {}
    for name, (vid, title, day, model, lang, vad) in SPECS.items():
        key = (model, lang, vad)
        if key not in engines:
            engines[key] = load_engine(TranscribeOptions(
                engine="faster-whisper", model=str(models[model]), language=lang,
                beam_size=1, vad=vad, word_timestamps=True, compute_type="int8",
            ))
        path = media(name)
        video = Video(id=vid, title=title, channel="UCLG Learning (test)",
                      webpage_url=f"https://www.youtube.com/watch?v={vid}", media_url=str(path),
                      upload_date=day, language=lang)
        t = transcribe_file(path, engines[key], video=video)
        out[name] = replace(t, video=replace(t.video, language=lang))
    return out
