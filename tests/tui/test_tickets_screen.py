"""The Tickets section from the keyboard: the inbox (filters, Tab to the next unread, search),
a thread (read marks, wrapping, the 200-message thread), replying (review, failures, $EDITOR),
closing and reopening, the new-ticket form (also from Orders), the watcher that brings
support's replies, the help overlay and the palette.

Everything runs in the real ``HostUIApp`` against a real ``LocalService`` over a fresh copy of
the seeded demo database (a fault-injecting subclass where the server must fail). Tickets are
found by what they are (unread, open, closed, the longest thread…) through the service, never
by their numbers; what the screen should show comes from the service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.containers import VerticalScroll
from textual.widgets import Input, Select, TextArea

from backend.contract import (
    AuthorKind,
    Department,
    OrderFilter,
    OrderQuery,
    OrderRow,
    ServiceUnavailable,
    TicketFilter,
    TicketQuery,
    TicketReply,
    TicketRow,
    TicketStatus,
)
from backend.domain.accounts import customer_id_for_login
from backend.domain.ticket_staff import staff_reply
from hostui.frame.help import HelpScreen
from hostui.screens.dialogs.confirm import ConfirmScreen
from hostui.screens.orders import OrdersScreen
from hostui.screens.tickets import NewTicketScreen, TicketsScreen
from hostui.screens.tickets.actions import TICKET_ACTIONS
from hostui.screens.tickets.reply import ReplyScreen
from hostui.screens.tickets.thread import ThreadScreen
from tui_helpers import PAGE, FaultyService, _faulty, key_bar_text, notifications, screen_text, settle, wait_for, widget_text

SIZE = (80, 24)
WIDE = (200, 50)


# --- the data, by property --------------------------------------------------------------------------


async def tickets_of(service: Any, filter: TicketFilter = TicketFilter.ALL, search: str | None = None) -> list[TicketRow]:  # noqa: A002
    """Every ticket of a filter (and search), in the list's order, all pages."""
    rows: list[TicketRow] = []
    page_number = 1
    while True:
        page = await service.list_tickets(TicketQuery(filter=filter, search=search, page=page_number, page_size=PAGE))
        rows.extend(page.items)
        if page_number >= page.pages:
            return rows
        page_number += 1


async def first_ticket(service: Any, predicate: Callable[[TicketRow], bool],
                       filter: TicketFilter = TicketFilter.ALL) -> TicketRow:  # noqa: A002
    for row in await tickets_of(service, filter):
        if predicate(row):
            return row
    raise AssertionError("the demo data has no ticket matching the predicate")


async def unread_count(service: Any) -> int:
    return (await service.list_tickets(TicketQuery(filter=TicketFilter.UNREAD, page_size=1))).total


def tabs_line(app: Any) -> str:
    """The header's first line (the sections as tabs)."""
    return screen_text(app).splitlines()[0]


def tickets_tab(count: int) -> str:
    return f"3 Tickets ({count})" if count else "3 Tickets "


# --- the screen ------------------------------------------------------------------------------------


def column(screen: TicketsScreen, key: str) -> list[str]:
    table = screen.table
    index = screen.shown_columns.index(key)
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]


def ticket_numbers(screen: TicketsScreen) -> list[str]:
    return column(screen, "number")


async def open_tickets(pilot) -> TicketsScreen:  # noqa: ANN001
    """From wherever the app is: ``3`` opens the Tickets section; its first page loaded."""
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot, lambda: isinstance(pilot.app.screen, TicketsScreen) and pilot.app.screen.page is not None)
    return pilot.app.screen


async def highlight_ticket(pilot, row: TicketRow) -> TicketsScreen:  # noqa: ANN001
    """Put the list's cursor on ``row`` with the arrow keys (it must be on the page shown)."""
    screen = pilot.app.screen
    assert isinstance(screen, TicketsScreen)
    numbers = ticket_numbers(screen)
    assert row.number in numbers, (row.number, numbers)
    steps = numbers.index(row.number) - screen.table.cursor_row
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps))
    await settle(pilot)
    selected = screen.selected()
    assert selected is not None and selected.id == row.id, (row.number, selected)
    return screen


