"""One short local-government talk in English, French and Spanish, spoken by espeak-ng and
transcribed by the offline Whisper `base` model, plus unrelated real recordings as distractors.

The talk is written for these tests (peer learning between cities; the cost of street
lighting). Each sentence is spoken separately, so the test knows when every sentence starts.
Each sentence is transcribed on its own and its times offset by where it starts in the talk
(as a pipeline that cuts a recording at its pauses would): measured here, `base` decoding the
whole 40-s French espeak talk in one go dropped its first 30-s window or turned it into
nonsense ("la plate-de-sac sur la peinture"), while it hears the sentences one by one well.
The joined WAV of each talk is also written (talk_xx.wav) for anyone who wants to listen.
Transcripts are cached under .cache/meaning/ by a digest of the texts (delete it to rebuild).
"""

from __future__ import annotations

import hashlib
import json
import wave
from dataclasses import replace
from pathlib import Path

from archive.records import Transcript, Video
from ingest.engines import TranscribeOptions, load_engine
from ingest.transcribe import transcribe_file
from tests.support.media import media
from tests.support.speech import speak

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache" / "meaning"
PAUSE = 0.6  # seconds of silence between sentences

TALK = {
    "en": [
        "Welcome to this session on peer learning between cities.",
        "Mayors from twelve towns met every month to share what worked and what failed.",
        "The first topic was street lighting, which was the largest expense in the energy budget of every town hall.",
        "By replacing old bulbs with LED lights, one city cut its lighting costs by sixty percent.",
        "The savings paid for new bicycle lanes near the schools.",
        "Other mayors visited the city and copied the project within a year.",
        "Peer learning works because officials trust the experience of their colleagues.",
    ],
    "fr": [
        "Bienvenue à cette session sur l'apprentissage entre pairs entre les villes.",
        "Les maires de douze communes se sont réunis chaque mois pour partager ce qui a marché et ce qui a échoué.",
        "Le premier sujet était l'éclairage public, la plus grande dépense du budget énergétique de chaque mairie.",
        "En remplaçant les vieilles ampoules par des LED, une ville a réduit ses coûts d'éclairage de soixante pour cent.",
        "Les économies ont payé de nouvelles pistes cyclables près des écoles.",
        "D'autres maires ont visité la ville et ont copié le projet en moins d'un an.",
        "L'apprentissage entre pairs fonctionne parce que les élus font confiance à l'expérience de leurs collègues.",
    ],
    "es": [
        "Bienvenidos a esta sesión sobre el aprendizaje entre pares entre ciudades.",
        "Los alcaldes de doce municipios se reunieron cada mes para compartir lo que funcionó y lo que fracasó.",
        "El primer tema fue el alumbrado público, el mayor gasto del presupuesto de energía de cada ayuntamiento.",
        "Al cambiar las bombillas viejas por luces LED, una ciudad redujo sus costos de alumbrado en un sesenta por ciento.",
        "Los ahorros pagaron nuevos carriles para bicicletas cerca de las escuelas.",
        "Otros alcaldes visitaron la ciudad y copiaron el proyecto en menos de un año.",
        "El aprendizaje entre pares funciona porque los funcionarios confían en la experiencia de sus colegas.",
    ],
}
TITLES = {
    "en": "Peer learning between cities: the cost of street lighting",
    "fr": "Apprentissage entre pairs entre villes : le coût de l'éclairage public",
    "es": "Aprendizaje entre pares entre ciudades: el costo del alumbrado público",
}
TALK_IDS = {"en": "talkPeerEn1", "fr": "talkPeerFr1", "es": "talkPeerEs1"}
TALK_DATES = {"en": "2025-03-10", "fr": "2025-03-11", "es": "2025-03-12"}
# file -> (video id, title, upload date, language). One distractor shares the English talk's date.
DISTRACTORS = {
    "jfk.flac": ("jfkInaugur1", "Inaugural address — ask not", "1961-01-20", "en"),
    "ami_meeting.wav": ("amiMeeting1", "Team meeting: reading room and reception hours", "2025-03-10", "en"),
    "pv_test_fr.wav": ("pvTestFr001", "Séance de test en français", "2025-03-14", "fr"),
    "pv_test_es.wav": ("pvTestEs001", "Sesión de prueba en español", "2025-02-15", "es"),
}


