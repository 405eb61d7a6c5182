"""Helpers for the Orders section's Pilot tests (test_orders_screen.py, test_server_screen.py).

Orders and servers are found by what they are (active, powered on, with an IP-KVM, renewable…)
through the service, never by their numbers; the list's cursor is put on them the way a user
would (searching for the order number when it is not on the first page).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from backend.contract import OrderFilter, OrderQuery, OrderRow, ServerDetail
from hostui.screens.orders import OrdersScreen
from hostui.screens.orders.server import ServerScreen
from tui_helpers import PAGE, settle, wait_for

# Which order filter lists an order of a status.
STATUS_FILTER = {
    "active": OrderFilter.ACTIVE,
    "new": OrderFilter.NEW,
    "suspended": OrderFilter.INACTIVE,
    "blocked": OrderFilter.INACTIVE,
    "cancelled": OrderFilter.INACTIVE,
}


async def orders_of(service: Any, filter: OrderFilter = OrderFilter.ALL, search: str | None = None) -> list[OrderRow]:  # noqa: A002
    """Every order of a filter (and search), in the list's order, all pages."""
    rows: list[OrderRow] = []
    page_number = 1
    while True:
        page = await service.list_orders(OrderQuery(filter=filter, search=search, page=page_number, page_size=PAGE))
        rows.extend(page.items)
        if page_number >= page.pages:
            return rows
        page_number += 1


async def first_order(service: Any, predicate: Callable[[OrderRow], bool] | None = None,
                      filter: OrderFilter = OrderFilter.ALL) -> OrderRow:  # noqa: A002
    for row in await orders_of(service, filter):
        if predicate is None or predicate(row):
            return row
    raise AssertionError("the demo data has no order matching the predicate")


async def first_server(service: Any, predicate: Callable[[OrderRow, ServerDetail], bool]) -> tuple[OrderRow, ServerDetail]:
    """The first order with a server (in list order) whose order and server match."""
    for row in await orders_of(service):
        if row.server_id is None:
            continue
        detail = await service.get_server(row.server_id)
        if predicate(row, detail):
            return row, detail
    raise AssertionError("the demo data has no server matching the predicate")


def order_numbers(screen: OrdersScreen) -> list[str]:
    """The order numbers in the list's table, top to bottom (the Order column is always shown)."""
    table = screen.table
    index = screen.shown_columns.index("number")
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]


def column_texts(screen: OrdersScreen, key: str) -> list[str]:
    table = screen.table
    index = screen.shown_columns.index(key)
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]


async def open_orders(pilot) -> OrdersScreen:  # noqa: ANN001
    """From wherever the app is: ``2`` opens the Orders section; its first page loaded."""
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot, lambda: isinstance(pilot.app.screen, OrdersScreen) and pilot.app.screen.page is not None)
    return pilot.app.screen


async def highlight_order(pilot, row: OrderRow) -> OrdersScreen:  # noqa: ANN001
    """Put the Orders list's cursor on ``row`` as a user would: its filter if needed, then a
    search for its number when it is not on the page."""
    screen = pilot.app.screen
    assert isinstance(screen, OrdersScreen)
    numbers = order_numbers(screen)
    if row.number not in numbers:
        await pilot.press("slash", *row.number, "enter")
        await settle(pilot, lambda: row.number in order_numbers(screen))
        numbers = order_numbers(screen)
    steps = numbers.index(row.number) - screen.table.cursor_row
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps))
    await settle(pilot)
    selected = screen.selected()
    assert selected is not None and selected.id == row.id, (row.number, selected)
    return screen


async def open_server(pilot, row: OrderRow) -> ServerScreen:  # noqa: ANN001
    """From the Orders list: highlight ``row``, Enter; the server screen once it has loaded."""
    await highlight_order(pilot, row)
    await pilot.press("enter")
    await settle(pilot, lambda: isinstance(pilot.app.screen, ServerScreen) and pilot.app.screen.detail is not None)
    screen = pilot.app.screen
    assert screen.detail.id == row.server_id
    return screen


async def wait_until(pilot, condition: Callable[[], bool], timeout: float = 15.0) -> None:  # noqa: ANN001
    """``wait_for`` with room for a job on the simulated data centre."""
    await wait_for(pilot, condition, timeout=timeout)


def faulty_orders_service(portal: Any, customer_id: int):  # noqa: ANN201
    """A FaultyService that can also fail or hold the Orders section's calls."""
    from tui_helpers import FaultyService, _faulty

    class Faulty(FaultyService):
        pass

    for name in ("list_orders", "get_server", "get_job", "traffic", "power", "reinstall", "set_reverse_dns",
                 "reveal_credentials", "request_kvm"):
        setattr(Faulty, name, _faulty(name))
    return Faulty(portal, customer_id)