async def open_thread(pilot) -> ThreadScreen:  # noqa: ANN001
    """Enter on the highlighted ticket: its thread, once loaded."""
    await pilot.press("enter")
    await settle(pilot, lambda: isinstance(pilot.app.screen, ThreadScreen) and pilot.app.screen.ticket is not None)
    return pilot.app.screen


async def thread_lines(pilot, thread: ThreadScreen) -> list[str]:  # noqa: ANN001
    """Every line of the thread as the user reads it, scrolling it through a screen at a time
    (the lines of the scrolled region, cut at the region's edges as the screen cuts them)."""
    app = pilot.app
    scroll = thread.query_one("#thread", VerticalScroll)
    region = scroll.scrollable_content_region  # without the scrollbar
    height = region.height
    lines: dict[int, str] = {}
    top = 0
    while True:
        scroll.scroll_to(y=top, animate=False, immediate=True)
        await pilot.pause()
        offset = round(scroll.scroll_y)
        shown = screen_text(app).splitlines()[region.y : region.bottom]
        for index, line in enumerate(shown):
            lines[offset + index] = line[region.x : region.right].rstrip()
        if offset >= scroll.max_scroll_y:
            break
        top = offset + height
    return [lines[index] for index in sorted(lines)]


async def open_orders(pilot) -> OrdersScreen:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot, lambda: isinstance(pilot.app.screen, OrdersScreen) and pilot.app.screen.page is not None)
    return pilot.app.screen


def words(text: str) -> list[str]:
    return text.split()


# --- faults -----------------------------------------------------------------------------------------


class FaultyTickets(FaultyService):
    """FaultyService that can also fail the Tickets section's calls."""


for _name in ("list_tickets", "get_ticket", "find_ticket", "reply_ticket", "create_ticket", "close_ticket",
              "reopen_ticket", "mark_read", "mark_unread", "ticket_changes"):
    setattr(FaultyTickets, _name, _faulty(_name))


# --- the triage pass ---------------------------------------------------------------------------------


