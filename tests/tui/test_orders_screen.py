"""The Orders section from the keyboard: the list (columns, filters, search), opening a server,
an order's invoices, renewing and writing a ticket, and the list through RemoteService.

Everything runs in the real ``HostUIApp`` against a real ``LocalService`` (or a
``RemoteService`` against ``live_server``) over a fresh copy of the seeded demo database.
Orders are found by what they are (active, renewable, with a server…), never by their numbers;
what the screen should show comes from the service.
"""

from __future__ import annotations

import pytest
from textual.widgets import Select

from backend.contract import InvoiceFilter, InvoiceQuery, OrderFilter, OrderStatus
from backend.domain.accounts import customer_id_for_login
from hostui.frame.help import HelpScreen
from hostui.screens.dialogs.confirm import ConfirmScreen
from hostui.screens.invoices import InvoicesScreen
from hostui.screens.invoices.payment import PaymentMethodScreen
from hostui.screens.orders import OrdersScreen
from hostui.screens.orders.actions import ORDER_ACTIONS
from hostui.screens.orders.server import ServerScreen
from hostui.screens.tickets import NewTicketScreen
from hostui.widgets.formatting import money
from orders_helpers import (
    column_texts,
    faulty_orders_service,
    first_order,
    highlight_order,
    open_orders,
    open_server,
    order_numbers,
    orders_of,
)
from tui_helpers import PAGE, key_bar_text, notifications, row_numbers, screen_text, settle, wait_for, widget_text

SIZE = (80, 24)
WIDE = (200, 50)

# The columns an 80-column terminal must keep: what tells orders apart and what matters now.
ESSENTIAL = ("number", "ip", "status", "power")


# --- the list -------------------------------------------------------------------------------------


async def test_2_opens_the_orders_list_with_the_services_orders(make_app, demo_service) -> None:
    expected = await orders_of(demo_service)
    assert expected
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, OrdersScreen)  # the app starts in Invoices
        screen = await open_orders(pilot)
        assert app.current_mode == "orders"
        assert order_numbers(screen) == [row.number for row in expected[: app.page_size]]
        assert screen.selected().id == expected[0].id
        status = widget_text(app, "#status")
        assert status.startswith("Page 1 of ") and f"{len(expected):,} orders · all" in status


@pytest.mark.parametrize("size", [SIZE, WIDE], ids=["80x24", "200x50"])
async def test_columns_fit_the_terminal(make_app, demo_service, size) -> None:
    expected = await orders_of(demo_service)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_orders(pilot)
        shown = screen.shown_columns
        header = screen_text(app).splitlines()[3]
        for column in OrdersScreen.COLUMNS:
            assert (column.key in shown) == (column.title in header), (column.key, header)
        if size == WIDE:
            assert shown == tuple(column.key for column in OrdersScreen.COLUMNS)
        else:
            assert set(ESSENTIAL) <= set(shown)
            dropped = [column for column in OrdersScreen.COLUMNS if column.key not in shown]
            assert dropped, "80 columns cannot hold every column"
            kept_priorities = [column.priority for column in OrdersScreen.COLUMNS if column.key in shown]
            # What is dropped is what matters least (a dropped column may come back only if it fits).
            assert max(column.priority for column in dropped) <= max(kept_priorities)
            assert min(column.priority for column in dropped) < min(kept_priorities)
            # Every line of the table fits: nothing is cut at the right edge.
            for line in screen_text(app).splitlines()[3 : 4 + len(expected)]:
                assert len(line.rstrip()) <= size[0]
        # The cells say what the service says.
        count = len(order_numbers(screen))
        assert column_texts(screen, "ip") == [row.main_ip or "—" for row in expected[:count]]
        assert column_texts(screen, "status")[0] in {"active", "new, unpaid", "suspended", "blocked", "cancelled"}
        if "cost" in shown:
            first = expected[0]
            assert column_texts(screen, "cost")[0].startswith(money(first.price, first.currency))


