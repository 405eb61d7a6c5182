"""Customers are isolated over HTTP: another customer's ids are 404 (never 403), change
nothing, and every API route needs a live bearer token.

The routes are discovered from the app itself, so a new route is covered (or, if it takes a
kind of id this module does not know, fails ``test_every_id_route_is_covered``).
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

import httpx
from fastapi.routing import APIRoute
from sqlmodel import func, select

from backend.api.app import create_app, flat_routes
from backend.contract import Conflict, InvoiceFilter, InvoiceQuery
from backend.db import read_session
from backend.domain import accounts, invoices
from backend.models import (
    ApiToken,
    AuditLog,
    BalanceEntry,
    IdempotencyRecord,
    Invoice,
    KvmSession,
    PayLink,
    Payment,
    Server,
    ServerIp,
    ServiceOrder,
)
from backend.models import ServerJob
from backend.models import OutboundMail, Ticket, TicketMessage, TicketReadState
from backend.models import Mailbox, MailboxRoute

API = "/api/v1"
PUBLIC_API_ROUTES = {("POST", f"{API}/auth/login")}
PARAM = re.compile(r"{(\w+)}")


def api_routes(portal) -> list[tuple[str, str]]:  # noqa: ANN001
    """(method, path template) of every /api/v1 route of the app."""
    return sorted(
        (method, path)
        for path, route in flat_routes(create_app(portal))
        if isinstance(route, APIRoute) and path.startswith(API)
        for method in route.methods
        if method not in ("HEAD", "OPTIONS")
    )


def demo_invoice_ids(portal, customer_id: int, make_invoice) -> list[int]:  # noqa: ANN001
    """Demo invoices in every state a route might treat differently."""
    ids = [
        make_invoice(customer_id, "10.00"),
        make_invoice(customer_id, "10.00", status="paid", method="balance"),
        make_invoice(customer_id, "10.00", status="deleted"),
        make_invoice(customer_id, "10.00", method="card"),
    ]
    for status in InvoiceFilter:
        page = invoices.list_invoices(portal, customer_id, InvoiceQuery(status=status, page_size=2))
        ids.extend(row.id for row in page.items)
    return sorted(set(ids))


def demo_order_ids(portal, customer_id: int, make_invoice) -> list[int]:  # noqa: ANN001, ARG001
    with read_session(portal.engine) as session:
        return sorted(session.exec(select(ServiceOrder.id).where(ServiceOrder.customer_id == customer_id)))


def demo_invoice_numbers(portal, customer_id: int, make_invoice) -> list[str]:  # noqa: ANN001
    ids = demo_invoice_ids(portal, customer_id, make_invoice)
    with read_session(portal.engine) as session:
        return sorted(session.exec(select(Invoice.number).where(Invoice.id.in_(ids))))


def demo_server_ids(portal, customer_id: int, make_invoice) -> list[int]:  # noqa: ANN001, ARG001
    with read_session(portal.engine) as session:
        return sorted(session.exec(
            select(Server.id).join(ServiceOrder, Server.order_id == ServiceOrder.id)
            .where(ServiceOrder.customer_id == customer_id)
        ))


def demo_order_numbers(portal, customer_id: int, make_invoice) -> list[str]:  # noqa: ANN001, ARG001
    with read_session(portal.engine) as session:
        return sorted(session.exec(select(ServiceOrder.number).where(ServiceOrder.customer_id == customer_id)))


def demo_server_addresses(portal, customer_id: int, make_invoice) -> list[tuple[int, str]]:  # noqa: ANN001
    """(server id, address) of every address of the demo customer's servers, IPv4 and IPv6."""
    servers = demo_server_ids(portal, customer_id, make_invoice)
    with read_session(portal.engine) as session:
        return sorted(session.exec(select(ServerIp.server_id, ServerIp.address).where(ServerIp.server_id.in_(servers))))


