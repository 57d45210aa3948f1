"""The compiled message catalogs (app/i18n/translations/<lang>/LC_MESSAGES/messages.mo), loaded
once per language, usable without a request: the broadcaster and the notification sender
translate outside any request, the pages through Flask-Babel, from the same files."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

DIRECTORY = Path(__file__).parent / "translations"
LANGUAGES = {"en": "English", "fi": "Suomi", "sv": "Svenska"}
DEFAULT = "en"


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    """The catalog of a language; English (the source language) translates to itself."""
    if lang == DEFAULT or lang not in LANGUAGES:
        return NullTranslations()
    return Translations.load(str(DIRECTORY), [lang])


def N_(text: str) -> str:
    """Mark a string for the catalog (gettext's name); it is translated where it is shown."""
    return text


def Np_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 (as N_)
    """Mark a plural pair for the catalog (extracted with `-k Np_:1,2`)."""
    return singular, plural
