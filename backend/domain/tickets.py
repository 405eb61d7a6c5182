"""Tickets: the list (paged, filtered and searched in the database), one ticket, one by
number, and what the customer does with them: open one, reply, close, reopen, mark read or unread.

The list shows the newest activity first. A page is three queries whatever its size: the
count, the rows (with their order number, newest message's author and the customer's read
place joined on), and the message counts of the page's tickets.

Every change to a ticket is written with the customer's row locked first, then the ticket's
(the same order everywhere, so two changes never wait on each other in a circle), and takes
the customer's next change number (``Ticket.change_seq``, see ticket_changes.py). A new
message is copied by e-mail through the outbox in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func, or_
from sqlmodel import Session, select

from backend.contract import (
    AuthorKind,
    Department,
    Importance,
    InvalidInput,
    NewTicket,
    NotFound,
    Page,
    TicketDetail,
    TicketFilter,
    TicketMessage,
    TicketQuery,
    TicketReply,
    TicketRow,
    TicketStatus,
)
from backend.db import read_session, write_session
from backend.domain import audit
from backend.domain.paging import Position, list_total, newest_first_page
from backend.domain.idempotency import check_key, fingerprint, remember, replay
from backend.domain.text_search import contains
from backend.domain.ticket_reads import (
    CUSTOMER_READER,
    CustomerRead,
    customer_read_join,
    is_behind,
    message_before,
    reader_for,
    set_read_place,
    unread_for_customer,
)
from backend.domain.ticket_rules import CLOSE, REOPEN, REPLY, TicketFacts, require, ticket_actions
from backend.mail.outbox import enqueue_ticket_copy
from backend.models import Customer, InvoiceSequence, ServiceOrder, Ticket
from backend.models import TicketMessage as MessageRow
from backend.portal import Portal

# The row of the numbering table (``invoice_sequence``) that numbers tickets.
TICKET_SEQUENCE = "ticket"

_STATUSES_FOR_FILTER: dict[TicketFilter, tuple[str, ...] | None] = {
    TicketFilter.OPEN: ("open",),
    TicketFilter.CLOSED: ("closed",),
    TicketFilter.UNREAD: None,
    TicketFilter.ALL: None,
}


class _Written(BaseModel):
    """What an idempotency key remembers of a create or a reply: which message it wrote. A
    replay answers with the ticket as it is now, so a 200-message thread is not stored per key."""

    ticket_id: int
    message_id: int


# --- reading ------------------------------------------------------------------------------------


def _matching(customer_id: int, query: TicketQuery) -> list:
    """The WHERE conditions of a query (with ``CustomerRead`` joined): list and count agree."""
    conditions = [Ticket.customer_id == customer_id]
    statuses = _STATUSES_FOR_FILTER[query.filter]
    if statuses is not None:
        conditions.append(Ticket.status.in_(statuses))
    if query.filter == TicketFilter.UNREAD:
        conditions.append(unread_for_customer())
    if query.order_id is not None:
        conditions.append(Ticket.order_id == query.order_id)
    if query.search:
        conditions.append(or_(contains(Ticket.number, query.search), contains(Ticket.subject, query.search)))
    return conditions


def with_row_facts():  # noqa: ANN202
    """Tickets with what a row shows besides the ticket: order number, newest message, read place."""
    return (
        select(Ticket, ServiceOrder.number, MessageRow.author_kind, MessageRow.author_name,
               CustomerRead.last_read_message_id)
        .join(ServiceOrder, Ticket.order_id == ServiceOrder.id, isouter=True)
        .join(MessageRow, MessageRow.id == Ticket.last_message_id, isouter=True)
        .join(CustomerRead, customer_read_join(), isouter=True)
    )


def _message_counts(session: Session, ticket_ids: Iterable[int]) -> dict[int, int]:
    ids = list(ticket_ids)
    if not ids:
        return {}
    return dict(
        session.exec(
            select(MessageRow.ticket_id, func.count()).where(MessageRow.ticket_id.in_(ids)).group_by(MessageRow.ticket_id)
        ).all()
    )


def _facts(ticket: Ticket, read_up_to: int | None, message_count: int) -> TicketFacts:
    return TicketFacts(
        number=ticket.number,
        status=TicketStatus(ticket.status),
        unread=is_behind(ticket.last_message_id, read_up_to),
        message_count=message_count,
    )


def rows_of(session: Session, results: list) -> list[TicketRow]:
    counts = _message_counts(session, (ticket.id for ticket, *_rest in results))
    rows = []
    for ticket, order_number, last_kind, last_name, read_up_to in results:
        facts = _facts(ticket, read_up_to, counts.get(ticket.id, 0))
        rows.append(
            TicketRow(
                id=ticket.id,
                number=ticket.number,
                subject=ticket.subject,
                department=Department(ticket.department),
                importance=Importance(ticket.importance),
                status=facts.status,
                order_id=ticket.order_id,
                order_number=order_number,
                created_at=ticket.created_at,
                last_activity_at=ticket.updated_at,
                last_author=AuthorKind(last_kind or AuthorKind.CUSTOMER),
                last_author_name=last_name or "",
                message_count=facts.message_count,
                unread=facts.unread,
                actions=ticket_actions(facts),
            )
        )
    return rows


def newest_activity_first(statement):  # noqa: ANN001, ANN201
    return statement.order_by(Ticket.updated_at.desc(), Ticket.id.desc())


def list_tickets(portal: Portal, customer_id: int, query: TicketQuery) -> Page[TicketRow]:
    """One page of the customer's tickets, newest activity first, the count of the filter
    (capped) and where the next page starts (see ``paging``)."""
    conditions = _matching(customer_id, query)
    with read_session(portal.engine) as session:
        results, next_after = newest_first_page(
            session, with_row_facts().where(*conditions), Ticket.updated_at, Ticket.id,
            page=query.page, page_size=query.page_size, after=query.after,
            position_of=lambda result: Position(result[0].updated_at, result[0].id),
        )
        total, capped = list_total(
            session, select(Ticket.id).join(CustomerRead, customer_read_join(), isouter=True).where(*conditions),
            page=query.page, after=query.after, shown=len(results), more=next_after is not None,
        )
        items = rows_of(session, results)
    return Page[TicketRow](
        items=items, total=total, total_capped=capped, page=query.page, page_size=query.page_size,
        next_after=next_after,
    )


def rows_where(session: Session, *conditions) -> list[TicketRow]:  # noqa: ANN002
    """Rows of the tickets meeting ``conditions``, newest activity first."""
    return rows_of(session, session.exec(newest_activity_first(with_row_facts().where(*conditions))).all())


def row_in(session: Session, ticket: Ticket) -> TicketRow:
    return rows_where(session, Ticket.id == ticket.id)[0]


def detail_in(session: Session, ticket: Ticket) -> TicketDetail:
    """The whole ticket, its messages oldest first, read in ``session``."""
    messages = session.exec(
        select(MessageRow).where(MessageRow.ticket_id == ticket.id).order_by(MessageRow.id)
    ).all()
    department = Department(ticket.department)
    return TicketDetail(
        **row_in(session, ticket).model_dump(),
        messages=[
            TicketMessage(
                id=message.id,
                author=AuthorKind(message.author_kind),
                author_name=message.author_name,
                department=department,
                created_at=message.created_at,
                body=message.body,
            )
            for message in messages
        ],
    )


def owned_ticket(session: Session, customer_id: int, ticket_id: int, *, lock: bool = False) -> Ticket:
    """The customer's ticket, locked for update if asked; anyone else's is simply not found."""
    statement = select(Ticket).where(Ticket.id == ticket_id, Ticket.customer_id == customer_id)
    if lock:
        statement = statement.with_for_update()
    ticket = session.exec(statement).first()
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} not found")
    return ticket


def get_ticket(portal: Portal, customer_id: int, ticket_id: int) -> TicketDetail:
    """The ticket and all its messages; reading it changes nothing (``mark_read`` does)."""
    with read_session(portal.engine) as session:
        return detail_in(session, owned_ticket(session, customer_id, ticket_id))


def find_ticket(portal: Portal, customer_id: int, number: str) -> TicketRow:
    """The customer's ticket with this number as printed (``T-58123``); another customer's
    number is not found, exactly like one that does not exist."""
    with read_session(portal.engine) as session:
        rows = rows_where(session, Ticket.customer_id == customer_id, Ticket.number == number)
    if not rows:
        raise NotFound(f"ticket {number} not found")
    return rows[0]


# --- writing ------------------------------------------------------------------------------------


def lock_customer(session: Session, customer_id: int) -> Customer:
    """Lock the customer's row: what serializes the customer's ticket changes (see the module)."""
    return session.exec(select(Customer).where(Customer.id == customer_id).with_for_update()).one()


def locked_ticket(session: Session, customer_id: int, ticket_id: int) -> tuple[Customer, Ticket]:
    """The customer and their ticket, both locked, in that order."""
    customer = lock_customer(session, customer_id)
    return customer, owned_ticket(session, customer_id, ticket_id, lock=True)


def count_change(session: Session, ticket: Ticket) -> None:
    """Give the ticket the customer's next change number (the customer's row is locked)."""
    newest = session.exec(
        select(func.max(Ticket.change_seq)).where(Ticket.customer_id == ticket.customer_id)
    ).one()
    ticket.change_seq = (newest or 0) + 1


def next_ticket_number(session: Session) -> str:
    """The next ticket number; the numbering row stays locked until the transaction ends, so
    the numbers of committed tickets have no gaps and no duplicates."""
    sequence = session.exec(
        select(InvoiceSequence).where(InvoiceSequence.name == TICKET_SEQUENCE).with_for_update()
    ).one()
    number = f"{sequence.prefix}{sequence.next_value}"
    sequence.next_value += 1
    return number


def add_message(
    session: Session, *, customer: Customer, ticket: Ticket, author: AuthorKind, author_name: str, body: str,
    now: datetime,
) -> MessageRow:
    """Write a message on a locked ticket: it becomes the newest, the writer has read it, the
    customer's change counter moves on and the e-mail copy is queued, all in this transaction."""
    message = MessageRow(ticket_id=ticket.id, author_kind=author.value, author_name=author_name, body=body,
                         created_at=now)
    session.add(message)
    session.flush()
    ticket.last_message_id = message.id
    ticket.updated_at = now
    count_change(session, ticket)
    set_read_place(session, ticket.id, reader_for(author.value, author_name), message.id)
    enqueue_ticket_copy(session, ticket=ticket, message=message, customer=customer)
    return message


