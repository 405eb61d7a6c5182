"""What can be done to an invoice now, and why not: decided here, once.

The invoice list shows these states as hints, and every domain call that acts on an invoice
asks the same function before acting and refuses with its reason, so a hint and a refusal
can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import bindparam, literal_column, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select
from sqlmodel import Session

from backend.contract import ActionState, Conflict, InvoiceStatus
from backend.domain.periods import next_period
from backend.models import Invoice, ServiceOrder

PAY, DELETE, PAY_LINK, QUOTE, DOWNLOAD, RENEW = "pay", "delete", "pay_link", "quote", "download", "renew"
INVOICE_ACTIONS = (PAY, DELETE, PAY_LINK, QUOTE, DOWNLOAD, RENEW)

# How a refusal starts, per action: "<invoice number> ...: <reason>".
_REFUSAL = {
    PAY: "invoice {number} cannot be paid",
    DELETE: "invoice {number} cannot be deleted",
    PAY_LINK: "invoice {number} has no pay link",
    QUOTE: "invoice {number} has no quote",
    DOWNLOAD: "invoice {number} cannot be downloaded",
    RENEW: "the order of invoice {number} cannot be renewed",
}


@dataclass(frozen=True)
class OrderFacts:
    """What renewing an order depends on."""

    number: str
    status: str
    # The unpaid invoice already billing the order's next period, if any.
    open_next_invoice: str | None


@dataclass(frozen=True)
class InvoiceFacts:
    number: str
    status: InvoiceStatus
    order: OrderFacts | None


def _allowed(action_id: str) -> ActionState:
    return ActionState(id=action_id, enabled=True)


def _refused(action_id: str, reason: str) -> ActionState:
    return ActionState(id=action_id, enabled=False, reason=reason)


def renewal_state(order: OrderFacts | None) -> ActionState:
    """Whether the order can be renewed for its next period now."""
    if order is None:
        return _refused(RENEW, "invoice has no order")
    if order.status == "cancelled":
        return _refused(RENEW, f"order {order.number} is cancelled")
    if order.open_next_invoice is not None:
        return _refused(RENEW, f"invoice {order.open_next_invoice} for this order is still open")
    return _allowed(RENEW)


_UNPAID_ONLY = {InvoiceStatus.PAID: "already paid", InvoiceStatus.DELETED: "invoice deleted"}
# Why each action is refused in each invoice status; a status not listed allows it.
_REFUSED_IN_STATUS: dict[str, dict[InvoiceStatus, str]] = {
    PAY: _UNPAID_ONLY,
    DELETE: {InvoiceStatus.PAID: "already paid", InvoiceStatus.DELETED: "already deleted"},
    PAY_LINK: _UNPAID_ONLY,
    QUOTE: _UNPAID_ONLY,
    DOWNLOAD: {InvoiceStatus.UNPAID: "available once paid", InvoiceStatus.DELETED: "invoice deleted"},
}


def invoice_actions(invoice: InvoiceFacts) -> list[ActionState]:
    """Every invoice action, in INVOICE_ACTIONS order, enabled or with the reason it is not.

    Paying an invoice bound to a method stays enabled: paying with that method works, and
    which methods are open is the payment dialog's business (the row carries the binding).
    """
    return list(_actions(invoice.status, invoice.order))


@lru_cache(maxsize=4096)
def _actions(status: InvoiceStatus, order: OrderFacts | None) -> tuple[ActionState, ...]:
    # The states depend on the status and the order's facts only, and a page of fifty rows
    # repeats a handful of those: decided once each instead of six models per row.
    states = []
    for action_id in INVOICE_ACTIONS:
        if action_id == RENEW:
            states.append(renewal_state(order))
            continue
        reason = _REFUSED_IN_STATUS[action_id].get(status)
        states.append(_allowed(action_id) if reason is None else _refused(action_id, reason))
    return tuple(states)


def require(invoice: InvoiceFacts, action_id: str) -> None:
    """Raise Conflict with the rule's reason unless ``action_id`` is possible on the invoice now."""
    state = next(state for state in invoice_actions(invoice) if state.id == action_id)
    if not state.enabled:
        raise Conflict(f"{_REFUSAL[action_id].format(number=invoice.number)}: {state.reason}")


def require_renewable(order: ServiceOrder, open_next_invoice: str | None) -> None:
    state = renewal_state(order_facts(order, open_next_invoice))
    if not state.enabled:
        raise Conflict(f"order {order.number} cannot be renewed: {state.reason}")


# --- gathering the facts -------------------------------------------------------------------


def order_facts(order: ServiceOrder, open_next_invoice: str | None) -> OrderFacts:
    return OrderFacts(number=order.number, status=order.status, open_next_invoice=open_next_invoice)


@lru_cache(maxsize=None)
def _unpaid_of_orders(slots: int) -> Select:
    """The unpaid invoices of up to ``slots`` orders starting on up to ``slots`` days (the
    orders' next periods), found by the partial index of one unpaid invoice per order and
    period however many invoices an order has; the status is a literal so the planner sees
    that it matches the index's condition.

    Each list asks this, so the statement is built once per number of slots, and the slots
    are plain parameters (``order_0``, ``start_0``, ...): an expanding IN is re-rendered on
    every execution, which cost more than the query."""
    invoice = Invoice.__table__
    return (
        select(invoice.c.order_id, invoice.c.period_start, invoice.c.number)
        .where(
            invoice.c.order_id.in_([bindparam(f"order_{slot}", type_=invoice.c.order_id.type) for slot in range(slots)]),
            invoice.c.status == literal_column(f"'{InvoiceStatus.UNPAID.value}'"),
            invoice.c.period_start.in_(
                [bindparam(f"start_{slot}", type_=invoice.c.period_start.type) for slot in range(slots)]
            ),
        )
        .order_by(invoice.c.id)
    )


def _slots(count: int) -> int:
    # Powers of two: a handful of statements serve every page size.
    return 1 << (count - 1).bit_length()


def open_next_period_invoices(session: Session | Connection, orders: Iterable[ServiceOrder]) -> dict[int, str]:
    """Order id -> number of the unpaid invoice billing that order's next period, in one query.

    An order here is anything with the ``id``, ``period_end`` and ``billing_period_months``
    of a ``ServiceOrder``."""
    next_start = {order.id: next_period(order)[0] for order in orders}
    if not next_start:
        return {}
    order_ids, starts = list(next_start), list(set(next_start.values()))
    slots = _slots(len(order_ids))
    # Slots left over repeat the last value, which changes nothing in an IN.
    values = {f"order_{slot}": order_ids[min(slot, len(order_ids) - 1)] for slot in range(slots)}
    values.update({f"start_{slot}": starts[min(slot, len(starts) - 1)] for slot in range(slots)})
    found: dict[int, str] = {}
    for order_id, period_start, number in session.execute(_unpaid_of_orders(slots), values):
        if period_start == next_start[order_id]:
            found.setdefault(order_id, number)
    return found


def facts_for(
    invoice: Invoice, order: ServiceOrder | None, open_next: dict[int, str]
) -> InvoiceFacts:
    return InvoiceFacts(
        number=invoice.number,
        status=InvoiceStatus(invoice.status),
        order=order_facts(order, open_next.get(order.id)) if order is not None else None,
    )


def facts_in(session: Session, invoice: Invoice) -> InvoiceFacts:
    """The facts of one invoice, read in ``session``."""
    order = session.get(ServiceOrder, invoice.order_id) if invoice.order_id is not None else None
    return facts_for(invoice, order, open_next_period_invoices(session, [order] if order else []))
