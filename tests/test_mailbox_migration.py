"""Migration 0009 on a database with mailboxes: one address routed to several purposes
becomes one mailbox with several routes (whatever the case of its spelling), and the way back
makes one row per purpose again, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import text

from backend.db import read_session
from backend.domain.accounts import customer_id_for_login
from backend.domain.mailboxes import mailboxes_of
from backend.migrate import is_current, migrate_to, upgrade
from tests.conftest import DEMO_LOGIN

AT = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)


def _rows_by_purpose(engine, customer_id: int) -> dict[str, str]:  # noqa: ANN001
    with engine.connect() as connection:
        return dict(
            connection.execute(
                text("SELECT purpose, address FROM mailbox WHERE customer_id = :c"), {"c": customer_id}
            ).all()
        )


def test_one_address_of_several_purposes_becomes_one_mailbox_and_back(portal):
    engine = portal.engine
    demo = customer_id_for_login(portal, DEMO_LOGIN)
    migrate_to(engine, "0008_settings_renewal")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM mailbox WHERE customer_id = :c"), {"c": demo})
        for address, purpose in (
            ("ops@hoffmann-systemhaus.example", "technical"),
            ("OPS@hoffmann-systemhaus.example", "mailing"),
            ("buchhaltung@hoffmann-systemhaus.example", "billing"),
        ):
            connection.execute(
                text("INSERT INTO mailbox (customer_id, address, purpose, created_at) VALUES (:c, :a, :p, :at)"),
                {"c": demo, "a": address, "p": purpose, "at": AT},
            )
    before = _rows_by_purpose(engine, demo)

    upgrade(engine)
    assert is_current(engine)
    with read_session(engine) as session:
        found = {m.address: [c.value for c in m.categories] for m in mailboxes_of(session, demo)}
    assert found == {
        "ops@hoffmann-systemhaus.example": ["technical", "mailings"],
        "buchhaltung@hoffmann-systemhaus.example": ["invoices"],
    }

    migrate_to(engine, "0008_settings_renewal")
    after = _rows_by_purpose(engine, demo)
    assert after == {**before, "mailing": "ops@hoffmann-systemhaus.example"}  # the kept spelling
    upgrade(engine)
    assert is_current(engine)
