"""Issuing invoices: renewals, gapless numbering under concurrency, idempotent retries."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from backend.contract import Conflict, InvalidInput, InvoiceStatus, NotFound
from backend.db import read_session
from backend.domain import billing, invoices
from backend.models import Invoice, InvoiceSequence, ServiceOrder


def _key() -> str:
    return uuid.uuid4().hex


def _orders(portal, customer_id):
    with read_session(portal.engine) as session:
        return session.exec(
            select(ServiceOrder)
            .where(ServiceOrder.customer_id == customer_id, ServiceOrder.status == "active")
            .order_by(ServiceOrder.id)
        ).all()


def _numbers(portal) -> list[int]:
    with read_session(portal.engine) as session:
        prefix = session.get(InvoiceSequence, billing.DEFAULT_SEQUENCE).prefix
        return sorted(int(n.removeprefix(prefix)) for n in session.exec(select(Invoice.number)))


def test_renewal_issues_the_next_period_with_the_next_number(portal, demo_customer_id, renewable_order):
    order = renewable_order
    before = _numbers(portal)
    detail = billing.renew_order(portal, demo_customer_id, order.id, _key(), "test")
    assert detail.status == InvoiceStatus.UNPAID
    assert detail.order_number == order.number
    start, end = billing.next_period(order)
    assert (detail.period_start, detail.period_end) == (start, end)
    assert detail.net == detail.lines[0].amount
    assert detail.total == detail.net + detail.tax
    assert _numbers(portal) == before + [before[-1] + 1]


def test_renewal_retry_with_the_same_key_replays(portal, demo_customer_id, renewable_order):
    order = renewable_order
    key = _key()
    first = billing.renew_order(portal, demo_customer_id, order.id, key, "test")
    again = billing.renew_order(portal, demo_customer_id, order.id, key, "test")
    assert again.id == first.id
    with pytest.raises(Conflict, match="still open"):
        billing.renew_order(portal, demo_customer_id, order.id, _key(), "test")


def test_delete_then_renew_gives_a_fresh_unbound_invoice(portal, demo_customer_id, renewable_order):
    order = renewable_order
    first = billing.renew_order(portal, demo_customer_id, order.id, _key(), "test")
    invoices.delete_invoice(portal, demo_customer_id, first.id, "test")
    second = billing.renew_order(portal, demo_customer_id, order.id, _key(), "test")
    assert second.id != first.id and second.payment_method is None
    assert second.period_start == first.period_start


def test_renewal_is_scoped_and_validated(portal, demo_customer_id, acme_customer_id):
    order = _orders(portal, demo_customer_id)[0]
    with pytest.raises(NotFound):
        billing.renew_order(portal, acme_customer_id, order.id, _key(), "test")
    with pytest.raises(InvalidInput):
        billing.renew_order(portal, demo_customer_id, order.id, "short", "test")


def test_concurrent_invoices_get_gapless_unique_numbers(portal, demo_customer_id, acme_customer_id):
    """Many renewals at once, from both customers: numbers stay one unbroken sequence."""
    work = [(demo_customer_id, o.id) for o in _orders(portal, demo_customer_id)]
    work += [(acme_customer_id, o.id) for o in _orders(portal, acme_customer_id)]
    before = _numbers(portal)

    def renew(item):
        customer_id, order_id = item
        try:
            return billing.renew_order(portal, customer_id, order_id, _key(), "test").number
        except Conflict:
            return None  # that order's next period was already open in the demo data

    with ThreadPoolExecutor(max_workers=8) as pool:
        issued = [n for n in pool.map(renew, work) if n]
    assert issued, "no renewal went through"
    numbers = _numbers(portal)
    assert len(numbers) == len(before) + len(issued)
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def test_paying_a_renewal_extends_the_order(portal, demo_customer_id, renewable_order):
    from backend.contract import PaymentMethodCode
    from backend.domain import payments

    order = renewable_order
    renewal = billing.renew_order(portal, demo_customer_id, order.id, _key(), "test")
    assert _order(portal, order.id).period_end == order.period_end
    payments.pay_invoice(portal, demo_customer_id, renewal.id, PaymentMethodCode.BANK_TRANSFER, _key(), "test")
    assert _order(portal, order.id).period_end == order.period_end  # not paid until booked
    payments.book_bank_transfer(portal, renewal.number, renewal.total, renewal.currency)
    assert _order(portal, order.id).period_end == renewal.period_end
    nxt = billing.renew_order(portal, demo_customer_id, order.id, _key(), "test")
    assert nxt.period_start > renewal.period_end


def test_paying_a_new_orders_first_invoice_puts_it_into_service(portal, demo_customer_id):
    from backend.contract import PaymentMethodCode
    from backend.domain import payments

    with read_session(portal.engine) as session:
        new_order = session.exec(
            select(ServiceOrder).where(ServiceOrder.customer_id == demo_customer_id, ServiceOrder.status == "new")
        ).one()
        first = session.exec(select(Invoice).where(Invoice.order_id == new_order.id)).one()
    assert first.status == "unpaid" and new_order.period_end < first.period_start
    payments.pay_invoice(portal, demo_customer_id, first.id, PaymentMethodCode.BALANCE, _key(), "test")
    paid = _order(portal, new_order.id)
    assert paid.status == "active" and paid.period_end == first.period_end


def _order(portal, order_id: int) -> ServiceOrder:
    with read_session(portal.engine) as session:
        return session.get(ServiceOrder, order_id)


def test_renewal_bills_every_recurring_item_as_the_first_invoice_did(portal, demo_customer_id, make_order):
    """The bug: a server with a backup add-on was renewed with the server line alone."""
    from backend.db import write_session
    from backend.models import Customer

    order_id = make_order(
        demo_customer_id,
        items=[("Backup space 500 GB", 1, 490, True), ("Setup fee", 1, 4900, False),
               ("Additional IPv4 address", 2, 170, True)],
    )
    with write_session(portal.engine) as session:
        order = session.get(ServiceOrder, order_id)
        start, end = billing.next_period(order)
        first_period = (billing.add_months(start, -1), start - timedelta(seconds=1))
        first = billing.issue_order_invoice(
            session, customer=session.get(Customer, demo_customer_id), order=order, period=first_period,
            issued_at=portal.now(), due_days=14, first=True,
        )
        session.flush()
        first_id = first.id
    first = invoices.get_invoice(portal, demo_customer_id, first_id)
    renewal = billing.renew_order(portal, demo_customer_id, order_id, _key(), "test")

    assert [line.description for line in first.lines[1:]] == [
        "Backup space 500 GB", "Setup fee", "Additional IPv4 address"
    ]
    assert [line.description for line in renewal.lines[1:]] == ["Backup space 500 GB", "Additional IPv4 address"]
    assert renewal.net == first.net - Decimal("49.00")  # everything but the one-time setup fee
    assert renewal.lines[0].description == first.lines[0].description.replace(
        f"{first_period[0]:%Y-%m-%d} to {first_period[1]:%Y-%m-%d}", f"{start:%Y-%m-%d} to {end:%Y-%m-%d}"
    )
    assert renewal.lines[0].amount == first.lines[0].amount


def test_deleting_and_renewing_a_demo_invoice_with_add_ons_bills_the_same(portal, demo_customer_id):
    """NH-000189's case, found by property: an order with add-ons whose open invoice is
    deleted (to pay another way) and renewed must bill exactly what the deleted one did."""
    from backend.models import OrderItem

    with read_session(portal.engine) as session:
        open_with_add_ons = session.exec(
            select(Invoice.id)
            .where(
                Invoice.customer_id == demo_customer_id,
                Invoice.status == "unpaid",
                Invoice.order_id.in_(select(OrderItem.order_id).where(OrderItem.recurring)),
            )
            .order_by(Invoice.id)
        ).all()
    assert open_with_add_ons, "the demo has an open renewal of an order with add-ons"
    for invoice_id in open_with_add_ons:
        before = invoices.get_invoice(portal, demo_customer_id, invoice_id)
        assert len(before.lines) > 1
        invoices.delete_invoice(portal, demo_customer_id, invoice_id, "test")
        renewed = billing.renew_order(portal, demo_customer_id, before.order_id, _key(), "test")
        assert renewed.period_start == before.period_start
        assert renewed.net == before.net and renewed.total == before.total
        assert [(line.description, line.quantity, line.unit_price) for line in renewed.lines] == [
            (line.description, line.quantity, line.unit_price) for line in before.lines
        ]
