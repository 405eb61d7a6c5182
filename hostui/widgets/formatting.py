"""How amounts, dates and payment methods look on screen (one place, so every screen agrees)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from backend.contract import PaymentMethodCode

__all__ = ["money", "day", "method_label", "METHOD_LABELS", "METHOD_SHORT"]

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
    """``1,234.50 EUR``: the amount as the service quantized it (2 places for EUR), never a float."""
    if not isinstance(amount, Decimal):
        amount = Decimal(str(amount))
    if amount.as_tuple().exponent == 0 and currency != "JPY":
        amount = amount.quantize(Decimal("0.01"))
    return f"{amount:,} {currency}"


def day(moment: datetime | None) -> str:
    """``2026-11-20`` (UTC): the portal's dates are UTC."""
    if moment is None:
        return "—"
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d")


def method_label(method: PaymentMethodCode | str | None, *, short: bool = False) -> str:
    if method is None:
        return ""
    code = PaymentMethodCode(method)
    return (METHOD_SHORT if short else METHOD_LABELS)[code]