def demo_job_ids(portal, customer_id: int, make_invoice) -> list[int]:  # noqa: ANN001, ARG001
    """A queued job on each of the demo customer's servers that can take one (no runner runs)."""
    from backend.domain import server_jobs

    for server_id in demo_server_ids(portal, customer_id, make_invoice):
        try:
            server_jobs.power(portal, customer_id, server_id, "reboot", uuid.uuid4().hex, None, "test", "127.0.0.1")
        except Conflict:
            pass  # off, held, or busy already
    with read_session(portal.engine) as session:
        return sorted(session.exec(
            select(ServerJob.id).join(Server, ServerJob.server_id == Server.id)
            .join(ServiceOrder, Server.order_id == ServiceOrder.id).where(ServiceOrder.customer_id == customer_id)
        ))


def demo_ticket_ids(portal, customer_id: int, make_invoice) -> list[int]:  # noqa: ANN001, ARG001
    """Every ticket of the demo customer: open and closed, read and unread."""
    with read_session(portal.engine) as session:
        return sorted(session.exec(select(Ticket.id).where(Ticket.customer_id == customer_id)))


def demo_ticket_numbers(portal, customer_id: int, make_invoice) -> list[str]:  # noqa: ANN001, ARG001
    with read_session(portal.engine) as session:
        return sorted(session.exec(select(Ticket.number).where(Ticket.customer_id == customer_id)))


def demo_mailbox_ids(portal, customer_id: int, make_invoice) -> list[int]:  # noqa: ANN001, ARG001
    with read_session(portal.engine) as session:
        return sorted(session.exec(select(Mailbox.id).where(Mailbox.customer_id == customer_id)))


def owned_ticket(portal, customer_id: int) -> dict[str, object]:  # noqa: ANN001
    """An open ticket of the customer, for routes the owner may use."""
    with read_session(portal.engine) as session:
        ticket = session.exec(
            select(Ticket).where(Ticket.customer_id == customer_id, Ticket.status == "open").order_by(Ticket.id)
        ).first()
    return {"ticket_id": ticket.id, "ticket_number": ticket.number}


# Where to find the demo customer's ids for each kind of path parameter, and what a stranger is
# told about one. A route with a new kind of id needs an entry here; a route whose path names
# several things takes them together (a tuple of names), and a stranger hears about the first.
ID_SOURCES = {
    "invoice_id": demo_invoice_ids,
    "order_id": demo_order_ids,
    "ticket_id": demo_ticket_ids,
    "ticket_number": demo_ticket_numbers,
    "invoice_number": demo_invoice_numbers,
    "server_id": demo_server_ids,
    "job_id": demo_job_ids,
    "order_number": demo_order_numbers,
    ("server_id", "address"): demo_server_addresses,
    "mailbox_id": demo_mailbox_ids,
}
NOT_FOUND_DETAIL = {
    "invoice_id": "invoice {} not found",
    "order_id": "order {} not found",
    "ticket_id": "ticket {} not found",
    "ticket_number": "ticket {} not found",
    "invoice_number": "invoice {} not found",
    "server_id": "server {} not found",
    "job_id": "job {} not found",
    "order_number": "order {} not found",
    "mailbox_id": "mailbox {} not found",
}


def route_key(path: str) -> str | tuple[str, ...]:
    """The ID_SOURCES key of a path template: its one parameter, or all of them together."""
    names = tuple(PARAM.findall(path))
    return names[0] if len(names) == 1 else names


def filled(path: str, values: dict[str, object]) -> str:
    """The path with each parameter that has a value filled in (quoted whole)."""
    return PARAM.sub(
        lambda match: quote(str(values[match.group(1)]), safe="") if match.group(1) in values else match.group(0),
        path,
    )