async def test_a_triage_pass_from_the_keyboard(make_app, demo_service) -> None:
    open_rows = await tickets_of(demo_service, TicketFilter.OPEN)
    assert any(row.unread for row in open_rows[1:]), "the demo data has an unread open ticket below the first"
    unread_before = await unread_count(demo_service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tickets(pilot)
        # Open by default, newest activity first, unread marked with a letter (not colour only).
        assert screen.filter_id == TicketFilter.OPEN.value
        assert ticket_numbers(screen) == [row.number for row in open_rows]
        assert column(screen, "unread") == ["N" if row.unread else " " for row in open_rows]
        await wait_for(pilot, lambda: app.unread_tickets == unread_before)
        assert tickets_tab(unread_before) in tabs_line(app)

        # Tab: the next unread ticket after the cursor, as in mutt.
        assert screen.table.cursor_row == 0
        target_index = next(index for index in range(1, len(open_rows)) if open_rows[index].unread)
        target = open_rows[target_index]
        await pilot.press("tab")
        await settle(pilot)
        assert screen.selected().id == target.id

        # Enter reads it: every message oldest first, and it is read now (the count drops).
        detail = await demo_service.get_ticket(target.id)
        assert detail.unread
        thread = await open_thread(pilot)
        assert thread.ticket.id == target.id
        assert [m.id for m in thread.ticket.messages] == sorted(m.id for m in detail.messages)
        assert not (await demo_service.get_ticket(target.id)).unread
        await wait_for(pilot, lambda: app.unread_tickets == unread_before - 1)
        assert tickets_tab(unread_before - 1) in tabs_line(app)
        # Wrapped to 80 columns, never clipped: no horizontal scrolling, every word of every
        # message on screen, in order.
        scroll = thread.query_one("#thread", VerticalScroll)
        assert scroll.max_scroll_x == 0
        lines = await thread_lines(pilot, thread)
        assert scroll.virtual_size.width <= scroll.scrollable_content_region.width
        shown = words("\n".join(lines))
        expected = [word for message in detail.messages for word in words(message.body)]
        position = 0
        for word in expected:
            position = shown.index(word, position) + 1  # ValueError: a word is missing or out of order
        for message in detail.messages:
            assert message.author_name in "\n".join(lines)

        # r: write, ctrl+s: review, y: send. The portal has it; the thread shows it.
        text = "The disk swap at 14:00 UTC suits us; please call before you power it off."
        await pilot.press("r")
        await settle(pilot, lambda: isinstance(app.screen, ReplyScreen))
        await pilot.press(*text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        reply = app.screen
        assert reply.reviewing
        assert widget_text(app, "#preview") == text  # as support will read it, all of it
        await pilot.press("y")
        await settle(pilot, lambda: app.screen is thread)
        after = await demo_service.get_ticket(target.id)
        assert len(after.messages) == len(detail.messages) + 1
        assert after.messages[-1].body == text and after.messages[-1].author == AuthorKind.CUSTOMER
        assert f"Reply sent on {target.number}." in notifications(app)
        await settle(pilot, lambda: len(thread.ticket.messages) == len(after.messages))
        await pilot.press("G")
        await settle(pilot)
        assert " ".join(text.split()) in " ".join(screen_text(app).split())

        # c: close (asks first); the ticket leaves Open and is under Closed.
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot, lambda: app.screen is thread)
        await settle(pilot, lambda: thread.ticket.status == TicketStatus.CLOSED)
        assert (await demo_service.get_ticket(target.id)).status == TicketStatus.CLOSED
        assert f"Closed {target.number}." in notifications(app)
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is screen)
        assert target.number not in ticket_numbers(screen)
        await pilot.press("C")
        await settle(pilot, lambda: screen.filter_id == TicketFilter.CLOSED.value)
        assert target.number in ticket_numbers(screen)
        assert ticket_numbers(screen) == [row.number for row in await tickets_of(demo_service, TicketFilter.CLOSED)]

        # o: reopen; it leaves Closed and is under Open again.
        await highlight_ticket(pilot, await demo_service.find_ticket(target.number))
        await pilot.press("o")
        await settle(pilot, lambda: target.number not in ticket_numbers(screen))
        assert (await demo_service.get_ticket(target.id)).status == TicketStatus.OPEN
        await pilot.press("O")
        await settle(pilot, lambda: screen.filter_id == TicketFilter.OPEN.value)
        assert target.number in ticket_numbers(screen)

        # u: unread again (the mark and the count come back); s: read.
        await highlight_ticket(pilot, await demo_service.find_ticket(target.number))
        count = await unread_count(demo_service)
        await pilot.press("u")
        await settle(pilot, lambda: screen.selected() is not None and screen.selected().unread)
        assert (await demo_service.get_ticket(target.id)).unread
        assert column(screen, "unread")[screen.table.cursor_row] == "N"
        await wait_for(pilot, lambda: app.unread_tickets == count + 1)
        assert tickets_tab(count + 1) in tabs_line(app)
        await pilot.press("s")
        await settle(pilot, lambda: screen.selected() is not None and not screen.selected().unread)
        assert not (await demo_service.get_ticket(target.id)).unread
        assert column(screen, "unread")[screen.table.cursor_row] == " "
        await wait_for(pilot, lambda: app.unread_tickets == count)
        # None of this was news from support.
        assert not any(note.startswith("New reply") for note in notifications(app))


