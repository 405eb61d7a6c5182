"""The Invoices section against a real LocalService over the seeded demo database."""

from __future__ import annotations

import asyncio

from backend.contract import InvoiceFilter, InvoiceQuery, InvoiceStatus
from hostui.screens.invoices import InvoicesScreen
from hostui.services.local import LocalService
from tui_helpers import screen_text, settle

STATUSES_FOR = {
    InvoiceFilter.UNPAID: {InvoiceStatus.UNPAID},
    InvoiceFilter.PAID: {InvoiceStatus.PAID},
    InvoiceFilter.ALL: {InvoiceStatus.UNPAID, InvoiceStatus.PAID},
    InvoiceFilter.DELETED: {InvoiceStatus.DELETED},
}


def _screen(app) -> InvoicesScreen:  # noqa: ANN001
    assert isinstance(app.screen, InvoicesScreen)
    return app.screen


def _row_numbers(screen: InvoicesScreen) -> list[str]:
    table = screen.table
    return [str(table.get_row_at(index)[0]) for index in range(table.row_count)]


async def _total(service, status: InvoiceFilter) -> int:  # noqa: ANN001
    return (await service.list_invoices(InvoiceQuery(status=status, page_size=1))).total


async def test_unpaid_by_default_with_the_right_count(make_app, demo_service) -> None:
    expected = await demo_service.list_invoices(InvoiceQuery(status=InvoiceFilter.UNPAID, page_size=50))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        assert screen.status_filter == InvoiceFilter.UNPAID
        assert screen.table.row_count == expected.total == 5
        assert {row.status for row in screen.page.items} == {InvoiceStatus.UNPAID}
        assert _row_numbers(screen) == [row.number for row in expected.items]
        text = screen_text(app)
        assert "Page 1 of 1 · 5 invoices · unpaid" in text
        # Amounts: two places and the currency, right-aligned in their column.
        assert "133.76 EUR" in text
        assert "  13.08 EUR" in text
        # Focus is on the table, the cursor on the first invoice.
        assert app.focused is screen.table
        assert screen.selected_invoice() == expected.items[0]


async def test_f_cycles_the_filter_and_the_rows_follow(make_app, demo_service) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        for status in (InvoiceFilter.PAID, InvoiceFilter.ALL, InvoiceFilter.DELETED, InvoiceFilter.UNPAID):
            await pilot.press("f")
            await settle(pilot)
            assert screen.status_filter == status
            total = await _total(demo_service, status)
            assert screen.page.total == total
            assert screen.table.row_count == min(total, 50)
            assert {row.status for row in screen.page.items} <= STATUSES_FOR[status]
            assert screen.query_one("#filters").active == f"filter-{status.value}"
            assert f"invoices · {status.value}" in screen_text(app)
            assert app.focused is screen.table  # the filter bar never takes the focus


