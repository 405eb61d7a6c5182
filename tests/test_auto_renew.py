"""The renewal job (backend/domain/auto_renew.py) on SQLite and PostgreSQL, with the portal's
clock turned across period ends: paid from the balance when it covers the invoice, left
unpaid and noticed on the notice days otherwise, never twice for one period, however often
and however concurrently it runs."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import func, select

from backend.db import read_session, write_session
from backend.domain.auto_renew import notice_day, run_renewals
from backend.domain.periods import next_period
from backend.models import AuditLog, BalanceEntry, Customer, Invoice, InvoiceLine, OutboundMail, Payment, ServiceOrder
from backend.portal import Portal, open_portal
from backend.settings import Settings


class Clock:
    def __init__(self, now) -> None:  # noqa: ANN001
        self.now = now

    def __call__(self):  # noqa: ANN204
        return self.now


@pytest.fixture
def clock(portal: Portal) -> Clock:
    clock = Clock(portal.now())
    portal.clock = clock
    return clock


@pytest.fixture
def renewing_order(portal: Portal, demo_customer_id: int, make_order, clock):  # noqa: ANN001, ANN201, ARG001
    """A new active order of "demo" with auto-renew on for itself alone (the account's is
    off), paid up to ten days after the clock, with a recurring add-on and a one-time fee."""
    order_id = make_order(
        demo_customer_id,
        items=[("Backup space 100 GB", 1, 500, True), ("Setup fee", 1, 4900, False)],
    )
    with write_session(portal.engine) as session:
        session.get(ServiceOrder, order_id).auto_renew = True
    return order_id


def _set_balance(portal: Portal, customer_id: int, minor: int) -> None:
    with write_session(portal.engine) as session:
        session.get(Customer, customer_id).balance_minor = minor


def _order(portal: Portal, order_id: int) -> ServiceOrder:
    with read_session(portal.engine) as session:
        return session.get(ServiceOrder, order_id)


def _invoices(portal: Portal, order_id: int) -> list[Invoice]:
    with read_session(portal.engine) as session:
        return list(session.exec(select(Invoice).where(Invoice.order_id == order_id).order_by(Invoice.id)))


def _notices(portal: Portal, customer_id: int) -> list[OutboundMail]:
    with read_session(portal.engine) as session:
        return list(session.exec(
            select(OutboundMail)
            .where(OutboundMail.customer_id == customer_id, OutboundMail.message_id.like("<renew.%"))
            .order_by(OutboundMail.id)
        ))


def _count(portal: Portal, model, *where) -> int:  # noqa: ANN001
    with read_session(portal.engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_notice_days_are_the_nearest_not_before_the_days_left():
    days = (10, 5, 3, 1, 0)
    assert [notice_day(left, days) for left in (14, 11, 10, 9, 5, 4, 2, 1, 0, -3)] == [
        None, None, 10, 10, 5, 5, 3, 1, 0, 0,
    ]


def test_a_covered_renewal_is_paid_from_the_balance_and_extends_the_period_once(
    portal, demo_customer_id, renewing_order, clock
):
    _set_balance(portal, demo_customer_id, 100_000)
    billed = next_period(_order(portal, renewing_order))

    report = run_renewals(portal)
    assert (report.due, report.paid, report.unpaid) == (1, 1, 0)

    [invoice] = _invoices(portal, renewing_order)
    assert invoice.status == "paid" and (invoice.period_start, invoice.period_end) == billed
    assert _order(portal, renewing_order).period_end == invoice.period_end
    with read_session(portal.engine) as session:
        balance = session.get(Customer, demo_customer_id).balance_minor
        descriptions = session.exec(select(InvoiceLine.description).where(InvoiceLine.invoice_id == invoice.id)).all()
    assert "Backup space 100 GB" in descriptions and "Setup fee" not in descriptions
    assert balance == 100_000 - invoice.total_minor
    assert _count(portal, BalanceEntry, BalanceEntry.customer_id == demo_customer_id,
                  BalanceEntry.amount_minor == -invoice.total_minor) == 1
    assert _notices(portal, demo_customer_id) == []

    # Again the same day, and just before the new period comes into the lead window: nothing.
    assert run_renewals(portal).due == 0
    clock.now = invoice.period_end - portal.settings.renewal.lead - timedelta(hours=1)
    assert run_renewals(portal).due == 0
    assert len(_invoices(portal, renewing_order)) == 1

    # Across into the window of the next period end: the next period, once.
    clock.now = invoice.period_end - portal.settings.renewal.lead + timedelta(hours=1)
    assert run_renewals(portal).paid == 1
    assert run_renewals(portal).due == 0
    first, second = _invoices(portal, renewing_order)
    assert second.period_start == first.period_end + timedelta(seconds=1)
    assert _order(portal, renewing_order).period_end == second.period_end


def test_without_enough_balance_the_invoice_waits_and_each_notice_goes_once(
    portal, demo_customer_id, renewing_order, clock
):
    _set_balance(portal, demo_customer_id, 100)
    start = clock.now
    period_end = _order(portal, renewing_order).period_end

    report = run_renewals(portal)
    assert (report.paid, report.unpaid, report.notices) == (0, 1, 1)
    [invoice] = _invoices(portal, renewing_order)
    assert invoice.status == "unpaid"
    [notice] = _notices(portal, demo_customer_id)
    assert notice.message_id.endswith(f".d10@{portal.settings.mail.message_id_domain}>")
    assert invoice.number in notice.subject and invoice.number in notice.body
    assert "1.00 EUR" in notice.body  # the balance it has

    assert run_renewals(portal).notices == 0  # the same day again: no second notice
    clock.now = start + timedelta(days=4)  # six days left: day 10's is sent already
    assert run_renewals(portal).notices == 0
    clock.now = start + timedelta(days=6)  # four days left: day 5's, late but once
    assert run_renewals(portal).notices == 1
    assert run_renewals(portal).notices == 0
    assert len(_invoices(portal, renewing_order)) == 1
    assert _order(portal, renewing_order).period_end == period_end

    # Topped up: the next run pays the invoice it issued, and the period moves on.
    _set_balance(portal, demo_customer_id, 100_000)
    assert run_renewals(portal).paid == 1
    [paid] = _invoices(portal, renewing_order)
    assert paid.id == invoice.id and paid.status == "paid"
    assert _order(portal, renewing_order).period_end == paid.period_end
    assert [n.message_id.split("@")[0].rsplit(".", 1)[1] for n in _notices(portal, demo_customer_id)] == ["d10", "d5"]


def test_a_renewal_by_hand_is_the_invoice_the_job_pays(portal, demo_customer_id, renewing_order, clock):
    from backend.domain import billing

    manual = billing.renew_order(portal, demo_customer_id, renewing_order, "manual-renewal-0001", "test")
    _set_balance(portal, demo_customer_id, 100_000)
    assert run_renewals(portal).paid == 1
    [invoice] = _invoices(portal, renewing_order)
    assert invoice.id == manual.id and invoice.status == "paid"


def test_only_orders_with_auto_renew_in_effect_are_renewed(portal, demo_customer_id, renewing_order, clock):
    with write_session(portal.engine) as session:
        session.get(ServiceOrder, renewing_order).auto_renew = None  # follows the account: off
    assert run_renewals(portal).due == 0
    assert _invoices(portal, renewing_order) == []


def test_every_run_is_audited(portal, renewing_order, clock):
    _set_balance(portal, _order(portal, renewing_order).customer_id, 100_000)
    run_renewals(portal)
    run_renewals(portal)
    with read_session(portal.engine) as session:
        runs = session.exec(select(AuditLog).where(AuditLog.action == "auto_renew.run").order_by(AuditLog.id)).all()
        per_order = session.exec(
            select(AuditLog).where(AuditLog.action == "order.auto_renew", AuditLog.entity_id == renewing_order)
        ).all()
    assert len(runs) == 2 and '"paid": 1' in runs[0].detail and '"due": 0' in runs[1].detail
    assert len(per_order) == 1


@pytest.mark.parametrize("balance", [100_000, 0], ids=["paid", "unpaid"])
def test_concurrent_runs_renew_a_period_once(portal, demo_customer_id, renewing_order, clock, balance):
    """Four threads on this portal and four on a second portal (its own engine and pool, as
    another hostui-server process has) over the same database, released together."""
    _set_balance(portal, demo_customer_id, balance)
    other = open_portal(
        Settings(database_url=portal.settings.database_url, secret_key_file=portal.settings.secret_key_file),
        clock=clock,
    )
    start = threading.Barrier(8)
    reports, errors = [], []

    def run(target: Portal) -> None:
        try:
            start.wait()
            reports.append(run_renewals(target))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(target,)) for target in [portal] * 4 + [other] * 4]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        other.dispose()
    assert errors == []
    assert sum(report.failed for report in reports) == 0
    invoices = _invoices(portal, renewing_order)
    assert len(invoices) == 1
    if balance:
        assert sum(report.paid for report in reports) == 1
        assert _count(portal, Payment, Payment.invoice_id == invoices[0].id) == 1
        assert _order(portal, renewing_order).period_end == invoices[0].period_end
    else:
        assert len(_notices(portal, demo_customer_id)) == 1


def test_the_notice_is_in_the_customers_language_and_the_invoice_in_its_currency(
    portal, demo_customer_id, renewing_order, clock
):
    from backend.domain.account_settings import set_currency, set_language

    set_language(portal, demo_customer_id, "de", "test", "local")
    set_currency(portal, demo_customer_id, "USD", "test", "local")
    _set_balance(portal, demo_customer_id, 1_234)
    run_renewals(portal)
    [invoice] = _invoices(portal, renewing_order)
    assert invoice.currency == "USD" and invoice.status == "unpaid"
    [notice] = _notices(portal, demo_customer_id)
    assert notice.subject.startswith("Auftrag ") and "ist offen" in notice.subject
    assert "das Guthaben beträgt 12,34 USD" in notice.body
    assert "Guten Tag" in notice.body and "Rechnung" in notice.body
