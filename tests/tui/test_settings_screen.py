"""The Settings section from the keyboard, on the real LocalService over the seeded SQLite copy.

Renewal (``a`` the account, ``o`` an order's override), money and language (``c``, ``l``),
mailboxes (``n`` ``e`` ``x``), security (``w`` code word, ``i`` IP ranges, ``h`` logins) and the
profile change request (``r``). Every change is checked twice: on screen and through the service.
What the tests act on is found through the service (an order with no override, a category no
mailbox takes…), never pinned to today's demo data.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input, OptionList, TextArea

from backend.contract import LoginQuery, MailboxCategory, TicketFilter, TicketQuery
from backend.db import write_session
from backend.demo import DEMO_PASSWORD
from backend.models import ServiceOrder
from hostui.frame.section import SECTIONS
from hostui.i18n import _translations, set_language
from hostui.screens.dialogs.confirm import ConfirmScreen
from hostui.screens.settings import SettingsScreen
from hostui.screens.settings.dialogs import (
    ChoiceDialog,
    CodeWordDialog,
    IpRangesDialog,
    MailboxDialog,
    ProfileChangeDialog,
)
from hostui.screens.settings.logins import LoginsScreen
from hostui.widgets.check_list import CheckList
from hostui.widgets.formatting import day_time, money
from hostui.widgets.section_header import SectionHeader
from tui_helpers import key_bar_text, notifications, screen_text, settle, wait_for, widget_text

SIZE = (130, 40)
TABS = ("renewal", "money", "mailboxes", "security", "profile")


@pytest.fixture(autouse=True)
def _english_afterwards():
    # The language is the process's: a failed German test must not leave it German.
    yield
    set_language("en")


# --- helpers ------------------------------------------------------------------------------------


async def open_settings(pilot) -> SettingsScreen:  # noqa: ANN001
    app = pilot.app
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot, lambda: isinstance(app.screen, SettingsScreen) and app.screen.settings is not None)
    return app.screen


async def go_to_tab(pilot, tab: str) -> SettingsScreen:  # noqa: ANN001
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    for _step in range(len(TABS)):
        if screen.tab == tab:
            break
        await pilot.press("right_square_bracket")
        await settle(pilot)
    assert screen.tab == tab
    return screen


def header_line(app: Any) -> str:
    return screen_text(app).splitlines()[0]


def cell(table: DataTable, row: int, column: int) -> str:
    value = table.get_row_at(row)[column]
    return getattr(value, "plain", str(value))


async def move_cursor_to(pilot, table: DataTable, index: int) -> None:  # noqa: ANN001
    """Put ``table``'s cursor on row ``index`` with the arrow keys."""
    table.focus()
    await pilot.pause()
    while table.cursor_row < index:
        await pilot.press("down")
    while table.cursor_row > index:
        await pilot.press("up")
    await pilot.pause()
    assert table.cursor_row == index


async def choose(pilot, dialog: ChoiceDialog, value: str) -> None:  # noqa: ANN001
    """Highlight ``value`` in a ChoiceDialog with the arrow keys and press enter."""
    options = dialog.query_one("#choices", OptionList)
    target = [v for v, _label in dialog.options].index(value)
    while options.highlighted < target:
        await pilot.press("down")
    while options.highlighted > target:
        await pilot.press("up")
    await pilot.press("enter")


async def tick(pilot, checks: CheckList, values: list[str]) -> None:  # noqa: ANN001
    """Tick ``values`` in ``checks`` with the arrows and space (it must have the focus)."""
    assert pilot.app.focused is checks
    for value in values:
        index = next(i for i in range(checks.option_count) if checks.get_option_at_index(i).id == value)
        if checks.highlighted is None:
            await pilot.press("down")
        while checks.highlighted < index:
            await pilot.press("down")
        while checks.highlighted > index:
            await pilot.press("up")
        await pilot.press("space")
    await pilot.pause()


async def dialog_error(pilot, dialog: Any) -> str:  # noqa: ANN001
    await settle(pilot, lambda: not dialog.busy)
    return widget_text(pilot.app, "#error")


# --- opening and tabs ------------------------------------------------------------------------------


