"""The HTTP API's own promises: status codes, error bodies, headers and file downloads."""

from __future__ import annotations

import uuid

import httpx
import pytest

from backend.api import public_pages
from backend.api.app import create_app, flat_routes

API = "/api/v1"


@pytest.fixture
def portal(sqlite_portal):  # noqa: ANN001, ANN201
    """HTTP details do not depend on the database: SQLite only here (the contract tests run
    the same requests through RemoteService on both databases)."""
    return sqlite_portal


@pytest.fixture
def client(live_server, demo_token):  # noqa: ANN001, ANN201
    with httpx.Client(base_url=live_server, headers={"Authorization": f"Bearer {demo_token}"}) as client:
        yield client


@pytest.fixture
def unpaid(make_invoice, demo_customer_id) -> int:  # noqa: ANN001
    return make_invoice(demo_customer_id, "4.20")


def test_healthz(live_server):
    response = httpx.get(f"{live_server}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_login_answers_a_token(live_server, portal):
    response = httpx.post(f"{live_server}{API}/auth/login", json={"login": "demo", "password": "demo"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at", "login"} and body["login"] == "demo"


@pytest.mark.parametrize(
    "body",
    [{"login": "demo", "password": "nope"}, {"login": "nobody", "password": "demo"}],
)
def test_wrong_login_is_401_with_the_same_answer(live_server, body):
    response = httpx.post(f"{live_server}{API}/auth/login", json=body)
    assert response.status_code == 401
    assert response.json() == {"error": "authentication_failed", "detail": "wrong user name or password"}


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"json": {"login": "demo"}}, "password: required"),
        ({"json": {"login": "", "password": "x"}}, "login"),
        ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, "not valid JSON"),
        ({}, "request body: required"),
    ],
)
def test_malformed_login_is_422_invalid_input(live_server, kwargs, fragment):
    response = httpx.post(f"{live_server}{API}/auth/login", **kwargs)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_input"
    assert fragment in body["detail"]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"page_size": 501}, "page_size: Input should be less than or equal to 500"),
        ({"page_size": 0}, "page_size"),
        ({"page": 0}, "page:"),
        ({"page": "two"}, "page:"),
        ({"status": "overdue"}, "status:"),
        ({"order_id": "x"}, "order_id:"),
    ],
)
def test_bad_list_parameters_are_422(client, params, fragment):
    response = client.get(f"{API}/invoices", params=params)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
    assert fragment in response.json()["detail"]


def test_list_defaults(client):
    body = client.get(f"{API}/invoices").json()
    assert (body["page"], body["page_size"]) == (1, 50)
    assert {row["status"] for row in body["items"]} <= {"unpaid"}
    assert all(isinstance(row["total"], str) for row in body["items"]), "money travels as strings"


def test_non_numeric_id_is_422(client):
    response = client.get(f"{API}/invoices/abc")
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"


def test_unknown_route_is_a_json_404_that_does_not_echo_the_path(client):
    response = client.get(f"{API}/no-such-thing-<script>")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "no such endpoint"}


def test_wrong_method_is_405_in_the_same_shape(client):
    response = client.put(f"{API}/account")
    assert response.status_code == 405
    assert response.json() == {"error": "method_not_allowed", "detail": "PUT is not allowed here"}
    assert response.headers["allow"] == "GET, OPTIONS"


def test_pay_needs_an_idempotency_key(client, unpaid):
    response = client.post(f"{API}/invoices/{unpaid}/payments", json={"method": "balance"})
    assert response.status_code == 422
    assert response.json() == {
        "error": "invalid_input",
        "detail": "the Idempotency-Key header is required for this request",
    }


def test_malformed_idempotency_key_is_422(client, unpaid):
    response = client.post(
        f"{API}/invoices/{unpaid}/payments", json={"method": "balance"}, headers={"Idempotency-Key": "too-short"}
    )
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
    assert "malformed idempotency key" in response.json()["detail"]
    assert client.get(f"{API}/invoices/{unpaid}").json()["status"] == "unpaid"


