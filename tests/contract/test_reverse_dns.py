"""Reverse DNS: the name rules (each refusal names its rule), the provider's default names, and
setting, resetting and refusing names through LocalService and RemoteService on SQLite and
PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from backend.contract import InvalidInput, NotFound, OrderQuery
from backend.db import read_session
from backend.domain.reverse_dns import default_reverse_dns, normalise_reverse_dns
from backend.models import AuditLog

# (name as typed, a part of the refusal that names the rule)
BAD_NAMES = [
    ("localhost", "needs at least two"),
    ("example", "needs at least two"),
    ("a..example.com", "empty label"),
    (".example.com", "empty label"),
    ("example.com..", "empty label"),
    ("a_b.example.com", "label 'a_b' has a character that is not a letter, digit or hyphen"),
    ("host name.example.com", "label 'host name' has a character"),
    ("mail.exa*mple.com", "label 'exa*mple' has a character"),
    ("ho/st.example.com", "has a character that is not"),
    ("host.example.com/", "has a character that is not"),
    ("@.example.com", "has a character that is not"),
    ("host.exam\tple.com", "has a character that is not"),
    ("-host.example.com", "label '-host' starts or ends with a hyphen"),
    ("host-.example.com", "label 'host-' starts or ends with a hyphen"),
    ("host.example.-com", "starts or ends with a hyphen"),
    ("a" * 64 + ".example.com", "64 characters long; at most 63"),
    (".".join(["a" * 63] * 4) + ".com", "characters long; at most 253"),
    ("host.example.123", "top label '123' is all digits"),
    ("1.2.3.256", "top label '256' is all digits"),
    ("192.0.2.1", "is an IP address"),
    ("2001:db8::1", "is an IP address"),
    ("::1", "is an IP address"),
    ("[2001:db8::1]", "needs at least two"),
    ("[2001:db8::1].example", "has a character that is not"),
    ("host.example.com:25", "has a character that is not"),
    ("☃.example.com", "label '☃' is not a valid internationalised name"),
    ("xn--.example.com", "starts or ends with a hyphen"),
]

GOOD_NAMES = [
    ("mail.example.com", "mail.example.com"),
    ("  Mail.Example.COM  ", "mail.example.com"),
    ("mail.example.com.", "mail.example.com"),
    ("MAIL.EXAMPLE.COM.", "mail.example.com"),
    ("bücher.example", "xn--bcher-kva.example"),
    ("BÜCHER.Example.", "xn--bcher-kva.example"),
    ("mail.münchen.de", "mail.xn--mnchen-3ya.de"),
    ("3com.example.net", "3com.example.net"),
    ("1.2.3.example", "1.2.3.example"),
    ("a-b.c-d.example", "a-b.c-d.example"),
    ("x.io", "x.io"),
    ("a" * 63 + ".example.com", "a" * 63 + ".example.com"),
    (".".join(["a" * 62] * 4), ".".join(["a" * 62] * 4)),  # 251 characters
]


@pytest.mark.parametrize(("name", "rule"), BAD_NAMES)
def test_a_bad_name_is_refused_naming_the_rule(name, rule):
    with pytest.raises(InvalidInput) as refused:
        normalise_reverse_dns(name)
    assert rule in str(refused.value)


@pytest.mark.parametrize(("name", "stored"), GOOD_NAMES)
def test_a_good_name_is_normalised(name, stored):
    assert normalise_reverse_dns(name) == stored


@pytest.mark.parametrize("name", ["", "   ", ".", " . "])
def test_an_empty_name_resets_to_the_default(name):
    assert normalise_reverse_dns(name) is None


def test_only_one_trailing_dot_is_dropped():
    with pytest.raises(InvalidInput, match="empty label"):
        normalise_reverse_dns("mail.example.com..")


def test_the_default_names_are_valid_names_of_their_own():
    v4 = default_reverse_dns("203.0.113.45")
    v6 = default_reverse_dns("2001:db8:1::2")
    assert v4 == "203-0-113-45.clients.nordlicht.example"
    assert v6 == "2001-0db8-0001-0000-0000-0000-0000-0002.clients.nordlicht.example"
    assert normalise_reverse_dns(v4) == v4 and normalise_reverse_dns(v6) == v6


# --- through the service ------------------------------------------------------------------


async def _server_with_both_versions(service):  # noqa: ANN001, ANN202
    """A server of "demo" whose rDNS can be set, with an IPv4 and an IPv6 address."""
    for row in (await service.list_orders(OrderQuery(page_size=500))).items:
        if row.server_id is None:
            continue
        detail = await service.get_server(row.server_id)
        if detail.action("rdns").enabled and {a.version for a in detail.addresses} == {4, 6}:
            return detail
    pytest.fail("the demo has no server with IPv4 and IPv6 whose reverse DNS can be set")


def _address(detail, version: int):  # noqa: ANN001, ANN202
    return next(a for a in detail.addresses if a.version == version)


@pytest.mark.parametrize("version", [4, 6])
async def test_set_a_name_and_reset_it(service, portal, version):
    detail = await _server_with_both_versions(service)
    address = _address(detail, version).address
    changed = await service.set_reverse_dns(detail.id, address, "  Mail.Bücher.Example. ")
    assert changed.address == address and changed.reverse_dns == "mail.xn--bcher-kva.example"
    assert _address(await service.get_server(detail.id), version).reverse_dns == "mail.xn--bcher-kva.example"

    reset = await service.set_reverse_dns(detail.id, address, "")
    assert reset.reverse_dns is None and reset.default_reverse_dns == default_reverse_dns(address)
    assert _address(await service.get_server(detail.id), version).reverse_dns is None

    with read_session(portal.engine) as session:
        entries = session.exec(
            select(AuditLog).where(AuditLog.action == "server.reverse_dns", AuditLog.entity_id == detail.id)
            .order_by(AuditLog.id)
        ).all()
    details = [json.loads(entry.detail) for entry in entries[-2:]]
    assert [d["name"] for d in details] == ["mail.xn--bcher-kva.example", None]
    assert all(d["address"] == address and d["login"] == "demo" for d in details)


async def test_the_default_name_typed_out_is_stored_as_the_default(service):
    detail = await _server_with_both_versions(service)
    address = _address(detail, 4)
    changed = await service.set_reverse_dns(detail.id, address.address, address.default_reverse_dns.upper() + ".")
    assert changed.reverse_dns is None


async def test_a_refused_name_changes_nothing_and_names_the_rule(service):
    detail = await _server_with_both_versions(service)
    address = _address(detail, 4)
    for name, rule in [("a_b.example.com", "label 'a_b' has a character"), ("192.0.2.7", "is an IP address"),
                       ("x" * 260, "")]:
        with pytest.raises(InvalidInput) as refused:
            await service.set_reverse_dns(detail.id, address.address, name)
        assert rule in str(refused.value)
    assert _address(await service.get_server(detail.id), 4).reverse_dns == address.reverse_dns


async def test_only_the_customers_own_addresses(service, other_service):
    detail = await _server_with_both_versions(service)
    address = _address(detail, 4).address
    with pytest.raises(NotFound, match=f"server {detail.id} not found"):
        await other_service.set_reverse_dns(detail.id, address, "evil.example.com")
    for unknown in ("198.51.100.250", "2001:db8:ffff::99", "not-an-address"):
        with pytest.raises(NotFound, match="not found"):
            await service.set_reverse_dns(detail.id, unknown, "mail.example.com")
    # An address of another of the customer's servers is not this server's.
    others = [r for r in (await service.list_orders(OrderQuery(page_size=500))).items
              if r.server_id not in (None, detail.id) and r.main_ip]
    with pytest.raises(NotFound):
        await service.set_reverse_dns(detail.id, others[0].main_ip, "mail.example.com")
    assert _address(await service.get_server(detail.id), 4).reverse_dns == _address(detail, 4).reverse_dns
