"""Traffic reports: five-minute samples rolled up in the database, never loaded whole.

A report's buckets come from one ``GROUP BY`` over the server's samples in the window (an
index range on ``(server_id, at)``); Python only lays the few hundred grouped rows onto the
full list of bucket starts, so a bucket without samples reads as zero. The month's 95th
percentile is two ``ORDER BY ... LIMIT 1 OFFSET n`` queries, ``n`` from a ``COUNT``.

Everything is UTC. The windows end with the bucket that holds ``now`` (partly filled):

    day    24 hourly buckets      week   7 daily buckets
    month  30 daily buckets (rolling, so the chart is always full; the calendar month is
           what the billing figures below use)
    year   12 monthly buckets (calendar months)

Billing figures are for the current calendar month, whatever the period: the 95th
percentile (samples ordered descending, the top 5 % dropped, the next one taken; the
higher direction is billed) and the bytes used in and out against the tariff's included
traffic, counted in decimal units (1 TB = 10**12 bytes, ``backend.formatting``). Only
stored samples count: an interval without a sample (the server was not yet provisioned)
neither lowers the percentile nor adds bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import ColumnElement, func, literal_column
from sqlmodel import Session, select

from backend.contract import TrafficBucket, TrafficPeriod, TrafficReport
from backend.db import read_session
from backend.domain.periods import add_months
from backend.domain.servers import owned_server
from backend.formatting import BYTES_PER_TB
from backend.models import Tariff, TrafficSample
from backend.portal import Portal

SAMPLE_SECONDS = 300
"""One sample holds the bytes of five minutes."""
PERCENTILE_DROPPED_PERCENT = 5


@dataclass(frozen=True)
class Window:
    bucket: str
    """hour | day | month"""
    starts: list[datetime]
    """Each bucket's start, oldest first."""
    end: datetime
    """The end of the last bucket (exclusive)."""


