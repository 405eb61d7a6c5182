"""Tickets through the contract, against LocalService and RemoteService on SQLite and
PostgreSQL: the list and its filters, search, read state, replies, closing and reopening,
new tickets with every validation error, idempotent keys, and changes since a cursor.
Demo tickets are found by property, never by number."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from pydantic import ValidationError
from sqlmodel import func, select

from backend.contract import (
    MESSAGE_MAX,
    SUBJECT_MAX,
    AuthorKind,
    Conflict,
    Department,
    Importance,
    InvalidInput,
    NewTicket,
    NotFound,
    TicketFilter,
    TicketQuery,
    TicketReply,
    TicketRow,
    TicketStatus,
)
from backend.db import read_session
from backend.domain import ticket_staff
from backend.domain.ticket_rules import TICKET_ACTIONS
from backend.models import OutboundMail, ServiceOrder


def _key() -> str:
    return uuid.uuid4().hex


async def all_tickets(service, **query) -> list[TicketRow]:  # noqa: ANN001, ANN003
    return (await service.list_tickets(TicketQuery(filter=TicketFilter.ALL, page_size=500, **query))).items


async def a_ticket(service, **wanted) -> TicketRow:  # noqa: ANN001, ANN003
    """The first demo ticket with these properties (``status``, ``unread``, ...)."""
    for row in await all_tickets(service):
        if all(getattr(row, name) == value for name, value in wanted.items()):
            return row
    pytest.fail(f"the demo has no ticket with {wanted}")


def own_order_ids(portal, customer_id: int) -> list[int]:  # noqa: ANN001
    with read_session(portal.engine) as session:
        return sorted(session.exec(select(ServiceOrder.id).where(ServiceOrder.customer_id == customer_id)))


def mails_for(portal, ticket_id: int) -> int:  # noqa: ANN001
    with read_session(portal.engine) as session:
        return session.exec(
            select(func.count()).select_from(OutboundMail).where(OutboundMail.ticket_id == ticket_id)
        ).one()


# --- the list -----------------------------------------------------------------------------------


async def test_filters_split_the_list_and_count_in_the_database(service, other_service):
    everything = await all_tickets(service)
    assert {row.status for row in everything} == set(TicketStatus)
    assert {row.department for row in everything} == set(Department)
    assert {row.importance for row in everything} == set(Importance)
    assert any(row.order_id is None for row in everything) and any(row.order_id for row in everything)
    by_filter = {}
    for ticket_filter in TicketFilter:
        page = await service.list_tickets(TicketQuery(filter=ticket_filter, page_size=500))
        assert page.total == len(page.items)
        by_filter[ticket_filter] = {row.id for row in page.items}
    assert by_filter[TicketFilter.OPEN] == {row.id for row in everything if row.status == TicketStatus.OPEN}
    assert by_filter[TicketFilter.CLOSED] == {row.id for row in everything if row.status == TicketStatus.CLOSED}
    assert by_filter[TicketFilter.UNREAD] == {row.id for row in everything if row.unread}
    assert len(by_filter[TicketFilter.UNREAD]) >= 2
    # Newest activity first, and whose word was last.
    activity = [row.last_activity_at for row in everything]
    assert activity == sorted(activity, reverse=True)
    assert {row.last_author for row in everything} == set(AuthorKind)
    # The other customer's tickets are theirs alone.
    theirs = {row.id for row in await all_tickets(other_service)}
    assert theirs and not theirs & {row.id for row in everything}


async def test_pages_search_and_order_filter(service):
    everything = await all_tickets(service)
    paged: list[int] = []
    page_number = 1
    while True:
        page = await service.list_tickets(TicketQuery(filter=TicketFilter.ALL, page=page_number, page_size=3))
        assert page.total == len(everything)
        paged.extend(row.id for row in page.items)
        if len(page.items) < 3:
            break
        page_number += 1
    assert paged == [row.id for row in everything]

    some = everything[len(everything) // 2]
    assert [row.id for row in await all_tickets(service, search=some.number)] == [some.id]
    assert [row.id for row in await all_tickets(service, search=some.number.lower())] == [some.id]
    word = some.subject.split()[-1]
    found = await all_tickets(service, search=word.upper())
    assert some.id in {row.id for row in found}
    assert all(word.lower() in (row.subject + row.number).lower() for row in found)
    assert await all_tickets(service, search="%") == []  # taken literally

    on_order = next(row for row in everything if row.order_id is not None)
    rows = await all_tickets(service, order_id=on_order.order_id)
    assert on_order.id in {row.id for row in rows}
    assert {row.order_number for row in rows} == {on_order.order_number}


async def test_one_ticket_by_id_and_number_and_the_long_thread(service, other_service):
    long = max(await all_tickets(service), key=lambda row: row.message_count)
    assert long.message_count == 200
    detail = await service.get_ticket(long.id)
    assert len(detail.messages) == 200
    assert [m.id for m in detail.messages] == sorted(m.id for m in detail.messages)  # oldest first
    assert detail.messages[-1].author == detail.last_author
    assert {m.department for m in detail.messages} == {detail.department}
    assert (await service.find_ticket(long.number)).id == long.id
    with pytest.raises(NotFound, match=f"ticket {long.id} not found"):
        await other_service.get_ticket(long.id)
    with pytest.raises(NotFound, match=f"ticket {long.number} not found"):
        await other_service.find_ticket(long.number)
    with pytest.raises(NotFound):
        await service.find_ticket("T-0")


# --- read state ---------------------------------------------------------------------------------


async def test_read_state_moves_by_message_and_only_when_asked(service, portal):
    unread = await a_ticket(service, unread=True)
    assert unread.last_author == AuthorKind.STAFF
    assert unread.action("mark_read").enabled and not unread.action("mark_unread").enabled
    await service.get_ticket(unread.id)  # viewing is a pure read
    assert (await service.find_ticket(unread.number)).unread

    read = await service.mark_read(unread.id)
    assert not read.unread
    assert read.action("mark_unread").enabled and read.action("mark_read").reason == "already read"
    assert (await service.mark_read(unread.id)) == read  # again: nothing to do
    assert unread.id not in {row.id for row in (await service.list_tickets(TicketQuery(filter=TicketFilter.UNREAD))).items}

    again = await service.mark_unread(unread.id)
    assert again.unread and again.action("mark_unread").reason == "already unread"
    assert (await service.mark_unread(unread.id)) == again

    # A staff answer makes a read ticket unread; the customer's own reply never does.
    read = await service.mark_read(unread.id)
    ticket_staff.staff_reply(portal, unread.id, TicketReply(message="One more thing."), "Support — Test")
    answered = await service.find_ticket(unread.number)
    assert answered.unread and answered.last_author_name == "Support — Test"
    replied = await service.reply_ticket(unread.id, TicketReply(message="Thanks, done."), _key())
    assert not replied.unread and replied.last_author == AuthorKind.CUSTOMER


# --- replies, closing, reopening ------------------------------------------------------------


async def test_reply_reopens_a_closed_ticket_once_per_key_and_is_mailed(service, portal):
    closed = await a_ticket(service, status=TicketStatus.CLOSED)
    assert closed.action("reply").enabled
    mails = mails_for(portal, closed.id)
    key = _key()
    detail = await service.reply_ticket(closed.id, TicketReply(message="  It happened again.  "), key)
    assert detail.status == TicketStatus.OPEN
    assert detail.message_count == closed.message_count + 1 == len(detail.messages)
    assert detail.messages[-1].body == "It happened again."
    assert detail.messages[-1].author == AuthorKind.CUSTOMER
    assert detail.last_activity_at >= closed.last_activity_at
    assert mails_for(portal, closed.id) == mails + 1
    replay = await service.reply_ticket(closed.id, TicketReply(message="It happened again."), key)
    assert replay.message_count == detail.message_count and mails_for(portal, closed.id) == mails + 1
    with pytest.raises(Conflict, match="idempotency key"):
        await service.reply_ticket(closed.id, TicketReply(message="Something else."), key)
    with pytest.raises(InvalidInput, match="idempotency key"):
        await service.reply_ticket(closed.id, TicketReply(message="x"), "short")


@pytest.mark.parametrize("status", list(TicketStatus))
async def test_each_action_the_row_refuses_is_refused_with_its_reason(service, status):
    row = await a_ticket(service, status=status)
    assert [state.id for state in row.actions] == list(TICKET_ACTIONS)
    assert row.action("view").enabled and row.action("reply").enabled
    act = {"close": service.close_ticket, "reopen": service.reopen_ticket}
    allowed = [action_id for action_id in act if row.action(action_id).enabled]
    refused = [action_id for action_id in act if not row.action(action_id).enabled]
    assert len(allowed) == len(refused) == 1
    for action_id in refused:
        with pytest.raises(Conflict, match=f"ticket {row.number} cannot be .*: {row.action(action_id).reason}$"):
            await act[action_id](row.id)
    changed = await act[allowed[0]](row.id)
    assert changed.status != row.status
    reason = changed.action(allowed[0]).reason
    assert reason
    with pytest.raises(Conflict, match=f"{reason}$"):
        await act[allowed[0]](row.id)
    assert changed.action(refused[0]).enabled


# --- new tickets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"subject": "   "}, "write the subject"),
        ({"subject": "x" * (SUBJECT_MAX + 1)}, f"at most {SUBJECT_MAX}"),
        ({"subject": "two\nlines"}, "one line"),
        ({"message": ""}, "write the message"),
        ({"message": "x" * (MESSAGE_MAX + 1)}, f"at most {MESSAGE_MAX:,}"),
        ({"department": "technical", "order_id": None}, "order: choose the order"),
        ({"department": "sales"}, "department"),
        ({"importance": "urgent"}, "importance"),
    ],
)
def test_every_field_of_a_new_ticket_is_checked_with_its_reason(fields, reason):
    values = {"department": "finance", "subject": "Question", "message": "Hello", **fields}
    with pytest.raises(ValidationError, match=reason):
        NewTicket(**values)


async def test_create_checks_the_order_is_the_customers_own(service, portal, acme_customer_id):
    theirs = own_order_ids(portal, acme_customer_id)[0]
    for order_id in (theirs, 2**31 - 1):
        with pytest.raises(InvalidInput, match=f"^order: {order_id} is not one of your orders$"):
            await service.create_ticket(
                NewTicket(department="technical", subject="Disk", order_id=order_id, message="Hi"), _key()
            )


async def test_create_numbers_tickets_and_replays_a_key(service, portal, demo_customer_id):
    before = await all_tickets(service)
    order_id = own_order_ids(portal, demo_customer_id)[0]
    new = NewTicket(department="technical", importance="high", subject="Fan noise", order_id=order_id,
                    message="The fan is loud.")
    key = _key()
    created = await service.create_ticket(new, key)
    assert created.number.startswith("T-") and created.number not in {row.number for row in before}
    assert (created.status, created.importance, created.order_id) == (TicketStatus.OPEN, Importance.HIGH, order_id)
    assert created.order_number and not created.unread and created.message_count == 1
    assert created.messages[0].body == "The fan is loud." and created.last_author == AuthorKind.CUSTOMER
    assert mails_for(portal, created.id) == 1
    assert (await service.create_ticket(new, key)).id == created.id
    with pytest.raises(Conflict, match="idempotency key"):
        await service.create_ticket(new.model_copy(update={"subject": "Other"}), key)
    assert len(await all_tickets(service)) == len(before) + 1
    assert (await all_tickets(service))[0].id == created.id  # the newest activity

    # Finance questions need no order; numbers taken at once are distinct and gapless.
    burst = await asyncio.gather(*(
        service.create_ticket(NewTicket(department="finance", subject=f"Q{n}", message="?"), _key())
        for n in range(6)
    ))
    numbers = sorted(int(ticket.number.removeprefix("T-")) for ticket in burst)
    assert numbers == list(range(numbers[0], numbers[0] + 6))
    assert numbers[0] == int(created.number.removeprefix("T-")) + 1


# --- changes since a cursor -----------------------------------------------------------------------


async def test_changes_since_a_cursor(service, portal):
    start = await service.ticket_changes(None)
    assert start.changed == []
    assert start.unread == (await service.list_tickets(TicketQuery(filter=TicketFilter.UNREAD))).total
    assert await service.ticket_changes(start.cursor) == start  # nothing changed: the same answer

    ticket = await a_ticket(service, unread=False, status=TicketStatus.OPEN)
    ticket_staff.staff_reply(portal, ticket.id, TicketReply(message="Fixed on our side."), "Support — Test")
    answered = await service.ticket_changes(start.cursor)
    assert answered.cursor != start.cursor and answered.unread == start.unread + 1
    assert [(row.id, row.unread) for row in answered.changed] == [(ticket.id, True)]

    await service.mark_read(ticket.id)
    other = await a_ticket(service, status=TicketStatus.CLOSED)
    await service.reopen_ticket(other.id)
    read = await service.ticket_changes(answered.cursor)
    assert read.unread == start.unread
    assert [row.id for row in read.changed] == [other.id, ticket.id]  # newest change first
    assert (await service.ticket_changes(read.cursor)).changed == []
    # The first cursor still sees everything since.
    assert {row.id for row in (await service.ticket_changes(start.cursor)).changed} == {ticket.id, other.id}

    for cursor in ("", "garbage", "1.2", "2.1.1", "1.-1.0"):
        with pytest.raises(InvalidInput, match="cursor"):
            await service.ticket_changes(cursor)
