"""What the shared API layer promises every route: headers, methods, error shapes and an
OpenAPI document that describes all of it (the fuzz test checks the answers against it)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import select

from backend.api.params import MAX_PAGE
from backend.db import read_session
from backend.models import Payment

API = "/api/v1"


@pytest.fixture
def client(live_server, demo_token):  # noqa: ANN001, ANN201
    with httpx.Client(base_url=live_server, headers={"Authorization": f"Bearer {demo_token}"}) as client:
        yield client


def test_every_kind_of_answer_is_not_stored_and_not_sniffed(client, live_server, make_invoice, demo_customer_id):
    paid = make_invoice(demo_customer_id, "4.20", status="paid", method="balance")
    answers = [
        httpx.post(f"{live_server}{API}/auth/login", json={"login": "demo", "password": "demo"}),  # the token
        client.get(f"{API}/account"),
        client.get(f"{API}/invoices/export.csv"),
        client.get(f"{API}/invoices/{paid}/document"),
        client.get(f"{API}/invoices/999999"),
        client.get(f"{API}/nothing-here"),
        client.put(f"{API}/account"),
    ]
    for response in answers:
        assert response.headers["cache-control"] == "no-store", response.request.url
        assert response.headers["x-content-type-options"] == "nosniff", response.request.url


def test_options_and_405_list_every_method_of_the_url(client):
    options = client.options(f"{API}/invoices/191")
    assert options.status_code == 204
    assert options.headers["allow"] == "DELETE, GET, OPTIONS"
    # A fixed path is a resource of its own, never taken for an id.
    delete = client.delete(f"{API}/invoices/export.csv")
    assert delete.status_code == 405
    assert delete.headers["allow"] == "GET, OPTIONS"
    assert delete.json()["error"] == "method_not_allowed"


def test_a_body_that_is_not_utf8_is_invalid_input(live_server):
    response = httpx.post(
        f"{live_server}{API}/auth/login", content=b'{"login": "\xff", "password": "x"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"


def test_a_huge_page_number_is_422_or_an_empty_page(client):
    assert client.get(f"{API}/invoices", params={"page": 4611686018427387904}).status_code == 422
    last = client.get(f"{API}/invoices", params={"page": MAX_PAGE})
    assert last.status_code == 200 and last.json()["items"] == []


def test_the_openapi_document_describes_errors_security_and_headers(live_server):
    document = httpx.get(f"{live_server}/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert set(schemas["ErrorBody"]["required"]) == {"error", "detail"}
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    error_ref = {"$ref": "#/components/schemas/ErrorBody"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            where = (method, path)
            for status, response in responses.items():
                if status.startswith(("4", "5")) and path != "/healthz":
                    assert response["content"]["application/json"]["schema"] == error_ref, (where, status)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in responses, where
            if path.startswith(API) and path != f"{API}/auth/login":
                assert operation["security"] == [{"bearerAuth": []}], where
                assert "WWW-Authenticate" in responses["401"]["headers"], where
            if "{" in path:
                assert "404" in responses, where
    login = document["paths"][f"{API}/auth/login"]["post"]["responses"]
    assert {"401", "422", "429"} <= set(login)
    assert login["429"]["headers"]["Retry-After"]["required"] is True
    pay = document["paths"][f"{API}/invoices/{{invoice_id}}/payments"]["post"]
    key = next(p for p in pay["parameters"] if p["name"] == "Idempotency-Key")
    assert key["required"] is True and key["schema"]["pattern"] == "^[A-Za-z0-9_-]{16,64}$"
    assert "409" in pay["responses"]
    export = document["paths"][f"{API}/invoices/export.csv"]["get"]
    assert not {"page", "page_size"} & {p["name"] for p in export["parameters"]}


def test_a_burst_of_card_requests_opens_one_checkout(client, portal, make_invoice, demo_customer_id):
    invoice_id = make_invoice(demo_customer_id, "7.00")

    def pay(_: int) -> httpx.Response:
        return client.post(
            f"{API}/invoices/{invoice_id}/payments", json={"method": "card"},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(pay, range(6)))
    assert [a.status_code for a in answers] == [201] * 6
    assert len({a.json()["checkout_url"] for a in answers}) == 1
    with read_session(portal.engine) as session:
        checkouts = session.exec(select(Payment).where(Payment.invoice_id == invoice_id)).all()
    assert len(checkouts) == 1
