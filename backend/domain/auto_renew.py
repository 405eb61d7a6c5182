"""The renewal job: orders with automatic renewal are renewed before their paid period ends.

For each order due (``renewal_rules.due``: active, auto-renew in effect, the period ending
within the lead window), in one transaction with the order's row locked:

1. the invoice for the next period: the unpaid one already open for it (renewed by hand, or
   by an earlier run), else a new one issued by billing (``issue_renewal_invoice``: every
   recurring item, in the account's currency; the database's unique key on unpaid invoices
   per order and period backs the rule);
2. paid from the balance when the balance covers it (``payments.pay_in_transaction`` with
   the key ``auto-renew-invoice-<id>``, so a retry never pays twice), which extends the
   order's period: the order is then no longer due;
3. otherwise it stays unpaid and, on the notice days before the end, the customer is mailed
   (the outbox, to the mailbox routed for invoices), once per order, period and day.

Running the job twice, or in two processes at once, renews a period once: each order is
decided under its row lock (PostgreSQL ``FOR UPDATE``, SQLite ``BEGIN IMMEDIATE``) from what
is committed, and a paid period is no longer due. Every run writes one audit row with its
counts, and each order handled one of its own.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from backend.contract import Conflict, InsufficientFunds, InvoiceStatus, MailboxCategory, PaymentMethodCode
from backend.db import read_session, write_session
from backend.domain import audit, billing, payments, renewal_rules
from backend.domain.invoice_rules import open_next_period_invoices
from backend.domain.mailboxes import PURPOSE_OF_CATEGORY
from backend.formatting import format_date, format_money
from backend.mail.outbox import enqueue_renewal_notice
from backend.mail.routing import recipient
from backend.models import Customer, Invoice, Server, ServiceOrder, Tariff
from backend.money import from_minor
from backend.portal import Portal
from backend.texts import language_or_default, text

log = logging.getLogger(__name__)

ACTOR = "system"

PAID, UNPAID, SKIPPED, FAILED = "paid", "unpaid", "skipped", "failed"


@dataclass
class RenewalReport:
    """What one run did: orders looked at, paid from the balance, left unpaid, notices queued,
    orders another run or a customer changed meanwhile (skipped) and orders that failed."""

    due: int = 0
    paid: int = 0
    unpaid: int = 0
    notices: int = 0
    skipped: int = 0
    failed: int = 0
    invoices: list[str] = field(default_factory=list)


def run_renewals(portal: Portal, actor: str = ACTOR) -> RenewalReport:
    """Renew every order due now (see the module docstring); the run's report, also audited."""
    now = portal.now()
    report = RenewalReport()
    for order_id in _due_order_ids(portal, now):
        report.due += 1
        try:
            outcome, invoice_number, noticed = _renew(portal, order_id, now, actor)
        except Exception:  # noqa: BLE001 - one order must not stop the others; the next run retries it
            log.exception("renewing order %s failed", order_id)
            outcome, invoice_number, noticed = FAILED, None, False
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.notices += noticed
        if invoice_number is not None:
            report.invoices.append(invoice_number)
    with write_session(portal.engine) as session:
        audit.record(
            session, at=now, customer_id=None, actor=actor, action="auto_renew.run", entity="renewal_run",
            entity_id=None, **asdict(report),
        )
    return report


def _due_order_ids(portal: Portal, now: datetime) -> list[int]:
    """Orders the job may have to renew: a first look without locks, decided again under them."""
    lead = portal.settings.renewal.lead
    with read_session(portal.engine) as session:
        rows = session.exec(
            select(ServiceOrder, Customer)
            .join(Customer, Customer.id == ServiceOrder.customer_id)
            .where(ServiceOrder.status == renewal_rules.RENEWED_STATUS, ServiceOrder.period_end <= now + lead)
            .order_by(ServiceOrder.period_end, ServiceOrder.id)
        ).all()
    return [order.id for order, customer in rows if renewal_rules.due(order, customer, now, lead)]


def _open_invoice_id(session: Session, order: ServiceOrder) -> int | None:
    number = open_next_period_invoices(session, [order]).get(order.id)
    if number is None:
        return None
    return session.exec(select(Invoice.id).where(Invoice.number == number)).one()


