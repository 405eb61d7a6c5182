"""The currencies the portal bills in and their rates, and converting amounts between them.

Rates live in the ``currency_rate`` table as the units of a currency one EUR buys, with the
day they were set; the operator changes them (``hostui-server set-rate``). A currency without
a row is not offered. Amounts convert through the EUR and are rounded once
(``backend.money.convert_minor``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, select

from backend.contract import Conflict, CurrencyOption, InvalidInput
from backend.db import write_session
from backend.models import CurrencyRate
from backend.money import CURRENCY_EXPONENTS, convert_minor
from backend.portal import Portal

# Prices are set in EUR; it is worth exactly one of itself.
BASE_CURRENCY = "EUR"


def offered(session: Session) -> list[CurrencyRate]:
    return list(session.exec(select(CurrencyRate).order_by(CurrencyRate.code)).all())


def currency_options(session: Session) -> list[CurrencyOption]:
    return [
        CurrencyOption(code=row.code, name=row.name, rate=Decimal(row.rate), as_of=row.as_of)
        for row in offered(session)
    ]


def require_offered(session: Session, code: str) -> CurrencyRate:
    """The rate row of ``code``. Refused, naming the currencies there are: InvalidInput for a
    code the portal cannot bill in at all, Conflict for one it could but has no rate for now."""
    row = session.get(CurrencyRate, code) if code in CURRENCY_EXPONENTS else None
    if row is None:
        choices = ", ".join(rate.code for rate in offered(session))
        refusal = Conflict if code in CURRENCY_EXPONENTS else InvalidInput
        raise refusal(f"currency: {code!r} is not offered; choose one of {choices}")
    return row


def convert(session: Session, minor: int, from_currency: str, to_currency: str) -> int:
    """``minor`` units of ``from_currency`` in ``to_currency`` at the current rates."""
    if from_currency == to_currency:
        return minor
    source = require_offered(session, from_currency)
    target = require_offered(session, to_currency)
    return convert_minor(minor, from_currency, to_currency, Decimal(source.rate), Decimal(target.rate))


def set_rate(portal: Portal, code: str, rate: str, name: str | None = None) -> CurrencyRate:
    """Set (or add) the rate of a currency, as of the portal's now. Existing invoices keep
    theirs; new ones and currency changes use this one."""
    code = code.strip().upper()
    if code not in CURRENCY_EXPONENTS:
        raise InvalidInput(f"currency: {code!r} is not one the portal can bill in")
    try:
        value = Decimal(rate)
    except InvalidOperation:
        raise InvalidInput(f"rate: not a number: {rate!r}") from None
    if not value.is_finite() or value <= 0:
        raise InvalidInput(f"rate: must be a positive number, not {rate!r}")
    if code == BASE_CURRENCY and value != 1:
        raise InvalidInput(f"rate: {BASE_CURRENCY} is the base currency; its rate is 1")
    now: datetime = portal.now()
    with write_session(portal.engine) as session:
        row = session.exec(select(CurrencyRate).where(CurrencyRate.code == code).with_for_update()).first()
        if row is None:
            if not name:
                raise InvalidInput(f"name: a new currency needs its name ({code})")
            row = CurrencyRate(code=code, name=name, rate=str(value), as_of=now)
            session.add(row)
        else:
            row.rate, row.as_of = str(value), now
            if name:
                row.name = name
        session.flush()
        return row