async def test_marking_a_read_reply_unread_or_closing_it_is_no_news(make_app, demo_service) -> None:
    """What the user does to a ticket whose last word is support's is not "a new reply"."""
    rows = await tickets_of(demo_service, TicketFilter.OPEN)
    target = next(row for row in rows if row.unread and row.last_author == AuthorKind.STAFF)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tickets(pilot)
        await highlight_ticket(pilot, target)
        thread = await open_thread(pilot)
        assert not thread.ticket.unread
        await pilot.press("u")  # the key works in the thread too
        await settle(pilot, lambda: thread.ticket is not None and thread.ticket.unread)
        assert (await demo_service.get_ticket(target.id)).unread
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is screen)
        await highlight_ticket(pilot, await demo_service.find_ticket(target.number))
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot, lambda: target.number not in ticket_numbers(screen))
        await settle(pilot)
        assert (await demo_service.get_ticket(target.id)).status == TicketStatus.CLOSED
        assert not any(note.startswith("New reply") or target.subject in note for note in notifications(app))
        assert announced(app) == []
        # Read on opening, unread again, closed unread: counted as before, and still under Unread.
        assert app.unread_tickets == len([row for row in rows if row.unread])
        await pilot.press("U")
        await settle(pilot, lambda: screen.filter_id == TicketFilter.UNREAD.value)
        assert target.number in ticket_numbers(screen)


# --- the longest thread ------------------------------------------------------------------------------


async def test_the_longest_thread_opens_whole_and_g_G_jump_to_its_ends(make_app, demo_service) -> None:
    longest = max(await tickets_of(demo_service), key=lambda row: row.message_count)
    assert longest.message_count >= 200, "the demo data has a thread of 200 messages"
    detail = await demo_service.get_ticket(longest.id)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tickets(pilot)
        await pilot.press("A")
        await settle(pilot, lambda: screen.filter_id == TicketFilter.ALL.value)
        await highlight_ticket(pilot, longest)
        thread = await open_thread(pilot)
        assert len(thread.ticket.messages) == len(detail.messages) == longest.message_count
        scroll = thread.query_one("#thread", VerticalScroll)
        # It opens at the newest message: what one opens a ticket for.
        await settle(pilot, lambda: scroll.max_scroll_y > 0 and scroll.scroll_y == scroll.max_scroll_y)
        first, last = detail.messages[0], detail.messages[-1]
        assert " ".join(words(last.body)) in " ".join(words(screen_text(app)))
        await pilot.press("g")
        await settle(pilot, lambda: scroll.scroll_y == 0)
        text = " ".join(words(screen_text(app)))
        assert " ".join(words(first.body)) in text and last.body.split(":")[0] not in text
        await pilot.press("j", "j")
        await settle(pilot, lambda: scroll.scroll_y == 2)
        await pilot.press("k")
        await settle(pilot, lambda: scroll.scroll_y == 1)
        await pilot.press("G")
        await settle(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y)
        assert " ".join(words(last.body)) in " ".join(words(screen_text(app)))
        # Every message is there, whole and in order.
        shown = words("\n".join(await thread_lines(pilot, thread)))
        position = 0
        for message in detail.messages:
            for word in words(message.body):
                position = shown.index(word, position) + 1


# --- replying ---------------------------------------------------------------------------------------


class AnswerLost(FaultyTickets):
    """The reply is posted, but its answer never arrives (a time-out after the server acted)."""

    lose_answers = 0

    async def reply_ticket(self, ticket_id: int, reply: TicketReply, idempotency_key: str):  # noqa: ANN201
        result = await self._call("reply_ticket", ticket_id, reply, idempotency_key)
        if self.lose_answers:
            self.lose_answers -= 1
            raise ServiceUnavailable("no answer from http://portal.example within 30 s")
        return result


