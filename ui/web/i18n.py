"""The interface in English, French and Spanish: a gettext catalogue per language, chosen per visitor.

The messages live in standard gettext catalogues, `ui/web/locale/<code>/LC_MESSAGES/messages.po`
(edited by translators, extracted with `pybabel extract`); they are compiled in memory with Babel when
first used, so no compiled `.mo` file is committed or can go stale. English is the source language.

The language of a visit: `?hl=` in the URL, else the one chosen in the page's switch, else the
browser's (`st.context.locale`, then the Accept-Language header), else English. Sessions keep their
own titles; only the interface is translated.
"""

from __future__ import annotations

import functools
import io
from datetime import date
from pathlib import Path

import streamlit as st

LANGUAGES: tuple[str, ...] = ("en", "fr", "es")
NAMES = {"en": "English", "fr": "Français", "es": "Español"}  # each in its own language, for the switch
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"


@functools.cache
def _catalogue(code: str):
    """babel.support.Translations for `code`, compiled from its .po file (NullTranslations for English)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    po = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if code == "en" or not po.is_file():
        return NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=code, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def best_match(accepted: str | None) -> str | None:
    """The first of our languages in a browser locale ("fr-FR") or Accept-Language header
    ("es-ES,es;q=0.9,en;q=0.8"), or None."""
    if not accepted:
        return None
    ranked = []
    for n, part in enumerate(accepted.split(",")):
        tag, _sep, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((-weight, n, tag.strip().lower().replace("_", "-").split("-")[0]))
    for _w, _n, code in sorted(ranked):
        if code in LANGUAGES:
            return code
    return None


def browser_language() -> str:
    """What the visitor's browser asks for, among ours (English when it asks for none of them)."""
    try:
        locale = st.context.locale
    except Exception:  # not in a Streamlit run (bare mode, tests of plain functions)
        return "en"
    found = best_match(locale)
    if found is None:
        try:
            found = best_match(st.context.headers.get("Accept-Language"))
        except Exception:
            found = None
    return found or "en"


def current() -> str:
    """The interface language of this visit (seeded by ui.web.controls from the URL or browser)."""
    try:
        code = st.session_state.get("hl")
    except Exception:
        code = None
    return code if code in LANGUAGES else "en"


def _(message: str) -> str:
    """`message` in the visitor's language (gettext)."""
    return _catalogue(current()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalogue(current()).ungettext(singular, plural, n)


def day(iso: str | None, lang: str | None = None) -> str:
    """An upload date as people read it in the interface's language: "Jul 9, 2024", "9 juil. 2024".
    `lang`: the interface language when the caller has it already (reading it costs a session-state
    lookup, ~0.1 ms: the sidebar labels all 500 sessions of the channel on every run)."""
    if not iso:
        return _("undated")
    return _day(iso, lang or current())


@functools.lru_cache(maxsize=16384)
def _day(iso: str, lang: str) -> str:
    # Cached: the sidebar labels every session with its date on every run (babel takes ~0.2 ms a date).
    try:
        value = date.fromisoformat(iso)
    except ValueError:
        return iso
    from babel.dates import format_date

    return format_date(value, "medium", locale=lang)


def language_name(code: str | None) -> str:
    """A session's language named in the interface's language ("French", "français", "francés")."""
    if not code:
        return _("unknown language")
    return _language_name(code, current())


@functools.lru_cache(maxsize=1024)
def _language_name(code: str, lang: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code).get_display_name(lang)
    except (UnknownLocaleError, ValueError):
        return code
    return (name[:1].upper() + name[1:]) if name else code