async def test_4_opens_settings_and_brackets_walk_the_tabs(make_app, demo_service) -> None:
    settings = await demo_service.get_settings()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        assert app.current_mode == "settings"
        assert screen.query_one(SectionHeader).current == "settings"
        assert screen.tab == "renewal"
        assert "a Auto-renew" in key_bar_text(app)
        assert "c Currency" not in key_bar_text(app)  # another tab's key
        orders = screen.query_one("#orders", DataTable)
        assert [cell(orders, i, 0) for i in range(orders.row_count)] == [o.order_number for o in settings.orders]
        for tab in (*TABS[1:], TABS[0]):
            await pilot.press("right_square_bracket")
            await settle(pilot)
            assert screen.tab == tab
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.tab == "profile"
        assert "r Request change" in key_bar_text(app)
        assert "a Auto-renew" not in key_bar_text(app)
        assert settings.profile.email in screen_text(app)


# --- renewal ----------------------------------------------------------------------------------------


async def test_a_toggles_the_accounts_auto_renew(make_app, demo_service) -> None:
    before = (await demo_service.get_settings()).auto_renew
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        for expected in (not before, before):
            await pilot.press("a")
            await settle(pilot, lambda e=expected: screen.settings.auto_renew is e)
            assert (await demo_service.get_settings()).auto_renew is expected
            word = "on" if expected else "off"
            assert f"Automatic renewal {word}" in widget_text(app, "#renewal")
            assert f"Automatic renewal {word} for the account." in notifications(app)


