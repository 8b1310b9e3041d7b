"""Fill ui/web/locale/<lang>/LC_MESSAGES/messages.po from the template and the translations below.

    pybabel extract -k _ -k ngettext:1,2 --no-location --sort-output -o ui/web/locale/messages.pot ui/web
    python -m tools.translations        # writes fr and es .po files; lists messages still untranslated

Translators may edit the .po files directly instead; this script only keeps them in step with the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parents[1] / "ui" / "web" / "locale"

FR = {
    "(+{n} more)": "(+{n} autres)",
    "(first {n} shown)": "({n} premières affichées)",
    "(unknown session {id})": "(session inconnue {id})",
    'A topic, a name, a "quoted phrase" — e.g. climate finance, logement, participación':
        "Un thème, un nom, une « phrase entre guillemets » — p. ex. finance climat, logement, participación",
    "About": "À propos",
    "All languages": "Toutes les langues",
    "All sessions": "Toutes les sessions",
    "Best match": "Pertinence",
    "Cite this moment (the address bar also links to it):": "Citer ce moment (la barre d’adresse y renvoie aussi) :",
    "Close": "Fermer",
    "Data (JSON)": "Données (JSON)",
    "Did you mean:": "Vouliez-vous dire :",
    "Download": "Télécharger",
    "Download all {n} sessions found (CSV)": "Télécharger les {n} sessions trouvées (CSV)",
    "Filters": "Filtres",
    "Find in this transcript": "Chercher dans cette transcription",
    "From": "Du",
    "Hide the player": "Masquer le lecteur",
    "Interface language": "Langue de l’interface",
    "Language": "Langue",
    "Later lines ▶": "Lignes suivantes ▶",
    "Latest sessions": "Dernières sessions",
    "Lines {first}–{last} of {total}": "Lignes {first} à {last} sur {total}",
    "Link:": "Lien :",
    "Newest first": "Plus récentes d’abord",
    "No archive yet": "Pas encore d’archive",
    "No description.": "Pas de description.",
    "No playable recording is stored for this session; the transcript is beside it.":
        "Aucun enregistrement lisible n’est conservé pour cette session ; la transcription est à côté.",
    "No session matches these filters. Try removing a filter.":
        "Aucune session ne correspond à ces filtres. Essayez d’en retirer un.",
    "No session mentions **{query}**.": "Aucune session ne mentionne **{query}**.",
    "Oldest first": "Plus anciennes d’abord",
    "Order": "Ordre",
    "Search the sessions": "Chercher dans les sessions",
    "Searching…": "Recherche…",
    "Session": "Session",
    "Sessions": "Sessions",
    "Show {n} more session": ("Afficher {n} session de plus", "Afficher {n} sessions de plus"),
    "Source:": "Source :",
    "Spreadsheet (CSV)": "Tableur (CSV)",
    "Subtitles (SRT)": "Sous-titres (SRT)",
    "Text (TXT)": "Texte (TXT)",
    "The archive is empty: no session has been transcribed yet.":
        "L’archive est vide : aucune session n’a encore été transcrite.",
    "The full transcript of this session:": "La transcription complète de cette session :",
    "The search cannot start: its configuration cannot be loaded. The server log says why.":
        "La recherche ne peut pas démarrer : sa configuration ne peut pas être chargée. Le journal du serveur en donne la raison.",
    "The search could not run just now. Please try again in a moment.":
        "La recherche n’a pas pu s’exécuter. Veuillez réessayer dans un instant.",
    "The transcript of this session cannot be read.": "La transcription de cette session ne peut pas être lue.",
    "This link points to a session that is not in the archive.": "Ce lien renvoie à une session absente de l’archive.",
    "This session's transcript is empty (no speech was recognised).":
        "La transcription de cette session est vide (aucune parole reconnue).",
    'Tips: "exact phrase" · housing OR vivienda · climate NOT finance · particip* · goverment~ (typos) · '
    "one query searches English, French and Spanish sessions":
        "Astuces : \"phrase exacte\" · logement OR vivienda · climat NOT finance · particip* · gouvernment~ "
        "(fautes de frappe) · une requête cherche dans les sessions en anglais, français et espagnol",
    "Transcript": "Transcription",
    "Try removing a filter.": "Essayez de retirer un filtre.",
    "Until": "Au",
    "Watch": "Regarder",
    "Web captions (VTT)": "Sous-titres web (VTT)",
    "a word or phrase": "un mot ou une phrase",
    "from {first} to {last}": "du {first} au {last}",
    "in {n} session": ("dans {n} session", "dans {n} sessions"),
    "press a time to play from there": "appuyez sur une heure pour lire à partir de là",
    "showing {shown} of {total}": "{shown} affichées sur {total}",
    "undated": "sans date",
    "unknown language": "langue inconnue",
    "unknown length": "durée inconnue",
    "{found} of {total} lines contain “{text}”": "{found} lignes sur {total} contiennent « {text} »",
    "{n} hit": ("{n} occurrence", "{n} occurrences"),
    "{n} hits over {length}": "{n} occurrences sur {length}",
    "{n} moment": ("{n} moment", "{n} moments"),
    "{n} session": ("{n} session", "{n} sessions"),
    "{n} with hits, highlighted": "{n} avec occurrences, surlignées",
    "{time} recorded": "{time} enregistrées",
    "◀ Earlier lines": "◀ Lignes précédentes",
    "Media not available: this session's recording cannot be played here; the transcript is beside it.":
        "Média indisponible : l’enregistrement de cette session ne peut pas être lu ici ; la transcription est à côté.",
    "The search index needs a rebuild": "L’index de recherche doit être reconstruit",
    " and ": " et ",
    "Matches {where}": "Correspond {where}",
    "in its description": "dans sa description",
    "in its title": "dans son titre",
    "in a chapter title": "dans un titre de chapitre",
    "Chapter {n}": "Chapitre {n}",
    "Chapter:": "Chapitre :",
    "Chapters": "Chapitres",
    "(first {n} chapters shown)": "({n} premiers chapitres affichés)",
    "▶ Watch from the start": "▶ Regarder depuis le début",
    "Browse the latest sessions": "Parcourir les dernières sessions",
    "Search any of these words: {query}": "Chercher l’un de ces mots : {query}",
    "Try fewer or other words, check the spelling, or add ~ for typos (goverment~).":
        "Essayez moins de mots ou d’autres mots, vérifiez l’orthographe, ou ajoutez ~ pour les fautes (gouvernment~).",
    "a moment listed in the card": "un moment listé dans la carte",
    "Also in:": "Aussi en :",
    "Both": "Les deux",
    "Match": "Correspondance",
    "Meaning": "Sens",
    "Words": "Mots",
    "Words: the words you typed, as said. Meaning: passages about the same thing, in any language. "
    "Both: words first, then meaning.":
        "Mots : les mots saisis, tels que prononcés. Sens : des passages sur le même sujet, dans toutes les "
        "langues. Les deux : d’abord les mots, puis le sens.",
    "≈ close in meaning": "≈ proche par le sens",
    "another hit": "une autre occurrence",
    "press a tick to play it": "appuyez sur un trait pour le lire",
}

ES = {
    "(+{n} more)": "(+{n} más)",
    "(first {n} shown)": "(se muestran las {n} primeras)",
    "(unknown session {id})": "(sesión desconocida {id})",
    'A topic, a name, a "quoted phrase" — e.g. climate finance, logement, participación':
        "Un tema, un nombre, una «frase entre comillas» — p. ej. finanzas climáticas, logement, participación",
    "About": "Acerca de",
    "All languages": "Todos los idiomas",
    "All sessions": "Todas las sesiones",
    "Best match": "Más relevantes",
    "Cite this moment (the address bar also links to it):": "Citar este momento (la barra de direcciones también enlaza a él):",
    "Close": "Cerrar",
    "Data (JSON)": "Datos (JSON)",
    "Did you mean:": "Quizás quiso decir:",
    "Download": "Descargar",
    "Download all {n} sessions found (CSV)": "Descargar las {n} sesiones encontradas (CSV)",
    "Filters": "Filtros",
    "Find in this transcript": "Buscar en esta transcripción",
    "From": "Desde",
    "Hide the player": "Ocultar el reproductor",
    "Interface language": "Idioma de la interfaz",
    "Language": "Idioma",
    "Later lines ▶": "Líneas siguientes ▶",
    "Latest sessions": "Últimas sesiones",
    "Lines {first}–{last} of {total}": "Líneas {first}–{last} de {total}",
    "Link:": "Enlace:",
    "Newest first": "Más recientes primero",
    "No archive yet": "Todavía no hay archivo",
    "No description.": "Sin descripción.",
    "No playable recording is stored for this session; the transcript is beside it.":
        "No hay ninguna grabación reproducible de esta sesión; la transcripción está al lado.",
    "No session matches these filters. Try removing a filter.":
        "Ninguna sesión coincide con estos filtros. Pruebe a quitar uno.",
    "No session mentions **{query}**.": "Ninguna sesión menciona **{query}**.",
    "Oldest first": "Más antiguas primero",
    "Order": "Orden",
    "Search the sessions": "Buscar en las sesiones",
    "Searching…": "Buscando…",
    "Session": "Sesión",
    "Sessions": "Sesiones",
    "Show {n} more session": ("Mostrar {n} sesión más", "Mostrar {n} sesiones más"),
    "Source:": "Fuente:",
    "Spreadsheet (CSV)": "Hoja de cálculo (CSV)",
    "Subtitles (SRT)": "Subtítulos (SRT)",
    "Text (TXT)": "Texto (TXT)",
    "The archive is empty: no session has been transcribed yet.":
        "El archivo está vacío: todavía no se ha transcrito ninguna sesión.",
    "The full transcript of this session:": "La transcripción completa de esta sesión:",
    "The search cannot start: its configuration cannot be loaded. The server log says why.":
        "La búsqueda no puede iniciarse: no se puede cargar su configuración. El registro del servidor explica por qué.",
    "The search could not run just now. Please try again in a moment.":
        "La búsqueda no se pudo ejecutar. Vuelva a intentarlo en un momento.",
    "The transcript of this session cannot be read.": "No se puede leer la transcripción de esta sesión.",
    "This link points to a session that is not in the archive.": "Este enlace apunta a una sesión que no está en el archivo.",
    "This session's transcript is empty (no speech was recognised).":
        "La transcripción de esta sesión está vacía (no se reconoció ninguna voz).",
    'Tips: "exact phrase" · housing OR vivienda · climate NOT finance · particip* · goverment~ (typos) · '
    "one query searches English, French and Spanish sessions":
        "Consejos: \"frase exacta\" · vivienda OR housing · clima NOT finanzas · particip* · gobirno~ "
        "(errores de escritura) · una búsqueda abarca las sesiones en inglés, francés y español",
    "Transcript": "Transcripción",
    "Try removing a filter.": "Pruebe a quitar un filtro.",
    "Until": "Hasta",
    "Watch": "Ver",
    "Web captions (VTT)": "Subtítulos web (VTT)",
    "a word or phrase": "una palabra o frase",
    "from {first} to {last}": "del {first} al {last}",
    "in {n} session": ("en {n} sesión", "en {n} sesiones"),
    "press a time to play from there": "pulse una hora para reproducir desde ahí",
    "showing {shown} of {total}": "se muestran {shown} de {total}",
    "undated": "sin fecha",
    "unknown language": "idioma desconocido",
    "unknown length": "duración desconocida",
    "{found} of {total} lines contain “{text}”": "{found} de {total} líneas contienen «{text}»",
    "{n} hit": ("{n} coincidencia", "{n} coincidencias"),
    "{n} hits over {length}": "{n} coincidencias en {length}",
    "{n} moment": ("{n} momento", "{n} momentos"),
    "{n} session": ("{n} sesión", "{n} sesiones"),
    "{n} with hits, highlighted": "{n} con coincidencias, resaltadas",
    "{time} recorded": "{time} grabadas",
    "◀ Earlier lines": "◀ Líneas anteriores",
    "Media not available: this session's recording cannot be played here; the transcript is beside it.":
        "Medio no disponible: la grabación de esta sesión no se puede reproducir aquí; la transcripción está al lado.",
    "The search index needs a rebuild": "Hay que reconstruir el índice de búsqueda",
    " and ": " y ",
    "Matches {where}": "Coincide {where}",
    "in its description": "en su descripción",
    "in its title": "en su título",
    "in a chapter title": "en un título de capítulo",
    "Chapter {n}": "Capítulo {n}",
    "Chapter:": "Capítulo:",
    "Chapters": "Capítulos",
    "(first {n} chapters shown)": "(se muestran los {n} primeros capítulos)",
    "▶ Watch from the start": "▶ Ver desde el principio",
    "Browse the latest sessions": "Explorar las últimas sesiones",
    "Search any of these words: {query}": "Buscar cualquiera de estas palabras: {query}",
    "Try fewer or other words, check the spelling, or add ~ for typos (goverment~).":
        "Pruebe con menos palabras u otras, revise la ortografía o añada ~ para errores (gobirno~).",
    "a moment listed in the card": "un momento de la tarjeta",
    "Also in:": "También en:",
    "Both": "Ambos",
    "Match": "Coincidencia",
    "Meaning": "Significado",
    "Words": "Palabras",
    "Words: the words you typed, as said. Meaning: passages about the same thing, in any language. "
    "Both: words first, then meaning.":
        "Palabras: las palabras escritas, tal como se dijeron. Significado: pasajes sobre lo mismo, en "
        "cualquier idioma. Ambos: primero las palabras, luego el significado.",
    "≈ close in meaning": "≈ cercano por el significado",
    "another hit": "otra coincidencia",
    "press a tick to play it": "pulse una marca para reproducirla",
}


def fill(code: str, table: dict) -> list[str]:
    with (LOCALE / "messages.pot").open("rb") as fh:
        template = read_po(fh)
    catalog = Catalog(locale=code, project="Session Search", domain="messages", fuzzy=False)
    missing = []
    for message in template:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        value = table.get(key)
        if value is None:
            missing.append(key)
            value = "" if not isinstance(message.id, tuple) else ("", "")
        if isinstance(message.id, tuple):
            forms = (value,) if isinstance(value, str) else tuple(value)
            # CLDR gives French and Spanish a third form (millions): it reads like the plural.
            value = forms + (forms[-1],) * (catalog.num_plurals - len(forms))
        catalog.add(message.id, value)
    out = LOCALE / code / "LC_MESSAGES" / "messages.po"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        write_po(fh, catalog, omit_header=False, no_location=True, width=100)
    return missing


def main() -> int:
    missing = {code: fill(code, table) for code, table in (("fr", FR), ("es", ES))}
    for code, keys in missing.items():
        for key in keys:
            print(f"{code}: untranslated: {key!r}", file=sys.stderr)
    return 1 if any(missing.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
