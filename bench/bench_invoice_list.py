"""Benchmark: the paged invoice list the TUI asks for, against loading every invoice.

On a copy of the cached demo database with 100,000 invoices (``bench/datasets.py``), or on
the database named by ``HOSTUI_BENCH_DB`` (seeded only if it is empty), times through the
same ``LocalService`` the TUI uses:

* page 1 (what the Invoices section shows first), for each filter;
* a deep page (page 1000 of "all" at 50 a page, and the last page of "paid");
* the count alone (page_size=1);
* the floor, measured in the same run: every invoice of the customer in one unpaged query
  (what a client that "just loads the table" costs); for reference also the walk through
  all pages at the contract's maximum page size of 500.

Figures are milliseconds (median of several runs) against that floor: far below 1x is the
point. Not a test and not timed against fixed limits: machines differ, the ratios are what
matter.

    .venv/bin/python -m bench.bench_invoice_list [--invoices 100000] [--repeat 5]
    HOSTUI_BENCH_DB=/tmp/bench.sqlite3 .venv/bin/python -m bench.bench_invoice_list
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

from backend.contract import InvoiceFilter, InvoiceQuery
from bench.datasets import sqlite_copy
from bench.report import Figure, Scale, print_table
from bench.timing import median_ms

PAGE_SIZE = 50
INVOICES = {Scale.SMOKE: None, Scale.FULL: 100_000}
REPEAT = {Scale.SMOKE: 1, Scale.FULL: 5}
GROUP = "invoice list"


async def _measure(database: Path, invoices: int | None, repeat: int, seed: bool) -> list[Figure]:
    from backend.demo import DEMO_NOW, DemoSize, ensure_demo
    from backend.domain.accounts import customer_id_for_login
    from backend.portal import open_portal
    from backend.settings import Settings
    from hostui.services.local import LocalService

    settings = Settings(database_url=f"sqlite:///{database}", secret_key_file=database.parent / "secret.key")
    portal = open_portal(settings, clock=lambda: DEMO_NOW)
    try:
        if seed:
            start = time.perf_counter()
            if ensure_demo(portal, DemoSize(invoices=invoices, traffic_days=1), now=DEMO_NOW):
                print(f"seeded {invoices:,} invoices in {time.perf_counter() - start:.1f} s → {database}")
        service = LocalService(portal, customer_id_for_login(portal, "demo"))

        async def load_everything() -> int:
            # One unpaged query: the contract caps page_size at 500, so go around the
            # validation the way a client that "just loads the whole table" effectively would.
            query = InvoiceQuery.model_construct(status=InvoiceFilter.ALL, page=1, page_size=10**9)
            return len((await service.list_invoices(query)).items)

        async def walk_all_pages(page_size: int = 500) -> dict[int, str]:
            """Every page by position, as the TUI turns pages; where each page started."""
            starts: dict[int, str] = {}
            query = InvoiceQuery(status=InvoiceFilter.ALL, page=1, page_size=page_size)
            while True:
                result = await service.list_invoices(query)
                if result.next_after is None:
                    return starts
                starts[query.page + 1] = result.next_after
                query = query.model_copy(update={"page": query.page + 1, "after": result.next_after})

        everything = await load_everything()
        paid = await service.list_invoices(InvoiceQuery(status=InvoiceFilter.PAID, page_size=1))
        paid_total = paid.total
        floor = await median_ms(load_everything, max(1, repeat // 2))
        floor_label = f"all {everything:,} rows in one query"
        start = time.perf_counter()
        await walk_all_pages()
        walk = (time.perf_counter() - start) * 1000
        all_pages = -(-everything // PAGE_SIZE)
        paid_pages = max(1, -(-paid_total // PAGE_SIZE))
        deep = min(1000, all_pages)
        deep_start = (await walk_all_pages(PAGE_SIZE)).get(deep)

        def page_of(status: InvoiceFilter, page: int, size: int = PAGE_SIZE) -> Callable[[], Awaitable[object]]:
            return lambda: service.list_invoices(InvoiceQuery(status=status, page=page, page_size=size))

        cases: list[tuple[str, Callable[[], Awaitable[object]]]] = [
            (f"page 1 · unpaid ({PAGE_SIZE}/page)", page_of(InvoiceFilter.UNPAID, 1)),
            (f"page 1 · paid ({PAGE_SIZE}/page)", page_of(InvoiceFilter.PAID, 1)),
            (f"page 1 · all ({PAGE_SIZE}/page)", page_of(InvoiceFilter.ALL, 1)),
            (f"page {deep:,} of {all_pages:,} · all, by number (OFFSET)", page_of(InvoiceFilter.ALL, deep)),
            (f"page {deep:,} of {all_pages:,} · all, by position (after=, as the TUI asks)",
             lambda: service.list_invoices(
                 InvoiceQuery(status=InvoiceFilter.ALL, page=deep, page_size=PAGE_SIZE, after=deep_start))),
            (f"page {paid_pages:,} · paid (the last {'the capped count shows' if paid.total_capped else 'page'})",
             page_of(InvoiceFilter.PAID, paid_pages)),
            ("count only · all (page_size=1)", page_of(InvoiceFilter.ALL, 1, 1)),
        ]
        figures = [Figure(GROUP, "all rows in pages of 500, walked once by position", walk, "ms", floor, floor_label)]
        for label, call in cases:
            figures.append(Figure(GROUP, label, await median_ms(call, repeat), "ms", floor, floor_label))
        return figures
    finally:
        portal.dispose()


def run(scale: Scale, invoices: int | None = None, repeat: int | None = None) -> list[Figure]:
    invoices = invoices if invoices is not None else INVOICES[scale]
    repeat = repeat or REPEAT[scale]
    reuse = os.environ.get("HOSTUI_BENCH_DB")
    if reuse:
        return asyncio.run(_measure(Path(reuse).resolve(), invoices, repeat, seed=True))
    with tempfile.TemporaryDirectory(prefix="hostui-bench-") as directory:
        with sqlite_copy(invoices, Path(directory)) as data_dir:
            return asyncio.run(_measure(data_dir / "portal.sqlite3", invoices, repeat, seed=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=100_000, help="invoices of the demo customer (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (default: %(default)s)")
    args = parser.parse_args(argv)
    print_table(run(Scale.FULL, args.invoices, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