async def test_o_cycles_an_orders_override_on_off_as_account(make_app, demo_service) -> None:
    settings = await demo_service.get_settings()
    index, order = next(
        (i, o) for i, o in enumerate(settings.orders)
        if o.auto_renew is None and all(a.enabled for a in o.actions)
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        table = screen.query_one("#orders", DataTable)
        await move_cursor_to(pilot, table, index)
        for own, word in ((True, "on"), (False, "off"), (None, "as the account")):
            await pilot.press("o")
            await settle(pilot, lambda own=own: screen.settings.orders[index].auto_renew is own)
            now = next(o for o in (await demo_service.get_settings()).orders if o.order_id == order.order_id)
            assert now.auto_renew is own
            assert now.effective is (settings.auto_renew if own is None else own)
            assert table.cursor_row == index  # the cursor stays on the order
            shown = cell(table, index, 2)
            assert shown == f"{'on' if now.effective else 'off'} ({'as account' if own is None else word})"
            assert f"{order.order_number}: automatic renewal {word}." in notifications(app)


async def test_o_on_an_order_cancelled_meanwhile_says_the_portals_reason(make_app, demo_service) -> None:
    settings = await demo_service.get_settings()
    index, order = next((i, o) for i, o in enumerate(settings.orders) if o.auto_renew is None)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        # The provider cancels the order while the screen shows it.
        with write_session(demo_service.portal.engine) as session:
            row = session.exec(select(ServiceOrder).where(ServiceOrder.id == order.order_id)).one()
            row.status = "cancelled"
            session.add(row)
        await move_cursor_to(pilot, screen.query_one("#orders", DataTable), index)
        app.clear_notifications()
        await pilot.press("o")
        await settle(pilot)
        errors = notifications(app, "error")
        assert len(errors) == 1 and f"order {order.order_number} is cancelled" in errors[0], errors
        assert "Traceback" not in screen_text(app)
        after = await demo_service.get_settings()
        assert order.order_id not in [o.order_id for o in after.orders]  # cancelled: no longer listed
        # ctrl+r shows the settings as the portal now has them.
        await pilot.press("ctrl+r")
        await settle(pilot, lambda: order.order_id not in [o.order_id for o in screen.settings.orders])
        table = screen.query_one("#orders", DataTable)
        assert order.order_number not in [cell(table, i, 0) for i in range(table.row_count)]


# --- money and language --------------------------------------------------------------------------------


async def test_c_changes_the_currency_and_the_headers_balance_follows(make_app, demo_service) -> None:
    settings = await demo_service.get_settings()
    original = settings.currency
    target = next(c.code for c in settings.currencies if c.code == "USD")
    assert original != target
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        await go_to_tab(pilot, "money")
        for code in (target, original):
            await pilot.press("c")
            await settle(pilot, lambda: isinstance(app.screen, ChoiceDialog))
            await choose(pilot, app.screen, code)
            await settle(pilot, lambda code=code: app.screen is screen and screen.settings.currency == code)
            assert (await demo_service.get_settings()).currency == code
            name = next(c.name for c in settings.currencies if c.code == code)
            assert f"Currency {code} — {name}" in widget_text(app, "#money")
            account = await demo_service.account()
            assert account.currency == code
            await wait_for(pilot, lambda code=code: app.account is not None and app.account.currency == code)
            await settle(pilot)
            assert f"Balance {money(account.balance, code)}" in header_line(app)
            assert "Currency changed." in notifications(app)


async def test_l_switches_to_german_without_a_restart_and_back(make_app, demo_service) -> None:
    german = _translations("de")
    german_titles = [german.gettext(section.title) for section in SECTIONS]
    assert german_titles != [section.title for section in SECTIONS]  # the catalogue translates them
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await go_to_tab(pilot, "money")
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await choose(pilot, app.screen, "de")
        await settle(pilot, lambda: isinstance(app.screen, SettingsScreen) and app.screen.settings is not None
                     and app.screen.settings.language == "de")
        assert (await demo_service.get_settings()).language == "de"
        top = header_line(app)
        for section, title in zip(SECTIONS, german_titles, strict=True):
            assert f"{section.key} {title}" in top, top
        screen = app.screen
        assert screen.tab == "money"  # still on the tab, in the new language
        assert "Deutsch" in widget_text(app, "#money")
        # Back to English, from the German screen.
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await choose(pilot, app.screen, "en")
        await settle(pilot, lambda: isinstance(app.screen, SettingsScreen) and app.screen.settings is not None
                     and app.screen.settings.language == "en")
        assert (await demo_service.get_settings()).language == "en"
        top = header_line(app)
        for section in SECTIONS:
            assert f"{section.key} {section.title}" in top, top
        assert app.screen.tab == "money"


# --- mailboxes --------------------------------------------------------------------------------------------


def _free_categories(settings: Any) -> list[str]:
    taken = {c for mailbox in settings.mailboxes for c in mailbox.categories}
    return [c.value for c in MailboxCategory if c not in taken]


async def test_mailboxes_add_edit_remove(make_app, demo_service) -> None:
    settings = await demo_service.get_settings()
    free = _free_categories(settings)
    assert len(free) >= 2, "the demo data leaves two kinds of mail unrouted"
    address = "alerts@settings-test.example"
    edited = "alarms@settings-test.example"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        await go_to_tab(pilot, "mailboxes")
        table = screen.query_one("#mailboxes", DataTable)
        assert [cell(table, i, 0) for i in range(table.row_count)] == [m.address for m in settings.mailboxes]

        # n with an invalid address: the reason in the dialog, the text kept.
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, MailboxDialog))
        dialog = app.screen
        await pilot.press(*"not-an-address")
        await pilot.press("tab")
        await tick(pilot, dialog.query_one("#categories", CheckList), free[:2])
        await pilot.press("enter")
        reason = await dialog_error(pilot, dialog)
        assert app.screen is dialog
        assert reason.startswith("Address:") and "@" in reason, reason
        assert dialog.query_one("#address", Input).value == "not-an-address"
        assert dialog.query_one("#categories", CheckList).ticked == free[:2]
        assert len((await demo_service.get_settings()).mailboxes) == len(settings.mailboxes)

        # The address fixed: added with both kinds of mail.
        dialog.query_one("#address", Input).focus()
        await pilot.pause()
        await pilot.press("ctrl+u", *address)  # Input: ctrl+u deletes to the start
        await pilot.press("end")
        assert dialog.query_one("#address", Input).value == address
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is screen)
        added = next(m for m in (await demo_service.get_settings()).mailboxes if m.address == address)
        assert [c.value for c in added.categories] == free[:2]
        rows = [cell(table, i, 0) for i in range(table.row_count)]
        assert address in rows
        assert "Mailbox added." in notifications(app)

        # e on it: the address changes, the kinds of mail stay.
        await move_cursor_to(pilot, table, rows.index(address))
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, MailboxDialog))
        dialog = app.screen
        assert dialog.query_one("#address", Input).value == address
        assert dialog.query_one("#categories", CheckList).ticked == free[:2]
        await pilot.press("ctrl+u", *edited)
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is screen)
        boxes = (await demo_service.get_settings()).mailboxes
        assert address not in [m.address for m in boxes]
        assert next(m for m in boxes if m.id == added.id).address == edited
        assert edited in [cell(table, i, 0) for i in range(table.row_count)]

        # x asks first; "Keep" keeps it, "Remove" removes it.
        await pilot.press("x")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert edited in screen_text(app)
        await pilot.press("n")
        await settle(pilot, lambda: app.screen is screen)
        assert added.id in [m.id for m in (await demo_service.get_settings()).mailboxes]
        await pilot.press("x")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot, lambda: app.screen is screen and added.id not in [m.id for m in screen.settings.mailboxes])
        assert added.id not in [m.id for m in (await demo_service.get_settings()).mailboxes]
        assert edited not in [cell(table, i, 0) for i in range(table.row_count)]
        assert any(edited in text and "removed" in text for text in notifications(app))


