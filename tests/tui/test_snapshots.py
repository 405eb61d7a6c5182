"""SVG snapshots of the Invoices section, stored in <repo>/snapshots/test_snapshots/.

Deterministic: the seeded demo database (fixed seed, ``DEMO_NOW``), the app's fixed clock,
fixed terminal sizes; every load has finished before the screenshot is taken.
Update after reviewing a change:  pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from hostui.screens.invoices import InvoicesScreen
from tui_helpers import settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((200, 50), id="200x50")]


async def _loaded(pilot) -> None:  # noqa: ANN001
    await settle(pilot, lambda: isinstance(pilot.app.screen, InvoicesScreen))


def _pressing(*keys: str):  # noqa: ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await _loaded(pilot)
        for key in keys:
            await pilot.press(key)
            await _loaded(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_invoices_unpaid(snap_compare, make_app, size) -> None:
    """The Invoices section as it opens: unpaid invoices, cursor on the newest."""
    assert snap_compare(make_app(), terminal_size=size, run_before=_pressing())


@pytest.mark.parametrize("size", SIZES)
def test_invoices_all(snap_compare, make_app, size) -> None:
    """After `f` `f`: the "all" filter (paid and unpaid), page 1 of 4 (50 per page)."""
    assert snap_compare(make_app(), terminal_size=size, run_before=_pressing("f", "f"))
