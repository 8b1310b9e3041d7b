"""A synthetic archive the size of a real channel, for benchmarks (deterministic for a seed).

generate_archive(root, sessions=500, seed=0) writes one transcript JSON per session (through
TranscriptStore, the real format): ~1.5 h each, Whisper-sized segments (~6 s, ~15 words) with
word timings, in English (60 %), French (25 %) and Spanish (15 %). Talk is drawn from a
Zipf-like distribution over function words, local-government/SDG/peer-learning vocabulary and
a long tail of place names and rare words, so term frequencies look like real speech.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from archive.records import Segment, Transcript, TranscriptionInfo, Video, Word
from archive.store import TranscriptStore

FUNCTION = {
    "en": ["the", "of", "and", "to", "a", "in", "that", "is", "we", "it", "for", "this", "on", "with", "as", "are", "be", "our", "have", "you", "not", "at", "by", "from", "they", "what", "can", "so", "all", "but", "which", "about", "there", "more", "their", "will", "one", "also", "very", "do", "how"],
    "fr": ["le", "la", "les", "de", "des", "du", "et", "à", "en", "un", "une", "que", "qui", "est", "pour", "dans", "nous", "sur", "pas", "au", "avec", "ce", "il", "par", "plus", "sont", "ont", "aussi", "très", "mais", "comme", "leur", "cette", "fait", "tout", "bien", "donc"],
    "es": ["el", "la", "los", "las", "de", "del", "y", "a", "en", "un", "una", "que", "es", "por", "para", "con", "no", "se", "lo", "como", "más", "pero", "sus", "le", "ya", "o", "este", "también", "muy", "porque", "nosotros", "esta", "son", "han", "todo", "bien"],
}
DOMAIN = {
    "en": ["local", "government", "city", "cities", "municipality", "mayor", "council", "region", "regional", "national", "public", "services", "citizens", "community", "communities", "participation", "governance", "development", "sustainable", "goals", "agenda", "localization", "peer", "learning", "exchange", "experience", "practice", "practices", "housing", "climate", "resilience", "finance", "budget", "decentralization", "partnership", "network", "networks", "urban", "rural", "planning", "mobility", "water", "sanitation", "health", "education", "gender", "equality", "youth", "women", "migration", "culture", "heritage", "data", "monitoring", "reporting", "voluntary", "review", "accountability", "transparency", "infrastructure", "investment", "policy", "policies", "strategy", "implementation", "capacity", "training", "session", "stocktaking", "forum", "webinar", "platform", "tools", "indicators", "territories", "territorial", "inclusive", "innovation", "digital", "transition", "energy", "food", "security", "waste", "biodiversity", "recovery", "pandemic", "solidarity", "cooperation", "dialogue", "stakeholders", "associations", "leaders", "commitment", "action", "plan"],
    "fr": ["gouvernement", "collectivités", "locales", "ville", "villes", "commune", "municipalité", "maire", "conseil", "région", "régional", "nationale", "publics", "services", "citoyens", "communauté", "participation", "gouvernance", "développement", "durable", "objectifs", "agenda", "localisation", "apprentissage", "pairs", "échange", "expérience", "pratiques", "logement", "climat", "résilience", "finances", "budget", "décentralisation", "partenariat", "réseau", "urbain", "rural", "planification", "mobilité", "eau", "assainissement", "santé", "éducation", "égalité", "genre", "jeunesse", "femmes", "migration", "culture", "patrimoine", "données", "suivi", "rapport", "examen", "redevabilité", "transparence", "infrastructures", "investissement", "politique", "politiques", "stratégie", "mise", "œuvre", "capacités", "formation", "session", "forum", "webinaire", "plateforme", "outils", "indicateurs", "territoires", "territoriale", "inclusive", "innovation", "numérique", "transition", "énergie", "sécurité", "alimentaire", "déchets", "biodiversité", "relance", "pandémie", "solidarité", "coopération", "dialogue", "acteurs", "associations", "élus"],
    "es": ["gobierno", "gobiernos", "locales", "ciudad", "ciudades", "municipio", "municipalidad", "alcalde", "alcaldesa", "concejo", "región", "regional", "nacional", "públicos", "servicios", "ciudadanos", "ciudadanía", "comunidad", "participación", "gobernanza", "desarrollo", "sostenible", "objetivos", "agenda", "localización", "aprendizaje", "entre", "pares", "intercambio", "experiencia", "prácticas", "vivienda", "clima", "resiliencia", "finanzas", "presupuesto", "descentralización", "alianza", "red", "redes", "urbano", "rural", "planificación", "movilidad", "agua", "saneamiento", "salud", "educación", "igualdad", "género", "juventud", "mujeres", "migración", "cultura", "patrimonio", "datos", "seguimiento", "informe", "revisión", "rendición", "cuentas", "transparencia", "infraestructura", "inversión", "política", "políticas", "estrategia", "implementación", "capacidades", "formación", "sesión", "foro", "seminario", "plataforma", "herramientas", "indicadores", "territorios", "territorial", "inclusiva", "innovación", "digital", "transición", "energía", "seguridad", "alimentaria", "residuos", "biodiversidad", "recuperación", "pandemia", "solidaridad", "cooperación", "diálogo", "actores", "asociaciones", "líderes", "compromiso"],
}
PLACES = ["Barcelona", "Bogotá", "Rabat", "Durban", "eThekwini", "Montevideo", "Quito", "Dakar", "Abidjan", "Lisbon", "Bilbao", "Kazan", "Seoul", "Gwangju", "Jakarta", "Surabaya", "Mexico", "Medellín", "Lyon", "Strasbourg", "Marseille", "Tunis", "Sfax", "Nairobi", "Kigali", "Cotonou", "Yaoundé", "Douala", "Bamako", "Niamey", "Ouagadougou", "Kampala", "Harare", "Lusaka", "Maputo", "Luanda", "Córdoba", "Rosario", "Valparaíso", "Lima", "Cusco", "Arequipa", "Havana", "Chefchaouen", "Tangier", "Agadir", "Amman", "Beirut"]
SYLLABLES = ["ka", "lo", "mi", "ra", "ne", "tu", "sa", "vi", "do", "pe", "ri", "ma", "no", "li", "ta", "be", "ga", "fu", "zo", "cha", "mon", "ter", "val", "sol", "mar"]
TOPICS = {
    "en": ["Localizing the SDGs", "Peer learning on housing", "Climate resilience in cities",
           "Local finance", "Voluntary Local Reviews", "Gender equality in local governments"],
    "fr": ["Localiser les ODD", "Apprentissage entre pairs", "Résilience climatique des villes",
           "Finances locales", "Examens locaux volontaires"],
    "es": ["Localizar los ODS", "Aprendizaje entre pares", "Resiliencia climática urbana",
           "Finanzas locales", "Informes locales voluntarios"],
}
LANG_SHARE = (("en", 0.60), ("fr", 0.25), ("es", 0.15))


def _vocabulary(lang: str, rng: random.Random) -> tuple[list[str], list[float]]:
    """Words in rank order with Zipf weights: function words, then domain words, then a long tail."""
    domain = list(DOMAIN[lang])
    rng.shuffle(domain)
    tail = [p for p in PLACES]
    tail += ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(3000)]
    words = FUNCTION[lang] + domain + tail
    weights = [1.0 / (rank ** 1.07) for rank in range(1, len(words) + 1)]
    return words, weights


def _session(i: int, rng: random.Random, vocab: dict, hours: float) -> Transcript:
    r = rng.random()
    lang = next(code for code, share in _cumulative() if r < share)
    words, weights = vocab[lang]
    day = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 7 * 365))
    video = Video(
        id=f"bench{i:05d}",  # not a YouTube id: deep links fall back to the media URL
        title=f"{rng.choice(TOPICS[lang])} — {rng.choice(PLACES)} #{i}",
        channel="UCLG Learning (synthetic)",
        webpage_url=f"https://example.org/sessions/bench{i:05d}",
        upload_date=day.isoformat(),
        duration=hours * 3600,
        language=lang,
    )
    segments = []
    t = 0.0
    seg_id = 0
    total = hours * 3600
    while t < total - 1:
        n = rng.randint(6, 24)
        chosen = rng.choices(words, weights=weights, k=n)
        chosen[0] = chosen[0].capitalize()
        ws = []
        for k, w in enumerate(chosen):
            dur = 0.18 + 0.05 * len(w) * rng.random()
            text = (" " if k or seg_id else "") + w + ("." if k == n - 1 else "")
            ws.append(Word(start=round(t, 2), end=round(t + dur, 2), word=text, probability=0.9))
            t += dur + 0.05
        segments.append(Segment(id=seg_id, start=ws[0].start, end=ws[-1].end,
                                text="".join(w.word for w in ws), words=tuple(ws)))
        seg_id += 1
        t += rng.uniform(0.2, 1.2)
    info = TranscriptionInfo(engine="synthetic", engine_version="0", model="none", language=lang,
                             language_probability=1.0, created="2025-01-01T00:00:00Z", audio_duration=total)
    return Transcript(video=video, transcription=info, segments=tuple(segments))


def _cumulative():
    acc = 0.0
    for code, share in LANG_SHARE:
        acc += share
        yield code, acc
    yield "en", 1.01


def make_session(i: int, seed: int = 0, hours: float = 1.5) -> Transcript:
    """Session number `i` of the archive for `seed` (the same one generate_archive writes)."""
    vocab = {lang: _vocabulary(lang, random.Random(f"{seed}-{lang}")) for lang in FUNCTION}
    return _session(i, random.Random(f"{seed}-session-{i}"), vocab, hours)


def generate_archive(root: Path, sessions: int = 500, seed: int = 0, hours: float = 1.5,
                     on_progress=None) -> TranscriptStore:
    """Write `sessions` synthetic transcripts under `root`; returns the store. Deterministic."""
    store = TranscriptStore(Path(root))
    vocab = {lang: _vocabulary(lang, random.Random(f"{seed}-{lang}")) for lang in FUNCTION}
    for i in range(sessions):
        store.write(_session(i, random.Random(f"{seed}-session-{i}"), vocab, hours))
        if on_progress:
            on_progress(i + 1, sessions)
    return store


# -- planted sibling sessions ----------------------------------------------------------------
# One event held in English, French and Spanish: the same sentences (written for the benchmark,
# translated by hand) in the same order, uploaded within a few days. The rest of the archive is
# word salad over the same local-government vocabulary, so a false sibling is possible.
PARALLEL = [
    ("Welcome to this session on peer learning between cities.",
     "Bienvenue à cette session sur l'apprentissage entre pairs entre les villes.",
     "Bienvenidos a esta sesión sobre el aprendizaje entre pares entre ciudades."),
    ("Mayors from twelve towns met every month to share what worked and what failed.",
     "Les maires de douze communes se sont réunis chaque mois pour partager ce qui a marché et ce qui a échoué.",
     "Los alcaldes de doce municipios se reunieron cada mes para compartir lo que funcionó y lo que fracasó."),
    ("Street lighting was the largest expense in the energy budget of every town hall.",
     "L'éclairage public était la plus grande dépense du budget énergétique de chaque mairie.",
     "El alumbrado público era el mayor gasto del presupuesto de energía de cada ayuntamiento."),
    ("By replacing old bulbs with LED lights, one city cut its lighting costs by sixty percent.",
     "En remplaçant les vieilles ampoules par des LED, une ville a réduit ses coûts d'éclairage de soixante pour cent.",
     "Al cambiar las bombillas viejas por luces LED, una ciudad redujo sus costos de alumbrado en un sesenta por ciento."),
    ("The savings paid for new bicycle lanes near the schools.",
     "Les économies ont payé de nouvelles pistes cyclables près des écoles.",
     "Los ahorros pagaron nuevos carriles para bicicletas cerca de las escuelas."),
    ("Women now chair half of the neighbourhood committees.",
     "Les femmes président désormais la moitié des comités de quartier.",
     "Las mujeres presiden ahora la mitad de los comités de barrio."),
    ("The council publishes its spending online every quarter.",
     "Le conseil publie ses dépenses en ligne chaque trimestre.",
     "El concejo publica sus gastos en internet cada trimestre."),
    ("Heavy rain flooded the market twice last year.",
     "De fortes pluies ont inondé le marché deux fois l'année dernière.",
     "Las lluvias fuertes inundaron el mercado dos veces el año pasado."),
    ("Young people asked for more green spaces and safer streets.",
     "Les jeunes ont demandé plus d'espaces verts et des rues plus sûres.",
     "Los jóvenes pidieron más espacios verdes y calles más seguras."),
    ("The region will train two hundred municipal staff in digital tools.",
     "La région formera deux cents agents municipaux aux outils numériques.",
     "La región formará a doscientos funcionarios municipales en herramientas digitales."),
]
PARALLEL_TITLES = ("Peer learning between cities #{n}", "Apprentissage entre pairs entre villes #{n}",
                   "Aprendizaje entre pares entre ciudades #{n}")


def sibling_triplet(n: int, seed: int = 0, hours: float = 1.5) -> list[Transcript]:
    """The EN, FR and ES sessions of planted event `n` (ids plantEN/FR/ES-n), a few days apart."""
    rng = random.Random(f"{seed}-triplet-{n}")
    day = date(2019, 1, 1) + timedelta(days=90 * n)  # one event per quarter: date windows never overlap
    order = []
    t = 0.0
    while t < hours * 3600:
        k = rng.randrange(len(PARALLEL))
        order.append(k)
        t += 7.0
    out = []
    for li, lang in enumerate(("en", "fr", "es")):
        segments, t = [], 0.0
        for seg_id, k in enumerate(order):
            text = PARALLEL[k][li]
            dur = 0.07 * len(text)
            words = text.split()
            step = dur / len(words)
            ws = tuple(Word(start=round(t + j * step, 2), end=round(t + (j + 1) * step, 2),
                            word=(" " if j or seg_id else "") + w) for j, w in enumerate(words))
            segments.append(Segment(id=seg_id, start=round(t, 2), end=round(t + dur, 2),
                                    text="".join(w.word for w in ws), words=ws))
            t += dur + 0.6
        vid = f"plant{lang.upper()}{n:03d}"
        video = Video(id=vid, title=PARALLEL_TITLES[li].format(n=n), channel="UCLG Learning (synthetic)",
                      webpage_url=f"https://example.org/sessions/{vid}",
                      upload_date=(day + timedelta(days=li * 2)).isoformat(), duration=t, language=lang)
        info = TranscriptionInfo(engine="synthetic", engine_version="0", model="none", language=lang,
                                 language_probability=1.0, created="2025-01-01T00:00:00Z", audio_duration=t)
        out.append(Transcript(video=video, transcription=info, segments=tuple(segments)))
    return out