async def test_a_kind_of_mail_routed_elsewhere_is_refused_with_the_portals_reason(make_app, demo_service) -> None:
    settings = await demo_service.get_settings()
    owner = next(m for m in settings.mailboxes if m.categories)
    category = owner.categories[0].value
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await go_to_tab(pilot, "mailboxes")
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, MailboxDialog))
        dialog = app.screen
        await pilot.press(*"second@settings-test.example", "tab")
        await tick(pilot, dialog.query_one("#categories", CheckList), [category])
        await pilot.press("enter")
        reason = await dialog_error(pilot, dialog)
        assert app.screen is dialog
        assert f"{category} is already routed to {owner.address}" in reason, reason
        assert dialog.query_one("#address", Input).value == "second@settings-test.example"
        assert (await demo_service.get_settings()).mailboxes == settings.mailboxes


# --- security ---------------------------------------------------------------------------------------------


async def test_w_sets_the_code_word_with_the_current_password(make_app, demo_service) -> None:
    assert not (await demo_service.get_settings()).code_word_set
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        await go_to_tab(pilot, "security")
        assert "not set" in widget_text(app, "#security")
        await pilot.press("w")
        await settle(pilot, lambda: isinstance(app.screen, CodeWordDialog))
        dialog = app.screen
        await pilot.press(*("wrong" + DEMO_PASSWORD), "tab", *"blue whale", "tab", *"blue whale", "enter")
        reason = await dialog_error(pilot, dialog)
        assert app.screen is dialog
        assert "password" in reason.lower(), reason
        assert not (await demo_service.get_settings()).code_word_set
        # The right password: set, and never shown.
        dialog.query_one("#password", Input).focus()
        await pilot.pause()
        await pilot.press("ctrl+u", *DEMO_PASSWORD, "enter")
        await settle(pilot, lambda: app.screen is screen)
        assert (await demo_service.get_settings()).code_word_set
        assert "set (never shown)" in widget_text(app, "#security")
        assert "blue whale" not in screen_text(app)
        assert "Code word saved." in notifications(app)


async def test_i_saves_an_ip_range_and_clears_it(make_app, demo_service) -> None:
    settings = await demo_service.get_settings()
    assert settings.client_address == "local" and not settings.allowed_ip_ranges and not settings.code_word_set
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        await go_to_tab(pilot, "security")
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(app.screen, IpRangesDialog))
        ranges = app.screen.query_one("#ranges", TextArea)
        assert app.focused is ranges
        await pilot.press(*"203.0.113.0/24", "ctrl+s")
        # In process there is no lock-out to confirm: saved at once.
        await settle(pilot, lambda: app.screen is screen)
        assert (await demo_service.get_settings()).allowed_ip_ranges == ["203.0.113.0/24"]
        assert "203.0.113.0/24" in widget_text(app, "#security")
        assert "Allowed IP ranges saved." in notifications(app)
        # Cleared: every address may log in again.
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(app.screen, IpRangesDialog))
        ranges = app.screen.query_one("#ranges", TextArea)
        assert ranges.text == "203.0.113.0/24"
        await pilot.press("f7", "backspace")
        assert ranges.text == ""
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is screen and not screen.settings.allowed_ip_ranges)
        assert (await demo_service.get_settings()).allowed_ip_ranges == []
        assert "every address may log in" in widget_text(app, "#security")


