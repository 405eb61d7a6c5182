"""Orders: the list (paged, filtered and searched in the database), one order, one by number.

The list shows live orders before dead ones, and the newest first within each group: active,
then new (awaiting payment), then suspended or blocked (they need the customer's attention
but serve nothing now), then cancelled.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import case, func, or_
from sqlmodel import Session, select

from backend.contract import NotFound, OrderFilter, OrderQuery, OrderRow, Page, PowerState
from backend.db import read_session
from backend.domain.billing import invoice_amounts, order_lines
from backend.domain.invoice_rules import open_next_period_invoices, order_facts
from backend.domain.order_rules import OrderActionFacts, order_actions, order_status
from backend.domain.periods import next_period
from backend.domain.text_search import contains
from backend.models import OrderItem, Server, ServerIp, ServiceOrder, Tariff
from backend.money import from_minor
from backend.portal import Portal

_STATUSES_FOR_FILTER: dict[OrderFilter, tuple[str, ...] | None] = {
    OrderFilter.ALL: None,
    OrderFilter.ACTIVE: ("active",),
    OrderFilter.NEW: ("new",),
    OrderFilter.INACTIVE: ("suspended", "blocked", "cancelled"),
}

_LIST_RANK = case(
    {"active": 0, "new": 1, "suspended": 2, "blocked": 2, "cancelled": 3},
    value=ServiceOrder.status,
    else_=4,
)


def _matching(customer_id: int, query: OrderQuery) -> list:
    """The WHERE conditions of a query: the list and its count must never disagree."""
    conditions = [ServiceOrder.customer_id == customer_id]
    statuses = _STATUSES_FOR_FILTER[query.filter]
    if statuses is not None:
        conditions.append(ServiceOrder.status.in_(statuses))
    if query.search:
        typed = query.search
        addresses = select(ServerIp.server_id).where(contains(ServerIp.address, typed))
        servers = select(Server.order_id).where(
            or_(contains(Server.hostname, typed), contains(Server.primary_ip, typed), Server.id.in_(addresses))
        )
        tariffs = select(Tariff.id).where(contains(Tariff.name, typed))
        conditions.append(
            or_(
                contains(ServiceOrder.number, typed),
                ServiceOrder.tariff_id.in_(tariffs),
                ServiceOrder.id.in_(servers),
            )
        )
    return conditions


def _with_tariff_and_server():  # noqa: ANN202
    return (
        select(ServiceOrder, Tariff, Server)
        .join(Tariff, ServiceOrder.tariff_id == Tariff.id)
        .join(Server, Server.order_id == ServiceOrder.id, isouter=True)
    )


def _rows(session: Session, results: list) -> list[OrderRow]:
    """Rows of (order, tariff, server) results; two more queries for the whole batch."""
    orders = [order for order, _tariff, _server in results]
    items: dict[int, list[OrderItem]] = defaultdict(list)
    if orders:
        for item in session.exec(
            select(OrderItem)
            .where(OrderItem.order_id.in_([order.id for order in orders]))
            .order_by(OrderItem.order_id, OrderItem.position)
        ):
            items[item.order_id].append(item)
    open_next = open_next_period_invoices(session, orders)
    return [
        _row(order, tariff, server, items[order.id], open_next.get(order.id))
        for order, tariff, server in results
    ]


def _row(
    order: ServiceOrder, tariff: Tariff, server: Server | None, items: list[OrderItem], open_next: str | None
) -> OrderRow:
    lines = order_lines(tariff.name, order.price_minor, items, next_period(order), first=False)
    price_minor, _tax = invoice_amounts(lines, 0)
    facts = OrderActionFacts(billing=order_facts(order, open_next), has_server=server is not None)
    return OrderRow(
        id=order.id,
        number=order.number,
        tariff=tariff.name,
        kind=tariff.kind,
        hostname=server.hostname if server else None,
        main_ip=server.primary_ip if server else None,
        period_end=order.period_end,
        price=from_minor(price_minor, order.currency),
        currency=order.currency,
        billing_period_months=order.billing_period_months,
        status=order_status(order.status),
        server_id=server.id if server else None,
        power_state=PowerState(server.power_state) if server else None,
        actions=order_actions(facts),
    )


def list_orders(portal: Portal, customer_id: int, query: OrderQuery) -> Page[OrderRow]:
    """One page of the customer's orders (see the module docstring for the order) and the count."""
    conditions = _matching(customer_id, query)
    with read_session(portal.engine) as session:
        total = session.exec(select(func.count()).select_from(ServiceOrder).where(*conditions)).one()
        results = session.exec(
            _with_tariff_and_server()
            .where(*conditions)
            .order_by(_LIST_RANK, ServiceOrder.created_at.desc(), ServiceOrder.id.desc())
            .offset((query.page - 1) * query.page_size)
            .limit(query.page_size)
        ).all()
        items = _rows(session, results)
    return Page[OrderRow](items=items, total=total, page=query.page, page_size=query.page_size)


def _one_order(portal: Portal, customer_id: int, condition, missing: str) -> OrderRow:  # noqa: ANN001
    """The customer's order meeting ``condition``; anyone else's is simply not found."""
    with read_session(portal.engine) as session:
        found = session.exec(
            _with_tariff_and_server().where(condition, ServiceOrder.customer_id == customer_id)
        ).first()
        if found is None:
            raise NotFound(missing)
        return _rows(session, [found])[0]


def get_order(portal: Portal, customer_id: int, order_id: int) -> OrderRow:
    return _one_order(portal, customer_id, ServiceOrder.id == order_id, f"order {order_id} not found")


def find_order(portal: Portal, customer_id: int, number: str) -> OrderRow:
    """The customer's order with this number as printed (``ORD-104825``)."""
    return _one_order(portal, customer_id, ServiceOrder.number == number, f"order {number} not found")
