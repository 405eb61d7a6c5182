"""Allowed IP ranges: parsing what the customer typed, and whether an address lies inside.

Parsed strictly with Python's ``ipaddress``: host bits are allowed (``192.0.2.5/24`` means
``192.0.2.0/24``), leading zeros are refused (``010.0.0.1`` is octal to some tools, the
access-control bypass of CVE-2021-29921), and so are zone ids and anything around the text.
Ranges are stored normalised, one per line, always with their prefix (``203.0.113.7/32``).
An IPv4-mapped IPv6 address (``::ffff:192.0.2.5``, what a dual-stack socket reports for an
IPv4 client) is matched as the IPv4 address it carries, and a mapped range is stored as the
IPv4 range it stands for: addresses of two versions never compare equal otherwise.

This is the one place that reads the stored list: the login, every request with a token and
the lock-out check all ask ``allows``.
"""

from __future__ import annotations

import ipaddress
import re

from backend.contract import IP_RANGES_MAX, InvalidInput

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_LEADING_ZERO = re.compile(r"(?:^|[./])0\d")
_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")


def _why_not(text: str) -> str | None:
    if not text:
        return "it is empty"
    if text != text.strip() or any(c.isspace() for c in text):
        return "it contains spaces"
    if "%" in text:
        return "zone ids (%…) are not allowed"
    address, _, prefix = text.partition("/")
    if ":" not in address and _LEADING_ZERO.search(address) or _LEADING_ZERO.search("/" + prefix if prefix else ""):
        return "leading zeros are not allowed"
    return None


def parse_range(text: str) -> IpNetwork:
    """One address or CIDR range as typed; ``InvalidInput("ranges: ...")`` saying why not."""
    why = _why_not(text)
    if why is None:
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            why = "it is not an IPv4 or IPv6 address or CIDR range"
    if why is not None:
        raise InvalidInput(f"ranges: {text!r} cannot be used: {why}")
    if isinstance(network, ipaddress.IPv6Network) and network.subnet_of(_IPV4_MAPPED):
        mapped = network.network_address.ipv4_mapped
        return ipaddress.IPv4Network(f"{mapped}/{network.prefixlen - 96}")
    return network


def normalize_ranges(texts: list[str]) -> list[str]:
    """The ranges as stored: normalised, in the customer's order, each once."""
    if len(texts) > IP_RANGES_MAX:
        raise InvalidInput(f"ranges: at most {IP_RANGES_MAX}")
    return list(dict.fromkeys(str(parse_range(text)) for text in texts))


def stored(ranges: list[str]) -> str:
    return "\n".join(ranges)


def ranges_of(stored_text: str) -> list[str]:
    """The stored list (``Customer.allowed_ip_ranges``) as a list; empty: no restriction."""
    return [line.strip() for line in stored_text.splitlines() if line.strip()]


def client_ip(text: str) -> IpAddress | None:
    """The address a request came from, IPv4-mapped IPv6 unwrapped; None when it is none
    (the in-process service's "local", or an unreadable forwarded address)."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def allows(stored_text: str, address: str) -> bool:
    """Whether ``address`` may log in and use tokens under the stored ranges (none: any).

    An address that is no IP address is refused when there are ranges: a restriction fails
    closed. Stored ranges were normalised when saved; one that no longer parses is skipped.
    """
    ranges = ranges_of(stored_text)
    if not ranges:
        return True
    ip = client_ip(address)
    if ip is None:
        return False
    for text in ranges:
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            continue
        if network.version == ip.version and ip in network:
            return True
    return False
