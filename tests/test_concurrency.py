"""Twenty simultaneous pay requests for one invoice pay it exactly once.

Run on SQLite and PostgreSQL (the ``portal`` fixture), through the domain from threads and
through HTTP against the live server, with one shared idempotency key (a client retrying)
and with twenty different keys (twenty clients).
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest
from sqlmodel import func, select

from backend.contract import Conflict, PaymentMethodCode, PaymentOutcome, PaymentStatus, ServiceError
from backend.db import read_session
from backend.domain import accounts, payments
from backend.models import BalanceEntry, Payment

N = 20
BALANCE = PaymentMethodCode.BALANCE


@pytest.fixture
def invoice(portal, demo_customer_id, make_invoice) -> tuple[int, Decimal, Decimal]:  # noqa: ANN001
    """(id, total, balance before) of a fresh unpaid invoice the demo balance covers."""
    balance = accounts.account_summary(portal, demo_customer_id).balance
    total = Decimal("7.77")
    assert balance >= total
    return make_invoice(demo_customer_id, total), total, balance


def keys(same: bool) -> list[str]:
    shared = uuid.uuid4().hex
    return [shared if same else uuid.uuid4().hex for _ in range(N)]


def assert_paid_exactly_once(portal, customer_id: int, invoice_id: int, total: Decimal, balance: Decimal) -> None:  # noqa: ANN001
    with read_session(portal.engine) as session:
        rows = session.exec(select(Payment).where(Payment.invoice_id == invoice_id)).all()
        completed = [p for p in rows if p.status == PaymentStatus.COMPLETED.value]
        assert len(completed) == 1, rows
        assert len(rows) == 1, "no stray pending or failed payments either"
        ledger = session.exec(
            select(func.count()).select_from(BalanceEntry).where(BalanceEntry.payment_id == completed[0].id)
        ).one()
        assert ledger == 1
    assert accounts.account_summary(portal, customer_id).balance == balance - total


def check_outcomes(results: list[PaymentOutcome | Exception], same_key: bool) -> None:
    outcomes = [r for r in results if isinstance(r, PaymentOutcome)]
    errors = [r for r in results if not isinstance(r, PaymentOutcome)]
    if same_key:
        assert not errors, errors
        assert len({o.payment.id for o in outcomes}) == 1
        assert sum(not o.replayed for o in outcomes) == 1
        assert all(o.payment.status == PaymentStatus.COMPLETED for o in outcomes)
    else:
        assert len(outcomes) == 1, results
        assert outcomes[0].replayed is False
        assert len(errors) == N - 1
        assert all(isinstance(e, Conflict) and "already paid" in str(e) for e in errors), errors


@pytest.mark.parametrize("same_key", [True, False], ids=["same-key", "different-keys"])
def test_threads_through_the_domain(portal, demo_customer_id, invoice, same_key):
    invoice_id, total, balance = invoice
    barrier = threading.Barrier(N)

    def pay(key: str) -> PaymentOutcome | Exception:
        barrier.wait()
        try:
            return payments.pay_invoice(portal, demo_customer_id, invoice_id, BALANCE, key, "test")
        except ServiceError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=N) as pool:
        results = list(pool.map(pay, keys(same_key)))
    check_outcomes(results, same_key)
    assert_paid_exactly_once(portal, demo_customer_id, invoice_id, total, balance)


@pytest.mark.parametrize("same_key", [True, False], ids=["same-key", "different-keys"])
async def test_http_against_the_live_server(portal, live_server, demo_token, demo_customer_id, invoice, same_key):
    invoice_id, total, balance = invoice
    url = f"/api/v1/invoices/{invoice_id}/payments"
    limits = httpx.Limits(max_connections=N, max_keepalive_connections=N)
    async with httpx.AsyncClient(
        base_url=live_server, headers={"Authorization": f"Bearer {demo_token}"}, limits=limits, timeout=60
    ) as client:
        responses = await asyncio.gather(
            *(client.post(url, json={"method": "balance"}, headers={"Idempotency-Key": key}) for key in keys(same_key))
        )
    statuses = sorted(r.status_code for r in responses)
    results: list[PaymentOutcome | Exception] = []
    for response in responses:
        if response.status_code in (200, 201):
            results.append(PaymentOutcome.model_validate_json(response.content))
        else:
            assert response.status_code == 409, response.text
            assert response.json()["error"] == "conflict"
            results.append(Conflict(response.json()["detail"]))
    check_outcomes(results, same_key)
    if same_key:
        assert statuses == [200] * (N - 1) + [201], "the first request creates, the others replay"
    else:
        assert statuses == [201] + [409] * (N - 1)
    assert_paid_exactly_once(portal, demo_customer_id, invoice_id, total, balance)


def test_one_key_raced_over_different_invoices(portal, demo_customer_id, make_invoice):
    """A key reused at the same moment for different invoices pays one of them, once; the
    others are told the key belongs to another request (no database error escapes)."""
    balance = accounts.account_summary(portal, demo_customer_id).balance
    invoice_ids = [make_invoice(demo_customer_id, "1.00") for _ in range(N)]
    key = uuid.uuid4().hex
    barrier = threading.Barrier(N)

    def pay(invoice_id: int) -> PaymentOutcome | Exception:
        barrier.wait()
        try:
            return payments.pay_invoice(portal, demo_customer_id, invoice_id, BALANCE, key, "test")
        except ServiceError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=N) as pool:
        results = list(pool.map(pay, invoice_ids))
    outcomes = [r for r in results if isinstance(r, PaymentOutcome)]
    errors = [r for r in results if not isinstance(r, PaymentOutcome)]
    assert len(outcomes) == 1, results
    assert all(type(e).__name__ == "Conflict" and "idempotency key" in str(e) for e in errors), errors
    with read_session(portal.engine) as session:
        paid = session.exec(select(func.count()).select_from(Payment).where(Payment.invoice_id.in_(invoice_ids))).one()
    assert paid == 1
    assert accounts.account_summary(portal, demo_customer_id).balance == balance - Decimal("1.00")


def test_card_callback_racing_a_delete(portal, demo_customer_id, make_invoice):
    """The gateway's callback and a delete of the same invoice, at once, many times: no
    deadlock, and the invoice ends either paid (the delete refused) or deleted (the charge
    failed), never both and never neither."""
    from backend.domain import invoices
    from backend.domain.card_gateway import gateway_for
    from backend.contract import InvoiceStatus

    gateway = gateway_for(portal)
    for _ in range(15):
        invoice_id = make_invoice(demo_customer_id, "1.00")
        outcome = payments.pay_invoice(
            portal, demo_customer_id, invoice_id, PaymentMethodCode.CARD, uuid.uuid4().hex, "test"
        )
        ref = outcome.checkout_url.rsplit("/", 1)[1]
        barrier = threading.Barrier(2)

        def callback():  # noqa: ANN202
            barrier.wait()
            try:
                return payments.complete_card_payment(portal, ref, "success", gateway.sign(ref, "success"))
            except ServiceError as exc:
                return exc

        def delete():  # noqa: ANN202
            barrier.wait()
            try:
                return invoices.delete_invoice(portal, demo_customer_id, invoice_id, "test")
            except ServiceError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=2) as pool:
            charged, deleted = (f.result() for f in [pool.submit(callback), pool.submit(delete)])
        detail = invoices.get_invoice(portal, demo_customer_id, invoice_id)
        if detail.status == InvoiceStatus.PAID:
            assert charged.status == PaymentStatus.COMPLETED
            assert isinstance(deleted, Conflict)
        else:
            assert detail.status == InvoiceStatus.DELETED
            assert deleted.status == InvoiceStatus.DELETED
            assert charged.status == PaymentStatus.FAILED
            assert [p.status for p in detail.payments] == [PaymentStatus.FAILED]