def request_for(method: str, path: str) -> dict:
    """A request that would succeed for the owner, so only ownership decides the answer."""
    kwargs: dict = {}
    if method == "POST" and path.endswith("/payments"):
        kwargs["json"] = {"method": "balance"}
    if method == "POST" and path.endswith(("/payments", "/renewals")):
        kwargs["headers"] = {"Idempotency-Key": uuid.uuid4().hex}
    if method == "PUT" and path.endswith("/reverse-dns"):
        kwargs["json"] = {"name": "host.example.com"}
    if method == "POST" and path.endswith("/power"):
        kwargs["json"] = {"action": "reboot"}
    if method == "POST" and path.endswith("/reinstall"):
        kwargs["json"] = {"os_image": "debian-12", "hostname_confirmation": "web01.hoffmann-systemhaus.example"}
    if method == "POST" and path.endswith(("/power", "/reinstall")):
        kwargs["headers"] = {"Idempotency-Key": uuid.uuid4().hex}
    if method == "PUT" and "/mailboxes/" in path:
        kwargs["json"] = {"address": "lists@hoffmann-systemhaus.example", "categories": ["mailings"]}
    if method == "POST" and path.endswith("/replies"):
        kwargs["json"] = {"message": "Any news?"}
        kwargs["headers"] = {"Idempotency-Key": uuid.uuid4().hex}
    return kwargs


def snapshot(portal, customer_id: int) -> dict:  # noqa: ANN001
    """Everything of a customer that a request could change."""
    state: dict = {"account": accounts.account_summary(portal, customer_id)}
    for status in InvoiceFilter:
        query = InvoiceQuery(status=status, page_size=500)
        state[status.value] = invoices.list_invoices(portal, customer_id, query)
    with read_session(portal.engine) as session:
        for model in (Payment, PayLink, BalanceEntry, IdempotencyRecord, AuditLog, KvmSession):
            state[model.__name__] = session.exec(select(func.count()).select_from(model)).one()
        state["paylinks_revoked"] = session.exec(
            select(func.count()).select_from(PayLink).where(PayLink.revoked_at.is_not(None))
        ).one()
        state["invoices"] = [
            (i.id, i.status, i.payment_method_id, i.paid_at, i.deleted_at)
            for i in session.exec(select(Invoice).where(Invoice.customer_id == customer_id).order_by(Invoice.id))
        ]
        state["reverse_dns"] = session.exec(select(ServerIp.address, ServerIp.reverse_dns).order_by(ServerIp.id)).all()
        state["server_jobs"] = session.exec(select(ServerJob.id, ServerJob.state).order_by(ServerJob.id)).all()
        state["tickets"] = session.exec(
            select(Ticket.id, Ticket.status, Ticket.last_message_id, Ticket.change_seq).order_by(Ticket.id)
        ).all()
        state["ticket_reads"] = session.exec(
            select(TicketReadState.ticket_id, TicketReadState.reader, TicketReadState.last_read_message_id)
            .order_by(TicketReadState.id)
        ).all()
        state["mailboxes"] = session.exec(select(Mailbox.id, Mailbox.address).order_by(Mailbox.id)).all()
        state["mailbox_routes"] = session.exec(
            select(MailboxRoute.mailbox_id, MailboxRoute.purpose).order_by(MailboxRoute.id)
        ).all()
        for model in (TicketMessage, OutboundMail):
            state[model.__name__] = session.exec(select(func.count()).select_from(model)).one()
    return state


def test_every_id_route_is_covered(portal):
    keys = {route_key(path) for _method, path in api_routes(portal) if PARAM.search(path)}
    assert keys, "the API has routes that take an id"
    assert keys <= set(ID_SOURCES), f"add the demo customer's ids for {keys - set(ID_SOURCES)} to ID_SOURCES"


def test_other_customers_ids_are_not_found_and_change_nothing(
    portal, live_server, acme_token, demo_customer_id, make_invoice
):
    routes = [(m, p) for m, p in api_routes(portal) if PARAM.search(p)]
    assert len(routes) >= 6
    ids = {name: source(portal, demo_customer_id, make_invoice) for name, source in ID_SOURCES.items()}
    before = snapshot(portal, demo_customer_id)
    checked = 0
    with httpx.Client(base_url=live_server, headers={"Authorization": f"Bearer {acme_token}"}) as client:
        for method, path in routes:
            key = route_key(path)
            names = key if isinstance(key, tuple) else (key,)
            for value in ids[key]:
                values = value if isinstance(key, tuple) else (value,)
                url = filled(path, dict(zip(names, values)))
                response = client.request(method, url, **request_for(method, path))
                assert response.status_code == 404, (method, url, response.text)
                detail = NOT_FOUND_DETAIL[names[0]].format(values[0])
                assert response.json() == {"error": "not_found", "detail": detail}, (method, url)
                checked += 1
    assert len(ids["invoice_id"]) >= 4 and len(ids["order_id"]) >= 4
    assert checked == sum(len(ids[route_key(path)]) for _method, path in routes)
    assert snapshot(portal, demo_customer_id) == before