def _facts_in(session: Session, ticket: Ticket) -> TicketFacts:
    row = row_in(session, ticket)
    return TicketFacts(number=row.number, status=row.status, unread=row.unread, message_count=row.message_count)


def create_ticket(portal: Portal, customer_id: int, new: NewTicket, idempotency_key: str, actor: str) -> TicketDetail:
    """Open a ticket with its first message; the same key again answers with that ticket."""
    check_key(idempotency_key)
    request = fingerprint("ticket.create", new.model_dump_json())
    now = portal.now()
    with write_session(portal.engine) as session:
        customer = lock_customer(session, customer_id)
        done = replay(session, customer_id, idempotency_key, request, _Written)
        if done is not None:
            return detail_in(session, owned_ticket(session, customer_id, done.ticket_id))
        if new.order_id is not None:
            order = session.exec(
                select(ServiceOrder.id).where(ServiceOrder.id == new.order_id, ServiceOrder.customer_id == customer_id)
            ).first()
            if order is None:
                raise InvalidInput(f"order: {new.order_id} is not one of your orders")
        ticket = Ticket(
            customer_id=customer_id,
            number=next_ticket_number(session),
            order_id=new.order_id,
            department=new.department.value,
            subject=new.subject,
            importance=new.importance.value,
            status=TicketStatus.OPEN.value,
            created_at=now,
            updated_at=now,
        )
        session.add(ticket)
        session.flush()
        message = add_message(session, customer=customer, ticket=ticket, author=AuthorKind.CUSTOMER,
                              author_name=customer.name, body=new.message, now=now)
        remember(session, customer_id, idempotency_key, "ticket.create", request,
                 _Written(ticket_id=ticket.id, message_id=message.id), now)
        audit.record(session, at=now, customer_id=customer_id, actor=actor, action="ticket.create",
                     entity="ticket", entity_id=ticket.id, number=ticket.number)
        return detail_in(session, ticket)


