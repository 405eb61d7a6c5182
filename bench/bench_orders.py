"""Benchmark: the orders list with 1,000 orders, against the paged-list floor in the same run.

For each database (SQLite in a temporary directory; PostgreSQL too when
``HOSTUI_TEST_POSTGRES_URL`` names a server whose role may create databases), seeds the demo
(``DemoSize(traffic_days=1)``), adds orders with a server, an IPv4 and an IPv6 address and a
recurring item each until the demo customer has ``--orders`` of them, then times through the
same ``LocalService`` the TUI uses:

* the floors, measured in the same run: ``account()`` (a one-row read through the same path)
  and page 1 of the invoice list (the paged list the Orders section should cost no more than);
* page 1 of the orders list, unfiltered and "inactive", a deep page, searches by address,
  hostname and tariff, and one server's detail.

Prints milliseconds (median of several runs) and each figure as a multiple of both floors.
Not a test and not timed against fixed limits: machines differ, the ratios are what matter.

    .venv/bin/python bench/bench_orders.py [--orders 1000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import median_ms, on_each_database  # noqa: E402

from backend.contract import InvoiceQuery, OrderFilter, OrderQuery  # noqa: E402

STATUSES = ("active",) * 7 + ("suspended", "blocked", "cancelled")


def _add_orders(portal, customer_id: int, wanted: int) -> None:  # noqa: ANN001
    """Orders of the demo customer up to ``wanted``, each with a server, two addresses and an item."""
    from sqlmodel import func, select

    from backend.db import write_session
    from backend.models import OrderItem, Server, ServerIp, ServiceOrder, Tariff

    now = portal.now()
    password = portal.secrets.encrypt("bench-password")
    with write_session(portal.engine) as session:
        have = session.exec(select(func.count()).select_from(ServiceOrder).where(ServiceOrder.customer_id == customer_id)).one()
        tariffs = session.exec(select(Tariff).order_by(Tariff.id)).all()
        for n in range(wanted - have):
            tariff = tariffs[n % len(tariffs)]
            order = ServiceOrder(
                customer_id=customer_id, number=f"BENCH-{n:06d}", tariff_id=tariff.id, price_minor=tariff.price_minor,
                currency=tariff.currency, billing_period_months=1, period_end=now + timedelta(days=n % 28),
                status=STATUSES[n % len(STATUSES)], created_at=now - timedelta(hours=n),
            )
            session.add(order)
            session.flush()
            session.add(OrderItem(order_id=order.id, position=1, description="Backup space", quantity=1,
                                  unit_price_minor=490, recurring=True))
            ipv4 = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
            server = Server(order_id=order.id, hostname=f"node{n:05d}.bench.example", datacenter="FSN1-DC14",
                            primary_ip=ipv4, netmask="255.255.255.0", gateway="10.0.0.1", mac="02:00:00:00:00:01",
                            password_encrypted=password)
            session.add(server)
            session.flush()
            session.add_all([
                ServerIp(server_id=server.id, address=ipv4, version=4, netmask="255.255.255.0", gateway="10.0.0.1"),
                ServerIp(server_id=server.id, address=f"2001:db8:ffff:{n:x}::2", version=6, netmask="/64",
                         gateway="fe80::1"),
            ])


async def _bench(database_url: str, directory: Path, label: str, orders: int, repeat: int) -> None:
    from backend.demo import DEMO_NOW, DemoSize, ensure_demo
    from backend.domain.accounts import customer_id_for_login
    from backend.portal import open_portal
    from backend.settings import Settings
    from hostui.services.local import LocalService

    portal = open_portal(Settings(database_url=database_url, secret_key_file=directory / "secret.key"),
                         clock=lambda: DEMO_NOW)
    try:
        ensure_demo(portal, DemoSize(traffic_days=1), now=DEMO_NOW)
        customer_id = customer_id_for_login(portal, "demo")
        _add_orders(portal, customer_id, orders)
        service = LocalService(portal, customer_id)
        total = (await service.list_orders(OrderQuery(page_size=1))).total
        sample = (await service.list_orders(OrderQuery(filter=OrderFilter.ACTIVE, page=7))).items[0]

        account = await median_ms(service.account, repeat)
        invoices = await median_ms(lambda: service.list_invoices(InvoiceQuery()), repeat)
        figures = [
            ("orders page 1 (all)", lambda: service.list_orders(OrderQuery())),
            ("orders page 1 (inactive)", lambda: service.list_orders(OrderQuery(filter=OrderFilter.INACTIVE))),
            (f"orders page {total // 50} (deep)", lambda: service.list_orders(OrderQuery(page=total // 50))),
            ("search: an address", lambda: service.list_orders(OrderQuery(search=sample.main_ip))),
            ("search: part of a hostname", lambda: service.list_orders(OrderQuery(search="node004"))),
            ("search: a tariff", lambda: service.list_orders(OrderQuery(search="epyc"))),
            ("one server's detail", lambda: service.get_server(sample.server_id)),
        ]
        print(f"\n{label}: {total:,} orders of the demo customer")
        print(f"  {'what':<34} {'ms (median)':>12} {'x account':>10} {'x invoices':>11}")
        print(f"  {'-' * 34} {'-' * 12} {'-' * 10} {'-' * 11}")
        print(f"  {'floor: account() (one row)':<34} {account:>12.2f} {1:>10.1f} {account / invoices:>11.2f}")
        print(f"  {'floor: invoices page 1':<34} {invoices:>12.2f} {invoices / account:>10.1f} {1:>11.2f}")
        for what, call in figures:
            ms = await median_ms(call, repeat)
            print(f"  {what:<34} {ms:>12.2f} {ms / account:>10.1f} {ms / invoices:>11.2f}")
    finally:
        portal.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1000, help="orders of the demo customer (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=7, help="runs per figure (default: %(default)s)")
    args = parser.parse_args(argv)
    on_each_database(lambda url, path, label: _bench(url, path, label, args.orders, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
