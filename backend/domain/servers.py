"""A customer's servers: the detail screen, revealing the login credentials, reverse DNS, the
OS images on offer.

Whether an action is possible is ``server_rules``' decision: the detail carries it as hints,
and the calls here refuse with the same rule's reason.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from backend.contract import (
    NetworkAddress,
    NotFound,
    OsImageOption,
    PowerState,
    ServerConfiguration,
    ServerCredentials,
    ServerDetail,
)
from backend.db import read_session, write_session
from backend.domain import audit, server_rules
from backend.domain.order_rules import order_status
from backend.domain.reverse_dns import default_reverse_dns, normalise_reverse_dns
from backend.models import ACTIVE_JOB_STATES, Customer, OsImage, Server, ServerIp, ServerJob, ServiceOrder, Tariff
from backend.portal import Portal

# How many finished jobs the detail lists, newest first.
RECENT_JOBS = 5


@dataclass(frozen=True)
class OwnedServer:
    server: Server
    order: ServiceOrder
    customer: Customer


def owned_server(session: Session, customer_id: int, server_id: int, *, lock: bool = False) -> OwnedServer:
    """The customer's server, its order and the customer, the server row locked if asked;
    anyone else's server is simply not found."""
    statement = (
        select(Server, ServiceOrder, Customer)
        .join(ServiceOrder, Server.order_id == ServiceOrder.id)
        .join(Customer, ServiceOrder.customer_id == Customer.id)
        .where(Server.id == server_id, ServiceOrder.customer_id == customer_id)
    )
    if lock:
        statement = statement.with_for_update(of=Server)
    found = session.exec(statement).first()
    if found is None:
        raise NotFound(f"server {server_id} not found")
    return OwnedServer(*found)


def active_job(session: Session, server_id: int) -> ServerJob | None:
    return session.exec(
        select(ServerJob).where(ServerJob.server_id == server_id, ServerJob.state.in_(ACTIVE_JOB_STATES))
    ).first()


def rule_facts(session: Session, owned: OwnedServer) -> dict[str, Any]:
    """The arguments of ``server_rules.server_action_states`` for this server, as it is now."""
    return {
        "order_status": owned.order.status,
        "power_state": owned.server.power_state,
        "active_job": active_job(session, owned.server.id),
        "has_ipkvm": owned.server.ipkvm_url is not None,
    }


def require(session: Session, owned: OwnedServer, action_id: str) -> None:
    """Refuse with the rule's reason unless ``action_id`` is possible on the server now."""
    server_rules.require(owned.server.hostname, action_id, **rule_facts(session, owned))


def _address(server: Server, ip: ServerIp) -> NetworkAddress:
    return NetworkAddress(
        address=ip.address,
        version=ip.version,
        netmask=ip.netmask,
        gateway=ip.gateway,
        mac=server.mac,
        reverse_dns=ip.reverse_dns,
        default_reverse_dns=default_reverse_dns(ip.address),
    )


def _addresses(session: Session, server: Server) -> list[NetworkAddress]:
    """The main address first, then the other IPv4 addresses, then IPv6."""
    ips = session.exec(select(ServerIp).where(ServerIp.server_id == server.id).order_by(ServerIp.id)).all()
    ips = sorted(ips, key=lambda ip: (ip.address != server.primary_ip, ip.version, ip.id))
    return [_address(server, ip) for ip in ips]


def server_detail_in(session: Session, owned: OwnedServer) -> ServerDetail:
    # Imported here: server_jobs builds on this module (owned_server, require, active_job).
    from backend.domain.server_jobs import active_job_view, recent_job_views

    server, order = owned.server, owned.order
    tariff = session.get(Tariff, order.tariff_id)
    os_image = session.get(OsImage, server.os_image_id) if server.os_image_id is not None else None
    facts = rule_facts(session, owned)
    return ServerDetail(
        id=server.id,
        order_id=order.id,
        order_number=order.number,
        order_status=order_status(order.status),
        hostname=server.hostname,
        power_state=PowerState(server.power_state),
        configuration=ServerConfiguration(
            cpu=tariff.cpu,
            ram_gb=tariff.ram_gb,
            disks=tariff.disk,
            bandwidth=tariff.bandwidth,
            traffic_included_tb=tariff.traffic_tb,
            location=server.datacenter,
            os=os_image.name if os_image else None,
        ),
        login_user=server.login_user,
        addresses=_addresses(session, server),
        ipkvm=facts["has_ipkvm"],
        active_job=active_job_view(session, server.id),
        recent_jobs=recent_job_views(session, server.id, RECENT_JOBS),
        code_word_required=owned.customer.code_word_hash is not None,
        actions=server_rules.server_action_states(**facts),
    )


def get_server(portal: Portal, customer_id: int, server_id: int) -> ServerDetail:
    with read_session(portal.engine) as session:
        return server_detail_in(session, owned_server(session, customer_id, server_id))


def reveal_credentials(
    portal: Portal, customer_id: int, server_id: int, actor: str, client_address: str
) -> ServerCredentials:
    """The server's login and password, decrypted; every reveal is written to the audit trail
    (who, from where; never the password)."""
    now = portal.now()
    with write_session(portal.engine) as session:
        owned = owned_server(session, customer_id, server_id)
        require(session, owned, server_rules.CREDENTIALS)
        password = portal.secrets.decrypt(owned.server.password_encrypted)
        audit.record(
            session, at=now, customer_id=customer_id, actor=actor, action="server.credentials.reveal",
            entity="server", entity_id=owned.server.id, login=owned.customer.login, client_address=client_address,
        )
        return ServerCredentials(login_user=owned.server.login_user, password=password)


def _owned_address(session: Session, owned: OwnedServer, address: str, *, lock: bool) -> ServerIp:
    try:
        canonical = str(ipaddress.ip_address(address))
    except ValueError:
        raise NotFound(f"address {address} not found on server {owned.server.id}") from None
    statement = select(ServerIp).where(ServerIp.server_id == owned.server.id, ServerIp.address == canonical)
    if lock:
        statement = statement.with_for_update()
    ip = session.exec(statement).first()
    if ip is None:
        raise NotFound(f"address {address} not found on server {owned.server.id}")
    return ip


def set_reverse_dns(
    portal: Portal, customer_id: int, server_id: int, address: str, name: str, actor: str, client_address: str
) -> NetworkAddress:
    """Set (or, with an empty name, reset to the provider's default) the reverse DNS name of
    one of the server's addresses."""
    now = portal.now()
    with write_session(portal.engine) as session:
        owned = owned_server(session, customer_id, server_id)
        ip = _owned_address(session, owned, address, lock=True)
        require(session, owned, server_rules.RDNS)
        wanted = normalise_reverse_dns(name)
        if wanted == default_reverse_dns(ip.address):
            wanted = None
        previous, ip.reverse_dns = ip.reverse_dns, wanted
        audit.record(
            session, at=now, customer_id=customer_id, actor=actor, action="server.reverse_dns",
            entity="server", entity_id=owned.server.id, address=ip.address, previous=previous, name=wanted,
            login=owned.customer.login, client_address=client_address,
        )
        session.flush()
        return _address(owned.server, ip)


def os_images(portal: Portal) -> list[OsImageOption]:
    """The images a server can be reinstalled with; deprecated ones are marked."""
    with read_session(portal.engine) as session:
        images = session.exec(
            select(OsImage).where(OsImage.active.is_(True)).order_by(OsImage.family, OsImage.name)
        ).all()
    return [
        OsImageOption(code=image.code, name=image.name, family=image.family, deprecated=image.deprecated)
        for image in images
    ]