def reply_ticket(
    portal: Portal, customer_id: int, ticket_id: int, reply: TicketReply, idempotency_key: str, actor: str
) -> TicketDetail:
    """Add the customer's message; a closed ticket opens again. The same key again adds nothing."""
    check_key(idempotency_key)
    request = fingerprint("ticket.reply", ticket_id, reply.message)
    now = portal.now()
    with write_session(portal.engine) as session:
        customer, ticket = locked_ticket(session, customer_id, ticket_id)
        done = replay(session, customer_id, idempotency_key, request, _Written)
        if done is not None:
            return detail_in(session, ticket)
        require(_facts_in(session, ticket), REPLY)
        reopened = ticket.status == TicketStatus.CLOSED
        ticket.status = TicketStatus.OPEN.value
        message = add_message(session, customer=customer, ticket=ticket, author=AuthorKind.CUSTOMER,
                              author_name=customer.name, body=reply.message, now=now)
        remember(session, customer_id, idempotency_key, "ticket.reply", request,
                 _Written(ticket_id=ticket.id, message_id=message.id), now)
        audit.record(session, at=now, customer_id=customer_id, actor=actor, action="ticket.reply",
                     entity="ticket", entity_id=ticket.id, message_id=message.id, reopened=reopened)
        return detail_in(session, ticket)


