"""Helpers for the TUI tests (imported by conftest.py and the test modules).

Tests find their invoices by property (``first_invoice(service, status=…, predicate=…)``) and
compute expected counts from the service (``count``), never from what the demo data happens
to hold today: the demo data grows (more orders, tickets) and the tests must not care.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from rich.console import Console
from textual.app import App
from textual.worker import WorkerCancelled

from backend.contract import InvoiceFilter, InvoiceQuery, InvoiceRow, InvoiceStatus
from backend.demo import DEMO_NOW
from hostui.services.local import LocalService

PAGE = 500  # the contract's largest page

# Which invoice filter lists an invoice of a status first.
FILTER_FOR = {
    InvoiceStatus.UNPAID: InvoiceFilter.UNPAID,
    InvoiceStatus.PAID: InvoiceFilter.PAID,
    InvoiceStatus.DELETED: InvoiceFilter.DELETED,
}
STATUSES_FOR = {
    InvoiceFilter.UNPAID: {InvoiceStatus.UNPAID},
    InvoiceFilter.PAID: {InvoiceStatus.PAID},
    InvoiceFilter.ALL: {InvoiceStatus.UNPAID, InvoiceStatus.PAID},
    InvoiceFilter.DELETED: {InvoiceStatus.DELETED},
}


def fixed_clock():  # noqa: ANN201
    return DEMO_NOW


async def settle(pilot, condition: Callable[[], bool] | None = None, timeout: float = 10.0) -> None:  # noqa: ANN001
    """Wait until no worker runs, the screen is idle (and ``condition()`` holds, if given)."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            pass  # an exclusive load replaced by a newer one: expected
        await pilot.pause()
        busy = any(worker.is_running for worker in app.workers)
        loading = getattr(app.screen, "is_loading", False)
        if not busy and not loading and (condition is None or condition()):
            await pilot.pause()
            return
        if loop.time() > deadline:
            raise AssertionError(f"the app did not settle within {timeout} s (screen {app.screen!r})")
        await asyncio.sleep(0.02)


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:  # noqa: ANN001
    """Wait until ``condition()`` holds, without waiting for the workers (one may be held on
    purpose)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s (screen {pilot.app.screen!r})")
        await pilot.pause(0.01)


def screen_text(app) -> str:  # noqa: ANN001
    """The current screen as plain text (what a user would read)."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True,
        color_system="truecolor", record=True, legacy_windows=False, safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def widget_text(app: App, selector: str) -> str:
    """What the user reads in one widget: its screen region, lines joined, spaces collapsed."""
    region = app.screen.query_one(selector).region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return " ".join(" ".join(line[region.x : region.right].split()) for line in lines).strip()


def inside(app: App, selector: str = "#dialog") -> None:
    """The dialog box fits the terminal entirely (above the footer row)."""
    region = app.screen.query_one(selector).region
    width, height = app.size
    assert region.x >= 0 and region.y >= 0, region
    assert region.right <= width and region.bottom <= height - 1, (region, app.size)


def notifications(app: App, severity: str | None = None) -> list[str]:
    """The toasts shown so far (still on screen), optionally of one severity."""
    return [
        str(notification.message)
        for notification in app._notifications
        if severity is None or notification.severity == severity
    ]


def key_bar_text(app: App) -> str:
    from hostui.widgets.key_bar import KeyBar

    return app.screen.query_one(KeyBar).text


def row_numbers(screen: Any) -> list[str]:
    """The invoice numbers in the list's table, top to bottom (as drawn)."""
    table = screen.table
    return [str(table.get_row_at(index)[0]) for index in range(table.row_count)]


# --- the data, by property ---------------------------------------------------------------------


async def invoices_of(service: Any, status: InvoiceFilter = InvoiceFilter.ALL, search: str | None = None) -> list[InvoiceRow]:
    """Every invoice of a filter, in the list's order (all pages)."""
    rows: list[InvoiceRow] = []
    page_number = 1
    while True:
        page = await service.list_invoices(InvoiceQuery(status=status, search=search, page=page_number, page_size=PAGE))
        rows.extend(page.items)
        if page_number >= page.pages:
            return rows
        page_number += 1


async def count(service: Any, status: InvoiceFilter, search: str | None = None) -> int:
    return (await service.list_invoices(InvoiceQuery(status=status, search=search, page_size=1))).total


