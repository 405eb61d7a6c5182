"""Money: stored as integer minor units, shown and exchanged as quantized Decimal.

The one rounding rule of hostui: amounts are quantized to the currency's minor unit with
ROUND_HALF_UP (commercial rounding, as German invoices expect). Tax is computed once on the
invoice's net total, never per line, so the printed lines always add up to the total.

Converting between currencies (``convert_minor``) goes through the rates against the EUR at
full precision and rounds once, at the end, the same way: once per invoice line's unit price
(the line's amount is then quantity times that price, so lines still add up), once for a
balance moved into another currency.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Minor-unit exponent per ISO 4217 code. Only currencies the portal bills in are listed;
# anything else is rejected rather than guessed.
CURRENCY_EXPONENTS: dict[str, int] = {
    "EUR": 2,
    "USD": 2,
    "GBP": 2,
    "CHF": 2,
    "PLN": 2,
    "CZK": 2,
    "SEK": 2,
    "JPY": 0,
}

SUPPORTED_CURRENCIES = tuple(sorted(CURRENCY_EXPONENTS))


class CurrencyError(ValueError):
    pass


def exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise CurrencyError(f"unsupported currency {currency!r}") from None


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-exponent(currency))


def quantize(amount: Decimal | int | str, currency: str) -> Decimal:
    """Round an amount to the currency's minor unit (ROUND_HALF_UP)."""
    if isinstance(amount, float):
        raise TypeError("money is never a float")
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise CurrencyError(f"not an amount: {amount!r}") from None
    return value.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal | int | str, currency: str) -> int:
    """Decimal amount -> integer minor units (cents)."""
    return int(quantize(amount, currency).scaleb(exponent(currency)))


def from_minor(minor: int, currency: str) -> Decimal:
    """Integer minor units -> quantized Decimal."""
    return quantize(Decimal(minor).scaleb(-exponent(currency)), currency)


def convert_minor(minor: int, from_currency: str, to_currency: str, from_rate: Decimal, to_rate: Decimal) -> int:
    """``minor`` units of ``from_currency`` in minor units of ``to_currency``, where each rate
    is the units of that currency one EUR buys; rounded once, half-up."""
    if from_rate <= 0 or to_rate <= 0:
        raise CurrencyError("an exchange rate must be positive")
    amount = Decimal(minor).scaleb(-exponent(from_currency)) * Decimal(to_rate) / Decimal(from_rate)
    return to_minor(amount, to_currency)


def tax_minor(net_minor: int, rate_percent: Decimal) -> int:
    """Tax on a net total in minor units, rounded half-up to a whole minor unit."""
    tax = (Decimal(net_minor) * Decimal(rate_percent) / Decimal(100)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return int(tax)


def format_money(amount: Decimal, currency: str, locale: str = "en") -> str:
    """``backend.formatting.format_money``, for callers that already import this module.

    Imported on call because ``backend.formatting`` imports this module for the exponents.
    """
    from backend.formatting import format_money as formatted

    return formatted(amount, currency, locale)