async def test_h_shows_the_login_history_and_escape_returns(make_app, demo_service) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        await go_to_tab(pilot, "security")
        await pilot.press("h")
        await settle(pilot, lambda: isinstance(app.screen, LoginsScreen))
        logins = app.screen
        table = logins.table
        assert table.row_count > 0
        page = await demo_service.login_history(LoginQuery(page=1, page_size=table.row_count))
        shown = [(cell(table, i, 0), cell(table, i, 1), cell(table, i, 2)) for i in range(table.row_count)]
        outcome_words = {"success": "logged in", "wrong_password": "wrong password", "unknown_user": "unknown user",
                         "throttled": "throttled", "refused_ip": "refused: IP not allowed",
                         "wrong_code_word": "wrong code word"}
        assert shown == [(day_time(r.at), r.address, outcome_words[r.outcome.value]) for r in page.items]
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is screen)
        assert screen.tab == "security"


# --- profile ---------------------------------------------------------------------------------------------


def ticket_numbers(tickets: Any) -> list[str]:
    index = tickets.shown_columns.index("number")
    return [str(tickets.table.get_row_at(row)[index]) for row in range(tickets.table.row_count)]


async def request_phone_change(pilot, screen: SettingsScreen, new_phone: str) -> None:  # noqa: ANN001
    app = pilot.app
    await go_to_tab(pilot, "profile")
    await pilot.press("r")
    await settle(pilot, lambda: isinstance(app.screen, ProfileChangeDialog))
    dialog = app.screen
    # An empty value is refused before asking the portal.
    await pilot.press("ctrl+s")
    assert "write what it should be" in (await dialog_error(pilot, dialog)).lower()
    assert app.screen is dialog
    await pilot.press(*new_phone, "ctrl+s")
    await settle(pilot, lambda: app.screen is screen)


async def test_r_requests_a_profile_change_by_ticket(make_app, demo_service) -> None:
    from hostui.screens.tickets import TicketsScreen

    before = (await demo_service.list_tickets(TicketQuery(filter=TicketFilter.ALL, page_size=1))).total
    new_phone = "+49 421 5550999"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        await request_phone_change(pilot, screen, new_phone)
        after = await demo_service.list_tickets(TicketQuery(filter=TicketFilter.ALL, page_size=500))
        assert after.total == before + 1
        ticket = max(after.items, key=lambda row: row.id)
        detail = await demo_service.get_ticket(ticket.id)
        assert new_phone in " ".join(message.body for message in detail.messages)
        assert f"Ticket {ticket.number} opened: {ticket.subject}" in notifications(app)
        assert (await demo_service.get_settings()).profile.phone != new_phone  # support changes it, not this
        # The Tickets section lists it (open, newest activity first).
        await pilot.press("3")
        await settle(pilot, lambda: isinstance(app.screen, TicketsScreen))
        assert ticket.number in ticket_numbers(app.screen)


async def test_a_tickets_list_seen_before_lists_the_new_ticket(make_app, demo_service) -> None:
    from hostui.screens.tickets import TicketsScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot, lambda: isinstance(app.screen, TicketsScreen))
        tickets = app.screen
        screen = await open_settings(pilot)
        await request_phone_change(pilot, screen, "+49 421 5550998")
        page = await demo_service.list_tickets(TicketQuery(filter=TicketFilter.ALL, page_size=500))
        ticket = max(page.items, key=lambda row: row.id)
        await pilot.press("3")
        await settle(pilot, lambda: app.screen is tickets)
        await settle(pilot, lambda: ticket.number in ticket_numbers(tickets), timeout=3)
