"""How amounts, dates and payment methods look on screen (one place, so every screen agrees).

Amounts and dates come from ``backend.formatting``, so the screens say them exactly as the
PDFs and the pay page do, in the language the TUI shows (``hostui.i18n.current_language``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from backend.contract import PaymentMethodCode
from backend.formatting import SUPPORTED_LOCALES, format_date, format_datetime, format_decimal, format_money
from hostui.i18n import N_, _, current_language

__all__ = ["money", "figure", "day", "day_time", "method_label", "METHOD_LABELS", "METHOD_SHORT"]

METHOD_LABELS = {
    PaymentMethodCode.BALANCE: N_("account balance"),
    PaymentMethodCode.BANK_TRANSFER: N_("bank transfer"),
    PaymentMethodCode.CARD: N_("card"),
}
# For narrow table cells.
METHOD_SHORT = {
    PaymentMethodCode.BALANCE: N_("balance"),
    PaymentMethodCode.BANK_TRANSFER: N_("transfer"),
    PaymentMethodCode.CARD: N_("card"),
}


def locale() -> str:
    """The formatting locale: the UI's language (English for one the formatter lacks)."""
    language = current_language()
    return language if language in SUPPORTED_LOCALES else "en"


def money(amount: Decimal, currency: str) -> str:
    """``1,234.50 EUR`` / ``1.234,50 EUR``, never rounded: ``backend.formatting.format_money``."""
    return format_money(amount, currency, locale())


def figure(value: Decimal) -> str:
    """``0.9400`` / ``0,9400``: a figure that is not money (a rate), with its own places."""
    return format_decimal(value, locale())


def day(moment: datetime | None) -> str:
    """``2026-11-20`` / ``20.11.2026`` (the UTC day); an em dash when there is no such date."""
    return "—" if moment is None else format_date(moment, locale())


def day_time(moment: datetime | None) -> str:
    """``2026-11-20 14:05 UTC``; an em dash when there is no such moment."""
    return "—" if moment is None else format_datetime(moment, locale())


def method_label(method: PaymentMethodCode | str | None, *, short: bool = False) -> str:
    if method is None:
        return ""
    code = PaymentMethodCode(method)
    return _((METHOD_SHORT if short else METHOD_LABELS)[code])