@pytest.mark.parametrize("body", [{}, {"method": "cash"}, {"method": "balance", "extra": 1}])
def test_bad_pay_body_is_422(client, unpaid, body):
    response = client.post(
        f"{API}/invoices/{unpaid}/payments", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"


def test_pay_is_201_and_a_replay_200_with_the_same_body(client, unpaid):
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    first = client.post(f"{API}/invoices/{unpaid}/payments", json={"method": "balance"}, headers=headers)
    second = client.post(f"{API}/invoices/{unpaid}/payments", json={"method": "balance"}, headers=headers)
    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["replayed"] is False and second.json()["replayed"] is True
    assert {**second.json(), "replayed": False} == first.json()
    again = client.post(
        f"{API}/invoices/{unpaid}/payments", json={"method": "balance"}, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"


def test_insufficient_funds_is_409_with_its_own_code(client, make_invoice, demo_customer_id):
    invoice_id = make_invoice(demo_customer_id, "99999999.00")
    response = client.post(
        f"{API}/invoices/{invoice_id}/payments", json={"method": "balance"}, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    assert response.status_code == 409
    assert response.json()["error"] == "insufficient_funds"


def test_documents_are_attachments(client, make_invoice, demo_customer_id, unpaid):
    paid = make_invoice(demo_customer_id, "4.20", status="paid", method="balance")
    for path, invoice_id in (("document", paid), ("quote", unpaid)):
        response = client.get(f"{API}/invoices/{invoice_id}/{path}")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"].startswith('attachment; filename="')
        assert response.content.startswith(b"%PDF")
    conflict = client.get(f"{API}/invoices/{unpaid}/document")
    assert conflict.status_code == 409
    assert conflict.json()["error"] == "conflict"


def test_csv_export(client):
    response = client.get(f"{API}/invoices/export.csv", params={"status": "all"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "invoices-all-" in response.headers["content-disposition"]
    total = client.get(f"{API}/invoices", params={"status": "all", "page_size": 1}).json()["total"]
    assert len(response.text.strip().splitlines()) == total + 1


def test_pay_link_is_201(client, unpaid, portal):
    response = client.post(f"{API}/invoices/{unpaid}/pay-link")
    assert response.status_code == 201
    assert response.json()["url"].startswith(f"{portal.settings.public_url}/pay/")


def test_delete_answers_the_deleted_invoice(client, unpaid):
    response = client.delete(f"{API}/invoices/{unpaid}")
    assert response.status_code == 200
    assert response.json()["status"] == "deleted"
    assert client.delete(f"{API}/invoices/{unpaid}").status_code == 409


def test_public_pages_are_mounted(portal):
    mounted = {path for path, _route in flat_routes(create_app(portal))}
    assert {path for path, _route in flat_routes_of(public_pages.router)} <= mounted
    assert f"{API}/invoices/export.csv" in mounted and "/healthz" in mounted


def test_every_api_route_is_a_plain_def_run_in_the_threadpool(portal):
    """The domain is blocking: async routes would stall the event loop. Each route's own
    function is a plain def, which ThreadedEndpointRoute runs in the threadpool."""
    import inspect

    from backend.api.routing import ThreadedEndpointRoute

    routes = [(path, route) for path, route in flat_routes(create_app(portal)) if path.startswith(API)]
    assert len(routes) >= 12
    for path, route in routes:
        assert isinstance(route, ThreadedEndpointRoute), path
        assert not inspect.iscoroutinefunction(route.endpoint.in_threadpool), path


def flat_routes_of(router):  # noqa: ANN001, ANN201
    from fastapi import FastAPI

    app = FastAPI()
    app.include_router(router)
    return [(path, route) for path, route in flat_routes(app) if not path.startswith(("/docs", "/redoc", "/openapi"))]


def test_openapi_schema_lists_the_api(live_server):
    schema = httpx.get(f"{live_server}/openapi.json").json()
    assert f"{API}/invoices/{{invoice_id}}/payments" in schema["paths"]
