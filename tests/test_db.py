"""The SQLite file: private to its owner, WAL mode, foreign keys enforced, writes serialized."""

from __future__ import annotations

import stat
from datetime import datetime, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from backend import migrate
from backend.db import make_engine, write_session
from backend.models import Invoice

JAN_1 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_sqlite_database_is_created_private_with_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "data" / "portal.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(engine)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with pytest.raises(IntegrityError):
            with write_session(engine) as session:  # customer 999 does not exist
                session.add(Invoice(customer_id=999, number="X-1", currency="EUR", net_minor=0,
                                    tax_minor=0, total_minor=0, issued_at=JAN_1, due_at=JAN_1))
    finally:
        engine.dispose()


def test_unsupported_database_url_is_refused():
    with pytest.raises(ValueError, match="unsupported database URL"):
        make_engine("mysql://example/portal")
