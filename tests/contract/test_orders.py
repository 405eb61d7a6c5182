"""The service contract for renewing orders, against LocalService and RemoteService on SQLite
and PostgreSQL: the next period's invoice, idempotent retries, and the spec's way to pay a
bound invoice differently (delete it, renew again)."""

from __future__ import annotations

import uuid

import pytest

from backend.contract import Conflict, InvalidInput, InvoiceFilter, InvoiceQuery, InvoiceStatus, NotFound, PaymentMethodCode
from backend.domain import billing


def new_key() -> str:
    return uuid.uuid4().hex


async def test_renewal_issues_an_unpaid_invoice_for_the_next_period(service, renewable_order):
    before = (await service.list_invoices(InvoiceQuery())).total
    invoice = await service.renew_order(renewable_order.id, new_key())
    assert invoice.status == InvoiceStatus.UNPAID
    assert invoice.order_id == renewable_order.id and invoice.order_number == renewable_order.number
    assert invoice.payment_method is None
    assert invoice.period_start == billing.next_period(renewable_order)[0]
    assert invoice.total == invoice.net + invoice.tax
    listed = await service.list_invoices(InvoiceQuery())
    assert listed.total == before + 1
    assert listed.items[0].id == invoice.id  # the newest invoice comes first


async def test_a_retried_renewal_replays_instead_of_issuing_twice(service, renewable_order):
    key = new_key()
    first = await service.renew_order(renewable_order.id, key)
    again = await service.renew_order(renewable_order.id, key)
    assert again == first
    with pytest.raises(Conflict, match="still open"):
        await service.renew_order(renewable_order.id, new_key())


async def test_to_pay_a_bound_invoice_another_way_delete_it_and_renew(service, renewable_order):
    bound = await service.renew_order(renewable_order.id, new_key())
    await service.pay_invoice(bound.id, PaymentMethodCode.BANK_TRANSFER, new_key())
    with pytest.raises(Conflict, match="delete this invoice and renew"):
        await service.pay_invoice(bound.id, PaymentMethodCode.CARD, new_key())
    await service.delete_invoice(bound.id)
    fresh = await service.renew_order(renewable_order.id, new_key())
    assert fresh.id != bound.id and fresh.period_start == bound.period_start
    outcome = await service.pay_invoice(fresh.id, PaymentMethodCode.CARD, new_key())
    assert outcome.checkout_url
    deleted = await service.list_invoices(InvoiceQuery(status=InvoiceFilter.DELETED, page_size=500))
    assert bound.id in [row.id for row in deleted.items]


async def test_renewal_refuses_bad_keys_and_foreign_orders(service, other_service, renewable_order):
    with pytest.raises(InvalidInput):
        await service.renew_order(renewable_order.id, "too-short")
    with pytest.raises(NotFound):
        await other_service.renew_order(renewable_order.id, new_key())
    with pytest.raises(NotFound):
        await service.renew_order(999_999, new_key())
