"""Benchmark: opening the 200-message thread and the unread list of 10,000 tickets, against
the floor of a trivial query in the same run.

For each database (SQLite in a temporary directory; PostgreSQL too when
``HOSTUI_TEST_POSTGRES_URL`` names a server whose role may create databases), seeds the demo
(``DemoSize(traffic_days=1)``), adds tickets in bulk until the demo customer has ``--tickets``
of them (two messages each, every third one unread), then times through the same
``LocalService`` the TUI uses:

* the floor: ``account()`` (a one-row read through the same path);
* opening the 200-message thread as the TUI does (``get_ticket``, then ``mark_read``);
* page 1 of the unread list, of all tickets, a deep page, a search, and ``ticket_changes``
  when nothing changed (what the TUI polls).

Figures are milliseconds (median of several runs) against the floor. Not a test and not
timed against fixed limits: machines differ, the ratios are what matter.

    .venv/bin/python -m bench.bench_tickets [--tickets 10000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from backend.contract import TicketFilter, TicketQuery
from bench.report import Figure, Scale, print_table
from bench.timing import median_ms, on_each_database

BATCH = 2_000
TICKETS = {Scale.SMOKE: 100, Scale.FULL: 10_000}
REPEAT = {Scale.SMOKE: 1, Scale.FULL: 7}
FLOOR_LABEL = "account() (one row, same path)"


def _add_tickets(portal, customer_id: int, wanted: int) -> None:  # noqa: ANN001
    """Tickets of the demo customer up to ``wanted``, written in bulk (a customer question and a
    staff answer each; every third one read only up to the question, so unread)."""
    from sqlmodel import func, select

    from backend.db import write_session
    from backend.demo.bulk import bulk_insert
    from backend.models import Ticket, TicketMessage, TicketReadState

    now = portal.now()
    with write_session(portal.engine) as session:
        have = session.exec(select(func.count()).select_from(Ticket).where(Ticket.customer_id == customer_id)).one()
        start = session.exec(select(func.max(Ticket.id))).one() or 0
        message_start = session.exec(select(func.max(TicketMessage.id))).one() or 0
        for first in range(0, wanted - have, BATCH):
            count = min(BATCH, wanted - have - first)
            tickets, messages, reads = [], [], []
            for n in range(first, first + count):
                ticket_id, question, answer = start + n + 1, message_start + 2 * n + 1, message_start + 2 * n + 2
                at = now - timedelta(days=400) + timedelta(minutes=40 * n)
                tickets.append({
                    "id": ticket_id, "customer_id": customer_id, "number": f"B-{n:06d}", "order_id": None,
                    "department": ("technical", "finance")[n % 2], "subject": f"Bench question {n}",
                    "importance": ("normal", "high")[n % 5 == 0], "status": ("open", "closed")[n % 4 == 0],
                    "created_at": at, "updated_at": at + timedelta(minutes=30), "last_message_id": answer,
                    "change_seq": ticket_id,
                })
                messages += [
                    {"id": question, "ticket_id": ticket_id, "author_kind": "customer", "author_name": "Bench",
                     "body": "Question?", "created_at": at},
                    {"id": answer, "ticket_id": ticket_id, "author_kind": "staff", "author_name": "Support",
                     "body": "Answer.", "created_at": at + timedelta(minutes=30)},
                ]
                reads.append({"ticket_id": ticket_id, "reader": "customer",
                              "last_read_message_id": question if n % 3 == 0 else answer})
            bulk_insert(session, Ticket.__table__, tickets)
            bulk_insert(session, TicketMessage.__table__, messages)
            bulk_insert(session, TicketReadState.__table__, reads)
    if portal.engine.dialect.name == "postgresql":
        with portal.engine.begin() as connection:  # the ids were given, so move the sequences on
            for table in ("ticket", "ticket_message"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            connection.exec_driver_sql("ANALYZE")


async def _bench(database_url: str, directory: Path, label: str, wanted: int, repeat: int) -> list[Figure]:
    from backend.demo import DEMO_NOW, DemoSize, ensure_demo
    from backend.domain.accounts import customer_id_for_login
    from backend.portal import open_portal
    from backend.settings import Settings
    from hostui.services.local import LocalService

    portal = open_portal(Settings(database_url=database_url, secret_key_file=directory / "secret.key"),
                         clock=lambda: DEMO_NOW)
    try:
        ensure_demo(portal, DemoSize(traffic_days=1), now=DEMO_NOW)
        customer_id = customer_id_for_login(portal, "demo")
        _add_tickets(portal, customer_id, wanted)
        service = LocalService(portal, customer_id)
        everything = await service.list_tickets(TicketQuery(filter=TicketFilter.ALL, page_size=1))
        unread = await service.list_tickets(TicketQuery(filter=TicketFilter.UNREAD, page_size=1))
        thread = (await service.list_tickets(TicketQuery(filter=TicketFilter.ALL, search="502"))).items[0]
        cursor = (await service.ticket_changes(None)).cursor

        async def open_thread() -> None:
            await service.get_ticket(thread.id)
            await service.mark_read(thread.id)

        floor = await median_ms(service.account, repeat)
        deep = max(1, everything.total // 50)
        cases = [
            (f"open the {thread.message_count}-message thread", open_thread),
            ("unread list, page 1", lambda: service.list_tickets(TicketQuery(filter=TicketFilter.UNREAD))),
            ("all tickets, page 1", lambda: service.list_tickets(TicketQuery(filter=TicketFilter.ALL))),
            (f"all tickets, page {deep} (deep)", lambda: service.list_tickets(TicketQuery(filter=TicketFilter.ALL, page=deep))),
            ("search: part of a subject", lambda: service.list_tickets(TicketQuery(filter=TicketFilter.ALL, search="question 99"))),
            ("ticket_changes, nothing changed", lambda: service.ticket_changes(cursor)),
        ]
        where = f"{everything.total:,} tickets ({unread.total:,} unread), {label}"
        return [
            Figure("tickets", f"{what}, {where}", await median_ms(call, repeat), "ms", floor, FLOOR_LABEL)
            for what, call in cases
        ]
    finally:
        portal.dispose()


def run(scale: Scale, tickets: int | None = None, repeat: int | None = None) -> list[Figure]:
    tickets = tickets or TICKETS[scale]
    repeat = repeat or REPEAT[scale]
    return on_each_database(
        lambda url, path, label: _bench(url, path, label, tickets, repeat), postgres=scale is Scale.FULL
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=10_000, help="tickets of the demo customer (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=7, help="runs per figure (default: %(default)s)")
    args = parser.parse_args(argv)
    print_table(run(Scale.FULL, args.tickets, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
