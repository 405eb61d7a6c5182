"""How amounts, dates and payment methods look on screen (one place, so every screen agrees).

Amounts and dates come from ``backend.formatting``, so the screens say them exactly as the
PDFs and the pay page do."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from backend.contract import PaymentMethodCode
from backend.formatting import format_date, format_datetime, format_money

__all__ = ["money", "day", "day_time", "method_label", "METHOD_LABELS", "METHOD_SHORT"]

METHOD_LABELS = {
    PaymentMethodCode.BALANCE: "account balance",
    PaymentMethodCode.BANK_TRANSFER: "bank transfer",
    PaymentMethodCode.CARD: "card",
}
# For narrow table cells.
METHOD_SHORT = {
    PaymentMethodCode.BALANCE: "balance",
    PaymentMethodCode.BANK_TRANSFER: "transfer",
    PaymentMethodCode.CARD: "card",
}


def money(amount: Decimal, currency: str) -> str:
    """``1,234.50 EUR``, never rounded: ``backend.formatting.format_money`` (English for now)."""
    return format_money(amount, currency)


def day(moment: datetime | None) -> str:
    """``2026-11-20`` (the UTC day); an em dash when there is no such date."""
    return "—" if moment is None else format_date(moment)


def day_time(moment: datetime | None) -> str:
    """``2026-11-20 14:05 UTC``; an em dash when there is no such moment."""
    return "—" if moment is None else format_datetime(moment)


def method_label(method: PaymentMethodCode | str | None, *, short: bool = False) -> str:
    if method is None:
        return ""
    code = PaymentMethodCode(method)
    return (METHOD_SHORT if short else METHOD_LABELS)[code]
