"""Failed logins are throttled per user name and per address, over real HTTP, with the state
in the database: 429 with Retry-After, a lock-out that ends on its own, every attempt in the
login history, unknown user names treated like real ones, and no timing difference."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import httpx
from sqlmodel import select

from backend.db import read_session, write_session
from backend.models import Customer, LoginEvent
from backend.security import hash_password

LOGIN = "/api/v1/auth/login"


def _login(base: str, login: str, password: str) -> httpx.Response:
    return httpx.post(f"{base}{LOGIN}", json={"login": login, "password": password})


def _history(portal, login: str) -> list[LoginEvent]:  # noqa: ANN001
    with read_session(portal.engine) as session:
        return list(session.exec(select(LoginEvent).where(LoginEvent.login == login).order_by(LoginEvent.id)))


def test_wrong_passwords_lock_the_account_then_the_lock_ends_on_its_own(portal, live_server):
    policy = portal.settings.login_throttle
    for _ in range(policy.failures_per_login):
        assert _login(live_server, "demo", "wrong").status_code == 401
    locked = _login(live_server, "demo", "demo")  # even the right password is not checked now
    assert locked.status_code == 429
    assert locked.json()["error"] == "too_many_requests"
    retry_after = int(locked.headers["retry-after"])
    assert 0 < retry_after <= policy.window.total_seconds()
    # Still locked just before the window has passed...
    start = portal.now()
    portal.clock = lambda: start + timedelta(seconds=retry_after - 1)
    assert _login(live_server, "demo", "demo").status_code == 429
    # ...and open again once it has, without anyone doing anything.
    portal.clock = lambda: start + timedelta(seconds=retry_after)
    assert _login(live_server, "demo", "demo").status_code == 200
    results = [(e.success, e.reason) for e in _history(portal, "demo")]
    assert results == [(False, "wrong_password")] * policy.failures_per_login + [
        (False, "throttled"), (False, "throttled"), (True, None)
    ]
    assert all(e.ip == "127.0.0.1" for e in _history(portal, "demo"))


def test_a_success_clears_the_failures_of_the_account(portal, live_server):
    limit = portal.settings.login_throttle.failures_per_login
    for _ in range(limit - 1):
        assert _login(live_server, "demo", "typo").status_code == 401
    assert _login(live_server, "demo", "demo").status_code == 200
    for _ in range(limit - 1):
        assert _login(live_server, "demo", "typo").status_code == 401
    assert _login(live_server, "demo", "demo").status_code == 200


def test_unknown_user_names_are_throttled_and_recorded_like_real_ones(portal, live_server):
    limit = portal.settings.login_throttle.failures_per_login
    answers = [_login(live_server, "nobody-here", "x") for _ in range(limit + 1)]
    assert [a.status_code for a in answers] == [401] * limit + [429]
    history = _history(portal, "nobody-here")
    assert [e.reason for e in history] == ["unknown_user"] * limit + ["throttled"]
    assert all(e.customer_id is None for e in history)


def test_one_address_is_throttled_across_user_names(portal, live_server):
    policy = portal.settings.login_throttle
    names = [f"guess{n}" for n in range(policy.failures_per_address)]
    for name in names:  # each name stays below its own limit
        assert _login(live_server, name, "x").status_code == 401
    response = _login(live_server, "acme", "acme")
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0


def test_a_burst_of_parallel_guesses_is_counted_before_it_is_checked(portal, live_server):
    from concurrent.futures import ThreadPoolExecutor

    limit = portal.settings.login_throttle.failures_per_login
    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(lambda _: _login(live_server, "demo", "wrong").status_code, range(20)))
    assert codes.count(401) == limit, codes
    assert codes.count(429) == 20 - limit


def test_the_throttle_is_shared_by_every_server_on_the_database(portal, live_server):
    """A second app on the same database (as a second hostui-server process would be) sees
    the failures the first one recorded: the state is in the database, not in memory."""
    from backend.api.app import create_app
    from fastapi.testclient import TestClient

    limit = portal.settings.login_throttle.failures_per_login
    for _ in range(limit):
        assert _login(live_server, "demo", "wrong").status_code == 401
    other = TestClient(create_app(portal), client=("127.0.0.2", 5000))
    assert other.post(LOGIN, json={"login": "demo", "password": "demo"}).status_code == 429


def _timed(base: str, login: str, rounds: int) -> float:
    durations = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = _login(base, login, "definitely-wrong")
        durations.append(time.perf_counter() - started)
        assert response.status_code == 401
    return statistics.median(durations)


def test_unknown_and_known_user_names_take_the_same_time(portal, live_server):
    from dataclasses import replace

    from backend.settings import LoginThrottle

    # Real Argon2 costs for demo (the fixtures cheapen them), and room for the repetitions.
    with write_session(portal.engine) as session:
        session.exec(select(Customer).where(Customer.login == "demo")).one().password_hash = hash_password("demo")
    portal.settings = replace(portal.settings, login_throttle=LoginThrottle(failures_per_login=100, failures_per_address=100))
    known = _timed(live_server, "demo", 7)
    unknown = _timed(live_server, "no-such-user", 7)
    # Before the dummy hash: ~220 ms against ~3 ms, a ratio near 70. Equal within a generous 2x.
    assert 0.5 < unknown / known < 2.0, (known, unknown)
    assert known > 0.02, "the known user's check should run real Argon2"
