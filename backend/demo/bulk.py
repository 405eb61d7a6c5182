"""Writing large volumes straight through the driver (executemany on SQLite, COPY on
PostgreSQL), never one ORM object at a time: history invoices and a year of traffic."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Table, func
from sqlmodel import Session, select

from backend.db_types import UTCDateTime
from backend.demo.catalogue import DEMO_NOW
from backend.models import TrafficSample

BULK_CHUNK = 10_000


def _chunks(rows: Sequence[Any], size: int = BULK_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _sqlite_utc(value: datetime | None) -> str | None:
    """UTCDateTime's SQLite storage format, without the generic processor's per-value overhead."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    v = value.astimezone(timezone.utc)
    return (f"{v.year:04d}-{v.month:02d}-{v.day:02d} "
            f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}")


def _bind_processor(column: Any, dialect: Any, sample: Any) -> Callable[[Any], Any] | None:
    """The column's bind processor; for UTC timestamps on SQLite a faster twin of it, used
    only after it has given the very same string as the official one for a sample value."""
    official = column.type.dialect_impl(dialect).bind_processor(dialect)
    if isinstance(column.type, UTCDateTime) and dialect.name == "sqlite" and official is not None:
        probe = sample if isinstance(sample, datetime) else DEMO_NOW
        if _sqlite_utc(probe) == official(probe):
            return _sqlite_utc
    return official


def _executemany(connection: Any, table: Table, keys: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert value tuples (already bind-processed) in chunks, as fast as the driver allows:
    COPY on PostgreSQL (psycopg), the DBAPI's executemany elsewhere."""
    dialect = connection.dialect
    preparer = dialect.identifier_preparer
    name = preparer.format_table(table)
    column_list = ", ".join(preparer.quote(key) for key in keys)
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        with connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {name} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {name} ({column_list}) VALUES ({', '.join([marker] * len(keys))})"
    for chunk in _chunks(rows):
        connection.exec_driver_sql(sql, list(chunk))


def bulk_insert(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows straight through the driver (see _executemany).

    Values are converted with each column's own bind processor, so what is stored is exactly
    what an ORM insert would store; SQLAlchemy's per-row statement machinery, which costs more
    than the database itself at these volumes, is skipped.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    keys = list(rows[0])
    columns = []
    for key in keys:
        process = _bind_processor(table.c[key], dialect, rows[0][key])
        values = [row[key] for row in rows]
        columns.append([process(value) for value in values] if process is not None else values)
    _executemany(connection, table, keys, list(zip(*columns)))


def max_id(session: Session, table: Table) -> int:
    return session.execute(select(func.max(table.c.id))).scalar() or 0


def ids_since(session: Session, table: Table, after_id: int, key: str) -> dict[Any, int]:
    """``{row[key]: id}`` for the rows with an id above ``after_id``: the ones just inserted.

    Multi-row ``INSERT ... RETURNING`` in parameter order degrades to one statement per row on
    SQLite, so bulk inserts go without RETURNING and their ids are read back by a unique key.
    """
    rows = session.execute(select(table.c[key], table.c.id).where(table.c.id > after_id))
    return {value: row_id for value, row_id in rows}


class TrafficWriter:
    """Writes traffic samples straight through the driver (see _executemany).

    The timestamps are converted once with the column's own bind processor (the very value
    an ORM insert would store) and shared by every server.
    """

    KEYS = ("server_id", "at", "rx_bytes", "tx_bytes")

    def __init__(self, session: Session, stamps: list[datetime]) -> None:
        self.connection = session.connection()
        dialect = self.connection.dialect
        process = _bind_processor(TrafficSample.__table__.c.at, dialect, stamps[0] if stamps else None)
        self.at_values = [process(t) for t in stamps] if process else list(stamps)

    def write(self, server_id: int, start: int, rx: list[int], tx: list[int]) -> int:
        rows = list(zip([server_id] * len(rx), self.at_values[start:], rx, tx))
        _executemany(self.connection, TrafficSample.__table__, self.KEYS, rows)
        return len(rows)
