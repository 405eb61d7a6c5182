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


def test_a_sqlite_process_never_loads_the_postgresql_dialect(tmp_path):
    # The tables declare PostgreSQL's index predicates only once a PostgreSQL engine is made
    # (backend.models): the dialect is 2.3 MiB and 35 ms of every local start.
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)  # creating the schema runs the migrations, which speak PostgreSQL too
    engine.dispose()
    code = (  # every later start: the schema is current
        "import sys; from backend.portal import open_portal; from backend.settings import Settings; "
        "from backend.domain.invoices import list_invoices; from backend.contract import InvoiceQuery; "
        f"portal = open_portal(Settings(database_url={url!r})); list_invoices(portal, 1, InvoiceQuery()); "
        "assert 'sqlalchemy.dialects.postgresql' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_postgresql_engine_gives_the_partial_indexes_their_predicate():
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex
    from sqlmodel import SQLModel

    make_engine("postgresql+psycopg://nobody@127.0.0.1:1/nothing").dispose()  # no connection is made
    partial = [index for table in SQLModel.metadata.tables.values() for index in table.indexes
               if index.dialect_options["sqlite"]["where"] is not None]
    assert {index.name for index in partial} >= {"ux_invoice_one_unpaid_per_period", "ux_server_job_one_active"}
    for index in partial:
        on_sqlite = str(CreateIndex(index).compile(dialect=sqlite.dialect()))
        on_postgresql = str(CreateIndex(index).compile(dialect=postgresql.dialect()))
        assert " WHERE " in on_postgresql
        assert on_postgresql.split(" WHERE ")[1] == on_sqlite.split(" WHERE ")[1]
