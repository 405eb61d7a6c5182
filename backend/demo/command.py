"""``python -m backend.demo``: write the demo data set into a database."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from backend.demo.catalogue import DEMO_LOGIN, DEMO_NOW, DEMO_PASSWORD, OTHER_LOGIN, OTHER_PASSWORD
from backend.demo.generator import DemoSize, _seed
from backend.portal import open_portal
from backend.settings import Settings

DESCRIPTION = "Write the deterministic demo data set (customers, orders, invoices, tickets, traffic)."


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend.demo", description=DESCRIPTION)
    parser.add_argument("--database", help="database URL (default: the portal's own database)")
    parser.add_argument("--secret-key-file", type=Path,
                        help="key that encrypts server passwords (default: beside the portal's data)")
    parser.add_argument("--invoices", type=int, default=None,
                        help="exactly this many invoices for the demo customer (default: ~3 years' worth)")
    parser.add_argument("--traffic-days", type=int, default=DemoSize.traffic_days,
                        help="days of traffic samples per server (default: %(default)s)")
    parser.add_argument("--five-minute-days", type=int, default=DemoSize.five_minute_days,
                        help="of those, the most recent days in five-minute samples; older days "
                             "get one sample per hour (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DemoSize.seed, help="random seed (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.invoices is not None and args.invoices < 0:
        parser.error("--invoices must not be negative")
    if args.traffic_days < 0:
        parser.error("--traffic-days must not be negative")
    if args.five_minute_days < 0:
        parser.error("--five-minute-days must not be negative")

    overrides: dict[str, Any] = {}
    if args.database:
        overrides["database_url"] = args.database
    if args.secret_key_file:
        overrides["secret_key_file"] = args.secret_key_file
    settings = dataclasses.replace(Settings(), **overrides)
    portal = open_portal(settings)
    try:
        report = _seed(portal, DemoSize(invoices=args.invoices, traffic_days=args.traffic_days,
                                        five_minute_days=args.five_minute_days, seed=args.seed), DEMO_NOW)
    finally:
        portal.dispose()
    if report is None:
        print(f"customer {DEMO_LOGIN!r} already exists in {settings.database_url}; nothing written")
        return 0
    print(f"demo data written to {settings.database_url} in {report.seconds:.1f} s "
          f"(now = {DEMO_NOW.isoformat()}, seed = {args.seed}):")
    for table, rows in report.counts.items():
        print(f"  {table:<20} {rows:>10,}")
    print(f"log in as {DEMO_LOGIN!r} / {DEMO_PASSWORD!r} (or {OTHER_LOGIN!r} / {OTHER_PASSWORD!r})")
    return 0
