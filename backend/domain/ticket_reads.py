"""Who has read how far: read state per ticket and reader, kept as the id of the last message read.

Message ids only grow and never tie, so "unread" is exact: a ticket is unread for a reader
when its newest message (``Ticket.last_message_id``) is beyond the reader's last read one.
Writing a message moves the writer's own place to it, so your own reply never shows as new.
"""

from __future__ import annotations

from sqlalchemy import and_, func
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, select

from backend.models import Ticket, TicketMessage, TicketReadState

# The customer a ticket belongs to reads it as this reader; staff read as "staff:<name>".
CUSTOMER_READER = "customer"

CustomerRead = aliased(TicketReadState, name="customer_read")
"""The ticket customer's read state, for joining onto ``Ticket`` (see ``customer_read_join``)."""


def staff_reader(name: str) -> str:
    return f"staff:{name}"


def reader_for(author_kind: str, author_name: str) -> str:
    """Whose place moves when someone writes a message."""
    return CUSTOMER_READER if author_kind == "customer" else staff_reader(author_name)


def customer_read_join() -> ColumnElement[bool]:
    """The outer-join condition of ``CustomerRead`` onto ``Ticket``."""
    return and_(CustomerRead.ticket_id == Ticket.id, CustomerRead.reader == CUSTOMER_READER)


def unread_for_customer() -> ColumnElement[bool]:
    """True for a ticket with a message beyond the customer's place (with ``CustomerRead`` joined)."""
    return Ticket.last_message_id > func.coalesce(CustomerRead.last_read_message_id, 0)


def is_behind(last_message_id: int | None, last_read_message_id: int | None) -> bool:
    """The same rule as ``unread_for_customer``, for values already read."""
    return last_message_id is not None and last_message_id > (last_read_message_id or 0)


def read_place(session: Session, ticket_id: int, reader: str) -> int | None:
    return session.exec(
        select(TicketReadState.last_read_message_id).where(
            TicketReadState.ticket_id == ticket_id, TicketReadState.reader == reader
        )
    ).first()


def set_read_place(session: Session, ticket_id: int, reader: str, message_id: int | None) -> None:
    """Put ``reader``'s place in the ticket at ``message_id`` (None: nothing read).

    The caller holds the ticket's row lock, so no one else creates the same reader's row meanwhile.
    """
    state = session.exec(
        select(TicketReadState).where(TicketReadState.ticket_id == ticket_id, TicketReadState.reader == reader)
    ).first()
    if state is None:
        session.add(TicketReadState(ticket_id=ticket_id, reader=reader, last_read_message_id=message_id))
    else:
        state.last_read_message_id = message_id


def message_before(session: Session, ticket: Ticket) -> int | None:
    """The id of the message before the ticket's newest, or None when it has one message:
    where a reader's place goes to make the newest message unread again."""
    if ticket.last_message_id is None:
        return None
    return session.exec(
        select(func.max(TicketMessage.id)).where(
            TicketMessage.ticket_id == ticket.id, TicketMessage.id < ticket.last_message_id
        )
    ).one()


def unread_count(session: Session, customer_id: int) -> int:
    """How many of the customer's tickets are unread for them."""
    return session.exec(
        select(func.count())
        .select_from(Ticket)
        .join(CustomerRead, customer_read_join(), isouter=True)
        .where(Ticket.customer_id == customer_id, unread_for_customer())
    ).one()
