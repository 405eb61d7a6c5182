"""``hostui traffic ORDER``: a server's traffic on the command line.

    hostui traffic ORDER [--period day|week|month|year] [--json]

ORDER is the order number as printed (``ORD-104825``). The table has one row per bucket
(hours of the last day, days of the last week or 30 days, months of the last year; UTC) with
bytes in, out and both in decimal units (1 GB = 10**9 bytes), then the totals, this calendar
month's 95th percentile and the month's usage against the traffic the tariff includes.
``--json`` prints the contract's ``TrafficReport`` exactly (bytes as integers).
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta

from backend.contract import NotFound, OrderRow, PortalService, TrafficPeriod, TrafficReport
from backend.formatting import format_bitrate, format_bytes, format_date
from hostui.commands._common import EXIT_OK, profile_option, run_with_service
from hostui.commands._output import Column, key_values, print_json, table

__all__ = ["register"]

PERIOD_WORDS = {
    TrafficPeriod.DAY: "the last 24 hours, hourly",
    TrafficPeriod.WEEK: "the last 7 days, daily",
    TrafficPeriod.MONTH: "the last 30 days, daily",
    TrafficPeriod.YEAR: "the last 12 months, monthly",
}
BUCKET_TITLES = {"hour": "Hour (UTC)", "day": "Day (UTC)", "month": "Month (UTC)"}


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``traffic`` to the ``hostui`` parser's subcommands."""
    parser = commands.add_parser("traffic", parents=[profile_option()],
                                 help="a server's traffic in and out, its 95th percentile and usage")
    parser.add_argument("number", metavar="ORDER", help="the order number as printed, e.g. ORD-104825")
    parser.add_argument("--period", choices=[p.value for p in TrafficPeriod], default=TrafficPeriod.MONTH.value,
                        help="day: 24 hours; week: 7 days; month: 30 days; year: 12 months (default: month)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(run=show_traffic)


def _bucket_label(start: datetime, bucket: str) -> str:
    if bucket == "hour":
        return f"{format_date(start)} {start:%H}:00"
    if bucket == "month":
        return f"{start:%Y-%m}"
    return format_date(start)


def _usage(report: TrafficReport) -> str:
    used = format_bytes(report.month_used_bytes)
    if not report.included_bytes:
        return f"{used} (no traffic included)"
    share = report.month_used_bytes * 100 // report.included_bytes
    return f"{used} of {format_bytes(report.included_bytes)} included ({share} %)"


def _percentile(report: TrafficReport) -> str:
    """The billed figure and the direction it is from (the higher one)."""
    rx, tx = report.percentile95_rx_bps, report.percentile95_tx_bps
    if rx == tx:
        return format_bitrate(report.percentile95_bps)
    return f"{format_bitrate(report.percentile95_bps)} ({'in' if rx > tx else 'out'})"


def report_lines(order: OrderRow, report: TrafficReport) -> list[str]:
    """The table and the month's figures, as ``hostui traffic`` prints them."""
    columns = (Column(BUCKET_TITLES[report.bucket]), Column("In", right=True), Column("Out", right=True),
               Column("Total", right=True))
    rows = [[_bucket_label(b.start, report.bucket), format_bytes(b.rx_bytes), format_bytes(b.tx_bytes),
             format_bytes(b.rx_bytes + b.tx_bytes)] for b in report.buckets]
    rows.append(["Total", format_bytes(report.rx_total), format_bytes(report.tx_total),
                 format_bytes(report.rx_total + report.tx_total)])
    lines = table(columns, rows)
    # A rule above the totals row, as wide as the table.
    lines.insert(len(lines) - 1, "-" * max(len(line) for line in lines))
    # The last bucket holds the portal's now, so it names the billing month.
    month = f"{report.end - timedelta(seconds=1):%Y-%m}"
    return [
        f"{order.number}  {order.hostname or ''}".rstrip(),
        f"Traffic in {PERIOD_WORDS[report.period]}",
        *lines,
        "",
        *key_values([(f"95th percentile {month}", _percentile(report)), (f"Used in {month}", _usage(report))]),
    ]


async def _server_of(service: PortalService, number: str) -> OrderRow:
    order = await service.find_order(number)
    if order.server_id is None:
        raise NotFound(f"order {order.number} has no server")
    return order


def show_traffic(args: argparse.Namespace) -> int:
    period = TrafficPeriod(args.period)

    async def action(service: PortalService) -> int:
        order = await _server_of(service, args.number)
        report = await service.traffic(order.server_id, period)
        if args.json:
            print_json(report)
        else:
            print("\n".join(report_lines(order, report)))
        return EXIT_OK

    return run_with_service(args, action)