def test_the_owner_gets_past_the_ownership_check(portal, live_server, demo_token, demo_customer_id, make_invoice):
    """The 404s above are about ownership: the same requests by the owner are not 404."""
    invoice_id = make_invoice(demo_customer_id, "10.00")
    invoice_number = invoices.get_invoice(portal, demo_customer_id, invoice_id).number
    server_id, address = demo_server_addresses(portal, demo_customer_id, make_invoice)[0]
    with read_session(portal.engine) as session:
        order = session.exec(select(ServiceOrder).join(Server, Server.order_id == ServiceOrder.id)
                             .where(Server.id == server_id)).one()
    owned = {"invoice_id": invoice_id, "invoice_number": invoice_number, "server_id": server_id,
             "address": address, "order_id": order.id, "order_number": order.number,
             "job_id": demo_job_ids(portal, demo_customer_id, make_invoice)[0],
             "mailbox_id": demo_mailbox_ids(portal, demo_customer_id, make_invoice)[0],
             **owned_ticket(portal, demo_customer_id)}
    routes = [(m, p) for m, p in api_routes(portal) if PARAM.search(p)]
    with httpx.Client(base_url=live_server, headers={"Authorization": f"Bearer {demo_token}"}) as client:
        for method, path in routes:
            if method == "DELETE":
                continue  # would end the other checks early; deleting is covered by the contract tests
            url = filled(path, owned)
            response = client.request(method, url, **request_for(method, path))
            assert response.status_code != 404, (method, url, response.text)


AUTHORIZATIONS = [None, "", "Bearer", "bearer", "Basic ZGVtbzpkZW1v", "Bearer not-a-token", "Token abc"]


def test_every_api_route_needs_a_token(portal, live_server, demo_customer_id):
    invoice_id = invoices.list_invoices(portal, demo_customer_id, InvoiceQuery(status=InvoiceFilter.ALL)).items[0].id
    before = snapshot(portal, demo_customer_id)
    checked = 0
    for authorization in AUTHORIZATIONS:
        headers = {} if authorization is None else {"Authorization": authorization}
        with httpx.Client(base_url=live_server, headers=headers) as client:
            for method, path in api_routes(portal):
                if (method, path) in PUBLIC_API_ROUTES:
                    continue
                url = PARAM.sub(str(invoice_id), path)
                response = client.request(method, url, **request_for(method, path))
                assert response.status_code == 401, (authorization, method, url, response.text)
                assert response.json()["error"] == "authentication_failed"
                assert response.headers["www-authenticate"] == "Bearer"
                checked += 1
    assert checked >= 11 * len(AUTHORIZATIONS)
    assert snapshot(portal, demo_customer_id) == before


def test_a_revoked_token_is_refused(portal, live_server, demo_token):
    headers = {"Authorization": f"Bearer {demo_token}"}
    assert httpx.get(f"{live_server}{API}/account", headers=headers).status_code == 200
    assert httpx.post(f"{live_server}{API}/auth/logout", headers=headers).status_code == 204
    response = httpx.get(f"{live_server}{API}/account", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_failed"
    assert httpx.post(f"{live_server}{API}/auth/logout", headers=headers).status_code == 401


def test_an_expired_token_is_refused(portal, live_server, demo_token):
    from backend.db import write_session
    from backend.security import token_digest

    with write_session(portal.engine) as session:
        row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_digest(demo_token))).one()
        row.expires_at = portal.now()
    response = httpx.get(f"{live_server}{API}/account", headers={"Authorization": f"Bearer {demo_token}"})
    assert response.status_code == 401


def test_tokens_are_stored_hashed(portal, demo_token):
    with read_session(portal.engine) as session:
        hashes = session.exec(select(ApiToken.token_hash)).all()
    assert demo_token not in hashes
