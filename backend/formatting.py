"""How money and dates read to people: the one formatter behind the TUI, the PDFs and the API's texts.

One style, in every locale: the amount with the locale's digit grouping and decimal sign and
exactly the currency's minor-unit places, then a space and the ISO 4217 code; dates are
day-precise in UTC. The ISO code rather than a symbol, because "$" says neither USD nor
CAD, and a code keeps English text plain ASCII, which every terminal and the PDFs' latin-1
fonts can show.

    locale  format_money(Decimal("-1234.5"), "EUR")  format_date(…)  format_datetime(…)
    en      -1,234.50 EUR                            2026-11-20      2026-11-20 14:05 UTC
    de      -1.234,50 EUR                            20.11.2026      20.11.2026 14:05 UTC

The patterns are spelled out here, not taken from CLDR's named formats ("medium", the
locale's currency pattern), so a Babel upgrade cannot change what an invoice says; CLDR
supplies only the separators.

The formatter never rounds: an amount with more places than its currency has is a bug
upstream (rounding happens once, in ``backend.money.quantize``), so it raises instead of
printing a figure that differs from the one stored. Floats are refused outright.

Imports only the standard library and ``backend.money`` at module level; Babel is imported
on the first call, so modules that merely import this one (the remote TUI's start-up, the
server's CLI) do not pay for it.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from backend.money import exponent

__all__ = [
    "DEFAULT_LOCALE",
    "SUPPORTED_LOCALES",
    "FormattingError",
    "format_money",
    "format_date",
    "format_datetime",
]

DEFAULT_LOCALE = "en"

# Date patterns per locale (CLDR pattern syntax). English keeps ISO 8601: sortable, and
# unambiguous to readers on either side of the Atlantic.
_DATE_PATTERNS = {
    "en": "yyyy-MM-dd",
    "de": "dd.MM.yyyy",
}
SUPPORTED_LOCALES = tuple(_DATE_PATTERNS)


class FormattingError(ValueError):
    """A value the formatter will not show as it is (unquantized amount, unknown locale)."""


def _check_locale(locale: str) -> str:
    if locale not in _DATE_PATTERNS:
        supported = ", ".join(SUPPORTED_LOCALES)
        raise FormattingError(f"unsupported locale {locale!r} (supported: {supported})")
    return locale


def _exact(amount: Decimal | int, currency: str) -> Decimal:
    """The amount at exactly the currency's places; raises if that would change its value."""
    if isinstance(amount, float) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"money is a Decimal, never {type(amount).__name__}")
    value = Decimal(amount)
    if not value.is_finite():
        raise FormattingError(f"not an amount: {value}")
    places = exponent(currency)
    shown = value.quantize(Decimal(1).scaleb(-places))
    if shown != value:
        raise FormattingError(
            f"{value} has more places than {currency} has ({places}); "
            "quantize it (backend.money.quantize) before showing it"
        )
    # -0.00 and 0.00 are the same money; only one of them should ever be printed.
    return shown.copy_abs() if shown.is_zero() else shown


def format_money(amount: Decimal | int, currency: str, locale: str = DEFAULT_LOCALE) -> str:
    """``Decimal("1234.5"), "EUR"`` -> ``"1,234.50 EUR"`` (``"1.234,50 EUR"`` in ``de``).

    Raises ``backend.money.CurrencyError`` for a currency the portal does not bill in, ``FormattingError``
    for an amount with more places than the currency has, ``TypeError`` for a float.
    """
    value = _exact(amount, currency)
    _check_locale(locale)
    from babel.numbers import format_currency

    places = exponent(currency)
    pattern = "#,##0" + ("." + "0" * places if places else "") + " ¤¤"
    # currency_digits=False: the places come from backend.money's table, which is what the
    # amounts are stored with, not from CLDR's idea of the currency.
    return format_currency(value, currency, format=pattern, locale=locale, currency_digits=False)


def _utc(moment: datetime) -> datetime:
    # The portal stores and computes in UTC; a naive datetime from the database is UTC too.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def format_date(value: date | datetime, locale: str = DEFAULT_LOCALE) -> str:
    """The day of ``value`` in UTC: ``2026-11-20`` (``20.11.2026`` in ``de``)."""
    pattern = _DATE_PATTERNS[_check_locale(locale)]
    if isinstance(value, datetime):
        value = _utc(value).date()
    elif not isinstance(value, date):
        raise TypeError(f"not a date: {value!r}")
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, pattern, locale=locale)


def format_datetime(value: datetime, locale: str = DEFAULT_LOCALE) -> str:
    """``2026-11-20 14:05 UTC`` (``20.11.2026 14:05 UTC`` in ``de``): minutes, always UTC."""
    if not isinstance(value, datetime):
        raise TypeError(f"not a datetime: {value!r}")
    moment = _utc(value)
    return f"{format_date(moment, locale)} {moment:%H:%M} UTC"
