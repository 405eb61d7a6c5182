"""Writing large volumes straight through the driver (executemany on SQLite, COPY on
PostgreSQL), never one ORM object at a time: history invoices and a year of traffic."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
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


def insert_tuples(connection: Any, table: Table, keys: Sequence[str], rows: Sequence[tuple]) -> None:
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
    """Insert many rows straight through the driver (see insert_tuples).

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
    insert_tuples(connection, table, keys, list(zip(*columns)))


def max_id(session: Session, table: Table) -> int:
    return session.execute(select(func.max(table.c.id))).scalar() or 0


def reserve_ids(session: Session, table: Table, count: int) -> int:
    """The first of ``count`` consecutive ids nobody else will use, for rows inserted with
    explicit ids (reading a million generated ids back would cost more than writing them).

    On SQLite the write transaction already excludes every other writer. On PostgreSQL the
    table is locked against other writers until the transaction ends, and its id sequence is
    moved past the range, so rows inserted later the ordinary way get the ids after it.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        name = connection.dialect.identifier_preparer.format_table(table)
        connection.exec_driver_sql(f"LOCK TABLE {name} IN EXCLUSIVE MODE")
    first = max_id(session, table) + 1
    if connection.dialect.name == "postgresql" and count:
        connection.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence(%(table)s, 'id'), %(last)s)",
            {"table": table.name, "last": first + count - 1},
        )
    return first


def ids_since(session: Session, table: Table, after_id: int, key: str) -> dict[Any, int]:
    """``{row[key]: id}`` for the rows with an id above ``after_id``: the ones just inserted.

    Multi-row ``INSERT ... RETURNING`` in parameter order degrades to one statement per row on
    SQLite, so bulk inserts go without RETURNING and their ids are read back by a unique key.
    """
    rows = session.execute(select(table.c[key], table.c.id).where(table.c.id > after_id))
    return {value: row_id for value, row_id in rows}


@contextmanager
def checked_after_load(session: Session, tables: Sequence[Table]) -> Iterator[None]:
    """The tables' secondary indexes (and on PostgreSQL their foreign keys) dropped for a bulk
    load and made again from their own stored definitions after it, in the same transaction:
    one sorted build per index and one validating join per key, instead of an index insert
    per row and index and, on PostgreSQL, a trigger call per row and key. Primary keys and
    unique constraints stay. Other sessions wait for the tables until the transaction ends.
    """
    connection = session.connection()
    names = [table.name for table in tables]
    if connection.dialect.name == "sqlite":
        drop, make = _sqlite_indexes(connection, names)
    elif connection.dialect.name == "postgresql":
        drop, make = _postgres_keys_and_indexes(connection, names)
    else:
        drop, make = [], []
    for statement in drop:
        connection.exec_driver_sql(statement)
    yield
    for statement in make:
        connection.exec_driver_sql(statement)


def _sqlite_indexes(connection: Any, names: list[str]) -> tuple[list[str], list[str]]:
    # Indexes of UNIQUE constraints have no SQL of their own and stay.
    rows = connection.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({', '.join('?' * len(names))}) ORDER BY name", tuple(names),
    ).all()
    quote = connection.dialect.identifier_preparer.quote
    return [f"DROP INDEX {quote(name)}" for name, _ in rows], [sql for _, sql in rows]


def _postgres_keys_and_indexes(connection: Any, names: list[str]) -> tuple[list[str], list[str]]:
    keys = connection.exec_driver_sql(
        "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND conrelid::regclass::text = ANY(%(names)s) ORDER BY oid", {"names": names},
    ).all()
    indexes = connection.exec_driver_sql(  # not those of primary keys and constraints
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
        " WHERE indrelid::regclass::text = ANY(%(names)s) AND NOT indisprimary"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid) ORDER BY indexrelid",
        {"names": names},
    ).all()
    drop = [f"ALTER TABLE {table} DROP CONSTRAINT {name}" for table, name, _ in keys]
    drop += [f"DROP INDEX {index}" for index, _ in indexes]
    make = [definition for _, definition in indexes]
    make += [f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}" for table, name, definition in keys]
    return drop, make


class UtcStamps:
    """A UTC timestamp column's stored value for a moment given in whole seconds since the
    epoch, at a fraction of the cost of making a datetime and binding it: the text is put
    together from a cached day and a cached time of day.

    Used only after it has given the very value the column's own bind processor gives (on
    SQLite the same text; on PostgreSQL text naming the same instant, with its offset, so
    the server's time zone does not matter) for a few probe moments; otherwise every value
    goes through the official processor.
    """

    DAY = 86_400
    _EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
    _PROBES = (0, 951_782_400, 1_763_629_199, 1_798_761_599, 4_107_542_399)  # leap days, year ends

    def __init__(self, column: Any, dialect: Any) -> None:
        self._official = column.type.dialect_impl(dialect).bind_processor(dialect)
        self._days: dict[int, str] = {}
        offset = "+00:00" if dialect.name == "postgresql" else ""
        self._times = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000{offset}" for s in range(self.DAY)]
        self.fast = dialect.name in ("sqlite", "postgresql") and all(
            self._agrees(self._fast(moment), self.official(moment), dialect.name) for moment in self._PROBES
        )
        self.of = self._fast if self.fast else self.official

    def official(self, seconds: int) -> Any:
        moment = self._EPOCH + timedelta(seconds=seconds)
        return self._official(moment) if self._official is not None else moment

    def _fast(self, seconds: int) -> str:
        day, second = divmod(seconds, self.DAY)
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = date.fromordinal(719_163 + day).isoformat()  # 719,163: 1970-01-01
        return text + self._times[second]

    @staticmethod
    def _agrees(fast: str, official: Any, dialect_name: str) -> bool:
        if dialect_name == "sqlite":
            return fast == official
        return isinstance(official, datetime) and datetime.fromisoformat(fast) == official


class TrafficWriter:
    """Writes traffic samples straight through the driver (see insert_tuples).

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
        insert_tuples(self.connection, TrafficSample.__table__, self.KEYS, rows)
        return len(rows)