def set_status(session: Session, ticket: Ticket, action_id: str) -> None:
    """Close or reopen a locked ticket, as the rules allow."""
    require(_facts_in(session, ticket), action_id)
    ticket.status = (TicketStatus.CLOSED if action_id == CLOSE else TicketStatus.OPEN).value
    count_change(session, ticket)


def _change_status(portal: Portal, customer_id: int, ticket_id: int, action_id: str, actor: str) -> TicketRow:
    now = portal.now()
    with write_session(portal.engine) as session:
        _customer, ticket = locked_ticket(session, customer_id, ticket_id)
        set_status(session, ticket, action_id)
        audit.record(session, at=now, customer_id=customer_id, actor=actor, action=f"ticket.{action_id}",
                     entity="ticket", entity_id=ticket.id)
        return row_in(session, ticket)


def close_ticket(portal: Portal, customer_id: int, ticket_id: int, actor: str) -> TicketRow:
    return _change_status(portal, customer_id, ticket_id, CLOSE, actor)


def reopen_ticket(portal: Portal, customer_id: int, ticket_id: int, actor: str) -> TicketRow:
    return _change_status(portal, customer_id, ticket_id, REOPEN, actor)


def _move_read_place(portal: Portal, customer_id: int, ticket_id: int, *, read: bool) -> TicketRow:
    with write_session(portal.engine) as session:
        _customer, ticket = locked_ticket(session, customer_id, ticket_id)
        row = row_in(session, ticket)
        if row.unread == read and row.message_count:
            place = ticket.last_message_id if read else message_before(session, ticket)
            set_read_place(session, ticket.id, CUSTOMER_READER, place)
            count_change(session, ticket)
            row = row_in(session, ticket)
        return row


def mark_read(portal: Portal, customer_id: int, ticket_id: int) -> TicketRow:
    """Read up to the newest message; a ticket read already stays as it is."""
    return _move_read_place(portal, customer_id, ticket_id, read=True)


def mark_unread(portal: Portal, customer_id: int, ticket_id: int) -> TicketRow:
    """Make the newest message unread again; an unread ticket stays as it is."""
    return _move_read_place(portal, customer_id, ticket_id, read=False)
