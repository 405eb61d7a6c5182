"""Invoices: listing (paged and filtered here, never in the client), viewing, deleting, export."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import bindparam, func, literal_column, or_
from sqlalchemy.engine import Connection, Row
from sqlmodel import Session, select

from backend.contract import (
    Document,
    InvoiceDetail,
    InvoiceFilter,
    InvoiceLine,
    InvoiceQuery,
    InvoiceRow,
    InvoiceStatus,
    NotFound,
    Page,
    PaymentMethodCode,
    PaymentRecord,
    PaymentStatus,
    PayLink,
)
from backend.db import read_connection, read_session, write_session
from backend.domain import audit
from backend.domain.invoice_rules import (
    DELETE,
    PAY_LINK,
    InvoiceFacts,
    facts_for,
    facts_in,
    invoice_actions,
    open_next_period_invoices,
    require,
)
from backend.domain.paging import NewestFirst, Position, count_of, newest_first, page_of
from backend.domain.pay_links import invoice_for_token, issue_pay_link, revoke_pay_links
from backend.models import Invoice, InvoiceLine as InvoiceLineRow, Payment, PaymentMethod, ServiceOrder
from backend.money import from_minor
from backend.portal import Portal

EXPORT_BATCH = 2_000

_STATUSES_FOR_FILTER: dict[InvoiceFilter, tuple[str, ...]] = {
    InvoiceFilter.UNPAID: ("unpaid",),
    InvoiceFilter.PAID: ("paid",),
    InvoiceFilter.ALL: ("unpaid", "paid"),
    InvoiceFilter.DELETED: ("deleted",),
}

_invoice = Invoice.__table__
_order = ServiceOrder.__table__
_method = PaymentMethod.__table__

# What a row of the list needs, as plain columns: loading ORM objects for them cost more than
# the query. The invoice's own columns keep their attribute names, so a result row reads like
# an ``Invoice`` in ``_row`` and ``facts_for``.
_ROW_COLUMNS = (
    _invoice.c.id,
    _invoice.c.number,
    _invoice.c.issued_at,
    _invoice.c.due_at,
    _invoice.c.order_id,
    _invoice.c.total_minor,
    _invoice.c.currency,
    _invoice.c.status,
    _method.c.code.label("method_code"),
    _order.c.number.label("order_number"),
    _order.c.status.label("order_status"),
    _order.c.period_end.label("order_period_end"),
    _order.c.billing_period_months.label("order_billing_period_months"),
)
_ROWS = (
    select(*_ROW_COLUMNS)
    .select_from(_invoice)
    .join(_order, _invoice.c.order_id == _order.c.id, isouter=True)
    .join(_method, _invoice.c.payment_method_id == _method.c.id, isouter=True)
)


def _status_in(statuses: tuple[str, ...]):  # noqa: ANN202
    # Literals, not bound values: the statuses are this module's constants, and the planner
    # picks the index of the customer's invoices in one status only when it sees the value.
    values = [literal_column(f"'{status}'") for status in statuses]
    return _invoice.c.status == values[0] if len(values) == 1 else _invoice.c.status.in_(values)


def _matching(status_filter: InvoiceFilter, by_order: bool, searching: bool) -> list:
    """The WHERE conditions of a list, its values bound by name (``_bound``): the list and its
    count must never disagree."""
    conditions = [_invoice.c.customer_id == bindparam("customer_id"), _status_in(_STATUSES_FOR_FILTER[status_filter])]
    if by_order:
        conditions.append(_invoice.c.order_id == bindparam("order_id"))
    if searching:
        pattern = bindparam("pattern")
        orders_matching = select(_order.c.id).where(
            _order.c.customer_id == bindparam("customer_id"), func.lower(_order.c.number).like(pattern, escape="\\")
        )
        conditions.append(
            or_(func.lower(_invoice.c.number).like(pattern, escape="\\"), _invoice.c.order_id.in_(orders_matching))
        )
    return conditions


@lru_cache(maxsize=None)
def _list(status_filter: InvoiceFilter, by_order: bool, searching: bool) -> NewestFirst:
    """The statements of one shape of the list, built once (four filters, with or without an
    order and a search: sixteen at most)."""
    conditions = _matching(status_filter, by_order, searching)
    return newest_first(
        _ROWS.where(*conditions), select(_invoice.c.id).where(*conditions), _invoice.c.issued_at, _invoice.c.id
    )


def _statements(query: InvoiceQuery) -> NewestFirst:
    return _list(query.status, query.order_id is not None, bool(query.search))


def _bound(customer_id: int, query: InvoiceQuery) -> dict:
    values: dict = {"customer_id": customer_id}
    if query.order_id is not None:
        values["order_id"] = query.order_id
    if query.search:
        values["pattern"] = "%" + query.search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return values


def is_overdue(invoice: Invoice, now: datetime) -> bool:
    return invoice.status == InvoiceStatus.UNPAID and invoice.due_at < now


def _row(invoice: Invoice, facts: InvoiceFacts, method_code: str | None, now: datetime) -> InvoiceRow:
    return InvoiceRow(
        id=invoice.id,
        number=invoice.number,
        issued_at=invoice.issued_at,
        due_at=invoice.due_at,
        order_id=invoice.order_id,
        order_number=facts.order.number if facts.order else None,
        total=from_minor(invoice.total_minor, invoice.currency),
        currency=invoice.currency,
        status=InvoiceStatus(invoice.status),
        payment_method=PaymentMethodCode(method_code) if method_code else None,
        overdue=is_overdue(invoice, now),
        actions=invoice_actions(facts),
    )


@dataclass(frozen=True, slots=True)
class _ListedOrder:
    """The order of a listed invoice: what ``invoice_rules`` reads off a ``ServiceOrder``."""

    id: int
    number: str
    status: str
    period_end: datetime
    billing_period_months: int


def _rows(connection: Connection, results: Sequence[Row], now: datetime) -> list[InvoiceRow]:
    """Rows of ``_ROWS`` results; one more query for the whole batch."""
    orders = {
        result.order_id: _ListedOrder(
            result.order_id, result.order_number, result.order_status, result.order_period_end,
            result.order_billing_period_months,
        )
        for result in results
        if result.order_number is not None
    }
    open_next = open_next_period_invoices(connection, orders.values())
    return [
        _row(result, facts_for(result, orders.get(result.order_id), open_next), result.method_code, now)
        for result in results
    ]


def _position(result: Row) -> Position:
    """Where a result sits in the list: its sort key."""
    return Position(result.issued_at, result.id)


def list_invoices(portal: Portal, customer_id: int, query: InvoiceQuery) -> Page[InvoiceRow]:
    """Newest first; one page of rows, the count for the filter (capped), and where the next
    page starts (see ``paging``)."""
    statements, values = _statements(query), _bound(customer_id, query)
    with read_connection(portal.engine) as connection:
        results, next_after = page_of(
            connection, statements, values,
            page=query.page, page_size=query.page_size, after=query.after, position_of=_position,
        )
        total, capped = count_of(
            connection, statements, values,
            page=query.page, after=query.after, shown=len(results), more=next_after is not None,
        )
        items = _rows(connection, results, portal.now())
    return Page[InvoiceRow](
        items=items, total=total, total_capped=capped, page=query.page, page_size=query.page_size,
        next_after=next_after,
    )


def owned_invoice(session: Session, customer_id: int, invoice_id: int, *, lock: bool = False) -> Invoice:
    """The customer's invoice, locked for update if asked; anyone else's is simply not found."""
    statement = select(Invoice).where(Invoice.id == invoice_id, Invoice.customer_id == customer_id)
    if lock:
        statement = statement.with_for_update()
    invoice = session.exec(statement).first()
    if invoice is None:
        raise NotFound(f"invoice {invoice_id} not found")
    return invoice


def payment_record(payment: Payment, method_code: str) -> PaymentRecord:
    return PaymentRecord(
        id=payment.id,
        method=PaymentMethodCode(method_code),
        amount=from_minor(payment.amount_minor, payment.currency),
        currency=payment.currency,
        status=PaymentStatus(payment.status),
        reference=payment.reference,
        created_at=payment.created_at,
        completed_at=payment.completed_at,
    )


def invoice_detail_in(session: Session, invoice: Invoice, now: datetime) -> InvoiceDetail:
    """The whole invoice as of ``now`` (which decides ``overdue``), read in ``session``."""
    facts = facts_in(session, invoice)
    method_code = None
    if invoice.payment_method_id is not None:
        method_code = session.get(PaymentMethod, invoice.payment_method_id).code
    lines = session.exec(
        select(InvoiceLineRow)
        .where(InvoiceLineRow.invoice_id == invoice.id)
        .order_by(InvoiceLineRow.position)
    ).all()
    payments = session.exec(
        select(Payment, PaymentMethod.code)
        .join(PaymentMethod, Payment.payment_method_id == PaymentMethod.id)
        .where(Payment.invoice_id == invoice.id)
        .order_by(Payment.created_at, Payment.id)
    ).all()
    currency = invoice.currency
    return InvoiceDetail(
        **_row(invoice, facts, method_code, now).model_dump(),
        net=from_minor(invoice.net_minor, currency),
        tax_rate=from_minor(invoice.tax_rate_bp, "EUR"),  # basis points -> percent, 2 places
        tax=from_minor(invoice.tax_minor, currency),
        lines=[
            InvoiceLine(
                position=line.position,
                description=line.description,
                quantity=line.quantity,
                unit_price=from_minor(line.unit_price_minor, currency),
                amount=from_minor(line.amount_minor, currency),
            )
            for line in lines
        ],
        payments=[payment_record(payment, code) for payment, code in payments],
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        paid_at=invoice.paid_at,
        deleted_at=invoice.deleted_at,
    )


def get_invoice(portal: Portal, customer_id: int, invoice_id: int) -> InvoiceDetail:
    with read_session(portal.engine) as session:
        return invoice_detail_in(session, owned_invoice(session, customer_id, invoice_id), portal.now())


def delete_invoice(portal: Portal, customer_id: int, invoice_id: int, actor: str) -> InvoiceDetail:
    """Soft-delete an unpaid invoice: it stays in the database, its links and checkouts die."""
    now = portal.now()
    with write_session(portal.engine) as session:
        invoice = owned_invoice(session, customer_id, invoice_id, lock=True)
        require(facts_in(session, invoice), DELETE)
        invoice.status = InvoiceStatus.DELETED.value
        invoice.deleted_at = now
        for payment in session.exec(
            select(Payment).where(Payment.invoice_id == invoice.id, Payment.status == "pending")
        ):
            payment.status = PaymentStatus.FAILED.value
        revoke_pay_links(session, invoice.id, now)
        audit.record(
            session, at=now, customer_id=customer_id, actor=actor, action="invoice.delete",
            entity="invoice", entity_id=invoice.id, number=invoice.number,
        )
        session.flush()
        return invoice_detail_in(session, invoice, now)


def export_invoices_csv(portal: Portal, customer_id: int, query: InvoiceQuery) -> Document:
    """Every invoice matching the filter (all pages), as CSV, read in batches."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["number", "issued", "due", "order", "total", "currency", "status", "payment_method"])
    now = portal.now()
    statements, values = _statements(query), _bound(customer_id, query)
    with read_connection(portal.engine) as connection:
        after: str | None = None
        while True:
            batch, after = page_of(
                connection, statements, values, page=1, page_size=EXPORT_BATCH, after=after, position_of=_position,
            )
            for item in _rows(connection, batch, now):
                writer.writerow([
                    item.number,
                    item.issued_at.date().isoformat(),
                    item.due_at.date().isoformat(),
                    item.order_number or "",
                    str(item.total),
                    item.currency,
                    item.status.value,
                    item.payment_method.value if item.payment_method else "",
                ])
            if after is None:
                break
    return Document(
        filename=f"invoices-{query.status.value}-{portal.now().date().isoformat()}.csv",
        media_type="text/csv",
        content=buffer.getvalue().encode(),
    )


