"""``hostui tickets list`` and ``hostui ticket show|reply|new|close``: tables, JSON, stdin and
exit codes, on a local profile and a remote one (the fixtures of tests/test_cli_invoices.py).
Demo tickets are found by property."""

from __future__ import annotations

import io
import json

from backend.contract import TicketFilter, TicketQuery
from backend.domain import orders, tickets
from backend.contract import OrderQuery
from tests.test_cli_invoices import assert_one_line_error, cli_env, portal, profile_kind, run  # noqa: F401


def demo_tickets(portal, customer_id: int, ticket_filter=TicketFilter.ALL):  # noqa: ANN001, ANN201
    return tickets.list_tickets(portal, customer_id, TicketQuery(filter=ticket_filter, page_size=500)).items


def test_list_prints_a_row_per_ticket_and_the_count(profile_kind, capsys, portal, demo_customer_id):
    rows = demo_tickets(portal, demo_customer_id, TicketFilter.UNREAD)
    code, out, err = run(capsys, "tickets", "list", "--unread")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split()[0] == "Number"
    assert [line.split()[0] for line in lines[1:-1]] == [row.number for row in rows]
    assert all(line.split()[1] == "*" for line in lines[1:-1])
    assert lines[-1] == f"{len(rows)} unread tickets"
    assert max(len(line) for line in lines) <= 80

    code, out, _ = run(capsys, "tickets", "list", "--status", "closed", "--json")
    expected = tickets.list_tickets(portal, demo_customer_id, TicketQuery(filter=TicketFilter.CLOSED))
    assert code == 0 and json.loads(out) == json.loads(expected.model_dump_json())


def test_show_marks_read_and_prints_the_thread(profile_kind, capsys, portal, demo_customer_id):
    unread = demo_tickets(portal, demo_customer_id, TicketFilter.UNREAD)[0]
    code, out, _ = run(capsys, "ticket", "show", unread.number)
    assert code == 0 and unread.number in out
    detail = tickets.get_ticket(portal, demo_customer_id, unread.id)
    assert detail.messages[-1].body.splitlines()[0] in out
    assert not detail.unread
    code, out, _ = run(capsys, "ticket", "show", unread.number, "--json")
    assert json.loads(out)["messages"][-1]["id"] == detail.messages[-1].id


def test_reply_from_an_option_and_from_stdin(profile_kind, capsys, portal, demo_customer_id, monkeypatch):
    closed = next(row for row in demo_tickets(portal, demo_customer_id) if row.status == "closed")
    code, out, _ = run(capsys, "ticket", "reply", closed.number, "-m", "Still broken.")
    assert (code, out) == (0, f"Replied to {closed.number} (opened again).\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("Piped text.\n"))
    code, out, _ = run(capsys, "ticket", "reply", closed.number, "--json")
    assert code == 0 and json.loads(out)["messages"][-1]["body"] == "Piped text."
    assert tickets.get_ticket(portal, demo_customer_id, closed.id).message_count == closed.message_count + 2


def test_new_and_close(profile_kind, capsys, portal, demo_customer_id):
    order = orders.list_orders(portal, demo_customer_id, OrderQuery(page_size=1)).items[0]
    code, out, _ = run(capsys, "ticket", "new", "--department", "technical", "--subject", "Disk full",
                       "--order", order.number, "--importance", "high", "-m", "Please help.", "--json")
    assert code == 0
    created = json.loads(out)
    assert (created["order_number"], created["importance"], created["status"]) == (order.number, "high", "open")
    code, out, _ = run(capsys, "ticket", "close", created["number"])
    assert (code, out) == (0, f"Closed {created['number']}.\n")
    code, _, err = run(capsys, "ticket", "close", created["number"])
    assert code == 1
    assert_one_line_error(err, "already closed")


def test_refusals_are_one_line(profile_kind, capsys):
    code, _, err = run(capsys, "ticket", "new", "--department", "technical", "--subject", "x", "-m", "y")
    assert code == 2
    assert_one_line_error(err, "order: choose the order")
    code, _, err = run(capsys, "ticket", "new", "--department", "finance", "--subject", "a\nb", "-m", "y")
    assert code == 2
    assert_one_line_error(err, "subject: the subject is one line")
    code, _, err = run(capsys, "ticket", "show", "T-0")
    assert code == 1
    assert_one_line_error(err, "ticket T-0 not found")
