"""The one formatter of money and dates: its style per locale, and what it refuses."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from backend import money
from backend.formatting import (
    BYTES_PER_TB,
    NUMBER_SYMBOLS,
    SUPPORTED_LOCALES,
    FormattingError,
    NumberSymbols,
    bitrate_unit,
    bytes_unit,
    format_bitrate,
    format_bytes,
    format_date,
    format_datetime,
    format_decimal,
    format_integer,
    format_money,
)
from backend.money import CurrencyError


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        (Decimal("1234.5"), "EUR", "en", "1,234.50 EUR"),
        (Decimal("1234.5"), "EUR", "de", "1.234,50 EUR"),
        (Decimal("0.07"), "USD", "en", "0.07 USD"),
        (Decimal("0.07"), "USD", "de", "0,07 USD"),
        (Decimal("1234567"), "JPY", "en", "1,234,567 JPY"),
        (Decimal("1234567"), "JPY", "de", "1.234.567 JPY"),
        (Decimal("-1234.56"), "EUR", "en", "-1,234.56 EUR"),
        (Decimal("-1234.56"), "EUR", "de", "-1.234,56 EUR"),
        (Decimal("-5"), "JPY", "en", "-5 JPY"),
        (Decimal("12345678901234567.89"), "EUR", "en", "12,345,678,901,234,567.89 EUR"),
        (Decimal("12345678901234567.89"), "USD", "de", "12.345.678.901.234.567,89 USD"),
        (Decimal("0"), "EUR", "en", "0.00 EUR"),
        (Decimal("-0.00"), "EUR", "en", "0.00 EUR"),
        (Decimal("19.500"), "EUR", "en", "19.50 EUR"),  # trailing zeros: the same money
        (12, "EUR", "en", "12.00 EUR"),
    ],
)
def test_money_in_each_locale(amount, currency, locale, expected):
    assert format_money(amount, currency, locale) == expected


def test_english_is_the_default_and_plain_ascii():
    text = format_money(Decimal("-98765.43"), "EUR")
    assert text == "-98,765.43 EUR"
    assert text.isascii()


def test_backend_money_says_it_the_same_way():
    assert money.format_money(Decimal("1234.5"), "EUR") == format_money(Decimal("1234.5"), "EUR")
    assert money.format_money(Decimal("1234.5"), "EUR", "de") == "1.234,50 EUR"


@pytest.mark.parametrize(
    ("amount", "currency"),
    [(Decimal("1.005"), "EUR"), (Decimal("0.001"), "USD"), (Decimal("7.5"), "JPY"), (Decimal("-0.999"), "EUR")],
)
def test_an_unquantized_amount_is_refused_not_rounded(amount, currency):
    # Rounding happens once, in backend.money.quantize; a figure that would print rounded is a
    # bug upstream, and a rounded figure on an invoice would differ from the one stored.
    with pytest.raises(FormattingError, match="more places than"):
        format_money(amount, currency)
    assert format_money(money.quantize(amount, currency), currency)  # quantized, it prints


def test_floats_and_non_numbers_are_refused():
    with pytest.raises(TypeError, match="never float"):
        format_money(1.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_money("1.50", "EUR")  # type: ignore[arg-type]
    with pytest.raises(FormattingError):
        format_money(Decimal("NaN"), "EUR")
    with pytest.raises(FormattingError):
        format_money(Decimal("Infinity"), "EUR")


def test_unknown_currency_and_locale_are_refused():
    with pytest.raises(CurrencyError):
        format_money(Decimal("1.00"), "XYZ")
    with pytest.raises(FormattingError, match="unsupported locale 'fr'"):
        format_money(Decimal("1.00"), "EUR", "fr")
    with pytest.raises(FormattingError, match="unsupported locale"):
        format_date(date(2026, 1, 2), "en_US")


def test_dates_in_each_locale():
    assert format_date(date(2026, 1, 2)) == "2026-01-02"
    assert format_date(date(2026, 1, 2), "de") == "02.01.2026"
    assert format_date(datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc), "en") == "2026-11-20"


def test_dates_are_the_utc_day():
    # 23:30 at UTC-2 is already the next day in UTC; naive datetimes from the database are UTC.
    late = datetime(2026, 11, 20, 23, 30, tzinfo=timezone(timedelta(hours=-2)))
    assert format_date(late) == "2026-11-21"
    assert format_date(datetime(2026, 11, 20, 23, 30)) == "2026-11-20"


def test_datetimes_are_minutes_in_utc():
    moment = datetime(2026, 11, 20, 15, 5, 59, tzinfo=timezone(timedelta(hours=1)))
    assert format_datetime(moment) == "2026-11-20 14:05 UTC"
    assert format_datetime(moment, "de") == "20.11.2026 14:05 UTC"
    with pytest.raises(TypeError):
        format_datetime(date(2026, 11, 20))  # type: ignore[arg-type]


def test_the_tui_widgets_use_the_same_formatter():
    from hostui.widgets.formatting import day, day_time, money as widget_money

    assert widget_money(Decimal("1234.50"), "EUR") == "1,234.50 EUR"
    assert widget_money(Decimal("7"), "JPY") == "7 JPY"
    assert day(datetime(2026, 11, 20, 23, 30, tzinfo=timezone(timedelta(hours=-2)))) == "2026-11-21"
    assert day(None) == "—"
    assert day_time(datetime(2026, 11, 20, 14, 5, tzinfo=timezone.utc)) == "2026-11-20 14:05 UTC"


def test_formatting_loads_neither_babel_nor_the_database_stack():
    # A Babel locale weighs some 7 MiB in every process that shows an amount (see the module).
    code = (
        "import backend.formatting as f, sys; from decimal import Decimal; from datetime import date; "
        "f.format_money(Decimal('1234.50'), 'EUR', 'de'); f.format_date(date(2026, 1, 2), 'de'); "
        "f.format_bytes(1234567, 'de'); f.format_integer(12345, 'de'); "
        "bad = [m for m in sys.modules if m.startswith(('babel', 'sqlalchemy', 'sqlmodel'))]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- held to CLDR, as Babel has it --------------------------------------------------------------


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_number_symbols_are_cldrs(locale):
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

    assert NUMBER_SYMBOLS[locale] == NumberSymbols(
        decimal=get_decimal_symbol(locale), group=get_group_symbol(locale), minus=get_minus_sign_symbol(locale)
    )
    # Groups of three, as the formatter writes them.
    assert Locale.parse(locale).decimal_formats[None].grouping == (3, 3)


def _amounts(places: int) -> list[Decimal]:
    """Edges and a seeded spread of amounts at ``places`` places: every length of the whole
    part up to 18 digits, both signs."""
    rng = random.Random(20261125)
    quantum = Decimal(1).scaleb(-places)
    edges = [Decimal(0), quantum, -quantum, Decimal(999), Decimal(1000), Decimal(-1000), Decimal(999999)]
    spread = [
        Decimal(rng.randrange(10 ** (digits + places))).scaleb(-places) * rng.choice((1, -1))
        for digits in range(1, 19)
        for _ in range(4)
    ]
    return [amount.quantize(quantum) for amount in edges + spread]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("currency", money.SUPPORTED_CURRENCIES)
def test_money_reads_exactly_as_babel_writes_it(locale, currency):
    from babel.numbers import format_currency

    places = money.exponent(currency)
    pattern = "#,##0" + ("." + "0" * places if places else "") + " ¤¤"
    for amount in _amounts(places):
        # -0 is shown as 0 on purpose (test_money_in_each_locale); Babel would keep the sign.
        shown = amount.copy_abs() if amount.is_zero() else amount
        expected = format_currency(shown, currency, format=pattern, locale=locale, currency_digits=False)
        assert format_money(amount, currency, locale) == expected, amount


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_counts_and_dates_read_exactly_as_babel_writes_them(locale):
    from babel.dates import format_date as babel_format_date
    from babel.numbers import format_decimal

    for value in [0, 7, 999, 1000, 12345, 10_000, 1_234_567, -4321, 10**15 + 1]:
        assert format_integer(value, locale) == format_decimal(value, locale=locale), value
    pattern = {"en": "yyyy-MM-dd", "de": "dd.MM.yyyy"}[locale]
    for day in [date(2026, 1, 2), date(1999, 12, 31), date(2400, 2, 29), date(10, 3, 4)]:
        assert format_date(day, locale) == babel_format_date(day, pattern, locale=locale), day


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_traffic_reads_exactly_as_babel_writes_it(locale):
    from babel.numbers import format_decimal

    for value in [0, 5, 999, 1000, 1234, 999_499, 999_999, 12_345_678, 987_654_321_000, 5 * 10**15]:
        text = format_bytes(value, locale)
        figure, unit = text.rsplit(" ", 1)
        shown = Decimal(figure.replace(NUMBER_SYMBOLS[locale].group, "").replace(NUMBER_SYMBOLS[locale].decimal, "."))
        places = max(0, -shown.as_tuple().exponent)
        pattern = "#,##0" + ("." + "0" * places if places else "")
        assert figure == format_decimal(shown, format=pattern, locale=locale, decimal_quantization=False), value


# --- traffic units -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (0, "en", "0 B"),
        (999, "en", "999 B"),
        (1_000, "en", "1.00 KB"),
        (1_234_567, "en", "1.23 MB"),
        (1_234_567, "de", "1,23 MB"),
        (12_345_678, "en", "12.3 MB"),
        (123_456_789, "en", "123 MB"),
        (999_499, "en", "999 KB"),
        (999_500, "en", "1.00 MB"),  # rounds up into the next unit, never "1000 KB"
        (20 * 10**12, "en", "20.0 TB"),
        (1_500 * 10**12, "en", "1,500 TB"),  # TB is the largest unit
        (1_500 * 10**12, "de", "1.500 TB"),
        (5.5, "en", "6 B"),  # no fractions of a byte
    ],
)
def test_bytes_in_decimal_units(value, locale, expected):
    assert format_bytes(value, locale) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0 bit/s"), (999, "999 bit/s"), (1_000, "1.00 kbit/s"), (312_500_000, "313 Mbit/s"),
     (10**10, "10.0 Gbit/s"), (10**13, "10,000 Gbit/s")],
)
def test_bit_rates_in_decimal_units(value, expected):
    assert format_bitrate(value) == expected


def test_one_unit_for_a_whole_axis():
    unit = bytes_unit(3 * 10**9)
    assert unit == "GB"
    assert [format_bytes(v, unit=unit) for v in (0, 5 * 10**8, 3 * 10**9)] == ["0.00 GB", "0.50 GB", "3.00 GB"]
    assert bitrate_unit(999) == "bit/s" and bitrate_unit(2 * 10**6) == "Mbit/s"
    assert BYTES_PER_TB == 10**12


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), Decimal("-0.5")])
def test_traffic_that_cannot_be_shown_is_refused(bad):
    with pytest.raises(FormattingError):
        format_bytes(bad)


def test_traffic_units_refuse_unknown_units_and_non_numbers():
    with pytest.raises(FormattingError, match="unknown unit"):
        format_bytes(1, unit="GiB")
    with pytest.raises(TypeError):
        format_bitrate("12")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_bytes(True)  # type: ignore[arg-type]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_rates_keep_their_places_and_read_as_babel_writes_them(locale):
    from babel.numbers import format_decimal as babel_format_decimal

    for value in [Decimal("0.9400"), Decimal("1"), Decimal("1.08"), Decimal("1234.5678"), Decimal("0.000001")]:
        places = max(0, -value.as_tuple().exponent)
        pattern = "#,##0" + ("." + "0" * places if places else "")
        assert format_decimal(value, locale) == babel_format_decimal(value, format=pattern, locale=locale)
    assert format_decimal(Decimal("0.9400"), "de") == "0,9400"
    with pytest.raises(TypeError):
        format_decimal(0.94, locale)  # type: ignore[arg-type]
