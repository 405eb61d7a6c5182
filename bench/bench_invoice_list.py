"""Benchmark: the paged invoice list the TUI asks for, against loading every invoice.

Seeds a portal with ``DemoSize(invoices=100_000, traffic_days=1)`` in a temporary directory
(or reuses the database named by ``HOSTUI_BENCH_DB``, seeding it only if it is empty), then
times, through the same ``LocalService`` the TUI uses:

* page 1 (what the Invoices section shows first), for each filter;
* a deep page (page 1000 of "all" at 50 a page, and the last page of "paid");
* the count alone (page_size=1);
* the baseline, measured in the same run: every invoice of the customer in one unpaged
  query (what a client that "just loads the table" costs); for reference also the walk
  through all pages at the contract's maximum page size of 500.

Prints milliseconds (median of several runs) and each figure as a fraction of the baseline.
Not a test and not timed against fixed limits: machines differ, the ratios are what matter.

    .venv/bin/python bench/bench_invoice_list.py [--invoices 100000] [--repeat 5]
    HOSTUI_BENCH_DB=/tmp/bench.sqlite3 .venv/bin/python bench/bench_invoice_list.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import median_ms  # noqa: E402

from backend.contract import InvoiceFilter, InvoiceQuery  # noqa: E402

PAGE_SIZE = 50


async def _run(database: Path, invoices: int, repeat: int) -> None:
    from backend.demo import DEMO_NOW, DemoSize, ensure_demo
    from backend.domain.accounts import customer_id_for_login
    from backend.portal import open_portal
    from backend.settings import Settings
    from hostui.services.local import LocalService

    settings = Settings(database_url=f"sqlite:///{database}", secret_key_file=database.parent / "secret.key")
    portal = open_portal(settings, clock=lambda: DEMO_NOW)
    try:
        start = time.perf_counter()
        seeded = ensure_demo(portal, DemoSize(invoices=invoices, traffic_days=1), now=DEMO_NOW)
        if seeded:
            print(f"seeded {invoices:,} invoices in {time.perf_counter() - start:.1f} s → {database}")
        else:
            print(f"reusing {database}")
        service = LocalService(portal, customer_id_for_login(portal, "demo"))

        totals = {
            status: (await service.list_invoices(InvoiceQuery(status=status, page_size=1))).total
            for status in InvoiceFilter
        }
        print("invoices of customer demo: " + ", ".join(f"{s.value} {n:,}" for s, n in totals.items()))

        everything = totals[InvoiceFilter.ALL]

        async def load_everything() -> int:
            # One unpaged query: the contract caps page_size at 500, so go around the
            # validation the way a client that "just loads the whole table" effectively would.
            query = InvoiceQuery.model_construct(
                status=InvoiceFilter.ALL, order_id=None, page=1, page_size=max(1, everything)
            )
            return len((await service.list_invoices(query)).items)

        async def walk_all_pages() -> int:
            rows = 0
            page = 1
            while True:
                result = await service.list_invoices(InvoiceQuery(status=InvoiceFilter.ALL, page=page, page_size=500))
                rows += len(result.items)
                if page >= result.pages:
                    return rows
                page += 1

        baseline = await median_ms(load_everything, max(1, repeat // 2))
        start = time.perf_counter()
        await walk_all_pages()
        walk = (time.perf_counter() - start) * 1000
        all_pages = -(-totals[InvoiceFilter.ALL] // PAGE_SIZE)
        paid_pages = -(-totals[InvoiceFilter.PAID] // PAGE_SIZE)
        deep = min(1000, all_pages)

        def page_of(status: InvoiceFilter, page: int, size: int = PAGE_SIZE) -> Callable[[], Awaitable[object]]:
            return lambda: service.list_invoices(InvoiceQuery(status=status, page=page, page_size=size))

        cases: list[tuple[str, Callable[[], Awaitable[object]]]] = [
            (f"page 1 · unpaid ({PAGE_SIZE}/page)", page_of(InvoiceFilter.UNPAID, 1)),
            (f"page 1 · paid ({PAGE_SIZE}/page)", page_of(InvoiceFilter.PAID, 1)),
            (f"page 1 · all ({PAGE_SIZE}/page)", page_of(InvoiceFilter.ALL, 1)),
            (f"page {deep:,} of {all_pages:,} · all", page_of(InvoiceFilter.ALL, deep)),
            (f"last page ({paid_pages:,}) · paid", page_of(InvoiceFilter.PAID, paid_pages)),
            ("count only · all (page_size=1)", page_of(InvoiceFilter.ALL, 1, 1)),
        ]
        print()
        print(f"{'what':<38} {'ms (median)':>12} {'of baseline':>12}")
        print(f"{'-' * 38} {'-' * 12} {'-' * 12}")
        print(f"{'baseline: all ' + format(everything, ',') + ' rows, one query':<38} {baseline:>12.1f} {'100 %':>12}")
        print(f"{'(all rows in pages of 500, once)':<38} {walk:>12.1f} {walk / baseline * 100:>10.0f} %")
        for label, call in cases:
            ms = await median_ms(call, repeat)
            print(f"{label:<38} {ms:>12.1f} {ms / baseline * 100:>10.2f} %   ({baseline / ms:,.0f}x faster)")
    finally:
        portal.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=100_000, help="invoices to seed (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (default: %(default)s)")
    args = parser.parse_args(argv)
    reuse = os.environ.get("HOSTUI_BENCH_DB")
    if reuse:
        asyncio.run(_run(Path(reuse).resolve(), args.invoices, args.repeat))
        return 0
    with tempfile.TemporaryDirectory(prefix="hostui-bench-") as directory:
        asyncio.run(_run(Path(directory) / "portal.sqlite3", args.invoices, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