def create_pay_link(portal: Portal, customer_id: int, invoice_id: int, actor: str) -> PayLink:
    now = portal.now()
    with write_session(portal.engine) as session:
        invoice = owned_invoice(session, customer_id, invoice_id, lock=True)
        require(facts_in(session, invoice), PAY_LINK)
        link = issue_pay_link(session, invoice, portal.settings.public_url, now, portal.settings.pay_link_ttl)
        audit.record(
            session, at=now, customer_id=customer_id, actor=actor, action="invoice.pay_link",
            entity="invoice", entity_id=invoice.id, expires_at=link.expires_at,
        )
        return link


def invoice_by_pay_link(portal: Portal, token: str) -> InvoiceDetail:
    """What the public pay page may show: this one invoice, nothing else of the account."""
    now = portal.now()
    with read_session(portal.engine) as session:
        return invoice_detail_in(session, invoice_for_token(session, token, now), now)


def find_invoice(portal: Portal, customer_id: int, number: str) -> InvoiceRow:
    """The customer's invoice with this number, as printed on it (``NH-000193``).

    Numbers are unique across customers, but another customer's number is simply not found,
    exactly like a number that does not exist.
    """
    with read_connection(portal.engine) as connection:
        found = connection.execute(_BY_NUMBER, {"customer_id": customer_id, "number": number}).first()
        if found is None:
            raise NotFound(f"invoice {number} not found")
        return _rows(connection, [found], portal.now())[0]


_BY_NUMBER = _ROWS.where(_invoice.c.customer_id == bindparam("customer_id"), _invoice.c.number == bindparam("number"))