def _renew(portal: Portal, order_id: int, now: datetime, actor: str) -> tuple[str, str | None, bool]:
    """(outcome, the invoice's number, whether a notice was queued) for one order."""
    settings = portal.settings
    with write_session(portal.engine) as session:
        # Locks in the order payments take them (invoice, customer, order), so a customer
        # paying at this moment waits instead of deadlocking; what to lock is found first.
        with read_session(portal.engine) as look:
            seen = look.get(ServiceOrder, order_id)
            seen_invoice_id = _open_invoice_id(look, seen)
        invoice = None
        if seen_invoice_id is not None:
            invoice = session.exec(select(Invoice).where(Invoice.id == seen_invoice_id).with_for_update()).one()
        customer = session.exec(select(Customer).where(Customer.id == seen.customer_id).with_for_update()).one()
        order = session.exec(select(ServiceOrder).where(ServiceOrder.id == order_id).with_for_update()).one()
        if not renewal_rules.due(order, customer, now, settings.renewal.lead):
            return SKIPPED, None, False  # renewed meanwhile, or the customer turned it off
        if _open_invoice_id(session, order) != seen_invoice_id or (
            invoice is not None and invoice.status != InvoiceStatus.UNPAID.value
        ):
            return SKIPPED, None, False  # changed since the look: the next run decides afresh
        if invoice is None:
            invoice = billing.issue_renewal_invoice(
                session, customer=customer, order=order, issued_at=now, due_days=settings.invoice_due_days
            )
            session.flush()
        period = (invoice.period_start, invoice.period_end)
        try:
            payments.pay_in_transaction(
                portal, session, invoice, PaymentMethodCode.BALANCE, f"auto-renew-invoice-{invoice.id}", actor
            )
        except (InsufficientFunds, Conflict) as refusal:
            # Refused before anything was written: the invoice stays, unpaid, and is noticed.
            noticed = _notice(session, portal, customer, order, invoice, period, refusal, now)
            audit.record(
                session, at=now, customer_id=customer.id, actor=actor, action="order.auto_renew",
                entity="service_order", entity_id=order.id, invoice=invoice.number, outcome=UNPAID,
                reason=str(refusal), notice=noticed,
            )
            return UNPAID, invoice.number, noticed
        audit.record(
            session, at=now, customer_id=customer.id, actor=actor, action="order.auto_renew",
            entity="service_order", entity_id=order.id, invoice=invoice.number, outcome=PAID,
            period_end=order.period_end,
        )
        return PAID, invoice.number, False


def notice_day(days_left: int, notice_days: tuple[int, ...]) -> int | None:
    """The notice due with ``days_left`` days to the end: the nearest notice day not before
    it (a run that missed day 5 sends day 5's notice on day 4); None before the first."""
    later = [day for day in notice_days if day >= days_left]
    return min(later) if later else None


def _notice(
    session: Session,
    portal: Portal,
    customer: Customer,
    order: ServiceOrder,
    invoice: Invoice,
    period: tuple[datetime, datetime],
    refusal: Exception,
    now: datetime,
) -> bool:
    days_left = (order.period_end.date() - now.date()).days
    day = notice_day(days_left, portal.settings.renewal.notice_days)
    if day is None:
        return False
    language = language_or_default(customer.language)
    return enqueue_renewal_notice(
        session,
        customer=customer,
        order_id=order.id,
        period_start=period[0],
        days_before=day,
        to_address=recipient(session, customer, PURPOSE_OF_CATEGORY[MailboxCategory.INVOICES]),
        subject=text(language, "renewal.subject", order=order.number, invoice=invoice.number),
        body=_notice_body(session, portal, language, customer, order, invoice, period, refusal, days_left),
        settings=portal.settings.mail,
    )


def _notice_body(
    session: Session,
    portal: Portal,
    language: str,
    customer: Customer,
    order: ServiceOrder,
    invoice: Invoice,
    period: tuple[datetime, datetime],
    refusal: Exception,
    days_left: int,
) -> str:
    def money(minor: int, currency: str) -> str:
        return format_money(from_minor(minor, currency), currency, language)

    if isinstance(refusal, InsufficientFunds) and customer.currency == invoice.currency:
        reason = text(
            language, "renewal.short", balance=money(customer.balance_minor, customer.currency),
            missing=money(invoice.total_minor - customer.balance_minor, invoice.currency),
        )
    else:
        reason = text(language, "renewal.other_method", currency=invoice.currency)
    tariff = session.get(Tariff, order.tariff_id)
    server = session.exec(select(Server).where(Server.order_id == order.id)).first()
    label = f"{tariff.name}, {server.hostname}" if server is not None else tariff.name
    end = format_date(order.period_end, language)
    paragraphs = [
        text(language, "renewal.greeting", name=customer.name),
        text(language, "renewal.ends" if days_left >= 0 else "renewal.ended", order=order.number, label=label, end=end)
        + " "
        + text(
            language, "renewal.invoice", invoice=invoice.number, start=format_date(period[0], language),
            period_end=format_date(period[1], language), total=money(invoice.total_minor, invoice.currency),
        )
        + " "
        + text(language, "renewal.why", reason=reason),
        text(language, "renewal.act", invoice=invoice.number),
        text(language, "renewal.signature", provider=portal.settings.provider.name),
    ]
    return "\n\n".join(paragraphs) + "\n"