async def test_clicking_a_filter_tab_switches(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        await pilot.click("#filter-all")
        await settle(pilot)
        assert screen.status_filter == InvoiceFilter.ALL
        assert screen.page.total == 180
        assert app.focused is screen.table


async def test_paging_with_a_small_page_size(make_app, demo_service) -> None:
    paid_total = await _total(demo_service, InvoiceFilter.PAID)
    page_two = await demo_service.list_invoices(InvoiceQuery(status=InvoiceFilter.PAID, page=2, page_size=10))
    app = make_app(page_size=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        await pilot.press("f")  # paid: 175 invoices, 18 pages of 10
        await settle(pilot)
        pages = -(-paid_total // 10)
        assert f"Page 1 of {pages} · {paid_total} invoices · paid" in screen_text(app)
        first_page = _row_numbers(screen)

        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.page.page == 2
        assert _row_numbers(screen) == [row.number for row in page_two.items]
        assert f"Page 2 of {pages} · {paid_total} invoices · paid" in screen_text(app)
        assert screen.table.cursor_row == 0

        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.page.page == 1
        assert _row_numbers(screen) == first_page
        # Going back lands on the last row of the previous page.
        assert screen.table.cursor_row == 9

        # pgdn on the last row turns the page; pgup on the first row turns it back.
        await pilot.press("pagedown")
        await settle(pilot)
        assert screen.page.page == 2
        await pilot.press("pageup")
        await settle(pilot)
        assert screen.page.page == 1

        # No page 0; the filter change goes back to page 1.
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.page.page == 1
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert screen.page.page == 3
        await pilot.press("f")
        await settle(pilot)
        assert screen.status_filter == InvoiceFilter.ALL
        assert screen.page.page == 1


async def test_the_screen_holds_one_page_only(make_app) -> None:
    calls: list[InvoiceQuery] = []
    app = make_app(page_size=25)
    original = app.service.list_invoices

    async def spy(query: InvoiceQuery):  # noqa: ANN202
        calls.append(query)
        return await original(query)

    app.service.list_invoices = spy  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f", "f")  # all: 180
        await settle(pilot)
        assert all(query.page_size == 25 for query in calls)
        assert _screen(app).table.row_count == 25


class DelayedService(LocalService):
    """LocalService whose list_invoices answers late for one filter (test only)."""

    def __init__(self, portal, customer_id: int, *, slow: InvoiceFilter, delay: float, shield: bool) -> None:  # noqa: ANN001
        super().__init__(portal, customer_id)
        self.slow = slow
        self.delay = delay
        self.shield = shield
        self.armed = False
        self.slow_answers = 0

    async def list_invoices(self, query: InvoiceQuery):  # noqa: ANN201
        if self.armed and query.status == self.slow:

            async def late():  # noqa: ANN202
                await asyncio.sleep(self.delay)
                page = await LocalService.list_invoices(self, query)
                self.slow_answers += 1
                return page

            if self.shield:
                # The answer arrives even though the worker was cancelled.
                return await asyncio.shield(asyncio.ensure_future(late()))
            return await late()
        return await super().list_invoices(query)


async def _slow_first_filter_never_overwrites_the_second(make_app, sqlite_portal, shield: bool) -> None:  # noqa: ANN001
    from backend.domain.accounts import customer_id_for_login

    service = DelayedService(
        sqlite_portal, customer_id_for_login(sqlite_portal, "demo"),
        slow=InvoiceFilter.PAID, delay=1.5, shield=shield,
    )
    app = make_app(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        service.armed = True
        await pilot.press("f")  # paid: slow
        await pilot.pause()
        # While paid loads, the unpaid rows still on screen are not selectable.
        assert screen.selected_invoice() is None
        await pilot.press("f")  # all: fast
        await settle(pilot)
        assert screen.status_filter == InvoiceFilter.ALL
        all_rows = _row_numbers(screen)
        assert screen.page.total == 180
        # Let the slow paid answer come back (if it still can) and make sure it is not painted.
        await asyncio.sleep(1.8)
        await settle(pilot)
        assert screen.status_filter == InvoiceFilter.ALL
        assert screen.page.total == 180
        assert _row_numbers(screen) == all_rows
        assert {row.status for row in screen.page.items} == {InvoiceStatus.UNPAID, InvoiceStatus.PAID}
        assert "invoices · all" in screen_text(app)
        assert app.focused is screen.table
        if shield:
            assert service.slow_answers == 1  # it did arrive, and was dropped
        else:
            assert service.slow_answers == 0  # the worker was cancelled before it could


async def test_slow_answer_for_a_left_filter_is_dropped(make_app, sqlite_portal) -> None:
    """The exclusive worker cancels the slow load when the user moves on."""
    await _slow_first_filter_never_overwrites_the_second(make_app, sqlite_portal, shield=False)


async def test_slow_answer_that_still_arrives_is_not_painted(make_app, sqlite_portal) -> None:
    """Even an answer that survives cancellation (shielded) is never painted over the newer one."""
    await _slow_first_filter_never_overwrites_the_second(make_app, sqlite_portal, shield=True)


async def test_empty_list_says_so(make_app, sqlite_portal) -> None:
    from backend.domain.accounts import customer_id_for_login

    acme = LocalService(sqlite_portal, customer_id_for_login(sqlite_portal, "acme"))
    app = make_app(acme)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        await pilot.press("f", "f", "f")  # deleted: acme has none
        await settle(pilot)
        assert screen.status_filter == InvoiceFilter.DELETED
        assert screen.selected_invoice() is None
        text = screen_text(app)
        assert "No deleted invoices." in text
        assert "0 invoices · deleted" in text
        await pilot.press("f")  # back to unpaid: the table returns, focused
        await settle(pilot)
        assert screen.table.row_count == 1
        assert app.focused is screen.table


async def test_ctrl_r_reloads(make_app, demo_service) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        assert screen.table.row_count == 5
        await pilot.press("down", "down")
        victim = screen.selected_invoice()
        await demo_service.delete_invoice(victim.id)  # changed behind the screen's back
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.table.row_count == 4
        assert victim.number not in _row_numbers(screen)
        assert screen.table.cursor_row == 2  # the cursor stays where it was
        assert "4 invoices · unpaid" in screen_text(app)


async def test_action_keys_open_their_dialogs_for_the_selected_invoice(make_app) -> None:
    from hostui.screens.confirm import ConfirmScreen
    from hostui.screens.invoice_menu import InvoiceMenuScreen
    from hostui.screens.invoice_view import InvoiceViewScreen
    from hostui.screens.pay_link import PayLinkScreen
    from hostui.screens.payment import PaymentMethodScreen
    from hostui.screens.save_file import SaveFileScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        await pilot.press("down")
        selected = screen.selected_invoice()
        for key, dialog in (("enter", InvoiceViewScreen), ("a", InvoiceMenuScreen), ("p", PaymentMethodScreen),
                            ("x", ConfirmScreen), ("c", PayLinkScreen), ("r", SaveFileScreen),
                            ("e", SaveFileScreen)):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, dialog), key
            if key != "e":
                assert selected.number in screen_text(app), key
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen
        # w (download the PDF) only works on paid invoices: dimmed here, does nothing.
        await pilot.press("w")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("f")  # paid
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, SaveFileScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("p", "x")  # not on a paid invoice
        await settle(pilot)
        assert app.screen is screen


async def test_overdue_invoices_are_marked(make_app, demo_service) -> None:
    from datetime import timedelta

    from tui_helpers import fixed_clock

    later = fixed_clock() + timedelta(days=8)  # the two oldest unpaid invoices are past due then
    app = make_app(clock=lambda: later)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert text.count("overdue") == 2


async def test_fast_filter_presses_settle_on_the_last_one(make_app) -> None:
    """f f f typed faster than the loads: the list ends on the third filter, and stays there."""
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        # Three presses in one burst (as a terminal delivers typed-ahead keys).
        for _ in range(3):
            screen.action_cycle_filter()
        await settle(pilot, timeout=5)
        await pilot.pause(0.2)
        await settle(pilot, timeout=5)
        assert screen.status_filter == InvoiceFilter.DELETED
        assert screen.query_one("#filters").active == "filter-deleted"
        assert screen.page.total == 3
        assert "3 invoices · deleted" in screen_text(app)


async def test_typed_ahead_page_keys_after_a_filter_change(make_app) -> None:
    """`f` then `]` `]` before the new filter's first page arrived: lands on page 3 of paid."""
    app = make_app(page_size=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)  # unpaid: one page only
        screen.action_cycle_filter()
        screen.action_next_page()
        screen.action_next_page()
        await settle(pilot)
        assert screen.status_filter == InvoiceFilter.PAID
        assert screen.page.page == 3
        assert "Page 3 of 18 · 175 invoices · paid" in screen_text(app)


async def test_a_page_past_the_end_shows_the_last_page(make_app) -> None:
    app = make_app(page_size=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        screen.action_cycle_filter()  # paid, 18 pages
        for _ in range(25):
            screen.action_next_page()
        await settle(pilot)
        assert screen.page.page == 18
        assert screen.table.cursor_row == screen.table.row_count - 1


async def test_a_failed_load_never_leaves_another_filters_rows(make_app, demo_service) -> None:
    """The server goes away; `f` to paid fails: no unpaid rows stay under the Paid tab."""
    from backend.contract import ServiceUnavailable

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        assert screen.selected_invoice() is not None

        async def down(query):  # noqa: ANN001, ANN202
            raise ServiceUnavailable("cannot reach http://portal.example: connection refused")

        app.service.list_invoices = down  # type: ignore[method-assign]
        await pilot.press("f")
        await settle(pilot)
        assert app.is_running
        assert screen.status_filter == InvoiceFilter.PAID
        assert screen.selected_invoice() is None
        text = screen_text(app)
        assert "Could not load paid invoices (page 1) · ctrl+r to retry" in text
        assert "NH-000193" not in text
        assert any("connection refused" in str(n.message) for n in app._notifications)


async def test_wide_terminal_gets_a_payment_method_column(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        await pilot.press("f", "down", "down")  # paid
        await settle(pilot)
        assert "Payment method" not in screen_text(app)
        assert "paid · transfer" in screen_text(app)
        await pilot.resize_terminal(140, 30)
        await settle(pilot)
        text = screen_text(app)
        assert "Payment method" in text and "bank transfer" in text
        assert screen.table.cursor_row == 2  # the cursor stays on its invoice
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert "Payment method" not in screen_text(app)
        assert screen.table.cursor_row == 2


async def test_slow_load_shows_a_loading_state_then_the_rows(make_app, sqlite_portal) -> None:
    from backend.domain.accounts import customer_id_for_login

    service = DelayedService(
        sqlite_portal, customer_id_for_login(sqlite_portal, "demo"),
        slow=InvoiceFilter.PAID, delay=2.0, shield=False,
    )
    app = make_app(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        service.armed = True
        await pilot.press("f")
        await pilot.pause(0.4)
        assert screen.is_loading
        assert screen.query_one("#list").loading  # the indicator, after LOADING_DELAY
        assert "Loading paid invoices… (page 1)" in screen_text(app)
        await settle(pilot)
        assert not screen.query_one("#list").loading
        assert screen.page.total == 175
        assert app.focused is screen.table
