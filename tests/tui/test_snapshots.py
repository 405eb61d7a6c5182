"""SVG snapshots of the screens, stored in <repo>/snapshots/test_snapshots/.

Deterministic: the seeded demo database (fixed seed, ``DEMO_NOW``), the app's fixed clock,
fixed terminal sizes; every load has finished before the screenshot is taken.
Update after reviewing a change, always the whole file on one worker (a partial update
deletes the snapshots it did not run):  pytest -n 0 tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import asyncio

import pytest

from backend.contract import OrderStatus, PowerState
from hostui.frame.help import HelpScreen
from hostui.screens.invoices import InvoicesScreen
from hostui.screens.orders import OrdersScreen
from hostui.screens.orders.server import ServerScreen
from hostui.screens.settings import SettingsScreen
from hostui.screens.tickets import TicketsScreen
from tui_helpers import settle

LIST_SIZES = [
    pytest.param((60, 20), id="60x20"),
    pytest.param((80, 24), id="80x24"),
    pytest.param((200, 50), id="200x50"),
]


async def _loaded(pilot) -> None:  # noqa: ANN001
    await settle(pilot, lambda: not isinstance(pilot.app.screen, type(None)) and pilot.app.connected)


def _pressing(*keys: str):  # noqa: ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot, lambda: isinstance(pilot.app.screen, InvoicesScreen))
        for key in keys:
            await pilot.press(key)
            await _loaded(pilot)

    return run_before


@pytest.mark.parametrize("size", LIST_SIZES)
def test_invoices_unpaid(snap_compare, make_app, size) -> None:
    """The Invoices section as it opens: unpaid invoices, cursor on the newest; at 60 columns
    the low-priority columns (issued, method) are left out, the status stays."""
    assert snap_compare(make_app(), terminal_size=size, run_before=_pressing())


def test_invoices_all(snap_compare, make_app) -> None:
    """After `f` `f`: the "all" filter (paid and unpaid); dimmed keys for a paid invoice."""
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_pressing("f", "f"))


def test_invoices_search(snap_compare, make_app) -> None:
    """`/` then "0001" and enter: the list narrowed on the data side, the search kept."""
    assert snap_compare(
        make_app(), terminal_size=(80, 24), run_before=_pressing("f", "f", "slash", "0", "0", "0", "1", "enter")
    )


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((200, 50), id="200x50")])
def test_help_overlay(snap_compare, make_app, size) -> None:
    """`?` over the unpaid list: the invoice's actions (the refused ones with the reason),
    the list's keys, moving, and what works anywhere."""

    async def run_before(pilot) -> None:  # noqa: ANN001
        await _pressing()(pilot)
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


def test_actions_menu(snap_compare, make_app) -> None:
    """`a` on the newest unpaid invoice: every action with its key; refused ones say why."""
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_pressing("a"))


def test_invoice_view(snap_compare, make_app) -> None:
    """Enter on the newest unpaid invoice: lines, totals, payments, what is not possible now."""
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_pressing("enter"))


def test_payment_method_choice(snap_compare, make_app) -> None:
    """`p` on the newest unpaid invoice: the methods, the balance beside "account balance"."""
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_pressing("p"))


# --- Orders ------------------------------------------------------------------------------------


def _in_orders(*keys: str):  # noqa: ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await _pressing()(pilot)
        await pilot.press("2")
        await settle(pilot, lambda: isinstance(pilot.app.screen, OrdersScreen))
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((200, 50), id="200x50")])
def test_orders_list(snap_compare, make_app, size) -> None:
    """The Orders section: every order with its status and its server's power state."""
    assert snap_compare(make_app(), terminal_size=size, run_before=_in_orders())


def _server(*keys: str):  # noqa: ANN202
    """The server of the first active order with a server that is on, then ``keys``."""

    async def run_before(pilot) -> None:  # noqa: ANN001
        await _in_orders()(pilot)
        screen = pilot.app.screen
        target = next(
            index for index, row in enumerate(screen.rows)
            if row.status == OrderStatus.ACTIVE and row.power_state == PowerState.ON
        )
        screen.table.move_cursor(row=target, animate=False)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ServerScreen) and pilot.app.screen.detail is not None)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((200, 50), id="200x50")])
