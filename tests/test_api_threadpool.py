"""A logged-in request costs one threadpool round trip: the token check runs in the endpoint's
own call (backend/api/routing.py), and still decides the answer first, as FastAPI's order of
dependencies did: a request without a valid token is refused as not logged in whatever else
is wrong with it, and one from outside the account's IP ranges is refused (and noted in the
login history) before its input is looked at."""

from __future__ import annotations

from collections.abc import Iterator

import anyio.to_thread
import httpx
import pytest
from sqlmodel import select

from backend.db import read_session
from backend.models import LoginEvent

API = "/api/v1"
EXPIRED = {"error": "authentication_failed", "detail": "not logged in, or the session has expired: log in again"}
REFUSED = {"error": "forbidden", "detail": "this request is not allowed"}


@pytest.fixture
def app_client(live_server: str, demo_token: str) -> Iterator[httpx.Client]:
    """The real server (in this process, so its threadpool can be watched), from 127.0.0.1."""
    with httpx.Client(base_url=live_server, headers={"Authorization": f"Bearer {demo_token}"}) as client:
        yield client


@pytest.fixture
def threadpool_calls(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The limiter of every call the app hands to anyio's threadpool (None: the shared one)."""
    calls: list[object] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(function, *args, limiter=None, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls.append(limiter)
        return await run_sync(function, *args, limiter=limiter, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return calls


@pytest.mark.parametrize(
    "path", [f"{API}/invoices", f"{API}/invoices?status=all&page_size=7", f"{API}/account", f"{API}/orders"]
)
def test_a_logged_in_read_is_one_threadpool_round_trip(app_client, threadpool_calls, path):
    app_client.get(path).raise_for_status()  # warm: first-use work stays out of the count
    threadpool_calls.clear()
    assert app_client.get(path).status_code == 200
    assert len(threadpool_calls) == 1


def test_a_refused_token_is_one_threadpool_round_trip_too(app_client, threadpool_calls):
    answer = app_client.get(f"{API}/invoices", headers={"Authorization": "Bearer no-such-token"})
    assert (answer.status_code, answer.json()) == (401, EXPIRED)
    assert len(threadpool_calls) == 1


@pytest.mark.parametrize(
    "method, path, extra",
    [
        ("GET", f"{API}/invoices?page=0", {}),
        ("GET", f"{API}/invoices?status=bogus&page_size=0", {}),
        ("GET", f"{API}/invoices/not-a-number", {}),
        ("POST", f"{API}/invoices/1/payments", {"json": {"method": "cash"}}),  # no key, bad body
        ("PUT", f"{API}/settings/ip-ranges", {"json": {"ranges": "nope"}}),
    ],
)
def test_a_dead_token_is_refused_before_invalid_input(app_client, method, path, extra):
    answer = app_client.request(method, path, headers={"Authorization": "Bearer no-such-token"}, **extra)
    assert (answer.status_code, answer.json()) == (401, EXPIRED)
    # With a live token the same request is invalid input.
    assert app_client.request(method, path, **extra).status_code == 422


def test_an_address_outside_the_ranges_is_refused_before_invalid_input(portal, app_client, demo_customer_id):
    saved = app_client.put(f"{API}/settings/ip-ranges", json={"ranges": ["192.0.2.0/24"], "confirm_lockout": True})
    assert saved.status_code == 200, saved.text
    for path in (f"{API}/invoices?page=0", f"{API}/invoices/not-a-number", f"{API}/invoices"):
        answer = app_client.get(path)
        assert (answer.status_code, answer.json()) == (403, REFUSED), path
    with read_session(portal.engine) as session:
        noted = session.exec(
            select(LoginEvent.ip, LoginEvent.reason).where(
                LoginEvent.customer_id == demo_customer_id, LoginEvent.reason == "request_ip"
            )
        ).all()
    assert noted == [("127.0.0.1", "request_ip")]  # the first refusal, an invalid request's


def test_a_login_runs_in_threads_of_its_own(live_server, threadpool_calls):
    """The password check waits outside the GIL for a fifth of a second: logins must not hold
    the few threads (backend.api.app.API_THREADS) that every other request shares."""
    answer = httpx.post(f"{live_server}{API}/auth/login", json={"login": "demo", "password": "demo"})
    assert answer.status_code == 200
    [limiter] = threadpool_calls
    assert limiter is not None and limiter.total_tokens == 4


@pytest.mark.parametrize(
    "path",
    [f"{API}/invoices/export.csv?status=all", "{paid}/document", "{unpaid}/quote", "{server}/traffic?period=year"],
)
def test_files_and_traffic_reports_run_in_threads_of_their_own(app_client, threadpool_calls, path):
    """One long call each (a file, a year of samples): they must not hold the few shared threads."""
    first = {status: app_client.get(f"{API}/invoices", params={"status": status}).json()["items"][0]["id"]
             for status in ("paid", "unpaid")}
    order = next(row for row in app_client.get(f"{API}/orders").json()["items"] if row.get("server_id"))
    path = path.format(paid=f"{API}/invoices/{first['paid']}", unpaid=f"{API}/invoices/{first['unpaid']}",
                       server=f"{API}/servers/{order['server_id']}")
    threadpool_calls.clear()
    answer = app_client.get(path)
    assert answer.status_code == 200, answer.text
    [limiter] = threadpool_calls
    assert limiter is not None and limiter.total_tokens == 2


def _resolved(dependant) -> list[str]:  # noqa: ANN001
    """Every dependency FastAPI resolves for a request, in order (a cached one each time too)."""
    return [
        name
        for sub in dependant.dependencies
        for name in (getattr(sub.call, "__name__", type(sub.call).__name__), *_resolved(sub))
    ]


def test_the_token_check_resolves_nothing_but_the_bearer_scheme(portal):
    """FastAPI resolves each dependency of the tree anew per request: the check reads the
    portal, the token and the address itself, and keeps only the scheme, which declares the
    security requirement in the OpenAPI document."""
    from fastapi.security import HTTPBearer

    from backend.api.app import create_app, flat_routes

    routes = dict(flat_routes(create_app(portal)))
    token_check = next(
        sub for sub in routes[f"{API}/invoices"].dependant.dependencies if sub.call.__name__ == "current_customer"
    )
    assert [type(sub.call) for sub in token_check.dependencies] == [HTTPBearer]
    assert _resolved(routes[f"{API}/invoices"].dependant) == [
        "get_portal", "current_customer", "HTTPBearer", "_invoice_query"
    ]
