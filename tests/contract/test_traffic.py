"""The traffic report, against LocalService and RemoteService on SQLite and PostgreSQL: buckets
rolled up in the database compared with hand-computed ones, the 95th percentile of known
distributions, the billing figures, and isolation.

The clock is DEMO_NOW (2026-11-20 09:00 UTC), so the windows are fixed:
day   2026-11-19 10:00 .. 2026-11-20 09:00 (24 hours)   week  2026-11-14 .. 2026-11-20
month 2026-10-22 .. 2026-11-20 (30 days)                year  2025-12 .. 2026-11
and the billing month is November 2026.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine
from sqlmodel import delete, select

from backend.contract import NotFound, TrafficBucket, TrafficPeriod
from backend.db import read_session, write_session
from backend.demo.bulk import bulk_insert
from backend.domain.traffic import percentile95, report_window, traffic_report
from backend.models import Server, ServiceOrder, Tariff, TrafficSample
from backend.portal import Portal

UTC = timezone.utc
FIVE_MINUTES = timedelta(minutes=5)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def put_samples(portal, server_id: int, samples: dict[datetime, tuple[int, int]]) -> None:  # noqa: ANN001
    rows = [{"server_id": server_id, "at": moment, "rx_bytes": rx, "tx_bytes": tx}
            for moment, (rx, tx) in sorted(samples.items())]
    with write_session(portal.engine) as session:
        bulk_insert(session, TrafficSample.__table__, rows)


def first_active_server(session, customer_id: int) -> int:  # noqa: ANN001
    return session.exec(
        select(Server.id).join(ServiceOrder, Server.order_id == ServiceOrder.id)
        .where(ServiceOrder.customer_id == customer_id, ServiceOrder.status == "active")
        .order_by(Server.id)
    ).first()


@pytest.fixture
def quiet_server(portal, demo_customer_id) -> int:  # noqa: ANN001
    """A server of "demo" with no traffic samples at all (the demo's are deleted)."""
    with write_session(portal.engine) as session:
        server_id = first_active_server(session, demo_customer_id)
        session.exec(delete(TrafficSample).where(TrafficSample.server_id == server_id))
    return server_id


# Known samples around every window edge; (rx, tx) bytes.
SAMPLES = {
    at(2025, 11, 30, 23, 55): (99_999, 99_999),  # before the year window
    at(2025, 12, 1): (9, 8),                    # the year's first bucket
    at(2026, 10, 21, 23, 55): (1, 2),           # before the month window, in October
    at(2026, 10, 22): (11, 22),                 # the month window's first day
    at(2026, 10, 31, 23, 55): (70, 80),         # October's last interval: not this month's usage
    at(2026, 11, 1): (500, 600),                # November's first interval
    at(2026, 11, 13, 23, 55): (30, 40),         # before the week window
    at(2026, 11, 14): (3, 4),                   # the week window's first day
    at(2026, 11, 19, 9, 55): (5_000, 50),       # before the day window, on its first day
    at(2026, 11, 19, 10): (1_000, 10),          # the day window's first hour
    at(2026, 11, 20, 8): (200, 2),              # the current day's 08:00 hour ...
    at(2026, 11, 20, 8, 55): (100, 1),          # ... and its last interval before now
}


def every(start: datetime, step: timedelta, count: int) -> list[datetime]:
    return [start + step * i for i in range(count)]


# Per period: the bucket, every bucket start, the end, and the non-zero buckets summed by hand
# from SAMPLES.
EXPECTED = {
    TrafficPeriod.DAY: ("hour", every(at(2026, 11, 19, 10), timedelta(hours=1), 24), at(2026, 11, 20, 10), {
        at(2026, 11, 19, 10): (1_000, 10),
        at(2026, 11, 20, 8): (300, 3),
    }),
    TrafficPeriod.WEEK: ("day", every(at(2026, 11, 14), timedelta(days=1), 7), at(2026, 11, 21), {
        at(2026, 11, 14): (3, 4),
        at(2026, 11, 19): (6_000, 60),
        at(2026, 11, 20): (300, 3),
    }),
    TrafficPeriod.MONTH: ("day", every(at(2026, 10, 22), timedelta(days=1), 30), at(2026, 11, 21), {
        at(2026, 10, 22): (11, 22),
        at(2026, 10, 31): (70, 80),
        at(2026, 11, 1): (500, 600),
        at(2026, 11, 13): (30, 40),
        at(2026, 11, 14): (3, 4),
        at(2026, 11, 19): (6_000, 60),
        at(2026, 11, 20): (300, 3),
    }),
    TrafficPeriod.YEAR: ("month", [at(2025, 12, 1)] + [at(2026, m, 1) for m in range(1, 12)], at(2026, 12, 1), {
        at(2025, 12, 1): (9, 8),
        at(2026, 10, 1): (82, 104),
        at(2026, 11, 1): (6_833, 707),
    }),
}
TOTALS = {
    TrafficPeriod.DAY: (1_300, 13),
    TrafficPeriod.WEEK: (6_303, 67),
    TrafficPeriod.MONTH: (6_914, 809),
    TrafficPeriod.YEAR: (6_924, 819),
}


@pytest.mark.parametrize("period", list(TrafficPeriod))
async def test_every_bucket_is_summed_in_the_database_as_by_hand(service, portal, quiet_server, period):
    put_samples(portal, quiet_server, SAMPLES)
    report = await service.traffic(quiet_server, period)
    bucket, starts, end, filled = EXPECTED[period]
    assert (report.server_id, report.period, report.bucket) == (quiet_server, period, bucket)
    assert (report.start, report.end) == (starts[0], end)
    assert report.buckets == [
        TrafficBucket(start=s, rx_bytes=filled.get(s, (0, 0))[0], tx_bytes=filled.get(s, (0, 0))[1]) for s in starts
    ]
    assert (report.rx_total, report.tx_total) == TOTALS[period]


async def test_usage_counts_this_calendar_month_against_the_tariff(service, portal, quiet_server):
    put_samples(portal, quiet_server, SAMPLES)
    with write_session(portal.engine) as session:
        tariff = session.exec(
            select(Tariff).join(ServiceOrder, ServiceOrder.tariff_id == Tariff.id)
            .join(Server, Server.order_id == ServiceOrder.id).where(Server.id == quiet_server)
        ).one()
        tariff.traffic_tb = 7
    for period in TrafficPeriod:
        report = await service.traffic(quiet_server, period)
        assert report.month_used_bytes == 6_833 + 707  # November only, whatever the period
        assert report.included_bytes == 7_000_000_000_000  # TB = 10**12 bytes


async def test_a_server_without_samples_reads_zero_everywhere(service, quiet_server):
    report = await service.traffic(quiet_server, TrafficPeriod.YEAR)
    assert len(report.buckets) == 12
    assert all(b.rx_bytes == b.tx_bytes == 0 for b in report.buckets)
    assert (report.rx_total, report.tx_total, report.month_used_bytes) == (0, 0, 0)
    assert (report.percentile95_bps, report.percentile95_rx_bps, report.percentile95_tx_bps) == (0, 0, 0)


async def test_95th_percentile_drops_the_top_5_percent_and_bills_the_higher_direction(
    service, portal, quiet_server
):
    # 5,000 intervals of November, values 1..5,000 in shuffled order. 375 bytes in five
    # minutes is 10 bit/s, so a sample of value v is 10 v bit/s in and 20 v bit/s out.
    values = list(range(1, 5_001))
    random.Random(95).shuffle(values)
    samples = {at(2026, 11, 1) + FIVE_MINUTES * i: (v * 375, v * 750) for i, v in enumerate(values)}
    # October's much larger samples must not count towards November's percentile.
    samples |= {at(2026, 10, 31, 23, 55) - FIVE_MINUTES * i: (10**12, 10**12) for i in range(500)}
    put_samples(portal, quiet_server, samples)
    report = await service.traffic(quiet_server, TrafficPeriod.DAY)
    # 5,000 samples: 250 dropped (5,000 down to 4,751), the 251st highest is 4,750.
    assert report.percentile95_rx_bps == 47_500
    assert report.percentile95_tx_bps == 95_000
    assert report.percentile95_bps == 95_000


def test_95th_percentile_of_a_full_30_day_month(portal, quiet_server):
    """8,640 samples (30 days of five minutes): drop 432, take the 433rd highest."""
    values = list(range(1, 8_641))
    random.Random(30).shuffle(values)
    september = at(2026, 9, 1)
    samples = {september + FIVE_MINUTES * i: (v * 375, (8_641 - v) * 375) for i, v in enumerate(values)}
    samples[at(2026, 10, 1)] = (10**12, 10**12)  # the next month's first sample is not September's
    put_samples(portal, quiet_server, samples)
    with read_session(portal.engine) as session:
        rx_bps, tx_bps = percentile95(session, quiet_server, september, at(2026, 10, 1))
    assert rx_bps == tx_bps == (8_640 - 432) * 10


async def test_a_few_samples_keep_the_highest_when_none_are_dropped(service, portal, quiet_server):
    # 19 samples: 5 % is 0.95 of a sample, so nothing is dropped and the top one is billed.
    put_samples(portal, quiet_server, {at(2026, 11, 2) + FIVE_MINUTES * i: (375 * (i + 1), 0) for i in range(19)})
    report = await service.traffic(quiet_server, TrafficPeriod.WEEK)
    assert report.percentile95_bps == report.percentile95_rx_bps == 190
    put_samples(portal, quiet_server, {at(2026, 11, 3): (0, 0)})  # the 20th drops exactly one
    report = await service.traffic(quiet_server, TrafficPeriod.WEEK)
    assert report.percentile95_rx_bps == 180


async def test_the_demo_servers_have_traffic(service, portal, demo_customer_id):
    with read_session(portal.engine) as session:
        server_id = first_active_server(session, demo_customer_id)
    report = await service.traffic(server_id, TrafficPeriod.DAY)
    assert all(b.rx_bytes > 0 and b.tx_bytes > 0 for b in report.buckets[:-1])
    assert report.percentile95_bps > 0 and report.month_used_bytes >= report.rx_total + report.tx_total


async def test_another_customers_server_is_not_found(service, other_service, quiet_server):
    for period in TrafficPeriod:
        with pytest.raises(NotFound, match=f"server {quiet_server} not found"):
            await other_service.traffic(quiet_server, period)
    with pytest.raises(NotFound, match="server 999999 not found"):
        await service.traffic(999_999, TrafficPeriod.DAY)


def test_buckets_are_utc_whatever_the_database_sessions_zone(portal, demo_customer_id, quiet_server):
    """PostgreSQL's date_trunc cuts a timestamptz in the session's zone; the report must not."""
    if portal.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no session time zone")
    # 12:00 UTC on the 18th is already the 19th in Chatham (UTC+13:45).
    put_samples(portal, quiet_server, SAMPLES | {at(2026, 11, 18, 12): (7, 7)})
    zoned = create_engine(portal.engine.url, connect_args={"options": "-c TimeZone=Pacific/Chatham"})  # UTC+13:45
    try:
        elsewhere = Portal(engine=zoned, settings=portal.settings, clock=portal.clock)
        expected = traffic_report(portal, demo_customer_id, quiet_server, TrafficPeriod.WEEK)
        assert traffic_report(elsewhere, demo_customer_id, quiet_server, TrafficPeriod.WEEK) == expected
        assert expected.buckets[-3:-1] == [TrafficBucket(start=at(2026, 11, 18), rx_bytes=7, tx_bytes=7),
                                           TrafficBucket(start=at(2026, 11, 19), rx_bytes=6_000, tx_bytes=60)]
    finally:
        zoned.dispose()


@pytest.mark.parametrize(
    ("period", "now", "first", "last", "end"),
    [
        (TrafficPeriod.DAY, at(2028, 3, 1, 0, 4), at(2028, 2, 29, 1), at(2028, 3, 1), at(2028, 3, 1, 1)),
        (TrafficPeriod.WEEK, at(2027, 1, 2, 23, 59), at(2026, 12, 27), at(2027, 1, 2), at(2027, 1, 3)),
        (TrafficPeriod.MONTH, at(2028, 3, 1, 12), at(2028, 2, 1), at(2028, 3, 1), at(2028, 3, 2)),
        (TrafficPeriod.YEAR, at(2026, 1, 31, 23, 59), at(2025, 2, 1), at(2026, 1, 1), at(2026, 2, 1)),
        (TrafficPeriod.YEAR, at(2026, 12, 1), at(2026, 1, 1), at(2026, 12, 1), at(2027, 1, 1)),
    ],
)
def test_windows_across_month_year_and_leap_day_edges(period, now, first, last, end):
    window = report_window(period, now)
    assert (window.starts[0], window.starts[-1], window.end) == (first, last, end)
    assert len(window.starts) == {"day": 24, "week": 7, "month": 30, "year": 12}[period.value]
    assert window.starts == sorted(set(window.starts))