async def test_a_failed_reply_keeps_the_text_and_a_retry_posts_it_once(make_app, sqlite_portal, demo_service) -> None:
    service = AnswerLost(sqlite_portal, customer_id_for_login(sqlite_portal, "demo"))
    target = (await tickets_of(demo_service, TicketFilter.OPEN))[0]
    before = len((await demo_service.get_ticket(target.id)).messages)
    text = "Is there any news on this? We still see it every evening."
    app = make_app(service)
    async with app.run_test(size=SIZE) as pilot:
        await open_tickets(pilot)
        await highlight_ticket(pilot, target)
        await pilot.press("r")
        await settle(pilot, lambda: isinstance(app.screen, ReplyScreen))
        reply = app.screen
        await pilot.press(*text, "ctrl+s")
        await settle(pilot, lambda: reply.reviewing)

        # The server is down: nothing posted, the reason and how to retry, the text kept.
        service.fail("reply_ticket", ServiceUnavailable("cannot reach http://portal.example: connection refused"))
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is reply
        error = widget_text(app, "#error")
        assert "Cannot reach http://portal.example: connection refused." in error
        assert "Press y to try again" in error
        assert reply.text == text and widget_text(app, "#preview") == text
        assert len((await demo_service.get_ticket(target.id)).messages) == before

        # Back, but the answer is lost after the reply was posted: still said, still kept.
        service.heal("reply_ticket")
        service.lose_answers = 1
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is reply
        assert "No answer from http://portal.example within 30 s." in widget_text(app, "#error")
        assert reply.text == text
        assert len((await demo_service.get_ticket(target.id)).messages) == before + 1

        # y again: the same key, so the portal answers with that reply instead of a second one.
        await pilot.press("y")
        await settle(pilot, lambda: not isinstance(app.screen, ReplyScreen))
        messages = (await demo_service.get_ticket(target.id)).messages
        assert len(messages) == before + 1
        assert [m.body for m in messages].count(text) == 1
        keys = [args[2] for args in service.calls("reply_ticket")]
        assert len(keys) == 3 and len(set(keys)) == 1
        assert f"Reply sent on {target.number}." in notifications(app)


async def test_ctrl_e_without_a_terminal_says_so_and_loses_nothing(make_app, demo_service, monkeypatch, tmp_path) -> None:
    import tempfile

    monkeypatch.setenv("VISUAL", "true")  # were the editor run after all, it would change nothing
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    target = (await tickets_of(demo_service, TicketFilter.OPEN))[0]
    before = len((await demo_service.get_ticket(target.id)).messages)
    text = "Draft: the evening packet loss is back"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tickets(pilot)
        await highlight_ticket(pilot, target)
        await pilot.press("r")
        await settle(pilot, lambda: isinstance(app.screen, ReplyScreen))
        reply = app.screen
        await pilot.press(*text, "home")
        editor = reply.query_one(TextArea)
        assert editor.cursor_location == (0, 0)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert app.screen is reply
        error = reply.query_one("#error")
        assert error.has_class("-shown")
        assert widget_text(app, "#error").startswith("Cannot open true:")
        assert reply.text == text and editor.has_focus
        assert list(tmp_path.glob("hostui-reply-*")) == []  # the temporary copy is gone
        # Nothing lost: the text still goes through review and is sent.
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: reply.reviewing)
        assert widget_text(app, "#preview") == text
        await pilot.press("y")
        await settle(pilot, lambda: not isinstance(app.screen, ReplyScreen))
        messages = (await demo_service.get_ticket(target.id)).messages
        assert len(messages) == before + 1 and messages[-1].body == text


# --- new tickets ------------------------------------------------------------------------------------


def field_error(app: Any, field: str) -> str:
    line = app.screen.query_one(f"#{field}-error")
    return widget_text(app, f"#{field}-error") if line.has_class("-shown") else ""


async def choose(pilot, select_id: str, label: str) -> None:  # noqa: ANN001
    """Pick an option of a Select from the keyboard: focus it, open it, arrow to it, enter."""
    form = pilot.app.screen
    select = form.query_one(f"#{select_id}", Select)
    select.focus()
    await pilot.press("enter")
    await settle(pilot)
    overlay = select.query_one("SelectOverlay")
    for _ in range(overlay.option_count):
        if str(overlay.get_option_at_index(overlay.highlighted).prompt) == label:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)


