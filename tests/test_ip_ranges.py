"""Allowed IP ranges parsed strictly and matched across IPv4/IPv6, and the client address
behind trusted proxies read right to left (pure functions: no database, no server)."""

from __future__ import annotations

import pytest

from backend.api.client_address import UNKNOWN, forwarded_client
from backend.contract import IP_RANGES_MAX, InvalidInput
from backend.domain import ip_ranges


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("203.0.113.7", "203.0.113.7/32"),
        ("192.0.2.5/24", "192.0.2.0/24"),  # host bits allowed, dropped
        ("2001:DB8::1/48", "2001:db8::/48"),
        ("::ffff:198.51.100.0/120", "198.51.100.0/24"),  # a mapped range is the IPv4 range
        ("::ffff:198.51.100.7", "198.51.100.7/32"),
        ("0.0.0.0/0", "0.0.0.0/0"),
    ],
)
def test_ranges_are_stored_normalised(typed, stored):
    assert ip_ranges.normalize_ranges([typed]) == [stored]


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("010.0.0.1", "leading zeros"),
        ("10.0.0.1/024", "leading zeros"),
        ("1.2.3.4/33", "not an IPv4 or IPv6"),
        ("1.2.3", "not an IPv4 or IPv6"),
        ("fe80::1%eth0", "zone ids"),
        (" 1.2.3.4", "spaces"),
        ("1.2.3.4 /24", "spaces"),
        ("", "empty"),
        ("example.com", "not an IPv4 or IPv6"),
    ],
)
def test_malformed_ranges_are_refused_with_the_field_and_why(typed, reason):
    with pytest.raises(InvalidInput) as refused:
        ip_ranges.normalize_ranges(["192.0.2.0/24", typed])
    assert refused.value.detail.startswith(f"ranges: {typed!r} cannot be used: ")
    assert reason in refused.value.detail


def test_duplicates_collapse_and_the_order_stays():
    assert ip_ranges.normalize_ranges(["10.0.0.0/8", "192.0.2.1", "10.1.2.3/8"]) == ["10.0.0.0/8", "192.0.2.1/32"]
    with pytest.raises(InvalidInput, match="at most"):
        ip_ranges.normalize_ranges([f"10.0.{n}.0/24" for n in range(IP_RANGES_MAX + 1)])


@pytest.mark.parametrize(
    ("stored", "address", "allowed"),
    [
        ("", "198.51.100.1", True),  # no ranges: every address
        ("", "local", True),
        ("192.0.2.0/24", "192.0.2.200", True),
        ("192.0.2.0/24", "192.0.3.1", False),
        ("192.0.2.0/24", "::ffff:192.0.2.9", True),  # a dual-stack socket's view of an IPv4 client
        ("192.0.2.0/24", "::ffff:192.0.3.9", False),
        ("2001:db8::/32", "2001:db8:1::5", True),
        ("2001:db8::/32", "192.0.2.1", False),  # versions never match each other
        ("192.0.2.0/24\n2001:db8::/32", "2001:db8::1", True),
        ("192.0.2.0/24", "local", False),  # no address: a restriction fails closed
        ("192.0.2.0/24", UNKNOWN, False),
    ],
)
def test_allows(stored, address, allowed):
    assert ip_ranges.allows(stored, address) is allowed


PROXY = ("10.0.0.0/8",)


@pytest.mark.parametrize(
    ("peer", "headers", "trusted", "client"),
    [
        ("198.51.100.7", ["203.0.113.9"], (), "198.51.100.7"),  # no proxies trusted: the socket
        ("198.51.100.7", ["203.0.113.9"], PROXY, "198.51.100.7"),  # the peer is no trusted proxy
        ("10.0.0.2", [], PROXY, "10.0.0.2"),
        ("10.0.0.2", ["203.0.113.9"], PROXY, "203.0.113.9"),
        ("10.0.0.2", ["203.0.113.9, 10.0.0.3"], PROXY, "203.0.113.9"),  # two proxies
        ("10.0.0.2", ["203.0.113.9", "10.0.0.3"], PROXY, "203.0.113.9"),  # the header twice
        # What the client wrote itself (left of the first untrusted hop) proves nothing:
        ("10.0.0.2", ["192.0.2.1, 203.0.113.9"], PROXY, "203.0.113.9"),
        ("10.0.0.2", ["not-an-address"], PROXY, UNKNOWN),
        ("10.0.0.2", ["10.0.0.4, 10.0.0.3"], PROXY, "10.0.0.4"),
        ("::ffff:10.0.0.2", ["203.0.113.9"], PROXY, "203.0.113.9"),
        ("10.0.0.2", ["::ffff:203.0.113.9"], PROXY, "203.0.113.9"),
        (None, ["203.0.113.9"], PROXY, UNKNOWN),
    ],
)
def test_the_client_behind_trusted_proxies(peer, headers, trusted, client):
    assert forwarded_client(peer, headers, trusted) == client
