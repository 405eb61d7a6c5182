"""What changed in the customer's tickets since a cursor: what the TUI polls while it runs.

The cursor is an opaque string to callers; inside it is ``1.<change number>.<unread count>``:

- the change number is the highest ``Ticket.change_seq`` of the customer the caller has seen.
  Every ticket change the customer can see (a message by anyone, closing, reopening, the
  customer's own read/unread) gives the ticket the customer's next number, taken with the
  customer's row locked, so numbers follow commit order: nothing can later appear below a
  number already handed out, and a poller never misses a change.
- the unread count is the one that went with that number. Only such changes move it, so while
  the number stands still the count is still right.

So asking when nothing changed is one indexed query (the highest number, from the index on
``(customer_id, change_seq)``), answered with the same cursor. When something changed, the
answer carries the tickets changed since (newest change first, at most ``MAX_CHANGED``), the
unread count now and a new cursor. ``None`` starts polling: the cursor for now, no changes.
A cursor from a restored or another database simply starts over from the current number.
"""

from __future__ import annotations

import re

from sqlalchemy import func
from sqlmodel import select

from backend.contract import InvalidInput, TicketChanges
from backend.db import read_session
from backend.domain.ticket_reads import unread_count
from backend.domain.tickets import rows_of, with_row_facts
from backend.models import Ticket
from backend.portal import Portal

MAX_CHANGED = 50
CURSOR_VERSION = "1"
_CURSOR = re.compile(rf"^{CURSOR_VERSION}\.(\d{{1,19}})\.(\d{{1,10}})$")


def encode_cursor(change: int, unread: int) -> str:
    return f"{CURSOR_VERSION}.{change}.{unread}"


def decode_cursor(cursor: str) -> tuple[int, int]:
    """(change number, unread count) of a cursor this module made; InvalidInput otherwise."""
    match = _CURSOR.fullmatch(cursor)
    if match is None:
        raise InvalidInput("cursor: not a cursor from ticket_changes; pass the one it returned, or none")
    return int(match.group(1)), int(match.group(2))


def ticket_changes(portal: Portal, customer_id: int, cursor: str | None) -> TicketChanges:
    seen = decode_cursor(cursor) if cursor is not None else None
    with read_session(portal.engine) as session:
        # Read before anything else: a change committed after this is seen next time.
        newest = session.exec(select(func.max(Ticket.change_seq)).where(Ticket.customer_id == customer_id)).one() or 0
        if seen is not None and seen[0] == newest:
            return TicketChanges(cursor=cursor, unread=seen[1], changed=[])
        unread = unread_count(session, customer_id)
        changed = []
        if seen is not None:
            changed = rows_of(
                session,
                session.exec(
                    with_row_facts()
                    .where(Ticket.customer_id == customer_id, Ticket.change_seq > seen[0])
                    .order_by(Ticket.change_seq.desc())
                    .limit(MAX_CHANGED)
                ).all(),
            )
    return TicketChanges(cursor=encode_cursor(newest, unread), unread=unread, changed=changed)
