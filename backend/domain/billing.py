"""Issuing invoices: gapless numbers, tax, and renewal of an order for its next period."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from sqlmodel import Session, select

from backend.contract import Conflict, InvoiceDetail, InvoiceStatus, NotFound
from backend.db import write_session
from backend.domain import audit, currencies, idempotency
from backend.domain.invoice_rules import open_next_period_invoices, require_renewable
from backend.domain.invoices import invoice_detail_in
from backend.domain.periods import add_months, next_period  # noqa: F401 - part of billing's API
from backend.models import Customer, Invoice, InvoiceLine, InvoiceSequence, OrderItem, ServiceOrder, Tariff
from backend.money import tax_minor
from backend.portal import Portal

DEFAULT_SEQUENCE = "default"
# German VAT for customers in Germany; elsewhere in this demo provider's books the reverse-charge
# procedure applies (0 %), which is how B2B hosting is invoiced across EU borders.
DOMESTIC_COUNTRY = "DE"
DOMESTIC_TAX_RATE_BP = 1900


@dataclass(frozen=True)
class LineItem:
    description: str
    quantity: int
    unit_price_minor: int


class Billable(Protocol):
    """Anything billed with an order besides its tariff (an OrderItem, or the demo's catalogue)."""

    description: str
    quantity: int
    unit_price_minor: int
    recurring: bool


def tariff_line_text(tariff_name: str, period: tuple[datetime, datetime]) -> str:
    start, end = period
    return f"{tariff_name} \u2014 {start:%Y-%m-%d} to {end:%Y-%m-%d}"


def order_lines(
    tariff_name: str,
    price_minor: int,
    items: Iterable[Billable],
    period: tuple[datetime, datetime],
    *,
    first: bool,
) -> list[LineItem]:
    """The lines of an order's invoice for one period: the tariff, then its items in order.

    Recurring items are on every invoice; one-time items only on the order's first one.
    """
    lines = [LineItem(tariff_line_text(tariff_name, period), 1, price_minor)]
    lines.extend(
        LineItem(item.description, item.quantity, item.unit_price_minor)
        for item in items
        if first or item.recurring
    )
    return lines


def tax_rate_bp_for(customer: Customer) -> int:
    return DOMESTIC_TAX_RATE_BP if customer.country == DOMESTIC_COUNTRY else 0


def take_invoice_numbers(session: Session, count: int, sequence: str = DEFAULT_SEQUENCE) -> list[str]:
    """Take the next ``count`` numbers; the sequence row stays locked until the transaction
    ends, so the numbers of committed invoices have no gaps and no duplicates."""
    row = session.exec(
        select(InvoiceSequence).where(InvoiceSequence.name == sequence).with_for_update()
    ).first()
    if row is None:
        raise Conflict(f"invoice sequence {sequence!r} is not set up")
    numbers = [f"{row.prefix}{value:06d}" for value in range(row.next_value, row.next_value + count)]
    row.next_value += count
    return numbers


def next_invoice_number(session: Session, sequence: str = DEFAULT_SEQUENCE) -> str:
    return take_invoice_numbers(session, 1, sequence)[0]


def invoice_amounts(items: Iterable[LineItem], rate_bp: int) -> tuple[int, int]:
    """(net, tax) in minor units of an invoice with these lines at this tax rate."""
    net = sum(item.quantity * item.unit_price_minor for item in items)
    return net, tax_minor(net, _percent(rate_bp))


def issue_invoice(
    session: Session,
    *,
    customer: Customer,
    order_id: int | None,
    currency: str,
    items: list[LineItem],
    issued_at: datetime,
    due_days: int,
    period: tuple[datetime, datetime] | None = None,
) -> Invoice:
    if not items:
        raise ValueError("an invoice needs at least one line")
    rate_bp = tax_rate_bp_for(customer)
    net, tax = invoice_amounts(items, rate_bp)
    invoice = Invoice(
        customer_id=customer.id,
        number=next_invoice_number(session),
        order_id=order_id,
        status=InvoiceStatus.UNPAID.value,
        currency=currency,
        net_minor=net,
        tax_rate_bp=rate_bp,
        tax_minor=tax,
        total_minor=net + tax,
        issued_at=issued_at,
        due_at=issued_at + timedelta(days=due_days),
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
    )
    session.add(invoice)
    session.flush()
    for position, item in enumerate(items, start=1):
        session.add(
            InvoiceLine(
                invoice_id=invoice.id,
                position=position,
                description=item.description,
                quantity=item.quantity,
                unit_price_minor=item.unit_price_minor,
                amount_minor=item.quantity * item.unit_price_minor,
            )
        )
    return invoice


def _percent(rate_bp: int) -> Decimal:
    return Decimal(rate_bp) / Decimal(100)


def issue_order_invoice(
    session: Session,
    *,
    customer: Customer,
    order: ServiceOrder,
    period: tuple[datetime, datetime],
    issued_at: datetime,
    due_days: int,
    first: bool,
) -> Invoice:
    """The invoice billing one period of an order: its tariff and its items (see order_lines),
    in the account's currency: prices are converted from the order's at the current rate, each
    line's unit price rounded once (backend/money.py)."""
    tariff = session.get(Tariff, order.tariff_id)
    items = session.exec(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.position))
    lines = [
        LineItem(line.description, line.quantity,
                 currencies.convert(session, line.unit_price_minor, order.currency, customer.currency))
        for line in order_lines(tariff.name, order.price_minor, items, period, first=first)
    ]
    return issue_invoice(
        session,
        customer=customer,
        order_id=order.id,
        currency=customer.currency,
        items=lines,
        issued_at=issued_at,
        due_days=due_days,
        period=period,
    )


def issue_renewal_invoice(
    session: Session, *, customer: Customer, order: ServiceOrder, issued_at: datetime, due_days: int
) -> Invoice:
    """The invoice for the order's next billing period, the tariff and every recurring item;
    refused (invoice_rules' reason) while an unpaid one for that period is open. The order's
    row must be locked by the caller. Renewing by hand and the renewal job both issue here."""
    require_renewable(order, open_next_period_invoices(session, [order]).get(order.id))
    return issue_order_invoice(
        session, customer=customer, order=order, period=next_period(order), issued_at=issued_at,
        due_days=due_days, first=False,
    )


def renew_order(
    portal: Portal, customer_id: int, order_id: int, idempotency_key: str, actor: str
) -> InvoiceDetail:
    """Issue the invoice for the order's next billing period (once per key, once per period):
    the tariff and every recurring item, as on the order's first invoice."""
    idempotency.check_key(idempotency_key)
    now = portal.now()
    request = idempotency.fingerprint("renew", order_id)
    with write_session(portal.engine) as session:
        order = session.exec(
            select(ServiceOrder)
            .where(ServiceOrder.id == order_id, ServiceOrder.customer_id == customer_id)
            .with_for_update()
        ).first()
        if order is None:
            raise NotFound(f"order {order_id} not found")
        replayed = idempotency.replay(session, customer_id, idempotency_key, request, InvoiceDetail)
        if replayed is not None:
            return replayed
        invoice = issue_renewal_invoice(
            session, customer=session.get(Customer, customer_id), order=order, issued_at=now,
            due_days=portal.settings.invoice_due_days,
        )
        audit.record(
            session, at=now, customer_id=customer_id, actor=actor, action="order.renew",
            entity="service_order", entity_id=order.id, invoice=invoice.number,
        )
        session.flush()
        detail = invoice_detail_in(session, invoice, now)
        idempotency.remember(session, customer_id, idempotency_key, "renew", request, detail, now)
        return detail