async def test_new_ticket_reasons_under_the_fields_then_a_finance_ticket(make_app, demo_service) -> None:
    before = {row.id for row in await tickets_of(demo_service)}
    subject = "Invoice address for next year"
    message = "From January our invoices should go to the new office in Leipzig."
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tickets(pilot)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, NewTicketScreen))
        form = app.screen
        # Empty: a reason under the subject and under the message, nothing sent.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert field_error(app, "subject") == "Write the subject."
        assert {row.id for row in await tickets_of(demo_service)} == before
        assert form.query_one("#subject", Input).has_focus
        await pilot.press(*subject)
        await pilot.press("tab", "tab", "tab")  # importance, order, message (scrolled into view)
        await settle(pilot)
        assert form.query_one("#message", TextArea).has_focus
        assert field_error(app, "message") == "Write the message."

        # Technical (the default) without an order: the reason is under the order.
        await pilot.press(*message, "ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert field_error(app, "subject") == "" and field_error(app, "message") == ""
        assert field_error(app, "order_id") == "Choose the order a technical question is about."
        assert {row.id for row in await tickets_of(demo_service)} == before

        # Finance needs no order: created, and the list shows it.
        await choose(pilot, "department", "Finance")
        assert form.query_one("#department", Select).value == Department.FINANCE.value
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is screen)
        created = [row for row in await tickets_of(demo_service) if row.id not in before]
        assert len(created) == 1
        new = created[0]
        assert (new.subject, new.department, new.order_id, new.status) == (
            subject, Department.FINANCE, None, TicketStatus.OPEN)
        assert (await demo_service.get_ticket(new.id)).messages[0].body == message
        assert f"Ticket {new.number} created: {subject}" in notifications(app)
        await settle(pilot, lambda: new.number in ticket_numbers(screen))
        assert ticket_numbers(screen) == [row.number for row in await tickets_of(demo_service, TicketFilter.OPEN)]


async def test_the_add_ticket_tab_opens_the_form_and_keeps_the_filter(make_app, demo_service) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tickets(pilot)
        await pilot.press("C")
        await settle(pilot, lambda: screen.filter_id == TicketFilter.CLOSED.value)
        assert "Add ticket" in screen_text(app).splitlines()[1]
        await pilot.click("#filter-add")
        await settle(pilot, lambda: isinstance(app.screen, NewTicketScreen))
        await pilot.press("escape")  # nothing typed: closes without asking
        await settle(pilot, lambda: app.screen is screen)
        assert screen.filter_id == TicketFilter.CLOSED.value
        assert screen.query_one("#filters").active == "filter-closed"
        assert ticket_numbers(screen) == [row.number for row in await tickets_of(demo_service, TicketFilter.CLOSED)]


async def test_orders_t_opens_the_form_with_the_order_chosen(make_app, demo_service) -> None:
    orders = (await demo_service.list_orders(OrderQuery(filter=OrderFilter.ALL, page_size=PAGE))).items
    row: OrderRow = next(order for order in orders if order.server_id is not None)
    state = row.action("ticket")
    # Tickets exist now: the portal offers a ticket about every order.
    assert all(order.action("ticket").enabled for order in orders), state.reason
    before = {ticket.id for ticket in await tickets_of(demo_service)}
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        orders_screen = await open_orders(pilot)
        numbers = [str(orders_screen.table.get_row_at(i)[orders_screen.shown_columns.index("number")])
                   for i in range(orders_screen.table.row_count)]
        await pilot.press(*["down"] * numbers.index(row.number))
        await settle(pilot)
        assert orders_screen.selected().id == row.id
        assert "t Ticket" in key_bar_text(app) and "t Ticket (off)" not in key_bar_text(app)
        await pilot.press("t")
        await settle(pilot, lambda: isinstance(app.screen, NewTicketScreen))
        form = app.screen
        select = form.query_one("#order_id", Select)
        await settle(pilot, lambda: select.value == row.id)
        assert row.number in widget_text(app, "#order_id")
        await pilot.press(*"Second IPv6 range", "tab")
        form.query_one("#message", TextArea).focus()
        await pilot.press(*"Please route a second /64 to this server.", "ctrl+s")
        await settle(pilot, lambda: app.screen is orders_screen)
        created = [ticket for ticket in await tickets_of(demo_service) if ticket.id not in before]
        assert len(created) == 1 and created[0].order_id == row.id
        assert created[0].department == Department.TECHNICAL


