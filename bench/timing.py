"""What every benchmark here measures with: the median of several timed runs after a warm-up,
on SQLite and, when ``HOSTUI_TEST_POSTGRES_URL`` names a server, on PostgreSQL too."""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

POSTGRES_ENV = "HOSTUI_TEST_POSTGRES_URL"

T = TypeVar("T")


async def median_ms(call: Callable[[], Awaitable[object]], repeat: int) -> float:
    """Milliseconds of ``call``, the median of ``repeat`` runs after one untimed warm-up
    (connection pool, statement cache, page cache)."""
    await call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        await call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


@contextmanager
def postgres_database(base: str) -> Iterator[str]:
    """A fresh PostgreSQL database on the server of ``base``, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"hostui_bench_{uuid.uuid4().hex[:12]}"
    admin = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def on_each_database(
    bench: Callable[[str, Path, str], Awaitable[list[T]]], suffix: str = "", *, postgres: bool = True
) -> list[T]:
    """What ``bench(database_url, directory, label)`` measures on a fresh SQLite file, then on
    a fresh PostgreSQL database when ``HOSTUI_TEST_POSTGRES_URL`` is set (and say so when it is
    not); ``postgres=False``: SQLite only (the smoke size)."""
    server = os.environ.get(POSTGRES_ENV) or None
    if server is None and postgres:
        print(f"PostgreSQL: skipped ({POSTGRES_ENV} is not set)")
    with tempfile.TemporaryDirectory(prefix="hostui-bench-") as directory:
        path = Path(directory)
        measured = asyncio.run(bench(f"sqlite:///{path / 'portal.sqlite3'}", path, f"SQLite{suffix}"))
        if server is not None and postgres:
            with postgres_database(server) as url:
                measured += asyncio.run(bench(url, path, f"PostgreSQL{suffix}"))
    return measured
