"""Migration 0007 keeps what was read: read times become message ids, and down and up again
every ticket is as unread as before, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

from backend.contract import NewTicket, TicketFilter, TicketQuery
from backend.domain import tickets
from backend.migrate import is_current, migrate_to, upgrade


def _unread(portal, customer_id: int) -> dict[str, tuple[bool, int]]:  # noqa: ANN001
    page = tickets.list_tickets(portal, customer_id, TicketQuery(filter=TicketFilter.ALL, page_size=500))
    return {row.number: (row.unread, row.message_count) for row in page.items}


def test_read_times_become_message_ids_and_back(portal, demo_customer_id):
    before = _unread(portal, demo_customer_id)
    assert {unread for unread, _count in before.values()} == {True, False}
    migrate_to(portal.engine, "0006_mail_outbox")
    columns = {column["name"] for column in inspect(portal.engine).get_columns("ticket_read_state")}
    assert "last_read_at" in columns and "last_read_message_id" not in columns
    upgrade(portal.engine)
    assert is_current(portal.engine)
    assert _unread(portal, demo_customer_id) == before
    # Numbering goes on after the highest number there is.
    created = tickets.create_ticket(
        portal, demo_customer_id,
        NewTicket(department="finance", subject="After the upgrade", message="Hello"),
        "after-upgrade-key-0001", "test",
    )
    assert int(created.number.removeprefix("T-")) > max(int(n.removeprefix("T-")) for n in before)