def spoken_talk(lang: str, folder: Path) -> tuple[Path, list[float]]:
    """The talk in `lang` as one 16 kHz WAV and the start second of each sentence."""
    frames, starts, t = [], [], 0.0
    params = None
    for sentence in TALK[lang]:
        with wave.open(str(speak(sentence, lang)), "rb") as w:
            params = w.getparams()
            data = w.readframes(w.getnframes())
        starts.append(t)
        frames.append(data)
        t += w.getnframes() / params.framerate
        silence = b"\0" * (int(PAUSE * params.framerate) * params.sampwidth * params.nchannels)
        frames.append(silence)
        t += PAUSE
    path = Path(folder) / f"talk_{lang}.wav"
    with wave.open(str(path), "wb") as out:
        out.setparams(params)
        out.writeframes(b"".join(frames))
    return path, starts


def _joined(video: Video, parts: list[Transcript], offsets: list[float]) -> Transcript:
    segments = []
    for part, offset in zip(parts, offsets, strict=True):
        for seg in part.segments:
            words = tuple(replace(w, start=round(w.start + offset, 3), end=round(w.end + offset, 3)) for w in seg.words)
            segments.append(replace(seg, id=len(segments), start=round(seg.start + offset, 3),
                                    end=round(seg.end + offset, 3), words=words))
    return Transcript(video=video, transcription=parts[0].transcription, segments=tuple(segments))


def _digest() -> str:
    return hashlib.sha256(json.dumps(["by-sentence", TALK, TITLES, TALK_DATES, DISTRACTORS], sort_keys=True).encode()).hexdigest()[:12]


def build(base_model: Path, tiny_en_model: Path) -> tuple[dict[str, Transcript], dict[str, list[float]]]:
    """({video id: Transcript} for the three talks and the distractors, {talk language: sentence starts})."""
    folder = CACHE / _digest()
    done = folder / "fixture.json"
    if done.is_file():
        raw = json.loads(done.read_text(encoding="utf-8"))
        return ({vid: Transcript.from_dict(d) for vid, d in raw["transcripts"].items()}, raw["starts"])
    folder.mkdir(parents=True, exist_ok=True)
    engines = {}

    def engine(model: Path, lang: str, vad: bool):
        key = (str(model), lang, vad)
        if key not in engines:
            engines[key] = load_engine(TranscribeOptions(
                engine="faster-whisper", model=str(model), language=lang, beam_size=1, vad=vad,
                word_timestamps=True, compute_type="int8"))
        return engines[key]

    transcripts, starts = {}, {}
    for lang in TALK:
        path, starts[lang] = spoken_talk(lang, folder)
        video = Video(id=TALK_IDS[lang], title=TITLES[lang], channel="UCLG Learning (test)",
                      webpage_url=f"https://www.youtube.com/watch?v={TALK_IDS[lang]}", media_url=str(path),
                      upload_date=TALK_DATES[lang], language=lang)
        parts = [transcribe_file(speak(sentence, lang), engine(base_model, lang, False), video=video)
                 for sentence in TALK[lang]]
        transcripts[video.id] = _joined(video, parts, starts[lang])
    for name, (vid, title, day, lang) in DISTRACTORS.items():
        model = tiny_en_model if name == "jfk.flac" else base_model
        video = Video(id=vid, title=title, channel="UCLG Learning (test)",
                      webpage_url=f"https://www.youtube.com/watch?v={vid}", media_url=str(media(name)),
                      upload_date=day, language=lang)
        t = transcribe_file(media(name), engine(model, lang, lang == "es"), video=video)
        transcripts[vid] = replace(t, video=replace(t.video, language=lang))
    done.write_text(json.dumps({"transcripts": {k: v.to_dict() for k, v in transcripts.items()},
                                "starts": starts}, ensure_ascii=False), encoding="utf-8")
    return transcripts, starts
