"""Orders: the list, one order, one by number, renewing. Thin adapters: every rule lives in
backend.domain."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from backend.api.deps import ACTOR, CustomerDep, IdempotencyKeyDep, PortalDep
from backend.api.openapi import error_responses
from backend.api.params import PageQuery, PageSizeQuery, RowId
from backend.api.routing import ThreadedEndpointRoute
from backend.contract import InvoiceDetail, OrderFilter, OrderQuery, OrderRow, Page
from backend.domain import billing, orders

router = APIRouter(prefix="/api/v1", tags=["orders"], route_class=ThreadedEndpointRoute)


async def _order_query(
    filter_: Annotated[OrderFilter, Query(alias="filter")] = OrderFilter.ALL,
    search: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    page: PageQuery = 1,
    page_size: PageSizeQuery = 50,
) -> OrderQuery:
    # Parameter by parameter, as for invoices: each shows in the schema, unknown ones are ignored.
    return OrderQuery(filter=filter_, search=search, page=page, page_size=page_size)


@router.get("/orders", response_model=Page[OrderRow])
def list_orders(
    portal: PortalDep, customer_id: CustomerDep, query: Annotated[OrderQuery, Depends(_order_query)]
) -> Page[OrderRow]:
    return orders.list_orders(portal, customer_id, query)


# Before /orders/{order_id}, so "by-number" is never taken for an id.
@router.get("/orders/by-number/{order_number}", response_model=OrderRow)
def find_order(order_number: str, portal: PortalDep, customer_id: CustomerDep) -> OrderRow:
    return orders.find_order(portal, customer_id, order_number)


@router.get("/orders/{order_id}", response_model=OrderRow)
def get_order(order_id: RowId, portal: PortalDep, customer_id: CustomerDep) -> OrderRow:
    return orders.get_order(portal, customer_id, order_id)


@router.post(
    "/orders/{order_id}/renewals",
    response_model=InvoiceDetail,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(409),
)
def renew_order(
    order_id: RowId, portal: PortalDep, customer_id: CustomerDep, idempotency_key: IdempotencyKeyDep
) -> InvoiceDetail:
    """Issue the invoice for the order's next billing period; a repeated key returns it again."""
    return billing.renew_order(portal, customer_id, order_id, idempotency_key, ACTOR)
