"""Migration 0006 on a database with mail in it: old outbox rows get a state, a due time and a
Message-ID of their own; two mailboxes of one purpose (no longer allowed) leave the newest;
and the way back restores the old schema."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import text

from backend.domain.accounts import customer_id_for_login
from backend.migrate import is_current, migrate_to, upgrade
from tests.conftest import DEMO_LOGIN


def test_upgrading_keeps_old_mail_and_the_newest_mailbox_of_a_purpose(portal):
    engine = portal.engine
    demo = customer_id_for_login(portal, DEMO_LOGIN)
    migrate_to(engine, "0005_kvm_sessions")
    at = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM outbound_mail"))
        connection.execute(
            text("INSERT INTO mailbox (customer_id, address, purpose, created_at) VALUES (:c, :a, 'technical', :at)"),
            {"c": demo, "a": "noc@hoffmann-systemhaus.example", "at": at},
        )
        for sent_at in (at, None):
            connection.execute(
                text("INSERT INTO outbound_mail (customer_id, to_address, subject, body, created_at, sent_at, attempts)"
                     " VALUES (:c, 'a@example.com', 'old', 'body', :at, :sent, 0)"),
                {"c": demo, "at": at, "sent": sent_at},
            )
    upgrade(engine)
    assert is_current(engine)
    with engine.connect() as connection:
        technical = connection.execute(
            # Since 0009 a mailbox's purposes are its routes.
            text("SELECT m.address FROM mailbox m JOIN mailbox_route r ON r.mailbox_id = m.id "
                 "WHERE r.customer_id = :c AND r.purpose = 'technical'"), {"c": demo}
        ).scalars().all()
        old_mail = connection.execute(
            text("SELECT state, message_id, next_attempt_at IS NOT NULL FROM outbound_mail ORDER BY id")
        ).all()
    assert technical == ["noc@hoffmann-systemhaus.example"]
    assert [(row[0], row[2]) for row in old_mail] == [("sent", True), ("queued", True)]
    assert len({row[1] for row in old_mail}) == 2 and all(row[1].startswith("<mail.") for row in old_mail)

    migrate_to(engine, "0005_kvm_sessions")
    with engine.begin() as connection:
        # The old schema allows one address under two... and two addresses under one purpose again.
        connection.execute(
            text("INSERT INTO mailbox (customer_id, address, purpose, created_at) VALUES (:c, :a, 'technical', :at)"),
            {"c": demo, "a": "second@hoffmann-systemhaus.example", "at": at},
        )
    upgrade(engine)
    assert is_current(engine)