# --- the watcher ------------------------------------------------------------------------------------


def announced(app: Any) -> list[tuple[str, str]]:
    return [(str(n.title), str(n.message)) for n in app._notifications if str(n.title).startswith("New reply")]


async def test_a_staff_reply_is_announced_and_counted_by_the_poll(make_app, demo_service, sqlite_portal, monkeypatch) -> None:
    import hostui.screens.tickets.watcher as watcher

    monkeypatch.setattr(watcher, "POLL_SECONDS", 0.1)
    target = await first_ticket(demo_service, lambda row: not row.unread, TicketFilter.OPEN)
    count = await unread_count(demo_service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tickets(pilot)
        await wait_for(pilot, lambda: app.unread_tickets == count)
        assert announced(app) == []  # what was unread before hostui started is no news
        staff_reply(sqlite_portal, target.id, TicketReply(message="We replaced the optics; please check again."),
                    "Support — Aylin")
        await wait_for(pilot, lambda: announced(app) != [])
        assert announced(app) == [("New reply from Support — Aylin", f"{target.number}: {target.subject}")]
        await wait_for(pilot, lambda: app.unread_tickets == count + 1)
        await settle(pilot)
        assert tickets_tab(count + 1) in tabs_line(app)
        # Announced once, however often the watcher asks again.
        for _ in range(3):
            await pilot.pause(0.12)
        assert len(announced(app)) == 1


async def test_tickets_changed_asks_at_once(make_app, demo_service, sqlite_portal) -> None:
    target = await first_ticket(demo_service, lambda row: not row.unread, TicketFilter.CLOSED)
    count = await unread_count(demo_service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.unread_tickets == count)
        staff_reply(sqlite_portal, target.id, TicketReply(message="One more thing about this."), "Billing — Tobias")
        await settle(pilot)
        assert announced(app) == [] and app.unread_tickets == count  # the poll is 20 s away
        app.tickets_changed()
        await wait_for(pilot, lambda: announced(app) != [])
        assert announced(app) == [("New reply from Billing — Tobias", f"{target.number}: {target.subject}")]
        await wait_for(pilot, lambda: app.unread_tickets == count + 1)
        # A staff reply reopens nothing by itself, but the ticket is unread under Closed now.
        screen = await open_tickets(pilot)
        await pilot.press("U")
        await settle(pilot, lambda: screen.filter_id == TicketFilter.UNREAD.value)
        assert target.number in ticket_numbers(screen)


# --- filters, search, help, palette -----------------------------------------------------------------


async def test_filter_keys_and_search_by_subject_and_number(make_app, demo_service) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_tickets(pilot)
        for key, wanted in (("C", TicketFilter.CLOSED), ("U", TicketFilter.UNREAD), ("A", TicketFilter.ALL),
                            ("O", TicketFilter.OPEN)):
            await pilot.press(key)
            await settle(pilot, lambda: screen.filter_id == wanted.value)
            expected = await tickets_of(demo_service, wanted)
            assert ticket_numbers(screen) == [row.number for row in expected], key
            assert screen.query_one("#filters").active == f"filter-{wanted.value}"
        everything = await tickets_of(demo_service)
        await pilot.press("A")
        await settle(pilot, lambda: screen.filter_id == TicketFilter.ALL.value)

        # A word of a subject, typed in any case: the portal searches.
        word = max(words(everything[-1].subject), key=len).upper()
        expected = await tickets_of(demo_service, TicketFilter.ALL, word)
        assert expected and len(expected) < len(everything)
        await pilot.press("slash", *word)
        await settle(pilot, lambda: screen.search == word)
        assert ticket_numbers(screen) == [row.number for row in expected]
        await pilot.press("escape")
        await settle(pilot, lambda: screen.search == "")
        assert ticket_numbers(screen) == [row.number for row in everything]

        # Part of a number.
        digits = everything[-1].number.split("-")[1]
        expected = await tickets_of(demo_service, TicketFilter.ALL, digits)
        assert [row.number for row in expected] == [everything[-1].number]
        await pilot.press("slash", *digits, "enter")
        await settle(pilot, lambda: screen.search == digits)
        assert ticket_numbers(screen) == [everything[-1].number]
        assert screen.table.has_focus


async def test_tab_with_nothing_unread_left_says_so(make_app, demo_service) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tickets(pilot)
        for row in await tickets_of(demo_service, TicketFilter.UNREAD):
            await demo_service.mark_read(row.id)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert not any(row.unread for row in screen.rows)
        await pilot.press("tab")  # none on this page: the Unread list
        await settle(pilot, lambda: screen.filter_id == TicketFilter.UNREAD.value)
        assert screen.rows == []
        await pilot.press("tab")
        await settle(pilot)
        assert "No unread tickets." in notifications(app)


async def test_help_lists_the_ticket_actions_with_reasons(make_app, demo_service) -> None:
    target = (await tickets_of(demo_service, TicketFilter.OPEN))[0]
    assert not target.action("reopen").enabled
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await open_tickets(pilot)
        await highlight_ticket(pilot, target)
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        group = app.screen.groups[0]
        assert group.title == f"Ticket {target.number}"
        entries = {entry.description: entry for entry in group.entries}
        for action in TICKET_ACTIONS:
            entry = entries[action.help]
            state = target.action(action.id) if action.id != "menu" else None
            assert entry.enabled == (state is None or state.enabled), action.id
            if state is not None and not state.enabled:
                assert entry.reason == state.reason
        text = " ".join(words(screen_text(app)))
        reopen = TICKET_ACTIONS["reopen"]
        assert f"{reopen.help} (not now: {target.action('reopen').reason})" in text
        assert TICKET_ACTIONS["reply"].help in text
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, TicketsScreen))


