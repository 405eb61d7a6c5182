"""SVG snapshots of the screens, stored in <repo>/snapshots/test_snapshots/.

Deterministic: the seeded demo database (fixed seed, ``DEMO_NOW``), the app's fixed clock,
fixed terminal sizes; every load has finished before the screenshot is taken.
Update after reviewing a change:  pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from hostui.frame.help import HelpScreen
from hostui.screens.invoices import InvoicesScreen
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
