"""Servers: the detail, credentials, IP-KVM sessions, reverse DNS, the OS images on offer.
Thin adapters: every rule lives in backend.domain.

Revealing credentials and issuing a KVM session are POSTs: each is an audited disclosure, not
a read a cache or a prefetch may repeat.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from backend.api.deps import ACTOR, ClientAddressDep, CustomerDep, PortalDep
from backend.api.openapi import error_responses
from backend.api.params import RowId
from backend.api.routing import ThreadedEndpointRoute
from backend.contract import (
    KvmSession,
    NetworkAddress,
    OsImageOption,
    ReverseDnsRequest,
    ServerCredentials,
    ServerDetail,
)
from backend.domain import kvm, servers

router = APIRouter(prefix="/api/v1", tags=["servers"], route_class=ThreadedEndpointRoute)


@router.get("/servers/{server_id}", response_model=ServerDetail)
def get_server(server_id: RowId, portal: PortalDep, customer_id: CustomerDep) -> ServerDetail:
    return servers.get_server(portal, customer_id, server_id)


@router.post("/servers/{server_id}/credentials", response_model=ServerCredentials, responses=error_responses(409))
def reveal_credentials(
    server_id: RowId, portal: PortalDep, customer_id: CustomerDep, client_address: ClientAddressDep
) -> ServerCredentials:
    """The server's login and password; each reveal is written to the audit trail."""
    return servers.reveal_credentials(portal, customer_id, server_id, ACTOR, client_address)


@router.post(
    "/servers/{server_id}/kvm-sessions",
    response_model=KvmSession,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(409),
)
def request_kvm(
    server_id: RowId, portal: PortalDep, customer_id: CustomerDep, client_address: ClientAddressDep
) -> KvmSession:
    """Fresh IP-KVM credentials, valid until ``expires_at``; 409 where the server has no IP-KVM."""
    return kvm.request_kvm(portal, customer_id, server_id, ACTOR, client_address)


@router.put(
    "/servers/{server_id}/addresses/{address}/reverse-dns",
    response_model=NetworkAddress,
    responses=error_responses(409),
)
def set_reverse_dns(
    server_id: RowId,
    address: str,
    body: ReverseDnsRequest,
    portal: PortalDep,
    customer_id: CustomerDep,
    client_address: ClientAddressDep,
) -> NetworkAddress:
    """Set the reverse DNS name of one of the server's addresses; an empty name resets it to
    the provider's default. A refused name answers 422 naming the rule it breaks."""
    return servers.set_reverse_dns(portal, customer_id, server_id, address, body.name, ACTOR, client_address)


@router.get("/os-images", response_model=list[OsImageOption])
def os_images(portal: PortalDep, customer_id: CustomerDep) -> list[OsImageOption]:  # noqa: ARG001 - login required
    return servers.os_images(portal)
