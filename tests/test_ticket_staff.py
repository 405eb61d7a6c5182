"""The support side: staff answer and close through /staff/v1, authenticated apart from
customers by the server's staff token, and through hostui-server staff-reply / staff-close.
A staff answer makes the ticket unread for its customer and queues its e-mail copy."""

from __future__ import annotations

import dataclasses
import io

import httpx
import pytest
from pydantic import SecretStr
from sqlmodel import func, select

from backend.contract import TicketFilter, TicketQuery
from backend.db import read_session
from backend.domain import tickets
from backend.models import OutboundMail
from backend.server import main as server_main

STAFF_TOKEN = "staff-secret-for-the-tests-0123456789"


def _staff_headers(token: str = STAFF_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _ticket(portal, customer_id: int, **wanted):  # noqa: ANN001, ANN003, ANN202
    page = tickets.list_tickets(portal, customer_id, TicketQuery(filter=TicketFilter.ALL, page_size=500))
    return next(row for row in page.items if all(getattr(row, k) == v for k, v in wanted.items()))


def _mails(portal) -> int:  # noqa: ANN001
    with read_session(portal.engine) as session:
        return session.exec(select(func.count()).select_from(OutboundMail)).one()


@pytest.fixture
def staff_portal(portal):  # noqa: ANN001, ANN201
    portal.settings = dataclasses.replace(portal.settings, staff_token=SecretStr(STAFF_TOKEN))
    return portal


def test_staff_routes_take_the_staff_token_only(staff_portal, live_server, demo_token, demo_customer_id):
    ticket = _ticket(staff_portal, demo_customer_id, unread=False, status="open")
    url = f"{live_server}/staff/v1/tickets/{ticket.id}/replies"
    body = {"message": "We are on it.", "author": "Support — Test"}
    for headers in ({}, _staff_headers(demo_token), _staff_headers("wrong"), _staff_headers(STAFF_TOKEN + "x")):
        response = httpx.post(url, json=body, headers=headers)
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"] == "Bearer"
    # The staff token is no customer token either.
    assert httpx.get(f"{live_server}/api/v1/tickets", headers=_staff_headers()).status_code == 401

    mails = _mails(staff_portal)
    response = httpx.post(url, json=body, headers=_staff_headers())
    assert response.status_code == 201, response.text
    assert response.json()["messages"][-1]["author_name"] == "Support — Test"
    assert _mails(staff_portal) == mails + 1
    seen = tickets.find_ticket(staff_portal, demo_customer_id, ticket.number)
    assert seen.unread and seen.last_author == "staff"

    close = f"{live_server}/staff/v1/tickets/{ticket.id}/close"
    assert httpx.post(close, json={}, headers=_staff_headers()).json()["status"] == "closed"
    again = httpx.post(close, json={}, headers=_staff_headers())
    assert again.status_code == 409 and again.json()["detail"].endswith("already closed")
    missing = httpx.post(f"{live_server}/staff/v1/tickets/{2**31 - 1}/close", json={}, headers=_staff_headers())
    assert missing.status_code == 404


def test_without_a_configured_token_there_is_no_staff_door(portal, live_server, demo_customer_id):
    assert portal.settings.staff_token is None
    ticket = _ticket(portal, demo_customer_id, status="open")
    response = httpx.post(f"{live_server}/staff/v1/tickets/{ticket.id}/close", json={}, headers=_staff_headers("anything"))
    assert response.status_code == 401


@pytest.fixture
def database(sqlite_portal) -> str:  # noqa: ANN001
    return sqlite_portal.settings.database_url


def test_staff_commands_answer_and_close_by_number(sqlite_portal, database, capsys, monkeypatch):
    from backend.domain.accounts import customer_id_for_login

    customer_id = customer_id_for_login(sqlite_portal, "demo")
    ticket = _ticket(sqlite_portal, customer_id, unread=False, status="open")
    assert server_main(["staff-reply", ticket.number, "-m", "Done on our side.", "--as", "DC Team — Test",
                        "--database", database]) == 0
    assert f"answered {ticket.number} as DC Team — Test" in capsys.readouterr().out
    answered = tickets.find_ticket(sqlite_portal, customer_id, ticket.number)
    assert answered.unread and answered.last_author_name == "DC Team — Test"

    monkeypatch.setattr("sys.stdin", io.StringIO("From a pipe.\n"))
    assert server_main(["staff-reply", ticket.number, "--database", database]) == 0
    assert tickets.get_ticket(sqlite_portal, customer_id, ticket.id).messages[-1].body == "From a pipe."

    assert server_main(["staff-close", ticket.number, "--database", database]) == 0
    assert server_main(["staff-close", ticket.number, "--database", database]) == 1
    assert "already closed" in capsys.readouterr().err
    assert server_main(["staff-reply", "T-0", "-m", "x", "--database", database]) == 1
    assert "ticket T-0 not found" in capsys.readouterr().err
    assert server_main(["staff-reply", ticket.number, "-m", "   ", "--database", database]) == 1
    assert "write the message" in capsys.readouterr().err