def test_server_details(snap_compare, make_app, size) -> None:
    """Details: configuration, the password masked, IP-KVM, what is not possible now."""
    assert snap_compare(make_app(), terminal_size=size, run_before=_server())


def test_server_network(snap_compare, make_app) -> None:
    """Network: every address with netmask or prefix, gateway, MAC and reverse DNS."""
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_server("right_square_bracket"))


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((200, 50), id="200x50")])
def test_server_traffic(snap_compare, make_app, size) -> None:
    """Traffic of the demo's fixed data: the day's chart, totals, 95th percentile, usage."""
    assert snap_compare(
        make_app(), terminal_size=size, run_before=_server("right_square_bracket", "right_square_bracket")
    )


def test_power_confirmation(snap_compare, make_app) -> None:
    """`r`: the confirmation names the server and its address."""
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_server("r"))


# --- Tickets -----------------------------------------------------------------------------------


def _in_tickets(*keys: str):  # noqa: ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await _pressing()(pilot)
        await pilot.press("3")
        await settle(pilot, lambda: isinstance(pilot.app.screen, TicketsScreen))
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((200, 50), id="200x50")])
def test_tickets_inbox(snap_compare, make_app, size) -> None:
    """Open tickets, unread ones marked N, who spoke last, the unread count in the header."""
    assert snap_compare(make_app(), terminal_size=size, run_before=_in_tickets())


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((200, 50), id="200x50")])
def test_ticket_thread(snap_compare, make_app, size) -> None:
    """Tab to the first unread ticket, enter: the thread, wrapped to the width, newest at the bottom."""
    assert snap_compare(make_app(), terminal_size=size, run_before=_in_tickets("tab", "enter"))


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((200, 50), id="200x50")])
def test_new_ticket_with_errors(snap_compare, make_app, size) -> None:
    """`n` then ctrl+s on an empty form: each reason under its field."""
    assert snap_compare(make_app(), terminal_size=size, run_before=_in_tickets("n", "ctrl+s"))


# --- Settings, in English and in German ------------------------------------------------------


def _in_settings(*keys: str):  # noqa: ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot, lambda: pilot.app.connected)
        await pilot.press("4")
        await settle(pilot, lambda: isinstance(pilot.app.screen, SettingsScreen) and pilot.app.screen.settings is not None)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize(
    "tab", [pytest.param((), id="renewal"), pytest.param(("right_square_bracket",) * 3, id="security")]
)
def test_settings(snap_compare, make_app, demo_service, language, tab) -> None:
    """Settings at 80x24: the renewal tab (account and per-order auto-renew) and the security
    tab (code word, IP ranges, where you connect from), in the customer's language."""
    asyncio.run(demo_service.set_language(language))
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_in_settings(*tab))


# --- more of Orders and Tickets: the reinstall confirmation, every inbox tab -----------------


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((200, 50), id="200x50")])
def test_power_confirmation_wide(snap_compare, make_app, size) -> None:
    """`D` (disable): the confirmation names the server and its address, at both sizes."""
    assert snap_compare(make_app(), terminal_size=size, run_before=_server("D"))


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((200, 50), id="200x50")])
def test_reinstall_confirmation(snap_compare, make_app, size) -> None:
    """`I`: the images, the warning that all data is erased, the hostname to retype."""
    assert snap_compare(make_app(), terminal_size=size, run_before=_server("I"))


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((200, 50), id="200x50")])
@pytest.mark.parametrize("tab", ["C", "U"])
def test_tickets_tab(snap_compare, make_app, size, tab) -> None:
    """The Closed (`C`) and Unread (`U`) tabs of the inbox."""
    assert snap_compare(make_app(), terminal_size=size, run_before=_in_tickets(tab))