def palette_commands(app: Any) -> list[str]:
    from textual.command import CommandList

    commands = app.screen.query(CommandList)
    if not commands:
        return []
    return [str(getattr(option.prompt, "plain", option.prompt)) for option in commands.first().options]


async def test_the_palette_finds_a_ticket_by_number_and_replies(make_app, demo_service) -> None:
    closed = await first_ticket(demo_service, lambda row: True, TicketFilter.CLOSED)
    before = len((await demo_service.get_ticket(closed.id)).messages)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_tickets(pilot)
        assert closed.number not in ticket_numbers(screen)  # not on the Open list at hand
        title = f"Reply to ticket {closed.number}"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*f"reply {closed.number}")
        await wait_for(pilot, lambda: any(command.startswith(title) for command in palette_commands(app)))
        commands = palette_commands(app)
        await pilot.press(*["down"] * next(i for i, c in enumerate(commands) if c.startswith(title)), "enter")
        await settle(pilot, lambda: isinstance(app.screen, ReplyScreen))
        assert app.screen.ticket.id == closed.id
        text = "Sorry, one more question about this."
        await pilot.press(*text, "ctrl+s")
        await settle(pilot, lambda: app.screen.reviewing)
        await pilot.press("y")
        await settle(pilot, lambda: app.screen is screen)
        after = await demo_service.get_ticket(closed.id)
        assert len(after.messages) == before + 1 and after.messages[-1].body == text
        assert after.status == TicketStatus.OPEN  # a reply reopens it
        await settle(pilot, lambda: closed.number in ticket_numbers(screen))
