"""The backend's own texts (backend/texts.py): every language has every text, with the same
placeholders, and an unknown language falls back to English."""

from __future__ import annotations

import string

from backend.formatting import SUPPORTED_LOCALES
from backend.texts import _TEXTS, DEFAULT_LANGUAGE, LANGUAGES, text


def _placeholders(template: str) -> set[str]:
    return {name for _literal, name, _spec, _conversion in string.Formatter().parse(template) if name}


def test_every_language_has_every_text_with_the_same_placeholders():
    english = _TEXTS[DEFAULT_LANGUAGE]
    for language in LANGUAGES:
        assert set(_TEXTS[language]) == set(english), language
        for key, template in english.items():
            assert _placeholders(_TEXTS[language][key]) == _placeholders(template), (language, key)


def test_every_language_can_format_dates_and_money():
    assert set(LANGUAGES) <= set(SUPPORTED_LOCALES)


def test_an_unknown_language_reads_english():
    assert text("fr", "pdf.total") == text("en", "pdf.total") == "Total"
    assert text("de", "pdf.total") == "Gesamt"
    assert text(None, "pdf.tax", rate="19 %") == "Tax (19 %)"