def _month_start(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def report_window(period: TrafficPeriod, now: datetime) -> Window:
    """The buckets of a report for ``period`` seen at ``now`` (UTC)."""
    now = now.astimezone(timezone.utc)
    if period is TrafficPeriod.YEAR:
        current = _month_start(now)
        starts = [add_months(current, offset) for offset in range(-11, 1)]
        return Window("month", starts, add_months(current, 1))
    if period is TrafficPeriod.DAY:
        bucket, step, count = "hour", timedelta(hours=1), 24
        current = now.replace(minute=0, second=0, microsecond=0)
    else:
        bucket, step = "day", timedelta(days=1)
        count = 7 if period is TrafficPeriod.WEEK else 30
        current = now.replace(hour=0, minute=0, second=0, microsecond=0)
    starts = [current - step * back for back in range(count - 1, -1, -1)]
    return Window(bucket, starts, current + step)


# SQLite stores UTCDateTime as text ('2026-11-20 09:05:00.000000'), PostgreSQL as timestamptz.
_SQLITE_BUCKET_FORMATS = {
    "hour": "%Y-%m-%d %H:00:00",
    "day": "%Y-%m-%d 00:00:00",
    "month": "%Y-%m-01 00:00:00",
}


def bucket_start(column: ColumnElement, bucket: str, dialect: str) -> ColumnElement:
    """The SQL expression of the start of the ``bucket`` (hour, day, month) that holds a
    timestamp column, in UTC, for the database's dialect.

    The constants are inlined, not bound: PostgreSQL accepts a ``GROUP BY`` expression only
    when it is the selected one, and two bound parameters are two expressions to it.
    """
    if bucket not in _SQLITE_BUCKET_FORMATS:
        raise ValueError(f"unknown bucket {bucket!r}")
    if dialect == "sqlite":
        return func.strftime(literal_column(f"'{_SQLITE_BUCKET_FORMATS[bucket]}'"), column)
    if dialect == "postgresql":
        # AT TIME ZONE 'UTC' first: date_trunc on a timestamptz cuts in the session's zone.
        return func.date_trunc(literal_column(f"'{bucket}'"), column.op("AT TIME ZONE")(literal_column("'UTC'")))
    raise ValueError(f"no traffic bucket expression for the {dialect} dialect")


def _as_utc(value: datetime | str) -> datetime:
    """A bucket start as the database gave it (SQLite: text; PostgreSQL: naive UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        return value.astimezone(timezone.utc)
    return value.replace(tzinfo=timezone.utc)


def _in_range(server_id: int, start: datetime, end: datetime) -> list[ColumnElement]:
    return [TrafficSample.server_id == server_id, TrafficSample.at >= start, TrafficSample.at < end]


def rolled_up(session: Session, server_id: int, window: Window) -> list[TrafficBucket]:
    """Every bucket of the window, summed in the database; empty ones are zero."""
    start = bucket_start(TrafficSample.at, window.bucket, session.get_bind().dialect.name).label("bucket")
    rows = session.exec(
        select(start, func.sum(TrafficSample.rx_bytes), func.sum(TrafficSample.tx_bytes))
        .where(*_in_range(server_id, window.starts[0], window.end))
        .group_by(start)
    ).all()
    sums = {_as_utc(bucket): (int(rx), int(tx)) for bucket, rx, tx in rows}
    return [TrafficBucket(start=s, rx_bytes=sums.get(s, (0, 0))[0], tx_bytes=sums.get(s, (0, 0))[1])
            for s in window.starts]


def bytes_to_bps(sample_bytes: int) -> int:
    """A five-minute sample's bytes as the average bit rate over those five minutes (floor:
    the customer is never billed a fraction of a bit more than was sent)."""
    return sample_bytes * 8 // SAMPLE_SECONDS


def percentile95(session: Session, server_id: int, start: datetime, end: datetime) -> tuple[int, int]:
    """(inbound, outbound) 95th percentile in bit/s of the samples in [start, end)."""
    count = session.exec(select(func.count()).where(*_in_range(server_id, start, end))).one()
    if not count:
        return 0, 0
    dropped = count * PERCENTILE_DROPPED_PERCENT // 100  # 8,640 samples: drop 432, take the 433rd

    def kept_top(column: ColumnElement) -> int:
        return session.exec(
            select(column).where(*_in_range(server_id, start, end)).order_by(column.desc()).limit(1).offset(dropped)
        ).one()

    return bytes_to_bps(kept_top(TrafficSample.rx_bytes)), bytes_to_bps(kept_top(TrafficSample.tx_bytes))


def _used_bytes(session: Session, server_id: int, start: datetime, end: datetime) -> int:
    used = session.exec(
        select(func.sum(TrafficSample.rx_bytes + TrafficSample.tx_bytes)).where(*_in_range(server_id, start, end))
    ).one()
    return int(used or 0)


def _included_tb(session: Session, customer_id: int, server_id: int) -> int:
    """The server's included traffic in TB; NotFound unless the server is the customer's."""
    owned = owned_server(session, customer_id, server_id)
    return session.get(Tariff, owned.order.tariff_id).traffic_tb


def traffic_report(portal: Portal, customer_id: int, server_id: int, period: TrafficPeriod) -> TrafficReport:
    period = TrafficPeriod(period)
    now = portal.now().astimezone(timezone.utc)
    window = report_window(period, now)
    month_start = _month_start(now)
    month_end = add_months(month_start, 1)
    with read_session(portal.engine) as session:
        included_tb = _included_tb(session, customer_id, server_id)
        buckets = rolled_up(session, server_id, window)
        rx_bps, tx_bps = percentile95(session, server_id, month_start, month_end)
        month_used = _used_bytes(session, server_id, month_start, month_end)
    return TrafficReport(
        server_id=server_id,
        period=period,
        bucket=window.bucket,
        start=window.starts[0],
        end=window.end,
        buckets=buckets,
        rx_total=sum(b.rx_bytes for b in buckets),
        tx_total=sum(b.tx_bytes for b in buckets),
        percentile95_bps=max(rx_bps, tx_bps),
        percentile95_rx_bps=rx_bps,
        percentile95_tx_bps=tx_bps,
        month_used_bytes=month_used,
        included_bytes=included_tb * BYTES_PER_TB,
    )