async def test_filters_cycle_with_f_and_F_and_match_the_service(make_app, demo_service) -> None:
    expected = {f: [row.number for row in await orders_of(demo_service, f)] for f in OrderFilter}
    # The demo data must make the filters differ, or this test proves nothing.
    assert len({tuple(numbers) for numbers in expected.values()}) == len(OrderFilter)
    app = make_app(page_size=PAGE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_orders(pilot)
        order = [OrderFilter.ALL, OrderFilter.ACTIVE, OrderFilter.NEW, OrderFilter.INACTIVE]
        assert [f.id for f in OrdersScreen.FILTERS] == [f.value for f in order]
        for step in [*order[1:], OrderFilter.ALL]:
            await pilot.press("f")
            await settle(pilot)
            assert screen.filter_id == step.value
            assert order_numbers(screen) == expected[step], step
            label = next(f.label for f in OrdersScreen.FILTERS if f.id == step.value)
            assert label.lower() in widget_text(app, "#status")
        await pilot.press("F")  # backwards: from all to suspended / ended
        await settle(pilot)
        assert screen.filter_id == OrderFilter.INACTIVE.value
        assert order_numbers(screen) == expected[OrderFilter.INACTIVE]
        statuses = {row.status for row in screen.rows}
        assert statuses and statuses <= {OrderStatus.SUSPENDED, OrderStatus.BLOCKED, OrderStatus.CANCELLED}


@pytest.mark.parametrize("field", ["main_ip", "hostname", "tariff"])
async def test_search_narrows_on_the_data_side(make_app, sqlite_portal, field) -> None:
    service = faulty_orders_service(sqlite_portal, customer_id_for_login(sqlite_portal, "demo"))
    every = await orders_of(service)
    # A value of this field that not every order shares, so the search must narrow.
    target = next(row for row in every if getattr(row, field) and
                  sum(getattr(other, field) == getattr(row, field) for other in every) < len(every))
    term = getattr(target, field)
    expected = [row.number for row in await orders_of(service, search=term)]
    assert target.number in expected and len(expected) < len(every)
    app = make_app(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_orders(pilot)
        before = len(service.calls("list_orders"))
        await pilot.press("slash", *term)
        await settle(pilot, lambda: screen.search == term)
        assert order_numbers(screen) == expected
        # The portal searched: the query went to the service, not a filter over the page.
        searched = [args[0] for args in service.calls("list_orders")[before:]]
        assert searched and searched[-1].search == term and searched[-1].filter == OrderFilter.ALL
        assert f"matching “{term}”" in widget_text(app, "#status") or term in widget_text(app, "#status")
        await pilot.press("enter")  # keeps the search, back to the rows
        await settle(pilot)
        assert screen.search == term and order_numbers(screen) == expected
        await pilot.press("escape")  # clears it
        await settle(pilot)
        assert screen.search == "" and order_numbers(screen) == [row.number for row in every]


async def test_search_for_nothing_known_says_so(make_app, demo_service) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_orders(pilot)
        await pilot.press("slash", *"no-such-host.invalid", "enter")
        await settle(pilot, lambda: screen.search == "no-such-host.invalid")
        assert order_numbers(screen) == [] and screen.selected() is None
        assert "match “no-such-host.invalid”" in screen_text(app)


# --- opening an order's server ------------------------------------------------------------------------


async def test_enter_on_an_order_with_a_server_opens_its_server(make_app, demo_service) -> None:
    # Not the first row: the cursor has to move there, as a user would.
    rows = [row for row in await orders_of(demo_service) if row.action("manage").enabled]
    row = rows[1]
    detail = await demo_service.get_server(row.server_id)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders(pilot)
        screen = await open_server(pilot, row)
        assert screen.detail == detail
        assert screen.order_number == row.number
        assert detail.hostname in screen_text(app) or row.main_ip in widget_text(app, "#title")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is orders and orders.selected().id == row.id
        # m does the same.
        await pilot.press("m")
        await settle(pilot, lambda: isinstance(app.screen, ServerScreen) and app.screen.detail is not None)
        assert app.screen.detail.id == row.server_id


async def test_an_order_without_a_server_dims_open_and_manage_and_says_why(
    make_app, demo_service, make_order, demo_customer_id
) -> None:
    order_id = make_order(demo_customer_id)
    row = await demo_service.get_order(order_id)
    assert row.server_id is None
    refusal = ORDER_ACTIONS.refusal(row, "manage")
    assert refusal is not None and "no server" in refusal
    app = make_app()
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_orders(pilot)
        await highlight_order(pilot, row)
        assert "⏎ Open (off)" in key_bar_text(app)
        assert screen.active_bindings["m"].enabled is False
        for key in ("enter", "m"):
            app.clear_notifications()
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen, key
            assert notifications(app, "warning") == [refusal], key
        assert len(bells) == 2
        # The help says it too.
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        manage = next(e for g in app.screen.groups for e in g.entries if e.description == ORDER_ACTIONS["manage"].help)
        assert manage.keys == ["m"] and not manage.enabled and manage.reason == row.action("manage").reason
        assert "(not now: this order has no server)" in " ".join(screen_text(app).replace("│", " ").split())
        # An order with a server: Open is lit again.
        await pilot.press("escape")
        await settle(pilot)
        other = await first_order(demo_service, lambda r: r.action("manage").enabled)
        await highlight_order(pilot, other)
        assert "⏎ Open" in key_bar_text(app) and "⏎ Open (off)" not in key_bar_text(app)


# --- an order's invoices ------------------------------------------------------------------------------


async def test_i_shows_only_the_orders_invoices_and_escape_shows_them_all(make_app, demo_service) -> None:
    all_invoices = await demo_service.list_invoices(InvoiceQuery(status=InvoiceFilter.ALL, page_size=PAGE))
    by_order: dict[int, int] = {}
    for invoice in all_invoices.items:
        if invoice.order_id is not None:
            by_order[invoice.order_id] = by_order.get(invoice.order_id, 0) + 1
    # An order with more than one invoice, while the customer has invoices of other orders too.
    row = await first_order(demo_service, lambda r: by_order.get(r.id, 0) >= 2)
    expected = await demo_service.list_invoices(
        InvoiceQuery(status=InvoiceFilter.ALL, order_id=row.id, page_size=PAGE)
    )
    assert 2 <= expected.total < all_invoices.total
    app = make_app(page_size=PAGE)
    async with app.run_test(size=WIDE) as pilot:
        await open_orders(pilot)
        await highlight_order(pilot, row)
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(app.screen, InvoicesScreen) and app.screen.scope is not None)
        invoices = app.screen
        assert app.current_mode == "invoices"
        assert invoices.filter_id == InvoiceFilter.ALL.value
        assert row_numbers(invoices) == [invoice.number for invoice in expected.items]
        assert {invoice.order_number for invoice in invoices.rows} == {row.number}
        order_column = invoices.shown_columns.index("order")
        table = invoices.table
        assert {str(table.get_row_at(i)[order_column]) for i in range(table.row_count)} == {row.number}
        status = widget_text(app, "#status")
        assert f"order {row.number}" in status and f"{expected.total:,} invoices" in status
        # Escape: the whole list again.
        await pilot.press("escape")
        await settle(pilot, lambda: invoices.scope is None)
        assert invoices.page.total == all_invoices.total
        assert row_numbers(invoices) == [invoice.number for invoice in all_invoices.items]
        assert f"order {row.number}" not in widget_text(app, "#status")


# --- renew ------------------------------------------------------------------------------------------


async def test_renew_issues_an_invoice_then_offers_to_pay_it_and_refuses_a_second_time(
    make_app, demo_service
) -> None:
    row = await first_order(demo_service, lambda r: r.action("renew").enabled and r.status == OrderStatus.ACTIVE)
    query = InvoiceQuery(status=InvoiceFilter.ALL, order_id=row.id, page_size=PAGE)
    before = {invoice.id for invoice in (await demo_service.list_invoices(query)).items}
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders(pilot)
        await highlight_order(pilot, row)
        assert "n Renew" in key_bar_text(app) and "n Renew (off)" not in key_bar_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert f"Renew order {row.number}" in " ".join(screen_text(app).split())
        await pilot.press("y")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen) and "Pay it now" in app.screen.question)
        issued = [invoice for invoice in (await demo_service.list_invoices(query)).items if invoice.id not in before]
        assert len(issued) == 1, "one renewal, one invoice"
        invoice = issued[0]
        assert invoice.order_id == row.id
        question = app.screen.question
        assert question.startswith(f"Issued invoice {invoice.number} for ")
        assert money(invoice.total, invoice.currency) in question
        await pilot.press("y")
        await settle(pilot, lambda: isinstance(app.screen, PaymentMethodScreen))
        assert app.screen.row.id == invoice.id
        assert f"Pay invoice {invoice.number}" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is orders
        # The list was reloaded: the same order may not be renewed again while that invoice is open.
        again = await demo_service.get_order(row.id)
        reason = again.action("renew").reason
        assert not again.action("renew").enabled and invoice.number in reason
        await highlight_order(pilot, row)
        assert orders.selected().action("renew").enabled is False
        assert "n Renew (off)" in key_bar_text(app)
        app.clear_notifications()
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is orders  # nothing to confirm
        assert notifications(app, "warning") == [f"Renew: {reason}."]
        assert len((await demo_service.list_invoices(query)).items) == len(before) + 1


