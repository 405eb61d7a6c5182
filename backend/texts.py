"""The backend's own texts (invoice and quote PDFs, renewal e-mails) in every language the
portal offers, in one place: ``text(language, key, **values)``.

The TUI's strings are translated with gettext catalogues; the backend's few fixed texts are
a dictionary per language here. Every language has every key (tests/test_texts.py checks),
and a language the portal does not know falls back to English rather than failing a PDF.
"""

from __future__ import annotations

# The languages a customer can choose, by code, named in themselves.
LANGUAGES = {"en": "English", "de": "Deutsch"}
DEFAULT_LANGUAGE = "en"

_TEXTS: dict[str, dict[str, str]] = {
    "en": {},
    "de": {},
}


def language_or_default(code: str | None) -> str:
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def text(language: str | None, key: str, **values: object) -> str:
    """The text ``key`` in ``language``, with ``values`` filled in (``str.format``)."""
    template = _TEXTS[language_or_default(language)][key]
    return template.format(**values) if values else template
