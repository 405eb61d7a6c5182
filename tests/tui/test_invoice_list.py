"""The Invoices section (a ``PagedListScreen``) against a real LocalService over the seeded demo
database. Expected rows and counts come from the service, never from pinned demo facts."""

from __future__ import annotations

from datetime import timedelta

from backend.contract import InvoiceFilter, InvoiceQuery, InvoiceStatus, ServiceUnavailable
from hostui.frame.paged_list import CELL_PADDING, LOADING_DELAY
from hostui.screens.invoices import InvoicesScreen
from hostui.services.local import LocalService
from hostui.widgets.formatting import money
from tui_helpers import (
    STATUSES_FOR,
    count,
    first_invoice,
    fixed_clock,
    invoices_of,
    notifications,
    row_numbers,
    screen_text,
    settle,
    wait_for,
)

FILTER_ORDER = [InvoiceFilter.UNPAID, InvoiceFilter.PAID, InvoiceFilter.ALL, InvoiceFilter.DELETED]


def _screen(app) -> InvoicesScreen:  # noqa: ANN001
    assert isinstance(app.screen, InvoicesScreen)
    return app.screen


def _pages(total: int, page_size: int) -> int:
    return max(1, -(-total // page_size))


async def test_unpaid_by_default_with_the_right_count(make_app, demo_service) -> None:
    expected = await demo_service.list_invoices(InvoiceQuery(status=InvoiceFilter.UNPAID, page_size=50))
    assert expected.items, "the demo data has unpaid invoices"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        assert screen.filter_id == InvoiceFilter.UNPAID.value
        assert screen.table.row_count == min(expected.total, 50)
        assert screen.page.total == expected.total
        assert {row.status for row in screen.rows} == {InvoiceStatus.UNPAID}
        assert row_numbers(screen) == [row.number for row in expected.items]
        text = screen_text(app)
        noun = "invoice" if expected.total == 1 else "invoices"
        assert f"Page 1 of {expected.pages} · {expected.total} {noun} · unpaid" in text
        # Amounts: two places and the currency, right-aligned in their column.
        lines = text.splitlines()
        ends = set()
        for row in expected.items[: screen.table.size.height - 1]:
            line = next(line for line in lines if row.number in line)
            amount = money(row.total, row.currency)
            assert amount in line
            ends.add(line.index(amount) + len(amount))
        assert len(ends) == 1, ends
        # Focus is on the table, the cursor on the first invoice.
        assert app.focused is screen.table
        assert screen.selected() == expected.items[0]


async def test_f_cycles_the_filter_and_the_rows_follow(make_app, demo_service) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        for status in FILTER_ORDER[1:] + FILTER_ORDER[:1]:
            await pilot.press("f")
            await settle(pilot)
            assert screen.filter_id == status.value
            total = await count(demo_service, status)
            assert screen.page.total == total
            assert screen.table.row_count == min(total, 50)
            assert {row.status for row in screen.rows} <= STATUSES_FOR[status]
            assert screen.query_one("#filters").active == f"filter-{status.value}"
            assert f"invoices · {status.value}" in screen_text(app)
            assert app.focused is screen.table  # the filter bar never takes the focus


async def test_shift_f_cycles_the_other_way(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        for status in reversed(FILTER_ORDER):  # deleted, all, paid, unpaid
            await pilot.press("F")
            await settle(pilot)
            assert screen.filter_id == status.value
            assert screen.query_one("#filters").active == f"filter-{status.value}"
        await pilot.press("F", "f")
        await settle(pilot)
        assert screen.filter_id == InvoiceFilter.UNPAID.value


async def test_clicking_a_filter_tab_switches(make_app, demo_service) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        await pilot.click("#filter-all")
        await settle(pilot)
        assert screen.filter_id == InvoiceFilter.ALL.value
        assert screen.page.total == await count(demo_service, InvoiceFilter.ALL)
        assert app.focused is screen.table


async def test_paging_with_a_small_page_size(make_app, demo_service) -> None:
    paid_total = await count(demo_service, InvoiceFilter.PAID)
    assert paid_total > 30, "needs at least four pages of ten paid invoices"
    page_two = await demo_service.list_invoices(InvoiceQuery(status=InvoiceFilter.PAID, page=2, page_size=10))
    pages = _pages(paid_total, 10)
    app = make_app(page_size=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        await pilot.press("f")  # paid
        await settle(pilot)
        assert f"Page 1 of {pages} · {paid_total} invoices · paid" in screen_text(app)
        first_page = row_numbers(screen)

        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.page.page == 2
        assert row_numbers(screen) == [row.number for row in page_two.items]
        assert f"Page 2 of {pages} · {paid_total} invoices · paid" in screen_text(app)
        assert screen.table.cursor_row == 0

        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.page.page == 1
        assert row_numbers(screen) == first_page
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
        assert screen.filter_id == InvoiceFilter.ALL.value
        assert screen.page.page == 1


async def test_pages_are_asked_for_by_position(make_app, faulty_service) -> None:
    """`]` asks for the next page where the last one ended (its next_after), and `[` for the
    page before where it began, so paging stays as fast a million invoices deep."""
    assert await count(faulty_service, InvoiceFilter.PAID) > 30
    app = make_app(faulty_service, page_size=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        await pilot.press("f")  # paid
        await settle(pilot)
        first = screen.page
        await pilot.press("right_square_bracket")
        await settle(pilot)
        second = screen.page
        await pilot.press("right_square_bracket")
        await settle(pilot)
        faulty_service.log.clear()
        await pilot.press("left_square_bracket")
        await settle(pilot)
        (back,) = [args[0] for args in faulty_service.calls("list_invoices")]
        assert (back.page, back.after) == (2, first.next_after)
        assert [row.id for row in screen.page.items] == [row.id for row in second.items]
        assert first.next_after and second.next_after and first.next_after != second.next_after


async def test_the_screen_holds_one_page_only(make_app, faulty_service) -> None:
    all_total = await count(faulty_service, InvoiceFilter.ALL)
    assert all_total > 25
    faulty_service.log.clear()
    app = make_app(faulty_service, page_size=25)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f", "f")  # all
        await settle(pilot)
        queries = [args[0] for args in faulty_service.calls("list_invoices")]
        assert queries and all(query.page_size == 25 for query in queries)
        assert _screen(app).table.row_count == 25


async def test_movement_keys(make_app, demo_service) -> None:
    """j/k and the arrows move; g/Home and G/End jump to the first and last row of the page."""
    rows = (await demo_service.list_invoices(InvoiceQuery(status=InvoiceFilter.PAID, page_size=10))).items
    assert len(rows) >= 3
    app = make_app(page_size=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        await pilot.press("f")
        await settle(pilot)
        last = len(rows) - 1
        for key, expected in (("j", 1), ("j", 2), ("k", 1), ("down", 2), ("up", 1), ("G", last), ("g", 0),
                              ("end", last), ("home", 0)):
            await pilot.press(key)
            await pilot.pause()
            assert screen.table.cursor_row == expected, key
            assert screen.selected() == rows[expected], key
        assert screen.page.page == 1  # none of them turned the page


async def test_search_narrows_on_the_data_side_and_escape_clears_it(make_app, faulty_service) -> None:
    target = await first_invoice(faulty_service, InvoiceStatus.PAID)
    term = target.number[-4:]
    expected = await invoices_of(faulty_service, InvoiceFilter.PAID, search=term)
    paid_total = await count(faulty_service, InvoiceFilter.PAID)
    assert 0 < len(expected) < paid_total
    faulty_service.log.clear()
    app = make_app(faulty_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("slash")
        assert app.focused is screen.query_one("#search")
        await pilot.press(*term)
        await settle(pilot, lambda: screen.search == term)
        # The service did the searching (the screen never holds more than a page).
        assert faulty_service.calls("list_invoices")[-1][0].search == term
        assert row_numbers(screen) == [row.number for row in expected[:50]]
        assert screen.page.total == len(expected)
        assert f"matching “{term}”" in screen_text(app) or term in screen_text(app)
        # Typing is debounced: one search request for the whole term, not one per key.
        searches = [args[0].search for args in faulty_service.calls("list_invoices") if args[0].search]
        assert searches == [term]
        # enter keeps the search and goes back to the list; escape clears it.
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is screen.table and screen.search == term
        await pilot.press("escape")
        await settle(pilot)
        assert screen.search == ""
        assert screen.page.total == paid_total
        assert app.focused is screen.table
        # A search that finds nothing says so, and how to get out.
        await pilot.press("slash", *"zzz", "enter")
        await settle(pilot, lambda: screen.search == "zzz")
        assert screen.selected() is None
        assert "Escape clears the search." in screen_text(app)


async def test_a_stale_search_answer_is_dropped(make_app, faulty_service) -> None:
    """The answer for a search the user already changed arrives late (even after its worker
    was cancelled): it is never painted over the newer search's rows."""
    first = await first_invoice(faulty_service, InvoiceStatus.UNPAID)
    old_term, new_term = "0", first.number
    newer = await invoices_of(faulty_service, InvoiceFilter.UNPAID, search=new_term)
    assert [row.number for row in newer] != [row.number for row in await invoices_of(faulty_service, InvoiceFilter.UNPAID, search=old_term)]
    app = make_app(faulty_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        faulty_service.hold("list_invoices", lambda query: query.search == old_term, stubborn=True)
        screen.search = old_term
        await wait_for(pilot, lambda: faulty_service.held == 1)
        assert screen.selected() is None  # the rows on screen do not belong to this search
        screen.search = new_term
        await wait_for(pilot, lambda: screen.page is not None and screen.selected() is not None)
        assert row_numbers(screen) == [row.number for row in newer]
        faulty_service.release()
        await settle(pilot)
        assert faulty_service.answered == 1  # the stale answer did arrive…
        assert screen.search == new_term  # …and was dropped
        assert row_numbers(screen) == [row.number for row in newer]
        assert screen.page.total == len(newer)


async def _slow_first_filter_never_overwrites_the_second(make_app, faulty_service, stubborn: bool) -> None:  # noqa: ANN001
    all_rows = await invoices_of(faulty_service, InvoiceFilter.ALL)
    app = make_app(faulty_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        faulty_service.hold("list_invoices", lambda query: query.status == InvoiceFilter.PAID, stubborn=stubborn)
        await pilot.press("f")  # paid: held
        await wait_for(pilot, lambda: faulty_service.held == 1)
        # While paid loads, the unpaid rows still on screen are not selectable.
        assert screen.selected() is None
        await pilot.press("f")  # all: answers at once
        await wait_for(pilot, lambda: screen.selected() is not None)
        assert screen.filter_id == InvoiceFilter.ALL.value
        shown = row_numbers(screen)
        assert shown == [row.number for row in all_rows[:50]]
        # Let the slow paid answer come back (if it still can) and make sure it is not painted.
        faulty_service.release()
        await settle(pilot)
        assert screen.filter_id == InvoiceFilter.ALL.value
        assert screen.page.total == len(all_rows)
        assert row_numbers(screen) == shown
        assert {row.status for row in screen.rows} <= STATUSES_FOR[InvoiceFilter.ALL]
        assert "invoices · all" in screen_text(app)
        assert app.focused is screen.table
        # stubborn: it did arrive, and was dropped; else the worker was cancelled before it could.
        assert faulty_service.answered == (1 if stubborn else 0)


async def test_slow_answer_for_a_left_filter_is_dropped(make_app, faulty_service) -> None:
    """The exclusive worker cancels the slow load when the user moves on."""
    await _slow_first_filter_never_overwrites_the_second(make_app, faulty_service, stubborn=False)


async def test_slow_answer_that_still_arrives_is_not_painted(make_app, faulty_service) -> None:
    """Even an answer that survives cancellation is never painted over the newer one."""
    await _slow_first_filter_never_overwrites_the_second(make_app, faulty_service, stubborn=True)


async def test_empty_list_says_so(make_app, sqlite_portal) -> None:
    from backend.domain.accounts import customer_id_for_login

    acme = LocalService(sqlite_portal, customer_id_for_login(sqlite_portal, "acme"))
    for row in await invoices_of(acme, InvoiceFilter.UNPAID):  # nothing left to pay
        await acme.delete_invoice(row.id)
    paid = await count(acme, InvoiceFilter.PAID)
    assert paid > 0
    app = make_app(acme)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        assert screen.filter_id == InvoiceFilter.UNPAID.value
        assert screen.selected() is None
        text = screen_text(app)
        assert "No unpaid invoices — nothing to pay." in text
        assert "f shows the other lists." in text
        assert "0 invoices · unpaid" in text
        await pilot.press("f")  # paid: the table returns, focused
        await settle(pilot)
        assert screen.table.row_count == min(paid, 50)
        assert app.focused is screen.table


async def test_ctrl_r_reloads(make_app, demo_service) -> None:
    before = await count(demo_service, InvoiceFilter.UNPAID)
    assert before >= 3
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        await pilot.press("down", "down")
        victim = screen.selected()
        await demo_service.delete_invoice(victim.id)  # changed behind the screen's back
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.page.total == before - 1
        assert victim.number not in row_numbers(screen)
        assert screen.table.cursor_row == 2  # the cursor stays where it was
        assert f"{before - 1} invoices · unpaid" in screen_text(app)


async def test_overdue_invoices_are_marked(make_app, demo_service, make_invoice, demo_customer_id) -> None:
    """Overdue is the portal's verdict (``row.overdue``); the list says it in words."""
    make_invoice(demo_customer_id, "12.34", due_at=fixed_clock() - timedelta(days=1))
    rows = (await demo_service.list_invoices(InvoiceQuery(status=InvoiceFilter.UNPAID))).items
    overdue = [row for row in rows if row.overdue]
    assert overdue
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        for row in rows[:30]:
            line = next(line for line in lines if row.number in line)
            assert ("overdue" in line) is row.overdue, line


async def test_fast_filter_presses_settle_on_the_last_one(make_app, demo_service) -> None:
    """f f f typed faster than the loads: the list ends on the third filter, and stays there."""
    deleted = await count(demo_service, InvoiceFilter.DELETED)
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        for _ in range(3):  # one burst, as a terminal delivers typed-ahead keys
            screen.action_cycle_filter(1)
        await settle(pilot)
        assert screen.filter_id == InvoiceFilter.DELETED.value
        assert screen.query_one("#filters").active == "filter-deleted"
        assert screen.page.total == deleted
        assert f"{deleted} invoices · deleted" in screen_text(app)


async def test_typed_ahead_page_keys_after_a_filter_change(make_app, demo_service) -> None:
    """`f` then `]` `]` before the new filter's first page arrived: lands on page 3 of paid."""
    paid_total = await count(demo_service, InvoiceFilter.PAID)
    assert paid_total > 20
    app = make_app(page_size=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        screen.action_cycle_filter(1)
        screen.action_turn_page(1)
        screen.action_turn_page(1)
        await settle(pilot)
        assert screen.filter_id == InvoiceFilter.PAID.value
        assert screen.page.page == 3
        assert f"Page 3 of {_pages(paid_total, 10)} · {paid_total} invoices · paid" in screen_text(app)


async def test_a_page_past_the_end_shows_the_last_page(make_app, demo_service) -> None:
    pages = _pages(await count(demo_service, InvoiceFilter.PAID), 10)
    app = make_app(page_size=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        screen.action_cycle_filter(1)  # paid
        for _ in range(pages + 7):
            screen.action_turn_page(1)
        await settle(pilot)
        assert screen.page.page == pages
        assert screen.table.cursor_row == screen.table.row_count - 1


async def test_a_failed_load_never_leaves_another_filters_rows(make_app, faulty_service) -> None:
    """The server goes away; `f` to paid fails: no unpaid rows stay under the Paid tab."""
    app = make_app(faulty_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        unpaid = row_numbers(screen)
        assert screen.selected() is not None
        faulty_service.fail("list_invoices", ServiceUnavailable("cannot reach http://portal.example: connection refused"))
        await pilot.press("f")
        await settle(pilot)
        assert app.is_running
        assert screen.filter_id == InvoiceFilter.PAID.value
        assert screen.selected() is None
        text = screen_text(app)
        assert "Could not load paid invoices (page 1) · ctrl+r reloads" in text
        assert not any(number in text for number in unpaid)
        assert any("connection refused" in message for message in notifications(app, "error"))


async def test_narrow_terminals_drop_the_least_important_columns(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        all_keys = tuple(column.key for column in screen.COLUMNS)
        await pilot.press("f", "down", "down")  # paid: every column has something to show
        await settle(pilot)
        wide = screen.shown_columns
        assert set(wide) <= set(all_keys)
        await pilot.resize_terminal(140, 30)
        await settle(pilot)
        assert screen.shown_columns == all_keys
        assert "Method" in screen_text(app)
        by_priority = sorted(screen.COLUMNS, key=lambda column: column.priority)
        narrow = 2 + sum(column.width + 2 * CELL_PADDING for column in by_priority[-3:])  # room for three
        await pilot.resize_terminal(narrow, 24)
        await settle(pilot)
        kept = set(screen.shown_columns)
        assert kept == {column.key for column in by_priority[-3:]}, kept
        assert "number" in kept  # the number is what names the invoice: always there
        text = screen_text(app)
        for dropped in by_priority[:-3]:
            assert f" {dropped.title} " not in text.splitlines()[3], dropped.title
        assert screen.table.cursor_row == 2  # the cursor stays on its invoice
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert screen.shown_columns == wide
        assert screen.table.cursor_row == 2


async def test_slow_load_shows_a_loading_state_then_the_rows(make_app, faulty_service) -> None:
    paid_total = await count(faulty_service, InvoiceFilter.PAID)
    app = make_app(faulty_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        faulty_service.hold("list_invoices", lambda query: query.status == InvoiceFilter.PAID)
        await pilot.press("f")
        await wait_for(pilot, lambda: screen.query_one("#list").loading, timeout=LOADING_DELAY + 5)
        assert screen.is_loading
        assert "Loading paid invoices… (page 1)" in screen_text(app)
        await wait_for(pilot, lambda: "Loading…" in screen_text(app))  # over the table, in words
        faulty_service.release()
        await settle(pilot)
        assert not screen.query_one("#list").loading
        assert screen.page.total == paid_total
        assert app.focused is screen.table