async def first_invoice(
    service: Any,
    status: InvoiceStatus | InvoiceFilter = InvoiceStatus.UNPAID,
    predicate: Callable[[InvoiceRow], bool] | None = None,
) -> InvoiceRow:
    """The first invoice (in list order) of a status that satisfies ``predicate``."""
    status_filter = status if isinstance(status, InvoiceFilter) else FILTER_FOR[status]
    for row in await invoices_of(service, status_filter):
        if predicate is None or predicate(row):
            return row
    raise AssertionError(f"the demo data has no {status.value} invoice matching the predicate")


def allows(*action_ids: str) -> Callable[[InvoiceRow], bool]:
    """A predicate: the domain allows every one of ``action_ids`` on the row."""
    return lambda row: all(row.action(action_id).enabled for action_id in action_ids)


def refuses(*action_ids: str) -> Callable[[InvoiceRow], bool]:
    """A predicate: the domain refuses every one of ``action_ids`` on the row."""
    return lambda row: not any(row.action(action_id).enabled for action_id in action_ids)


def refused_ids(row: InvoiceRow, among: Iterable[Any] | None = None) -> set[str]:
    """The ids of the actions the domain refuses on ``row`` (among ids or an action table)."""
    ids = {getattr(action, "id", action) for action in among} if among is not None else None
    return {state.id for state in row.actions if not state.enabled and (ids is None or state.id in ids)}


async def show_invoice(pilot, row: InvoiceRow) -> None:  # noqa: ANN001
    """Put the list's cursor on ``row`` the way a user would: its filter, then search for it
    if it is not on the first page."""
    screen = pilot.app.screen
    screen.filter_id = FILTER_FOR[row.status].value
    await settle(pilot)
    if row.number not in row_numbers(screen):
        screen.search = row.number
        await settle(pilot)
    numbers = row_numbers(screen)
    assert row.number in numbers, (row.number, numbers[:10])
    screen.table.move_cursor(row=numbers.index(row.number), animate=False)
    await settle(pilot)
    selected = screen.selected()
    assert selected is not None and selected.id == row.id


# --- failing services ---------------------------------------------------------------------------


class FaultyService(LocalService):
    """The real LocalService, with faults injected per call by name (a test's server trouble).

    ``fail(name, error)``: every call of ``name`` raises ``error`` until ``heal(name)``;
    ``hold(name, predicate)``: calls of ``name`` whose arguments match wait until
    ``release()`` (an answer that comes late); with ``stubborn=True`` a held call even
    survives its worker's cancellation and still answers (a stale answer that arrives).
    ``log`` lists every call as (name, args); ``answered`` counts the held calls that answered.
    """

    def __init__(self, portal: Any, customer_id: int) -> None:
        super().__init__(portal, customer_id)
        self.faults: dict[str, BaseException] = {}
        self.holds: dict[str, Callable[..., bool]] = {}
        self.stubborn = False
        self.gate = asyncio.Event()
        self.held = 0
        self.answered = 0
        self.log: list[tuple[str, tuple[Any, ...]]] = []

    def calls(self, name: str) -> list[tuple[Any, ...]]:
        return [args for called, args in self.log if called == name]

    def fail(self, name: str, error: BaseException) -> None:
        self.faults[name] = error

    def heal(self, name: str | None = None) -> None:
        if name is None:
            self.faults.clear()
        else:
            self.faults.pop(name, None)

    def hold(self, name: str, predicate: Callable[..., bool] = lambda *args: True, *, stubborn: bool = False) -> None:
        self.gate.clear()
        self.stubborn = stubborn
        self.holds[name] = predicate

    def release(self) -> None:
        self.holds.clear()
        self.gate.set()

    async def _call(self, name: str, *args: Any) -> Any:
        self.log.append((name, args))
        predicate = self.holds.get(name)
        held = predicate is not None and predicate(*args)
        if held:
            self.held += 1
            try:
                await self.gate.wait()
            except asyncio.CancelledError:
                if not self.stubborn:
                    raise
                await self.gate.wait()  # the answer comes anyway, late
        error = self.faults.get(name)
        if error is not None:
            raise error
        result = await getattr(LocalService, name)(self, *args)
        if held:
            self.answered += 1
        return result


_CALLS = (
    "account", "list_invoices", "get_invoice", "find_invoice", "payment_methods", "pay_invoice",
    "delete_invoice", "create_pay_link", "invoice_document", "quote_document", "export_invoices_csv",
    "renew_order",
)


def _faulty(name: str) -> Callable[..., Awaitable[Any]]:
    async def call(self: FaultyService, *args: Any) -> Any:
        return await self._call(name, *args)

    call.__name__ = name
    return call


for _name in _CALLS:
    setattr(FaultyService, _name, _faulty(_name))
