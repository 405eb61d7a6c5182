"""The migrations and the tables must describe the same schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import backend.models  # noqa: F401
from backend import migrate
from backend.db import make_engine


def _assert_no_drift(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        assert migrate.is_current(engine)
        migrate.upgrade(engine)  # a second start is a no-op
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            drift = compare_metadata(context, SQLModel.metadata)
        assert drift == [], f"tables and migrations differ: {drift}"
    finally:
        engine.dispose()


def test_sqlite_schema_matches_models(tmp_path):
    _assert_no_drift(f"sqlite:///{tmp_path / 'schema.sqlite3'}")


@pytest.mark.postgres
def test_postgres_schema_matches_models():
    base = os.environ.get("HOSTUI_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("HOSTUI_TEST_POSTGRES_URL is not set")
    name = f"hostui_schema_{uuid.uuid4().hex[:8]}"
    admin = make_url(base).set(drivername="postgresql")
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        _assert_no_drift(make_url(base).set(database=name).render_as_string(hide_password=False))
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
