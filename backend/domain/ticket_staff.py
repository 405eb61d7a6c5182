"""The support side of tickets, as far as the bundled portal needs it: staff answer and close.

Staff act on any customer's ticket (their door, the staff route or ``hostui-server
staff-reply``, is authenticated apart from customers). A staff answer is a message like the
customer's: the customer's change counter moves on, the ticket becomes unread for the
customer, and the e-mail copy is queued in the same transaction.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlmodel import select

from backend.contract import AuthorKind, InvalidInput, NotFound, TicketDetail, TicketReply, TicketRow
from backend.db import read_session, write_session
from backend.domain import audit
from backend.domain.ticket_rules import CLOSE
from backend.domain.tickets import add_message, detail_in, locked_ticket, row_in, set_status
from backend.models import Ticket
from backend.portal import Portal

AUTHOR_NAME_MAX = 100
DEFAULT_STAFF_NAME = "Support"


def is_staff_token(portal: Portal, presented: str) -> bool:
    """Whether ``presented`` is the server's staff token, compared in constant time (digests of
    equal length, so not even the token's length shows). No token configured: no staff door."""
    configured = portal.settings.staff_token
    if configured is None or not configured.get_secret_value():
        return False
    expected = hashlib.sha256(configured.get_secret_value().encode()).digest()
    return hmac.compare_digest(hashlib.sha256(presented.encode()).digest(), expected)


def ticket_id_for_number(portal: Portal, number: str) -> int:
    with read_session(portal.engine) as session:
        ticket_id = session.exec(select(Ticket.id).where(Ticket.number == number.strip())).first()
    if ticket_id is None:
        raise NotFound(f"ticket {number} not found")
    return ticket_id


def _customer_of(portal: Portal, ticket_id: int) -> int:
    with read_session(portal.engine) as session:
        customer_id = session.exec(select(Ticket.customer_id).where(Ticket.id == ticket_id)).first()
    if customer_id is None:
        raise NotFound(f"ticket {ticket_id} not found")
    return customer_id


def _author(name: str) -> str:
    name = name.strip()
    if not name or len(name) > AUTHOR_NAME_MAX or any(not c.isprintable() for c in name):
        raise InvalidInput(f"author: one line of 1 to {AUTHOR_NAME_MAX} characters")
    return name


def staff_reply(portal: Portal, ticket_id: int, reply: TicketReply, author_name: str = DEFAULT_STAFF_NAME) -> TicketDetail:
    """Answer the ticket as ``author_name``; the ticket as its customer now sees it."""
    author_name = _author(author_name)
    customer_id = _customer_of(portal, ticket_id)
    now = portal.now()
    with write_session(portal.engine) as session:
        customer, ticket = locked_ticket(session, customer_id, ticket_id)
        message = add_message(session, customer=customer, ticket=ticket, author=AuthorKind.STAFF,
                              author_name=author_name, body=reply.message, now=now)
        audit.record(session, at=now, customer_id=customer_id, actor=f"staff:{author_name}",
                     action="ticket.staff_reply", entity="ticket", entity_id=ticket.id, message_id=message.id)
        return detail_in(session, ticket)


def staff_close(portal: Portal, ticket_id: int, author_name: str = DEFAULT_STAFF_NAME) -> TicketRow:
    """Close the ticket (the same rule as the customer's close: an open ticket only)."""
    author_name = _author(author_name)
    customer_id = _customer_of(portal, ticket_id)
    now = portal.now()
    with write_session(portal.engine) as session:
        _customer, ticket = locked_ticket(session, customer_id, ticket_id)
        set_status(session, ticket, CLOSE)
        audit.record(session, at=now, customer_id=customer_id, actor=f"staff:{author_name}",
                     action="ticket.staff_close", entity="ticket", entity_id=ticket.id)
        return row_in(session, ticket)
