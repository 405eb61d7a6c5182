"""Claiming one row of a work queue (server jobs, the mail outbox) among several workers.

A worker claims a row by writing its name and a deadline into it. On PostgreSQL it first
picks a candidate with ``SELECT … FOR UPDATE SKIP LOCKED``, so workers racing for the queue
take different rows instead of queueing behind one lock; on SQLite, which has no row locks,
it looks without the write lock (an idle worker never blocks writers) and then claims with a
conditional ``UPDATE … WHERE id = ? AND <still claimable>`` whose row count says who won.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, update
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select

from backend.db import is_sqlite, read_session, write_session


def claim_next(
    engine: Engine,
    table: type[SQLModel],
    claimable: Sequence[ColumnElement[bool]],
    claim: Mapping[str, Any],
) -> int | None:
    """Claim the oldest row of ``table`` matching ``claimable`` by writing ``claim`` into it;
    its id, or None when there is none to take (or another worker took it first)."""
    row_id = table.id  # type: ignore[attr-defined]
    oldest = select(row_id).where(*claimable).order_by(row_id).limit(1)
    if is_sqlite(engine):
        with read_session(engine) as session:
            candidate = session.exec(oldest).first()
        if candidate is None:
            return None
    with write_session(engine) as session:
        if not is_sqlite(engine):
            candidate = session.exec(oldest.with_for_update(skip_locked=True)).first()
            if candidate is None:
                return None
        claimed = session.execute(update(table).where(row_id == candidate, *claimable).values(**claim))
        return candidate if claimed.rowcount == 1 else None
