"""IP-KVM sessions: console credentials issued on request, valid for a limited time.

The password is random, shown once in the answer and stored only as its digest with its
expiry; every issue is written to the audit trail.
"""

from __future__ import annotations

import secrets

from backend.contract import KvmSession
from backend.db import write_session
from backend.domain import audit, server_rules
from backend.domain.servers import owned_server, require
from backend.models import KvmSession as KvmSessionRow
from backend.portal import Portal
from backend.security import token_digest

# 144 bits, typed by hand into a console login at worst: 24 URL-safe characters.
PASSWORD_BYTES = 18


def request_kvm(portal: Portal, customer_id: int, server_id: int, actor: str, client_address: str) -> KvmSession:
    now = portal.now()
    with write_session(portal.engine) as session:
        owned = owned_server(session, customer_id, server_id, lock=True)
        require(session, owned, server_rules.KVM)
        server = owned.server
        password = secrets.token_urlsafe(PASSWORD_BYTES)
        row = KvmSessionRow(
            server_id=server.id,
            user=server.ipkvm_user or f"kvm-{server.id}",
            password_hash=token_digest(password),
            created_at=now,
            expires_at=now + portal.settings.kvm_session_ttl,
            issued_by=owned.customer.login,
            issued_from=client_address,
        )
        session.add(row)
        session.flush()
        audit.record(
            session, at=now, customer_id=customer_id, actor=actor, action="server.kvm_session",
            entity="server", entity_id=server.id, kvm_session=row.id, expires_at=row.expires_at,
            login=owned.customer.login, client_address=client_address,
        )
        return KvmSession(url=server.ipkvm_url, user=row.user, password=password, expires_at=row.expires_at)
