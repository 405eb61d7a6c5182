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


def test_a_ticket_copy_is_written_in_the_customers_language():
    from datetime import datetime, timezone

    from backend.mail.outbox import _body
    from backend.models import Ticket, TicketMessage

    ticket = Ticket(customer_id=1, number="T-58441", department="technical", subject="SMART warnings")
    message = TicketMessage(ticket_id=1, author_kind="staff", author_name="Tobias", body="Die Platte ist getauscht.",
                            created_at=datetime(2026, 11, 20, 14, 5, tzinfo=timezone.utc))
    german = _body(ticket, message, "de")
    assert german.startswith("Tobias (Support) schrieb am 20.11.2026 14:05 UTC:")
    assert "Antworten Sie auf diese E-Mail" in german and "[Ticket #T-58441]" in german
    english = _body(ticket, message, "en")
    assert english.startswith("Tobias (Support) wrote on 2026-11-20 14:05 UTC:")
    assert _body(ticket, message, "xx") == english  # an unknown language falls back to English