async def test_renew_cancelled_at_the_question_issues_nothing(make_app, demo_service) -> None:
    row = await first_order(demo_service, lambda r: r.action("renew").enabled)
    query = InvoiceQuery(status=InvoiceFilter.ALL, order_id=row.id, page_size=PAGE)
    before = (await demo_service.list_invoices(query)).total
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders(pilot)
        await highlight_order(pilot, row)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # the focused button is "Cancel"
        await settle(pilot)
        assert app.screen is orders
        assert (await demo_service.list_invoices(query)).total == before


# --- ticket -------------------------------------------------------------------------------------------


async def test_t_writes_a_ticket_about_the_order_or_says_why_not(make_app, demo_service) -> None:
    row = await first_order(demo_service, lambda r: r.server_id is not None)
    state = row.action("ticket")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders(pilot)
        await highlight_order(pilot, row)
        if not state.enabled:
            # Today's portal: listed, dimmed, and a press says why.
            assert state.reason
            assert "t Ticket (off)" in key_bar_text(app)
            await pilot.press("t")
            await settle(pilot)
            assert app.screen is orders
            assert notifications(app, "warning") == [f"Ticket: {state.reason}."]
        else:
            assert "t Ticket (off)" not in key_bar_text(app)
            await pilot.press("t")
            await settle(pilot, lambda: isinstance(app.screen, NewTicketScreen))
            form = app.screen
            assert form.order_id == row.id
            select = form.query_one("#order_id", Select)
            await wait_for(pilot, lambda: select.value == row.id)
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is orders


# --- remote -------------------------------------------------------------------------------------------


async def test_the_orders_list_and_a_server_through_remote_service(make_app, live_server, demo_service) -> None:
    from hostui.services.remote import RemoteService

    expected = await orders_of(demo_service)
    row, = [r for r in expected if r.server_id is not None][1:2]
    detail = await demo_service.get_server(row.server_id)
    remote = await RemoteService.logged_in(live_server, "demo", "demo")
    try:
        app = make_app(remote)
        async with app.run_test(size=WIDE) as pilot:
            screen = await open_orders(pilot)
            assert order_numbers(screen) == [r.number for r in expected]
            await pilot.press("f")
            await settle(pilot)
            assert order_numbers(screen) == [r.number for r in await orders_of(demo_service, OrderFilter.ACTIVE)]
            await pilot.press("F")
            await settle(pilot)
            server = await open_server(pilot, row)
            assert server.detail.hostname == detail.hostname
            assert server.detail.addresses == detail.addresses
            text = screen_text(app)
            assert detail.configuration.cpu in text and detail.hostname in text
            await pilot.press("right_square_bracket")
            await settle(pilot)
            text = screen_text(app)
            for address in detail.addresses:
                assert address.address in text and address.mac in text
    finally:
        await remote.aclose()

