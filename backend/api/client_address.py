"""The address a request came from: the socket's peer, unless that peer is one of the
configured reverse proxies (``HOSTUI_TRUSTED_PROXIES``), whose X-Forwarded-For is then read.

The header is read right to left, as uvicorn's ProxyHeadersMiddleware does: each hop a trusted
proxy appended is skipped, and the first address not a trusted proxy is the client. Anything
to its left was written by the client itself and proves nothing. A hop that is no address at
all ends the walk as "unknown", which no allowed IP range contains (a restriction fails
closed). hostui-server runs uvicorn with its own proxy handling off, so this is the one place
that decides.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from functools import lru_cache

from backend.domain.ip_ranges import IpAddress, client_ip

UNKNOWN = "unknown"


@lru_cache(maxsize=16)
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _trusted(address: IpAddress, networks: Sequence) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def forwarded_client(peer: str | None, forwarded_for: Iterable[str], trusted: tuple[str, ...]) -> str:
    """The client's address for a request from ``peer`` carrying these X-Forwarded-For headers."""
    if peer is None:
        return UNKNOWN
    networks = _networks(trusted)
    peer_address = client_ip(peer)
    if not networks or peer_address is None or not _trusted(peer_address, networks):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = client_ip(hop)
        if address is None:
            return UNKNOWN
        client = str(address)
        if not _trusted(address, networks):
            return client
    # Every hop was a trusted proxy: the leftmost is as close to the client as is known.
    return client
