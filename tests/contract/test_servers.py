"""Server reads and disclosures against LocalService and RemoteService on SQLite and
PostgreSQL: the detail (configuration, addresses, actions from the server rule), revealing
credentials, IP-KVM sessions, the OS images. Demo servers are found by property."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlmodel import select

from backend.contract import Conflict, NotFound, OrderQuery, OrderStatus, PowerAction, PowerState, ServerDetail
from backend.db import read_session, write_session
from backend.domain import server_rules
from backend.domain.reverse_dns import default_reverse_dns
from backend.models import AuditLog, Customer, KvmSession, OsImage, Server, ServerJob, Tariff
from backend.security import hash_password, token_digest


async def demo_servers(service) -> list[ServerDetail]:  # noqa: ANN001
    rows = (await service.list_orders(OrderQuery(page_size=500))).items
    return [await service.get_server(row.server_id) for row in rows if row.server_id is not None]


async def a_server(service, **wanted) -> ServerDetail:  # noqa: ANN001, ANN003
    """The first demo server whose fields (or, for ``can``/``cannot``, actions) are as wanted."""
    can, cannot = wanted.pop("can", None), wanted.pop("cannot", None)
    for server in await demo_servers(service):
        if any(getattr(server, field) != value for field, value in wanted.items()):
            continue
        if can and not server.action(can).enabled or cannot and server.action(cannot).enabled:
            continue
        return server
    pytest.fail(f"the demo has no server with {wanted} can={can} cannot={cannot}")


def audit_entries(portal, action: str, server_id: int) -> list[dict]:  # noqa: ANN001
    with read_session(portal.engine) as session:
        rows = session.exec(
            select(AuditLog).where(AuditLog.action == action, AuditLog.entity_id == server_id).order_by(AuditLog.id)
        ).all()
    return [{"actor": row.actor, **json.loads(row.detail)} for row in rows]


def expected_address(service_kind: str) -> str:
    return "127.0.0.1" if service_kind == "remote" else "local"


async def test_the_demo_has_servers_in_every_state(service):
    servers = await demo_servers(service)
    assert {s.power_state for s in servers} >= {PowerState.ON, PowerState.OFF, PowerState.BLOCKED}
    assert {s.order_status for s in servers} == set(OrderStatus)
    assert {s.ipkvm for s in servers} == {True, False}
    assert any(not s.ipkvm and s.configuration.bandwidth == "1 Gbit/s" for s in servers)  # a dedicated one
    addresses = [a for s in servers for a in s.addresses]
    assert {a.version for a in addresses} == {4, 6}
    assert any(a.reverse_dns is None for a in addresses) and any(a.reverse_dns for a in addresses)


async def test_the_detail_describes_the_server(service, portal):
    for server in await demo_servers(service):
        with read_session(portal.engine) as session:
            row = session.get(Server, server.id)
            tariff = session.exec(select(Tariff).where(Tariff.name == (await service.get_order(server.order_id)).tariff)).one()
        configuration = server.configuration
        assert (configuration.cpu, configuration.ram_gb, configuration.disks) == (tariff.cpu, tariff.ram_gb, tariff.disk)
        assert configuration.bandwidth == tariff.bandwidth and "Gbit/s" in configuration.bandwidth
        assert configuration.traffic_included_tb == tariff.traffic_tb
        assert configuration.location == row.datacenter and configuration.os
        assert server.login_user == row.login_user and server.ipkvm == (row.ipkvm_url is not None)
        assert server.addresses[0].address == row.primary_ip
        for address in server.addresses:
            assert address.mac == row.mac
            assert address.default_reverse_dns == default_reverse_dns(address.address)
            assert address.netmask.startswith("/") == (address.version == 6)
        assert server.code_word_required is False
        assert "password" not in server.model_dump_json().lower().replace("password_", "")


async def test_actions_are_the_server_rules(service):
    for server in await demo_servers(service):
        assert server.actions == server_rules.server_action_states(
            order_status=server.order_status.value, power_state=server.power_state.value,
            active_job=None, has_ipkvm=server.ipkvm,
        )
    suspended = await a_server(service, order_status=OrderStatus.SUSPENDED)
    assert "suspended for non-payment" in suspended.action("reboot").reason
    assert not suspended.action("kvm").enabled and suspended.action("credentials").enabled


async def test_code_word_required_follows_the_customer(service, portal, demo_customer_id):
    with write_session(portal.engine) as session:
        session.get(Customer, demo_customer_id).code_word_hash = hash_password("swordfish")
    server = (await demo_servers(service))[0]
    assert server.code_word_required is True


async def test_reveal_credentials_decrypts_and_audits(service, service_kind, portal):
    server = await a_server(service, can="credentials")
    credentials = await service.reveal_credentials(server.id)
    with read_session(portal.engine) as session:
        stored = session.get(Server, server.id).password_encrypted
    assert credentials.password == portal.secrets.decrypt(stored) and len(credentials.password) >= 12
    assert credentials.password.encode() not in stored
    assert credentials.login_user == server.login_user
    (entry,) = audit_entries(portal, "server.credentials.reveal", server.id)
    assert entry["login"] == "demo" and entry["client_address"] == expected_address(service_kind)
    assert entry["actor"] == ("api" if service_kind == "remote" else "tui")
    assert credentials.password not in json.dumps(entry)


async def test_a_cancelled_servers_credentials_are_refused_with_the_rules_reason(service, portal):
    server = await a_server(service, order_status=OrderStatus.CANCELLED)
    state = server.action("credentials")
    assert state.enabled is False
    with pytest.raises(Conflict) as refused:
        await service.reveal_credentials(server.id)
    assert state.reason in str(refused.value)
    assert audit_entries(portal, "server.credentials.reveal", server.id) == []


async def test_a_kvm_session_is_issued_with_an_expiry_and_kept_hashed(service, service_kind, portal):
    server = await a_server(service, can="kvm")
    first = await service.request_kvm(server.id)
    second = await service.request_kvm(server.id)
    assert first.password != second.password and len(first.password) >= 20
    assert first.expires_at == portal.now() + timedelta(minutes=15) == portal.now() + portal.settings.kvm_session_ttl
    assert first.url.startswith("https://") and first.user
    with read_session(portal.engine) as session:
        rows = session.exec(select(KvmSession).where(KvmSession.server_id == server.id).order_by(KvmSession.id)).all()
    assert [row.password_hash for row in rows] == [token_digest(first.password), token_digest(second.password)]
    for row in rows:
        assert first.password not in str(row.model_dump()) and second.password not in str(row.model_dump())
        assert row.issued_by == "demo" and row.issued_from == expected_address(service_kind)
    entries = audit_entries(portal, "server.kvm_session", server.id)
    assert [e["kvm_session"] for e in entries] == [row.id for row in rows]
    assert all(first.password not in json.dumps(e) for e in entries)


@pytest.mark.parametrize(
    "wanted",
    [{"ipkvm": False, "order_status": OrderStatus.ACTIVE}, {"order_status": OrderStatus.SUSPENDED},
     {"order_status": OrderStatus.CANCELLED}],
    ids=["no-ipkvm", "suspended", "cancelled"],
)
async def test_kvm_is_refused_with_the_rules_reason(service, portal, wanted):
    server = await a_server(service, **wanted)
    state = server.action("kvm")
    assert state.enabled is False
    with pytest.raises(Conflict) as refused:
        await service.request_kvm(server.id)
    assert state.reason in str(refused.value)
    with read_session(portal.engine) as session:
        assert session.exec(select(KvmSession).where(KvmSession.server_id == server.id)).all() == []


async def test_os_images_are_the_active_ones_with_deprecated_marked(service, portal):
    with write_session(portal.engine) as session:
        session.add(OsImage(code="retired-1", name="Retired 1", family="linux", active=False))
    images = await service.os_images()
    codes = [image.code for image in images]
    assert "retired-1" not in codes and len(codes) == len(set(codes)) >= 5
    assert {image.deprecated for image in images} == {True, False}
    assert {image.family for image in images} >= {"linux", "bsd", "windows"}


async def test_other_customers_servers_are_not_found(service, other_service):
    server = await a_server(service, can="kvm")
    calls = [
        other_service.get_server(server.id),
        other_service.reveal_credentials(server.id),
        other_service.request_kvm(server.id),
        other_service.set_reverse_dns(server.id, server.addresses[0].address, ""),
    ]
    for call in calls:
        with pytest.raises(NotFound, match=f"server {server.id} not found"):
            await call
    with pytest.raises(NotFound, match="server 2147483647 not found"):
        await service.get_server(2**31 - 1)


async def test_the_detail_shows_the_servers_jobs_and_its_actions_wait_for_them(service, portal):
    server = await a_server(service, can="reboot")
    job = await service.power(server.id, PowerAction.REBOOT, uuid.uuid4().hex)
    busy = await service.get_server(server.id)
    assert busy.active_job is not None and busy.active_job.id == job.id and busy.recent_jobs == []
    for action_id in server_rules.JOB_ACTIONS:
        assert busy.action(action_id).enabled is False and f"job {job.id}" in busy.action(action_id).reason
    assert busy.action("credentials").enabled and busy.action("rdns").enabled

    with write_session(portal.engine) as session:  # as the job runner ends it
        row = session.get(ServerJob, job.id)
        row.state, row.progress, row.finished_at = "succeeded", 100, portal.now()
    done = await service.get_server(server.id)
    assert done.active_job is None and [j.id for j in done.recent_jobs] == [job.id]
    assert done.recent_jobs[0].started_by == "demo" and done.action("reboot").enabled
