"""Currency and language through the contract, on both services and databases: the balance
moves into the new currency at the rate (booked out and in), new invoices are issued in the
account's currency, issued ones keep theirs; the language is stored and the PDFs follow it."""

from __future__ import annotations

import io
import re
import uuid
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlmodel import func, select

from backend.contract import Conflict, InvalidInput, InvoiceFilter, InvoiceQuery
from backend.db import read_session
from backend.models import BalanceEntry, InvoiceLine, OrderItem, ServiceOrder

pytestmark = pytest.mark.asyncio


def _ledger_sums(portal, customer_id: int) -> dict[str, int]:  # noqa: ANN001
    with read_session(portal.engine) as session:
        rows = session.exec(
            select(BalanceEntry.currency, func.sum(BalanceEntry.amount_minor))
            .where(BalanceEntry.customer_id == customer_id)
            .group_by(BalanceEntry.currency)
        ).all()
    return {currency: int(total) for currency, total in rows}


async def test_changing_the_currency_converts_the_balance_at_the_rate(service, portal, demo_customer_id):
    before = await service.account()
    assert (before.balance, before.currency) == (Decimal("250.00"), "EUR")
    settings = await service.set_currency("USD")
    assert settings.currency == "USD"
    usd = next(option for option in settings.currencies if option.code == "USD")
    after = await service.account()
    assert (after.balance, after.currency) == (Decimal("250.00") * usd.rate, "USD")  # 270.00, exact
    # Booked out in EUR and in in USD: each currency's entries add up to what the account holds in it.
    assert _ledger_sums(portal, demo_customer_id) == {"EUR": 0, "USD": 27_000}

    again = await service.set_currency("USD")
    assert again == settings and _ledger_sums(portal, demo_customer_id) == {"EUR": 0, "USD": 27_000}


async def test_the_conversion_rounds_once_half_up(service, portal, demo_customer_id):
    from backend.db import write_session
    from backend.models import Customer

    with write_session(portal.engine) as session:
        session.get(Customer, demo_customer_id).balance_minor = 1_235  # 12.35 EUR * 0.94 = 11.609 CHF
    await service.set_currency("CHF")
    assert (await service.account()).balance == Decimal("11.61")


async def test_new_invoices_use_the_accounts_currency_and_issued_ones_keep_theirs(
    service, portal, renewable_order
):
    issued = await service.list_invoices(InvoiceQuery(status=InvoiceFilter.ALL, page_size=500))
    assert {row.currency for row in issued.items} == {"EUR"}
    await service.set_currency("USD")

    invoice = await service.renew_order(renewable_order.id, uuid.uuid4().hex)
    assert invoice.currency == "USD"
    with read_session(portal.engine) as session:
        order = session.get(ServiceOrder, renewable_order.id)
        items = session.exec(
            select(OrderItem).where(OrderItem.order_id == order.id, OrderItem.recurring).order_by(OrderItem.position)
        ).all()
        lines = session.exec(
            select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.position)
        ).all()
    eur_prices = [order.price_minor, *(item.unit_price_minor for item in items)]
    # Each unit price converted at 1.08 and rounded once, half-up; the lines add up to the net.
    assert [line.unit_price_minor for line in lines] == [
        int((Decimal(price) * Decimal("1.08")).quantize(Decimal(1), rounding="ROUND_HALF_UP")) for price in eur_prices
    ]
    assert invoice.net == sum(line.amount for line in invoice.lines)

    still = await service.list_invoices(InvoiceQuery(status=InvoiceFilter.ALL, page_size=500))
    assert {row.currency for row in still.items if row.id != invoice.id} == {"EUR"}


async def test_a_currency_not_offered_is_refused_with_the_choices(service):
    # Unknown to the portal: refused by the domain (local) or by the route's schema (remote),
    # either way naming what there is.
    with pytest.raises(InvalidInput, match="CHF"):
        await service.set_currency("XYZ")
    with pytest.raises(Conflict, match="choose one of CHF, EUR, USD"):
        await service.set_currency("JPY")  # one the portal could bill in, but has no rate for
    assert (await service.get_settings()).currency == "EUR"


async def test_the_language_is_stored_and_the_pdfs_follow_it(service, other_service, make_invoice, demo_customer_id):
    invoice_id = make_invoice(demo_customer_id, "1234.50")
    english = _text((await service.quote_document(invoice_id)).content)
    assert "Quote / Proforma invoice" in english and "1,234.50 EUR" in english

    settings = await service.set_language("de")
    assert settings.language == "de"
    assert (await service.account()).language == "de"
    german = _text((await service.quote_document(invoice_id)).content)
    assert "Angebot / Proformarechnung" in german and "Zahlung per Überweisung" in german
    assert "1.234,50 EUR" in german and re.search(r"\b\d\d\.\d\d\.\d{4}\b", german)
    assert "Quote" not in german

    assert (await other_service.get_settings()).language == "en"
    with pytest.raises(InvalidInput, match="en.*de"):
        await service.set_language("fr")


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
