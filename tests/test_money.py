from decimal import Decimal

import pytest

from backend.money import (
    CurrencyError,
    format_money,
    from_minor,
    quantize,
    tax_minor,
    to_minor,
)


def test_minor_units_round_trip_per_currency():
    assert to_minor("12.345", "EUR") == 1235  # half-up, stated once in money.py
    assert to_minor("12.344", "EUR") == 1234
    assert from_minor(1235, "EUR") == Decimal("12.35")
    assert to_minor("1500", "JPY") == 1500
    assert from_minor(1500, "JPY") == Decimal("1500")


def test_tax_is_rounded_half_up_on_the_net_total():
    assert tax_minor(1050, Decimal("19")) == 200  # 199.5 -> 200
    assert tax_minor(1049, Decimal("19")) == 199  # 199.31 -> 199


def test_floats_and_unknown_currencies_are_refused():
    with pytest.raises(TypeError):
        quantize(0.1, "EUR")  # type: ignore[arg-type]
    with pytest.raises(CurrencyError):
        to_minor("1", "XXX")
    with pytest.raises(CurrencyError):
        quantize("ten", "EUR")


def test_format_money():
    assert format_money(Decimal("1234.5"), "EUR") == "1,234.50 EUR"
    assert format_money(Decimal("7"), "JPY") == "7 JPY"
