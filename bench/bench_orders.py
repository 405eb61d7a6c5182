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

Figures are milliseconds (median of several runs) against the invoice list's page 1; the
one-row ``account()`` is reported against it too, for scale. Not a test and not timed against
fixed limits: machines differ, the ratios are what matter.

    .venv/bin/python -m bench.bench_orders [--orders 1000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from backend.contract import InvoiceQuery, OrderFilter, OrderQuery
from bench.report import Figure, Scale, print_table
from bench.timing import median_ms, on_each_database

ORDERS = {Scale.SMOKE: 60, Scale.FULL: 1000}
REPEAT = {Scale.SMOKE: 1, Scale.FULL: 7}
FLOOR_LABEL = "invoice list, page 1"
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


async def _bench(database_url: str, directory: Path, label: str, orders: int, repeat: int) -> list[Figure]:
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
        active = await service.list_orders(OrderQuery(filter=OrderFilter.ACTIVE, page_size=1))
        sample_page = min(7, -(-active.total // 50))
        sample = (await service.list_orders(OrderQuery(filter=OrderFilter.ACTIVE, page=sample_page))).items[0]
        deep = max(1, total // 50)

        invoices = await median_ms(lambda: service.list_invoices(InvoiceQuery()), repeat)
        cases = [
            ("account() (one row)", service.account),
            ("orders page 1 (all)", lambda: service.list_orders(OrderQuery())),
            ("orders page 1 (inactive)", lambda: service.list_orders(OrderQuery(filter=OrderFilter.INACTIVE))),
            (f"orders page {deep} (deep)", lambda: service.list_orders(OrderQuery(page=deep))),
            ("search: an address", lambda: service.list_orders(OrderQuery(search=sample.main_ip))),
            ("search: part of a hostname", lambda: service.list_orders(OrderQuery(search="node004"))),
            ("search: a tariff", lambda: service.list_orders(OrderQuery(search="epyc"))),
            ("one server's detail", lambda: service.get_server(sample.server_id)),
        ]
        return [
            Figure("orders", f"{what}, {total:,} orders, {label}", await median_ms(call, repeat), "ms", invoices,
                   FLOOR_LABEL)
            for what, call in cases
        ]
    finally:
        portal.dispose()


def run(scale: Scale, orders: int | None = None, repeat: int | None = None) -> list[Figure]:
    orders = orders or ORDERS[scale]
    repeat = repeat or REPEAT[scale]
    return on_each_database(
        lambda url, path, label: _bench(url, path, label, orders, repeat), postgres=scale is Scale.FULL
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1000, help="orders of the demo customer (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=7, help="runs per figure (default: %(default)s)")
    args = parser.parse_args(argv)
    print_table(run(Scale.FULL, args.orders, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
