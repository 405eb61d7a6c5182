"""Finding an invoice by the number printed on it, against LocalService and RemoteService on
SQLite and PostgreSQL (the ``service`` and ``portal`` fixtures)."""

from __future__ import annotations

import pytest

from backend.contract import InvoiceFilter, InvoiceQuery, InvoiceRow, NotFound
from backend.domain import invoices


def _number(portal, invoice_id: int, customer_id: int) -> str:  # noqa: ANN001
    return invoices.get_invoice(portal, customer_id, invoice_id).number


@pytest.mark.parametrize("status", ["unpaid", "paid", "deleted"])
async def test_finds_own_invoice_in_any_state(service, portal, demo_customer_id, make_invoice, status):
    invoice_id = make_invoice(demo_customer_id, "23.80", status=status, method="balance" if status == "paid" else None)
    number = _number(portal, invoice_id, demo_customer_id)
    row = await service.find_invoice(number)
    assert isinstance(row, InvoiceRow)
    assert row.id == invoice_id and row.number == number
    assert row.status.value == status
    assert str(row.total) == "23.80"


async def test_the_row_is_the_one_the_list_shows(service):
    listed = (await service.list_invoices(InvoiceQuery(status=InvoiceFilter.ALL, page_size=5))).items
    assert listed, "the demo customer has invoices"
    for row in listed:
        assert await service.find_invoice(row.number) == row


async def test_another_customers_number_is_not_found(service, portal, acme_customer_id, make_invoice):
    number = _number(portal, make_invoice(acme_customer_id), acme_customer_id)
    with pytest.raises(NotFound) as caught:
        await service.find_invoice(number)
    assert str(caught.value) == f"invoice {number} not found"


async def test_own_number_is_not_found_for_another_customer(other_service, portal, demo_customer_id, make_invoice):
    number = _number(portal, make_invoice(demo_customer_id), demo_customer_id)
    with pytest.raises(NotFound):
        await other_service.find_invoice(number)


@pytest.mark.parametrize("typed", ["NH-999999", "", " ", "nh-000001", "1", "../invoices", "a/b", "x?y=1", "%41", "#1"])
async def test_unknown_or_odd_numbers_are_not_found(service, typed):
    with pytest.raises(NotFound):
        await service.find_invoice(typed)


async def test_the_number_must_match_exactly(service, portal, demo_customer_id, make_invoice):
    number = _number(portal, make_invoice(demo_customer_id), demo_customer_id)
    for near in (number.lower(), f" {number}", number[:-1]):
        with pytest.raises(NotFound):
            await service.find_invoice(near)
