"""Engines, sessions and write transactions for SQLite and PostgreSQL.

Reads use an ordinary session. Anything that changes state runs in ``write_session``: on
SQLite it opens the transaction with ``BEGIN IMMEDIATE`` (the write lock is taken up front,
so two payments cannot both read "unpaid" and then both write); on PostgreSQL the domain
code locks the rows it changes with ``SELECT ... FOR UPDATE`` (``with_for_update()``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 30_000

# Connections kept open between requests. The API runs at most ``backend.api.app.API_THREADS``
# requests at once, plus the background workers; a pool smaller than that closes and reopens
# a connection (with its pragmas) on almost every request under load.
POOL_SIZE = 20
POOL_OVERFLOW = 20


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (sqlite:///... or postgresql+psycopg://...)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            _create_private_file(Path(database))
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
        )
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        # The tables' PostgreSQL-only index predicates (see backend.models), now that this
        # process uses the dialect anyway.
        from backend.models import attach_postgresql_predicates

        attach_postgresql_predicates()
        return create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:/// or postgresql+psycopg://")


def _create_private_file(path: Path) -> None:
    """Create the database file readable by its owner only (SQLite gives its -wal and -shm
    files the same mode): it holds password hashes and encrypted server credentials."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        # Straight to the driver: every read pays for its BEGIN, and SQLAlchemy's statement
        # path (events, cursor wrapping, result set-up) cost more than the BEGIN itself. Its
        # errors are wrapped as that path would (a locked database is an OperationalError,
        # which the API answers with 503).
        statement = f"BEGIN {mode}"
        try:
            connection.connection.driver_connection.execute(statement)
        except sqlite3.Error as error:
            raise DBAPIError.instance(statement, None, error, sqlite3.Error, dialect=connection.dialect) from error


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A read of Core statements only: one transaction (a consistent snapshot across its
    statements), rolled back at the end. Cheaper than a Session, which a list of plain
    columns does not need."""
    with engine.connect() as connection:
        yield connection


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: committed when the block ends, rolled back on any exception."""
    bind = engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine
    with Session(bind, expire_on_commit=False) as session:
        with session.begin():
            yield session
