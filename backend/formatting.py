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

Traffic reads in one unit family, decimal SI, for bytes and bits alike: ``1 KB`` is 1,000
bytes and ``1 TB`` 10**12, exactly as tariffs count their included traffic and as bit rates
are always counted (``1 Mbit/s`` is 10**6 bit/s). Binary prefixes would make "20 TB
included" and the bytes used disagree by 10 %.

    format_bytes(1_234_567)      1.23 MB     format_bitrate(312_500_000)   313 Mbit/s
    format_bytes(999)            999 B       format_bitrate(0)             0 bit/s

Imports only the standard library and ``backend.money`` at module level; Babel is imported
on the first call, so modules that merely import this one (the remote TUI's start-up, the
server's CLI) do not pay for it.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

from backend.money import exponent

__all__ = [
    "DEFAULT_LOCALE",
    "SUPPORTED_LOCALES",
    "FormattingError",
    "format_money",
    "format_date",
    "format_datetime",
    "BYTE_UNITS",
    "BITRATE_UNITS",
    "UNIT_STEP",
    "BYTES_PER_TB",
    "format_bytes",
    "format_bitrate",
    "bytes_unit",
    "bitrate_unit",
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


# --- traffic: bytes and bit rates ------------------------------------------------------------

UNIT_STEP = 1000
BYTE_UNITS = ("B", "KB", "MB", "GB", "TB")
BITRATE_UNITS = ("bit/s", "kbit/s", "Mbit/s", "Gbit/s")
BYTES_PER_TB = UNIT_STEP ** (len(BYTE_UNITS) - 1)
"""What a tariff's "20 TB included" means in bytes."""


def _quantity(value: int | float | Decimal) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise TypeError(f"not a quantity: {value!r}")
    quantity = Decimal(value)
    if not quantity.is_finite() or quantity < 0:
        raise FormattingError(f"not a quantity of traffic: {value!r}")
    return quantity


def _unit_for(quantity: Decimal, units: tuple[str, ...]) -> int:
    """The index of the largest unit the quantity still reaches 1 of, once rounded for showing
    (999,999 B shows as 1.00 MB, not 1000 KB)."""
    index = 0
    while index + 1 < len(units) and _rounded(quantity / UNIT_STEP ** index, index) >= UNIT_STEP:
        index += 1
    return index


def _rounded(scaled: Decimal, index: int) -> Decimal:
    """Three significant digits, whole numbers from 100 up and in the base unit (no 0.5 B)."""
    if index == 0 or scaled >= 100:
        places = 0
    elif scaled >= 10:
        places = 1
    else:
        places = 2
    return scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _format_quantity(value: int | float | Decimal, units: tuple[str, ...], unit: str | None, locale: str) -> str:
    quantity = _quantity(value)
    _check_locale(locale)
    if unit is None:
        index = _unit_for(quantity, units)
    elif unit in units:
        index = units.index(unit)
    else:
        raise FormattingError(f"unknown unit {unit!r} (one of {', '.join(units)})")
    shown = _rounded(quantity / UNIT_STEP ** index, index)
    from babel.numbers import format_decimal

    places = -shown.as_tuple().exponent
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return f"{format_decimal(shown, format=pattern, locale=locale, decimal_quantization=False)} {units[index]}"


def bytes_unit(largest: int | float | Decimal) -> str:
    """The unit ``largest`` reads best in: pass it as ``unit=`` to show a chart's axis (or a
    column) in one unit."""
    return BYTE_UNITS[_unit_for(_quantity(largest), BYTE_UNITS)]


def bitrate_unit(largest: int | float | Decimal) -> str:
    """As ``bytes_unit``, for bit rates."""
    return BITRATE_UNITS[_unit_for(_quantity(largest), BITRATE_UNITS)]


def format_bytes(value: int | float | Decimal, locale: str = DEFAULT_LOCALE, *, unit: str | None = None) -> str:
    """``1_234_567`` -> ``"1.23 MB"`` (``"1,23 MB"`` in ``de``): decimal units up to TB, three
    significant digits. ``unit`` fixes the unit (``"GB"``), so an axis's ticks read alike."""
    return _format_quantity(value, BYTE_UNITS, unit, locale)


def format_bitrate(bits_per_second: int | float | Decimal, locale: str = DEFAULT_LOCALE, *,
                   unit: str | None = None) -> str:
    """``312_500_000`` -> ``"313 Mbit/s"``: decimal units up to Gbit/s, as ``format_bytes``."""
    return _format_quantity(bits_per_second, BITRATE_UNITS, unit, locale)
