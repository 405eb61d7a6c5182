"""The floor app with the data path a profile cannot skip: a bound for hostui's first paint.

``bench/floor_app.py`` draws invented rows; this one first reads the newest unpaid invoices
the way a profile must and draws their numbers. What it adds to the floor is the least work
hostui's first page costs on top of Textual, with none of hostui's own screens:

- ``--local DATABASE_URL``: import the database stack, open the portal (which checks the
  schema), find the demo customer and read the first page with ``backend.domain.invoices``,
  as the in-process service does.
- ``--remote URL`` (the token in ``HOSTUI_TOKEN``): ask a ``hostui-server`` for the first page
  with hostui's HTTP client, ``hostui.services.remote.RemoteService``, which checks the answer
  against the contract.

Its first cell is the newest unpaid invoice's number, the cell hostui's first paint waits for.

    .venv/bin/python -m bench.floor_with_data --local sqlite:////path/portal.sqlite3
"""

from __future__ import annotations

import argparse
import os

from textual.widgets import DataTable

from bench.floor_app import FloorApp, Section

# backend.demo's DEMO_LOGIN, written out: importing that package imports the demo generator,
# which the bound would then count as part of the data path.
LOGIN = "demo"


def _local_numbers(database_url: str) -> list[str]:
    from backend.contract import InvoiceQuery
    from backend.domain.accounts import customer_id_for_login
    from backend.domain.invoices import list_invoices
    from backend.portal import open_portal
    from backend.settings import Settings

    portal = open_portal(Settings(database_url=database_url))
    try:
        customer_id = customer_id_for_login(portal, LOGIN)
        return [row.number for row in list_invoices(portal, customer_id, InvoiceQuery()).items]
    finally:
        portal.dispose()


async def _remote_numbers(url: str) -> list[str]:
    from backend.contract import InvoiceQuery
    from hostui.services.remote import RemoteService

    service = RemoteService(url, os.environ["HOSTUI_TOKEN"])
    try:
        return [row.number for row in (await service.list_invoices(InvoiceQuery())).items]
    finally:
        await service.aclose()


class DataSection(Section):
    """The floor's first section, filled from the profile's data path instead of invented rows."""

    def __init__(self, local: str | None, remote: str | None) -> None:
        super().__init__("R")
        self.local = local
        self.remote = remote

    def fill(self) -> None:
        # Called by the floor's on_mount, once its columns are there.
        self.run_worker(self._load(), exclusive=True)

    async def _load(self) -> None:
        # On the event loop, as a plain app would: a thread would not make the imports and
        # queries any cheaper (they hold the GIL), and the loop has nothing else to draw.
        numbers = _local_numbers(self.local) if self.local else await _remote_numbers(self.remote or "")
        table = self.query_one(DataTable)
        for number in numbers:
            table.add_row(number, "2026-11-18", "2026-12-02", "ORD-000000", "13.08 EUR", "unpaid", "—")

    def action_refill(self) -> None:
        pass  # only the first paint is measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--local", metavar="DATABASE_URL", help="read the first page in-process")
    source.add_argument("--remote", metavar="URL", help="ask hostui-server for it (token in HOSTUI_TOKEN)")
    args = parser.parse_args()

    class BoundApp(FloorApp):
        MODES = {"one": lambda: DataSection(args.local, args.remote), "two": lambda: Section("S2")}

    BoundApp().run()


if __name__ == "__main__":
    main()
