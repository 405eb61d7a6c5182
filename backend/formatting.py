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
locale's currency pattern), so a Babel upgrade cannot change what an invoice says. CLDR
supplies only the separators, and those few characters are kept here per locale
(``NUMBER_SYMBOLS``) rather than read through Babel at run time: loading a Babel locale
costs some 7 MiB and 20 ms in every process that shows an amount, the TUI's first screen
included. tests/test_formatting.py holds the table to Babel's CLDR data and the output to
Babel's own formatting.

The formatter never rounds: an amount with more places than its currency has is a bug
upstream (rounding happens once, in ``backend.money.quantize``), so it raises instead of
printing a figure that differs from the one stored. Floats are refused outright.

Traffic reads in one unit family, decimal SI, for bytes and bits alike: ``1 KB`` is 1,000
bytes and ``1 TB`` 10**12, exactly as tariffs count their included traffic and as bit rates
are always counted (``1 Mbit/s`` is 10**6 bit/s). Binary prefixes would make "20 TB
included" and the bytes used disagree by 10 %.

    format_bytes(1_234_567)      1.23 MB     format_bitrate(312_500_000)   313 Mbit/s
    format_bytes(999)            999 B       format_bitrate(0)             0 bit/s

Imports only the standard library and ``backend.money``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

from backend.money import exponent

__all__ = [
    "DEFAULT_LOCALE",
    "SUPPORTED_LOCALES",
    "NUMBER_SYMBOLS",
    "NumberSymbols",
    "FormattingError",
    "format_money",
    "format_integer",
    "format_decimal",
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


@dataclass(frozen=True)
class NumberSymbols:
    """A locale's signs in numbers, as CLDR has them (Babel's ``get_decimal_symbol`` & co.)."""

    decimal: str
    group: str
    minus: str


NUMBER_SYMBOLS = {
    "en": NumberSymbols(decimal=".", group=",", minus="-"),
    "de": NumberSymbols(decimal=",", group=".", minus="-"),
}
# Every supported locale groups by threes (CLDR's "#,##0.###" for both).
_GROUP_SIZE = 3


# The day, per locale (tests/test_formatting.py formats one in every supported locale).
# English keeps ISO 8601: sortable, and unambiguous on either side of the Atlantic.
_DATE_FORMATS = {
    "en": "{year:04d}-{month:02d}-{day:02d}",
    "de": "{day:02d}.{month:02d}.{year:04d}",
}

SUPPORTED_LOCALES = tuple(NUMBER_SYMBOLS)


class FormattingError(ValueError):
    """A value the formatter will not show as it is (unquantized amount, unknown locale)."""


def _check_locale(locale: str) -> str:
    if locale not in NUMBER_SYMBOLS:
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
    # The places come from backend.money's table, which is what the amounts are stored with,
    # not from CLDR's idea of the currency.
    return f"{_decimal_text(value, exponent(currency), _check_locale(locale))} {currency}"


def format_integer(value: int, locale: str = DEFAULT_LOCALE) -> str:
    """``12345`` -> ``"12,345"`` (``"12.345"`` in ``de``): a count, with the locale's grouping."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"not an integer: {value!r}")
    return _decimal_text(Decimal(value), 0, _check_locale(locale))


def format_decimal(value: Decimal, locale: str = DEFAULT_LOCALE) -> str:
    """A decimal that is not money (an exchange rate) with exactly its own places:
    ``Decimal("0.9400")`` -> ``"0.9400"`` (``"0,9400"`` in ``de``)."""
    if isinstance(value, float) or not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError(f"not a finite Decimal: {value!r}")
    return _decimal_text(value, max(0, -value.as_tuple().exponent), _check_locale(locale))


def _decimal_text(value: Decimal, places: int, locale: str) -> str:
    """``value`` (already at ``places`` places: nothing is rounded here) in the locale's signs:
    the minus sign, the whole part grouped by threes, the decimal sign and the places."""
    symbols = NUMBER_SYMBOLS[locale]
    digits = f"{abs(value):.{places}f}"
    whole, _, fraction = digits.partition(".")
    head = len(whole) % _GROUP_SIZE or _GROUP_SIZE
    groups = [whole[:head]] + [whole[start:start + _GROUP_SIZE] for start in range(head, len(whole), _GROUP_SIZE)]
    text = symbols.group.join(groups) + (symbols.decimal + fraction if fraction else "")
    return symbols.minus + text if value < 0 else text


def _utc(moment: datetime) -> datetime:
    # The portal stores and computes in UTC; a naive datetime from the database is UTC too.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def format_date(value: date | datetime, locale: str = DEFAULT_LOCALE) -> str:
    """The day of ``value`` in UTC: ``2026-11-20`` (``20.11.2026`` in ``de``)."""
    _check_locale(locale)
    if isinstance(value, datetime):
        value = _utc(value).date()
    elif not isinstance(value, date):
        raise TypeError(f"not a date: {value!r}")
    return _DATE_FORMATS[locale].format(year=value.year, month=value.month, day=value.day)


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
    places = max(0, -shown.as_tuple().exponent)
    return f"{_decimal_text(shown, places, locale)} {units[index]}"


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
