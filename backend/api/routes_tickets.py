"""Tickets: the list, one ticket, by number, new tickets, replies, closing, reopening, read
state and changes since a cursor. Thin adapters: every rule lives in backend.domain.

Every route is scoped to the customer of the bearer token; another customer's ticket is not
found, exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from backend.api.deps import ACTOR, CustomerDep, IdempotencyKeyDep, PortalDep
from backend.api.openapi import error_responses
from backend.api.params import AfterQuery, OptionalRowIdQuery, PageQuery, PageSizeQuery, RowId
from backend.api.routing import ThreadedEndpointRoute
from backend.contract import (
    NewTicket,
    Page,
    TicketChanges,
    TicketDetail,
    TicketFilter,
    TicketQuery,
    TicketReply,
    TicketRow,
)
from backend.domain import ticket_changes, tickets

router = APIRouter(prefix="/api/v1", tags=["tickets"], route_class=ThreadedEndpointRoute)

# What ticket_changes hands out (see backend/domain/ticket_changes.py); declared so a client
# sees the shape, and so no number beyond 64 bits reaches the database.
CURSOR_PATTERN = r"^1\.\d{1,18}\.\d{1,10}$"


async def _ticket_query(
    filter_: Annotated[TicketFilter, Query(alias="filter")] = TicketFilter.OPEN,
    search: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    order_id: OptionalRowIdQuery = None,
    page: PageQuery = 1,
    page_size: PageSizeQuery = 50,
    after: AfterQuery = None,
) -> TicketQuery:
    # Parameter by parameter, as for invoices: each shows in the schema, unknown ones are ignored.
    return TicketQuery(
        filter=filter_, search=search, order_id=order_id, page=page, page_size=page_size, after=after
    )


@router.get("/tickets", response_model=Page[TicketRow])
def list_tickets(
    portal: PortalDep, customer_id: CustomerDep, query: Annotated[TicketQuery, Depends(_ticket_query)]
) -> Page[TicketRow]:
    return tickets.list_tickets(portal, customer_id, query)


@router.post(
    "/tickets",
    response_model=TicketDetail,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(409),
)
def create_ticket(
    body: NewTicket, portal: PortalDep, customer_id: CustomerDep, idempotency_key: IdempotencyKeyDep
) -> TicketDetail:
    """Open a ticket with its first message; a repeated key answers with the same ticket."""
    return tickets.create_ticket(portal, customer_id, body, idempotency_key, ACTOR)


# Before /tickets/{ticket_id}, so "by-number" is never taken for an id.
@router.get("/tickets/by-number/{ticket_number}", response_model=TicketRow)
def find_ticket(ticket_number: str, portal: PortalDep, customer_id: CustomerDep) -> TicketRow:
    return tickets.find_ticket(portal, customer_id, ticket_number)


@router.get("/tickets/{ticket_id}", response_model=TicketDetail)
def get_ticket(ticket_id: RowId, portal: PortalDep, customer_id: CustomerDep) -> TicketDetail:
    """The ticket with all its messages, oldest first. Reading changes nothing: PUT .../read does."""
    return tickets.get_ticket(portal, customer_id, ticket_id)


@router.post(
    "/tickets/{ticket_id}/replies",
    response_model=TicketDetail,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(409),
)
def reply_ticket(
    ticket_id: RowId,
    body: TicketReply,
    portal: PortalDep,
    customer_id: CustomerDep,
    idempotency_key: IdempotencyKeyDep,
) -> TicketDetail:
    """Add a message; a closed ticket opens again. A repeated key adds nothing."""
    return tickets.reply_ticket(portal, customer_id, ticket_id, body, idempotency_key, ACTOR)


@router.post("/tickets/{ticket_id}/close", response_model=TicketRow, responses=error_responses(409))
def close_ticket(ticket_id: RowId, portal: PortalDep, customer_id: CustomerDep) -> TicketRow:
    return tickets.close_ticket(portal, customer_id, ticket_id, ACTOR)


@router.post("/tickets/{ticket_id}/reopen", response_model=TicketRow, responses=error_responses(409))
def reopen_ticket(ticket_id: RowId, portal: PortalDep, customer_id: CustomerDep) -> TicketRow:
    return tickets.reopen_ticket(portal, customer_id, ticket_id, ACTOR)


@router.put("/tickets/{ticket_id}/read", response_model=TicketRow)
def mark_read(ticket_id: RowId, portal: PortalDep, customer_id: CustomerDep) -> TicketRow:
    """Read up to the newest message (a ticket read already stays as it is)."""
    return tickets.mark_read(portal, customer_id, ticket_id)


@router.delete("/tickets/{ticket_id}/read", response_model=TicketRow)
def mark_unread(ticket_id: RowId, portal: PortalDep, customer_id: CustomerDep) -> TicketRow:
    """Make the newest message unread again (an unread ticket stays as it is)."""
    return tickets.mark_unread(portal, customer_id, ticket_id)


@router.get("/ticket-changes", response_model=TicketChanges)
def changes(
    portal: PortalDep,
    customer_id: CustomerDep,
    cursor: Annotated[str | None, Query(pattern=CURSOR_PATTERN, max_length=32)] = None,
) -> TicketChanges:
    """Tickets changed since ``cursor`` (the one the previous answer carried; none to start)."""
    return ticket_changes.ticket_changes(portal, customer_id, cursor)
