"""The allowed IP ranges through the real HTTP server, with requests from different client
addresses (127.0.0.1 and 127.0.0.2, both on the loopback) and through a trusted proxy's
X-Forwarded-For; and the operator's way back in."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import httpx
import pytest
from sqlmodel import select

from backend import server as hostui_server
from backend.api.app import create_app
from backend.db import read_session
from backend.models import LoginEvent
from backend.portal import Portal
from tests.conftest import DEMO_LOGIN, DEMO_PASSWORD

API = "/api/v1"
OTHER = "127.0.0.2"  # the second loopback address: another client, same machine


def client_from(base_url: str, address: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base_url, headers=headers, transport=httpx.HTTPTransport(local_address=address))


def login(client: httpx.Client) -> httpx.Response:
    return client.post(f"{API}/auth/login", json={"login": DEMO_LOGIN, "password": DEMO_PASSWORD})


def refused_entries(portal: Portal, customer_id: int) -> list[tuple[str, str]]:
    with read_session(portal.engine) as session:
        return session.exec(
            select(LoginEvent.ip, LoginEvent.reason)
            .where(LoginEvent.customer_id == customer_id, LoginEvent.reason.in_(("request_ip", "ip_not_allowed")))
            .order_by(LoginEvent.id)
        ).all()


def only_other_address(client: httpx.Client) -> None:
    """Allow 127.0.0.2 only, from 127.0.0.1: refused as a lock-out until confirmed."""
    body = {"ranges": [OTHER]}
    refused = client.put(f"{API}/settings/ip-ranges", json=body)
    assert refused.status_code == 409 and refused.json()["error"] == "lockout_risk", refused.text
    saved = client.put(f"{API}/settings/ip-ranges", json={**body, "confirm_lockout": True})
    assert saved.status_code == 200, saved.text
    assert saved.json()["allowed_ip_ranges"] == [f"{OTHER}/32"]


def test_requests_and_logins_from_outside_the_ranges_are_refused(portal, live_server, demo_customer_id):
    with client_from(live_server, "127.0.0.1") as here, client_from(live_server, OTHER) as there:
        token = login(here).json()["token"]
        here.headers["Authorization"] = there.headers["Authorization"] = f"Bearer {token}"
        assert here.get(f"{API}/settings").json()["client_address"] == "127.0.0.1"
        only_other_address(here)

        for _ in range(3):
            refused = here.get(f"{API}/settings")
            assert refused.status_code == 403
            assert refused.json() == {"error": "forbidden", "detail": "this request is not allowed"}
        # X-Forwarded-For from a peer that is no trusted proxy is not believed.
        assert here.get(f"{API}/account", headers={"X-Forwarded-For": OTHER}).status_code == 403
        assert refused_entries(portal, demo_customer_id) == [("127.0.0.1", "request_ip")]  # once a minute

        allowed = there.get(f"{API}/settings")  # the same token, from the allowed address
        assert allowed.status_code == 200 and allowed.json()["client_address"] == OTHER
        history = there.get(f"{API}/settings/logins", params={"page_size": 1}).json()["items"]
        assert history[0]["outcome"] == "refused_ip" and history[0]["address"] == "127.0.0.1"

        del here.headers["Authorization"], there.headers["Authorization"]
        assert login(here).status_code == 403
        assert login(there).status_code == 200
        # Logging out is no use of the account: an old token can be revoked from anywhere.
        assert here.post(f"{API}/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    assert refused_entries(portal, demo_customer_id)[-1] == ("127.0.0.1", "ip_not_allowed")


def test_the_operator_clears_the_ranges_of_a_locked_out_customer(portal, live_server, capsys):
    with client_from(live_server, "127.0.0.1") as here:
        here.headers["Authorization"] = f"Bearer {login(here).json()['token']}"
        only_other_address(here)
        assert here.get(f"{API}/account").status_code == 403
        status = hostui_server.main(["clear-ip-ranges", DEMO_LOGIN, "--database", portal.settings.database_url])
        assert status == 0
        assert "cleared 1 allowed IP range of demo: 127.0.0.2/32" in capsys.readouterr().out
        assert here.get(f"{API}/account").status_code == 200
    assert hostui_server.main(["clear-ip-ranges", "nobody", "--database", portal.settings.database_url]) == 1


@pytest.fixture
def behind_a_proxy(portal: Portal, live_server: str, _live_server_process) -> Iterator[str]:  # noqa: ANN001
    """The live server with 127.0.0.1 as a trusted proxy (as with nginx on the same host)."""
    settings = dataclasses.replace(portal.settings, trusted_proxies=("127.0.0.1/32",))
    _live_server_process.app.app = create_app(Portal(engine=portal.engine, settings=settings, clock=portal.clock))
    return live_server


def test_through_a_trusted_proxy_the_forwarded_address_counts(portal, behind_a_proxy):
    with client_from(behind_a_proxy, "127.0.0.1") as proxy:
        forwarded = {"X-Forwarded-For": OTHER}
        token = proxy.post(f"{API}/auth/login", json={"login": DEMO_LOGIN, "password": DEMO_PASSWORD},
                           headers=forwarded).json()["token"]
        proxy.headers["Authorization"] = f"Bearer {token}"
        assert proxy.get(f"{API}/settings", headers=forwarded).json()["client_address"] == OTHER
        # The proxy's own address is not what it forwards for: the lock-out check sees OTHER.
        saved = proxy.put(f"{API}/settings/ip-ranges", json={"ranges": [OTHER]}, headers=forwarded)
        assert saved.status_code == 200, saved.text

        assert proxy.get(f"{API}/account", headers=forwarded).status_code == 200
        # Two trusted hops: the proxy's own hop is skipped, right to left.
        assert proxy.get(f"{API}/account", headers={"X-Forwarded-For": f"{OTHER}, 127.0.0.1"}).status_code == 200
        # What a client writes left of the first untrusted hop proves nothing.
        spoofed = {"X-Forwarded-For": f"{OTHER}, 198.51.100.7"}
        assert proxy.get(f"{API}/account", headers=spoofed).status_code == 403
        assert proxy.get(f"{API}/account", headers={"X-Forwarded-For": "not-an-address"}).status_code == 403
        # Without the header the proxy itself is the client, and 127.0.0.1 is not allowed.
        assert proxy.get(f"{API}/account").status_code == 403
    with client_from(behind_a_proxy, OTHER) as direct:
        # 127.0.0.2 is no trusted proxy: its X-Forwarded-For is ignored, its own address counts.
        direct.headers["Authorization"] = f"Bearer {token}"
        assert direct.get(f"{API}/account", headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 200
