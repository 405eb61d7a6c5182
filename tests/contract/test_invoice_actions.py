"""The actions a row offers are exactly the ones the portal then carries out.

For every invoice state, each action is tried for real (on a fresh invoice in that state) through
the service, against LocalService and RemoteService on SQLite and PostgreSQL: an action the row
shows disabled must be refused with a message carrying the row's reason, and an enabled one
must go through.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from backend.contract import ActionState, Conflict, InvoiceFilter, InvoiceQuery, InvoiceRow, InvoiceStatus, PaymentMethodCode
from backend.domain import billing, invoices

ACTION_IDS = ("pay", "delete", "pay_link", "quote", "download", "renew")


def _key() -> str:
    return uuid.uuid4().hex


@dataclass
class _Maker:
    portal: object
    customer_id: int
    make_invoice: Callable[..., int]
    make_order: Callable[..., int]

    def current_period(self):  # noqa: ANN201
        now = self.portal.now()
        return now - timedelta(days=20), now + timedelta(days=10)

    def renewal(self) -> int:
        order_id = self.make_order(self.customer_id)
        return billing.renew_order(self.portal, self.customer_id, order_id, _key(), "test").id


def _unpaid(m: _Maker) -> int:
    return m.make_invoice(m.customer_id)


def _unpaid_overdue(m: _Maker) -> int:
    return m.make_invoice(m.customer_id, due_at=m.portal.now() - timedelta(days=3))


def _unpaid_bound(m: _Maker) -> int:
    return m.make_invoice(m.customer_id, method="bank_transfer")


def _paid(m: _Maker) -> int:
    return m.make_invoice(m.customer_id, status="paid", method="balance")


def _deleted(m: _Maker) -> int:
    return m.make_invoice(m.customer_id, status="deleted")


def _paid_with_order(m: _Maker) -> int:
    order_id = m.make_order(m.customer_id)
    return m.make_invoice(
        m.customer_id, status="paid", method="card", order_id=order_id, period=m.current_period()
    )


def _open_next_period(m: _Maker) -> int:
    return m.renewal()


def _deleted_renewal(m: _Maker) -> int:
    invoice_id = m.renewal()
    invoices.delete_invoice(m.portal, m.customer_id, invoice_id, "test")
    return invoice_id


def _cancelled_order(m: _Maker) -> int:
    order_id = m.make_order(m.customer_id, status="cancelled")
    return m.make_invoice(
        m.customer_id, status="paid", method="card", order_id=order_id, period=m.current_period()
    )


# state -> (how to make one invoice in it, the actions it must offer, overdue)
STATES = {
    "unpaid": (_unpaid, {"pay", "delete", "pay_link", "quote"}, False),
    "unpaid_overdue": (_unpaid_overdue, {"pay", "delete", "pay_link", "quote"}, True),
    "unpaid_bound": (_unpaid_bound, {"pay", "delete", "pay_link", "quote"}, False),
    "paid": (_paid, {"download"}, False),
    "deleted": (_deleted, set(), False),
    "paid_with_order": (_paid_with_order, {"download", "renew"}, False),
    "open_next_period": (_open_next_period, {"pay", "delete", "pay_link", "quote"}, False),
    "deleted_renewal": (_deleted_renewal, {"renew"}, False),
    "cancelled_order": (_cancelled_order, {"download"}, False),
}


async def _listed(service, invoice_id: int, status: InvoiceStatus) -> InvoiceRow:  # noqa: ANN001
    wanted = InvoiceFilter.DELETED if status == InvoiceStatus.DELETED else InvoiceFilter.ALL
    page = await service.list_invoices(InvoiceQuery(status=wanted, page_size=500))
    return next(row for row in page.items if row.id == invoice_id)


async def _attempt(service, row: InvoiceRow, action_id: str) -> None:  # noqa: ANN001
    """Carry ``action_id`` out on the row's invoice; raises Conflict when the portal refuses."""
    if action_id == "pay":
        method = row.payment_method or PaymentMethodCode.BANK_TRANSFER
        await service.pay_invoice(row.id, method, _key())
    elif action_id == "delete":
        await service.delete_invoice(row.id)
    elif action_id == "pay_link":
        await service.create_pay_link(row.id)
    elif action_id == "quote":
        await service.quote_document(row.id)
    elif action_id == "download":
        await service.invoice_document(row.id)
    elif action_id == "renew":
        await service.renew_order(row.order_id, _key())
    else:
        raise AssertionError(action_id)


@pytest.mark.parametrize("state", list(STATES))
async def test_a_disabled_action_is_exactly_one_the_portal_refuses(
    state, service, portal, demo_customer_id, make_invoice, make_order  # noqa: ANN001
):
    make, expected_enabled, expected_overdue = STATES[state]
    maker = _Maker(portal, demo_customer_id, make_invoice, make_order)
    enabled = set()
    for action_id in ACTION_IDS:
        invoice_id = make(maker)  # a fresh one each time: carrying an action out changes it
        row = await service.get_invoice(invoice_id)
        listed = await _listed(service, invoice_id, row.status)
        assert listed.actions == row.actions and listed.overdue == row.overdue
        assert [a.id for a in row.actions] == list(ACTION_IDS)
        assert row.overdue is expected_overdue
        hint = row.action(action_id)
        if action_id == "renew" and row.order_id is None:
            # Without an order there is no renewal call to make at all.
            assert hint == ActionState(id="renew", enabled=False, reason="invoice has no order")
            continue
        try:
            await _attempt(service, row, action_id)
        except Conflict as refusal:
            assert not hint.enabled, f"{state}: {action_id} offered but refused: {refusal}"
            assert hint.reason and hint.reason in str(refusal), (hint.reason, str(refusal))
        else:
            assert hint.enabled, f"{state}: {action_id} went through but was shown as {hint.reason!r}"
            assert hint.reason is None
            enabled.add(action_id)
    assert enabled == expected_enabled


async def test_renew_names_the_open_invoice_and_unknown_actions_raise(service, renewable_order):
    renewal = await service.renew_order(renewable_order.id, _key())
    detail = await service.get_invoice(renewal.id)
    assert detail.action("renew").reason == f"invoice {renewal.number} for this order is still open"
    with pytest.raises(KeyError):
        detail.action("frobnicate")
