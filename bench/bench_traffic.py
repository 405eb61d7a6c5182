"""Benchmark: a server's traffic report (day, week, month, year) against a trivial query.

For each database (SQLite in a temporary directory; PostgreSQL too when
``HOSTUI_TEST_POSTGRES_URL`` names a server whose role may create databases) and each data
set, seeds a fresh portal and times, through the same ``LocalService`` the TUI uses:

* the floor, measured in the same run: ``account()``, a one-row read through the same path
  (worker thread, session, contract model);
* ``traffic(server, period)`` for day, week, month and year, for the demo's busiest server.

Data sets:

* ``demo``: what the first start seeds (``DemoSize()``: a year per server, the last 35 days
  in five-minute samples, hourly before) — the seeding time printed is the demo's;
* ``full year``: a year of five-minute samples for every server
  (``DemoSize(five_minute_days=365)``, about 105,000 samples per server).

Figures are milliseconds (median of several runs) against the floor; the seeding time is
reported too (no floor). Not a test and not timed against fixed limits: machines differ, the
ratios are what matter.

    .venv/bin/python -m bench.bench_traffic [--repeat 7]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from backend.contract import TrafficPeriod
from bench.report import Figure, Scale, print_table
from bench.timing import median_ms, on_each_database

REPEAT = {Scale.SMOKE: 1, Scale.FULL: 7}
FLOOR_LABEL = "account() (one row, same path)"


async def _bench(database_url: str, directory: Path, label: str, size, repeat: int) -> list[Figure]:  # noqa: ANN001
    from sqlalchemy import func
    from sqlmodel import select

    from backend.db import read_session
    from backend.demo import DEMO_NOW, ensure_demo
    from backend.domain.accounts import customer_id_for_login
    from backend.models import Server, ServiceOrder, TrafficSample
    from backend.portal import open_portal
    from backend.settings import Settings
    from hostui.services.local import LocalService

    portal = open_portal(Settings(database_url=database_url, secret_key_file=directory / "secret.key"),
                         clock=lambda: DEMO_NOW)
    try:
        start = time.perf_counter()
        ensure_demo(portal, size, now=DEMO_NOW)
        seeded = time.perf_counter() - start
        customer_id = customer_id_for_login(portal, "demo")
        with read_session(portal.engine) as session:
            per_server = session.exec(
                select(Server.id, Server.hostname, func.count())
                .join(ServiceOrder, Server.order_id == ServiceOrder.id)
                .join(TrafficSample, TrafficSample.server_id == Server.id)
                .where(ServiceOrder.customer_id == customer_id)
                .group_by(Server.id, Server.hostname)
            ).all()
            samples = session.exec(select(func.count()).select_from(TrafficSample)).one()
        server_id, _hostname, server_samples = max(per_server, key=lambda row: (row[2], -row[0]))
        service = LocalService(portal, customer_id)

        figures = [Figure("traffic", f"seeding, {samples:,} samples, {label}", seeded, "s")]
        floor = await median_ms(service.account, repeat)
        for period in TrafficPeriod:
            report = await service.traffic(server_id, period)
            ms = await median_ms(lambda period=period: service.traffic(server_id, period), repeat)
            what = f"{period.value} ({len(report.buckets)} {report.bucket}s), {server_samples:,} samples of one server, {label}"
            figures.append(Figure("traffic", what, ms, "ms", floor, FLOOR_LABEL))
        return figures
    finally:
        portal.dispose()


def data_sets(scale: Scale) -> list[tuple[str, object]]:
    from backend.demo import DemoSize

    if scale is Scale.SMOKE:
        return [("two days", DemoSize(traffic_days=2, five_minute_days=2))]
    return [("demo", DemoSize()), ("full year of five-minute samples", DemoSize(five_minute_days=365))]


def run(scale: Scale, repeat: int | None = None) -> list[Figure]:
    repeat = repeat or REPEAT[scale]
    figures: list[Figure] = []
    for name, size in data_sets(scale):
        figures += on_each_database(
            lambda url, path, label, size=size: _bench(url, path, label, size, repeat),
            f" · {name}", postgres=scale is Scale.FULL,
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per figure (default: %(default)s)")
    args = parser.parse_args(argv)
    print_table(run(Scale.FULL, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
