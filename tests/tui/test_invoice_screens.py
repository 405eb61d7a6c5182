"""The invoice actions (view, menu, pay, delete, pay link, quote, PDF, CSV, renew) from the keyboard.

Everything runs in the real ``HostUIApp`` against a real ``LocalService`` over a fresh copy of
the seeded demo database; the keys go to the real ``InvoicesScreen`` (or its dialogs), whose
``InvoiceHandlers`` run the actions. Invoices are found by what they are (unpaid, paid,
renewable…), never by their numbers; amounts and texts come from the service.
"""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from backend.contract import InvoiceFilter, InvoiceRow, InvoiceStatus, PaymentMethodCode, ServiceUnavailable
from hostui.frame.action_menu import ActionMenuScreen
from hostui.screens.dialogs.confirm import ConfirmScreen
from hostui.screens.dialogs.save_file import SaveFileScreen
from hostui.screens.invoices import InvoicesScreen
from hostui.screens.invoices.actions import INVOICE_ACTIONS
from hostui.screens.invoices.pay_link import PAY_LINK_WARNING, PayLinkScreen
from hostui.screens.invoices.payment import CARD_TEXT, PaymentMethodScreen, bound_rule
from hostui.screens.invoices.view import InvoiceViewScreen
from hostui.widgets.formatting import day, money
from tui_helpers import (
    FaultyService,
    allows,
    count,
    first_invoice,
    inside,
    invoices_of,
    notifications,
    refused_ids,
    row_numbers,
    screen_text,
    settle,
    show_invoice,
    widget_text,
)

SIZE = (80, 24)


async def _start(pilot) -> InvoicesScreen:  # noqa: ANN001
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, InvoicesScreen)
    return screen


async def _press_on(pilot, row: InvoiceRow, *keys: str):  # noqa: ANN001, ANN202
    """Highlight ``row`` in the list, press ``keys``; the screen on top afterwards."""
    await show_invoice(pilot, row)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
    return pilot.app.screen


async def _payable(service, *, at_most: Decimal | None = None) -> InvoiceRow:  # noqa: ANN001
    """An unpaid invoice the domain lets the customer pay (optionally from the balance)."""
    return await first_invoice(
        service,
        InvoiceStatus.UNPAID,
        lambda row: row.action("pay").enabled and row.payment_method is None and (at_most is None or row.total <= at_most),
    )


# --- view -----------------------------------------------------------------------------------------


async def test_enter_opens_the_view_with_lines_totals_and_dates(make_app, demo_service) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.UNPAID, lambda row: row.payment_method is None)
    detail = await demo_service.get_invoice(row.id)
    assert detail.lines and not detail.payments
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot)
        screen = await _press_on(pilot, row, "enter")
        assert isinstance(screen, InvoiceViewScreen)
        assert screen.detail == detail
        inside(app)
        text = screen_text(app)
        currency = detail.currency
        assert f"Invoice {row.number}" in text
        assert f"Total {money(detail.total, currency)}" in text
        assert f"Net {money(detail.net, currency)}" in text
        assert money(detail.tax, currency) in text
        assert detail.lines[0].description[:30] in text
        assert detail.order_number in text and day(detail.due_at) in text
        if detail.period_start is not None:
            assert f"{day(detail.period_start)} – {day(detail.period_end)}" in text
        assert "not chosen yet" in text and "none yet" in text
        # What the domain refuses is said in the view too.
        for action_id in refused_ids(detail, INVOICE_ACTIONS):
            assert INVOICE_ACTIONS[action_id].title in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InvoicesScreen)
        # v opens it too.
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceViewScreen)


async def test_view_of_a_paid_invoice_lists_its_payment(make_app, demo_service) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.PAID)
    detail = await demo_service.get_invoice(row.id)
    payment = detail.payments[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot)
        view = await _press_on(pilot, row, "enter")
        text = screen_text(app)
        assert "paid" in text and payment.reference in text
        assert money(payment.amount, payment.currency) in text and "completed" in text
        # Paying makes no sense here: p is dimmed, and pressing it says why.
        await pilot.press("p")
        await settle(pilot)
        assert app.screen is view
        assert INVOICE_ACTIONS.refusal(detail, "pay") in notifications(app, "warning")


async def test_keys_inside_the_view_act_and_the_view_follows(make_app, demo_service) -> None:
    account = await demo_service.account()
    row = await _payable(demo_service, at_most=account.balance)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        list_screen = await _start(pilot)
        view = await _press_on(pilot, row, "enter")
        assert isinstance(view, InvoiceViewScreen)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PaymentMethodScreen)
        await pilot.press("enter")  # account balance, the first method
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is view
        assert view.detail is not None and view.detail.status == InvoiceStatus.PAID  # reloaded
        assert "completed" in screen_text(app)
        # The list under it and the balance followed.
        assert row.id not in [shown.id for shown in list_screen.rows if shown.status == InvoiceStatus.UNPAID]
        assert app.account.balance == account.balance - row.total


async def test_view_of_an_unknown_invoice_says_so_inline(make_app, demo_service) -> None:
    row = (await first_invoice(demo_service, InvoiceStatus.UNPAID)).model_copy(update={"id": 999_999_999})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot)
        screen.handlers.view(row)
        await settle(pilot)
        error = widget_text(app, "#error")
        assert f"Could not load invoice {row.number}:" in error
        assert "999999999 not found" in error


# --- menu -------------------------------------------------------------------------------------------


async def test_menu_pay_with_balance_pays_and_the_balance_drops(make_app, demo_service) -> None:
    account = await demo_service.account()
    row = await _payable(demo_service, at_most=account.balance)
    unpaid = await count(demo_service, InvoiceFilter.UNPAID)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        list_screen = await _start(pilot)
        menu = await _press_on(pilot, row, "a")
        assert isinstance(menu, ActionMenuScreen)
        inside(app)
        options = menu.query_one(OptionList)
        enabled = [option.id for option in options.options if not option.disabled]
        assert options.highlighted_option.id == enabled[0]
        await pilot.press(*["down"] * enabled.index("pay"), "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PaymentMethodScreen)
        inside(app)
        assert f"balance {money(account.balance, account.currency)}" in screen_text(app)
        assert screen.query_one(OptionList).highlighted_option.id == "balance"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.outcome is not None and screen.outcome.method == PaymentMethodCode.BALANCE
        after = account.balance - row.total
        assert (
            f"Paid {money(row.total, row.currency)} from the account balance. "
            f"Balance now {money(after, account.currency)}."
        ) in widget_text(app, "#outcome")
        await pilot.press("enter")  # Done
        await settle(pilot)
        assert app.screen is list_screen
        assert row.number not in row_numbers(list_screen)
        assert list_screen.page.total == unpaid - 1
        assert f"Balance {money(after, account.currency)}" in screen_text(app)
    assert (await demo_service.get_invoice(row.id)).status == InvoiceStatus.PAID
    assert (await demo_service.account()).balance == after


async def test_menu_greys_out_what_the_domain_refuses_with_the_reason(make_app, demo_service) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.PAID, allows("download"))
    refused = refused_ids(row, [action.id for action in INVOICE_ACTIONS if action.in_menu])
    assert {"pay", "delete", "pay_link", "quote"} <= refused
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot)
        menu = await _press_on(pilot, row, "a")
        assert isinstance(menu, ActionMenuScreen)
        options = menu.query_one(OptionList)
        assert {option.id for option in options.options if option.disabled} == refused
        assert "menu" not in {option.id for option in options.options}
        text = screen_text(app)
        for action_id in refused:
            assert row.action(action_id).reason in text
        await pilot.press("p")  # the letter of a disabled action: a warning, the menu stays
        await settle(pilot)
        assert app.screen is menu
        assert notifications(app, "warning")[-1] == INVOICE_ACTIONS.refusal(row, "pay")
        await pilot.press("w")  # download is what a paid invoice offers
        await settle(pilot)
        assert isinstance(app.screen, SaveFileScreen)


async def test_menu_escape_closes_without_acting(make_app, faulty_service) -> None:
    row = await first_invoice(faulty_service, InvoiceStatus.UNPAID)
    app = make_app(faulty_service)
    async with app.run_test(size=SIZE) as pilot:
        list_screen = await _start(pilot)
        await _press_on(pilot, row, "a")
        faulty_service.log.clear()
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is list_screen
        assert faulty_service.log == []  # nothing was asked of the portal


# --- pay ---------------------------------------------------------------------------------------------


async def test_insufficient_balance_says_how_much_is_missing_then_another_method(
    make_app, demo_service, make_invoice, demo_customer_id
) -> None:
    account = await demo_service.account()
    missing = Decimal("750.00")
    invoice_id = make_invoice(demo_customer_id, str(account.balance + missing))
    row = await demo_service.get_invoice(invoice_id)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot)
        screen = await _press_on(pilot, row, "p")
        assert isinstance(screen, PaymentMethodScreen)
        key = screen.idempotency_key
        await pilot.press("enter")  # account balance
        await settle(pilot)
        error = widget_text(app, "#error")
        assert (
            f"The balance is {money(account.balance, account.currency)}; "
            f"{money(missing, row.currency)} more is needed"
        ) in error
        assert "Choose another method" in error
        assert "try again" not in error  # a refusal, not a hiccup
        assert screen.outcome is None
        inside(app)
        await pilot.press("down", "enter")  # bank transfer, same dialog, same key
        await settle(pilot)
        assert screen.outcome is not None and screen.outcome.method == PaymentMethodCode.BANK_TRANSFER
        assert screen.idempotency_key == key
    assert (await demo_service.account()).balance == account.balance


async def test_bank_transfer_shows_iban_and_reference_and_binds_the_invoice(make_app, demo_service, portal) -> None:
    row = await _payable(demo_service)
    provider = portal.settings.provider
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        list_screen = await _start(pilot)
        await _press_on(pilot, row, "p")
        await pilot.press("down", "enter")
        await settle(pilot)
        inside(app)
        text = widget_text(app, "#outcome")
        for expected in (provider.name, provider.iban, provider.bic, provider.bank, row.number, money(row.total, row.currency)):
            assert expected in text
        await pilot.press("i")
        assert app.clipboard == provider.iban
        await pilot.press("f")
        assert app.clipboard == row.number
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is list_screen
        # The invoice is bound now (the list reloaded): paying again offers bank transfer only.
        bound = list_screen.selected()
        assert bound.id == row.id
        assert bound.status == InvoiceStatus.UNPAID and bound.payment_method == PaymentMethodCode.BANK_TRANSFER
        await pilot.press("p")
        await settle(pilot)
        menu = app.screen.query_one(OptionList)
        assert [option.id for option in menu.options if not option.disabled] == ["bank_transfer"]
        assert menu.highlighted_option.id == "bank_transfer"
        assert widget_text(app, "#rule") == bound_rule(PaymentMethodCode.BANK_TRANSFER)
        assert "renew its order (n)" in widget_text(app, "#rule")
        inside(app)


async def test_card_shows_the_checkout_url_and_copies_it(make_app, demo_service) -> None:
    row = await _payable(demo_service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot)
        screen = await _press_on(pilot, row, "p")
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert isinstance(screen, PaymentMethodScreen)
        url = screen.outcome.checkout_url
        assert url and "/test-gateway/checkout/" in url
        assert app.clipboard == url
        text = widget_text(app, "#outcome")
        assert CARD_TEXT in text
        assert url in text.replace(" ", "")  # in full (wrapped at 80 columns)
        inside(app)
    assert (await demo_service.get_invoice(row.id)).payment_method == PaymentMethodCode.CARD


class AnswerLost(FaultyService):
    """The first payment goes through, but its answer is lost (a timeout)."""

    async def pay_invoice(self, *args):  # noqa: ANN002, ANN201
        outcome = await super().pay_invoice(*args)
        if len(self.calls("pay_invoice")) == 1:
            raise ServiceUnavailable("the portal did not answer in time")
        return outcome


async def test_a_retry_after_a_timeout_replays_instead_of_charging_twice(make_app, sqlite_portal, demo_service) -> None:
    from backend.domain.accounts import customer_id_for_login

    account = await demo_service.account()
    row = await _payable(demo_service, at_most=account.balance)
    service = AnswerLost(sqlite_portal, customer_id_for_login(sqlite_portal, "demo"))
    app = make_app(service)
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot)
        screen = await _press_on(pilot, row, "p")
        await pilot.press("enter")
        await settle(pilot)
        assert "The portal did not answer in time. Press enter to try again" in widget_text(app, "#error")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.outcome is not None and screen.outcome.replayed
        assert "nothing was charged twice" in widget_text(app, "#outcome")
    keys = [args[2] for args in service.calls("pay_invoice")]
    assert len(keys) == 2 and keys[0] == keys[1] == screen.idempotency_key
    assert (await demo_service.account()).balance == account.balance - row.total


async def test_each_pay_dialog_has_its_own_key(demo_service) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.UNPAID)
    first = PaymentMethodScreen(row, demo_service)
    second = PaymentMethodScreen(row, demo_service)
    assert first.idempotency_key != second.idempotency_key
    assert len(first.idempotency_key) == 32


async def test_closing_the_pay_dialog_changes_nothing(make_app, faulty_service) -> None:
    row = await _payable(faulty_service)
    app = make_app(faulty_service)
    async with app.run_test(size=SIZE) as pilot:
        list_screen = await _start(pilot)
        await _press_on(pilot, row, "p")
        faulty_service.log.clear()
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is list_screen
        assert faulty_service.log == []  # nothing paid, nothing reloaded
    assert (await faulty_service.get_invoice(row.id)).payment_method is None


async def test_paying_a_paid_invoice_offers_nothing(make_app, demo_service) -> None:
    """Paid meanwhile (the palette or a stale row): the dialog says why there is nothing to do."""
    row = await first_invoice(demo_service, InvoiceStatus.PAID)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        list_screen = await _start(pilot)
        list_screen.handlers.pay(row)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PaymentMethodScreen)
        assert widget_text(app, "#error") == f"Invoice {row.number} cannot be paid: {row.action('pay').reason}."
        assert not screen.query_one(OptionList).display
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and screen.attempted is False


# --- delete ------------------------------------------------------------------------------------------


async def test_delete_asks_first_n_keeps_y_deletes(make_app, demo_service) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.UNPAID, allows("delete"))
    deleted_before = await count(demo_service, InvoiceFilter.DELETED)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        list_screen = await _start(pilot)
        await _press_on(pilot, row, "x")
        assert isinstance(app.screen, ConfirmScreen)
        inside(app)
        assert widget_text(app, "#question") == (
            f"Delete invoice {row.number} ({money(row.total, row.currency)})? "
            "It stays visible under the Deleted filter."
        )
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is list_screen
        assert (await demo_service.get_invoice(row.id)).status == InvoiceStatus.UNPAID
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("enter")  # the default is No
        await settle(pilot)
        assert (await demo_service.get_invoice(row.id)).status == InvoiceStatus.UNPAID
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert (await demo_service.get_invoice(row.id)).status == InvoiceStatus.DELETED
        assert notifications(app)[-1] == f"Deleted invoice {row.number}. It is listed under the Deleted filter."
        assert row.number not in row_numbers(list_screen)  # the list reloaded
        assert await count(demo_service, InvoiceFilter.DELETED) == deleted_before + 1


async def test_a_refusal_from_the_service_is_one_toast_without_a_retry_hint(make_app, demo_service) -> None:
    """The handler does not judge: when the portal refuses (a row that changed meanwhile), its
    reason is shown once, and a final refusal (Conflict) is not offered as something to retry."""
    row = await first_invoice(demo_service, InvoiceStatus.PAID)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        list_screen = await _start(pilot)
        list_screen.handlers.delete(row)
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        errors = notifications(app, "error")
        assert errors == [f"Invoice {row.number} cannot be deleted: {row.action('delete').reason}."]
        assert "reload" not in errors[0] and "retry" not in errors[0].lower()
    assert (await demo_service.get_invoice(row.id)).status == InvoiceStatus.PAID


async def test_deleting_from_the_view(make_app, demo_service) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.UNPAID, allows("delete"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        list_screen = await _start(pilot)
        view = await _press_on(pilot, row, "enter")
        assert isinstance(view, InvoiceViewScreen) and view.row.id == row.id
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is view
        assert view.detail.status == InvoiceStatus.DELETED  # the view reloaded
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is list_screen
        assert row.number not in row_numbers(list_screen)


# --- renew -------------------------------------------------------------------------------------------


async def test_a_bound_invoice_is_paid_another_way_by_deleting_and_renewing(make_app, demo_service) -> None:
    """The spec's rule, from the keyboard: an invoice bound to bank transfer is deleted, its
    order renewed (n), and the new invoice for the same period can be paid by card."""
    bound = await first_invoice(
        demo_service, InvoiceStatus.UNPAID,
        lambda row: row.order_id is not None and row.action("pay").enabled and row.payment_method is None,
    )
    await demo_service.pay_invoice(bound.id, PaymentMethodCode.BANK_TRANSFER, "tui-bound-key-0001")
    bound = await demo_service.get_invoice(bound.id)
    # While it is open, renewing its order is refused by the domain, and the n key says why.
    assert not bound.action("renew").enabled
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        list_screen = await _start(pilot)
        await _press_on(pilot, bound, "p")
        assert "This invoice is bound to bank transfer" in screen_text(app)
        assert "renew its order (n)" in screen_text(app)
        await pilot.press("escape", "n")
        await settle(pilot)
        assert app.screen is list_screen
        assert notifications(app, "warning")[-1] == INVOICE_ACTIONS.refusal(bound, "renew")
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        deleted = await demo_service.get_invoice(bound.id)
        assert deleted.status == InvoiceStatus.DELETED and deleted.action("renew").enabled
        await _press_on(pilot, deleted, "n")
        assert isinstance(app.screen, ConfirmScreen) and bound.order_number in screen_text(app)
        before = {row.id for row in await invoices_of(demo_service, InvoiceFilter.ALL)}
        await pilot.press("y")
        await settle(pilot)
        new = [row for row in await invoices_of(demo_service, InvoiceFilter.ALL) if row.id not in before]
        assert len(new) == 1
        fresh = new[0]
        assert any(message.startswith(f"Issued invoice {fresh.number} for ") for message in notifications(app))
        assert fresh.status == InvoiceStatus.UNPAID and fresh.payment_method is None
        assert fresh.order_id == bound.order_id
        outcome = await demo_service.pay_invoice(fresh.id, PaymentMethodCode.CARD, "tui-card-key-00001")
        assert outcome.checkout_url


async def test_renew_is_dimmed_while_the_order_has_an_open_invoice(make_app, demo_service) -> None:
    row = await first_invoice(
        demo_service, InvoiceStatus.UNPAID, lambda row: row.order_id is not None and not row.action("renew").enabled
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        list_screen = await _start(pilot)
        await _press_on(pilot, row, "n")
        assert app.screen is list_screen  # no confirmation: nothing to confirm
        assert notifications(app, "warning") == [INVOICE_ACTIONS.refusal(row, "renew")]
        assert "still open" in row.action("renew").reason


# --- pay link ------------------------------------------------------------------------------------------


async def test_pay_link_is_copied_and_shown_in_full(make_app, demo_service) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.UNPAID, allows("pay_link"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        list_screen = await _start(pilot)
        screen = await _press_on(pilot, row, "c")
        assert isinstance(screen, PayLinkScreen) and screen.link is not None
        url = screen.link.url
        assert "/pay/" in url
        assert app.clipboard == url
        assert widget_text(app, "#url") == url
        info = widget_text(app, "#info")
        assert PAY_LINK_WARNING in info
        assert f"Valid until {screen.link.expires_at:%Y-%m-%d %H:%M} UTC." in info
        inside(app)
        app.copy_to_clipboard("")
        await pilot.press("c")  # copy again
        assert app.clipboard == url
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is list_screen


async def test_pay_link_for_a_paid_invoice_shows_the_refusal_inline(make_app, demo_service) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.PAID)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        list_screen = await _start(pilot)
        list_screen.handlers.pay_link(row)
        await settle(pilot)
        assert row.action("pay_link").reason in widget_text(app, "#error")
        assert app.clipboard == ""


# --- documents ----------------------------------------------------------------------------------------


async def _save_dialog(pilot, row: InvoiceRow | None, key: str) -> SaveFileScreen:  # noqa: ANN001
    await _start(pilot)
    if row is not None:
        await show_invoice(pilot, row)
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SaveFileScreen)
    return screen


async def _save_as(pilot, path: Path | str) -> None:  # noqa: ANN001
    field = pilot.app.screen.query_one("#path", Input)
    field.value = str(path)
    await pilot.press("enter")
    await settle(pilot)


async def test_quote_is_saved_as_a_pdf_where_the_user_says(make_app, demo_service, downloads, tmp_path) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.UNPAID, allows("quote"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _save_dialog(pilot, row, "r")
        inside(app)
        field = screen.query_one("#path", Input)
        assert field.value == str(downloads / f"quote-{row.number}.pdf")
        assert app.focused is field
        target = tmp_path / "elsewhere" / "new" / "q.pdf"  # parent directories are created
        await _save_as(pilot, target)
        assert not isinstance(app.screen, SaveFileScreen)
        assert f"Saved q.pdf to {target.parent}" in notifications(app, "information")
    assert target.read_bytes().startswith(b"%PDF")


async def test_quote_goes_to_the_downloads_directory_by_default(make_app, demo_service, downloads) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.UNPAID, allows("quote"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _save_dialog(pilot, row, "r")
        await pilot.press("enter")
        await settle(pilot)
        assert f"Saved quote-{row.number}.pdf to {downloads}" in notifications(app, "information")
    assert (downloads / f"quote-{row.number}.pdf").read_bytes().startswith(b"%PDF")


async def test_invoice_pdf_of_a_paid_invoice(make_app, demo_service, downloads) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.PAID, allows("download"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _save_dialog(pilot, row, "w")
        suggested = Path(screen.query_one("#path", Input).value)
        await pilot.press("enter")
        await settle(pilot)
    assert suggested.parent == downloads and row.number in suggested.name
    assert suggested.read_bytes().startswith(b"%PDF")


async def test_quote_of_a_paid_invoice_shows_the_refusal_inline(make_app, demo_service, downloads) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.PAID)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        list_screen = await _start(pilot)
        list_screen.handlers.quote(row)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SaveFileScreen)
        assert row.action("quote").reason in widget_text(app, "#error")
        assert not screen.query_one("#path", Input).display
        await pilot.press("enter")  # nothing to save: nothing happens
        await settle(pilot)
        assert app.screen is screen
    assert not downloads.exists() or not any(downloads.iterdir())


async def test_export_csv_writes_the_header_and_the_rows(make_app, demo_service, tmp_path) -> None:
    unpaid = await count(demo_service, InvoiceFilter.UNPAID)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _save_dialog(pilot, None, "e")
        name = Path(screen.query_one("#path", Input).value).name
        assert name.startswith("invoices-unpaid-") and name.endswith(".csv")
        target = tmp_path / "export.csv"
        await _save_as(pilot, target)
    rows = list(csv.reader(io.StringIO(target.read_text())))
    assert rows[0] == ["number", "issued", "due", "order", "total", "currency", "status", "payment_method"]
    assert len(rows) == 1 + unpaid
    assert {row[6] for row in rows[1:]} == {"unpaid"}


async def test_a_failing_write_shows_an_inline_error_and_keeps_the_dialog(make_app, demo_service, tmp_path) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.UNPAID, allows("quote"))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _save_dialog(pilot, row, "r")
        await _save_as(pilot, tmp_path)  # a directory
        assert app.screen is screen
        assert f"{tmp_path} is a directory: add a file name." in widget_text(app, "#error")
        await _save_as(pilot, blocker / "quote.pdf")  # a file where a directory should be
        assert app.screen is screen
        assert "a file of that name is in the way" in widget_text(app, "#error")
        field = screen.query_one("#path", Input)
        assert field.value == str(blocker / "quote.pdf") and not field.disabled and app.focused is field
        inside(app)
        await _save_as(pilot, tmp_path / "ok.pdf")  # fixed: the document was kept
        assert not isinstance(app.screen, SaveFileScreen)
        assert notifications(app, "error") == []
    assert (tmp_path / "ok.pdf").read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.rglob("*.part"))  # no half-written temporary file left behind


async def test_escape_cancels_the_save_dialog_from_the_path_field(make_app, demo_service, downloads) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.UNPAID, allows("quote"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _save_dialog(pilot, row, "r")
        assert app.focused is screen.query_one("#path", Input)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InvoicesScreen)
    assert not (downloads / f"quote-{row.number}.pdf").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
async def test_no_permission_is_an_inline_error(make_app, demo_service, tmp_path) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.UNPAID, allows("quote"))
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await _save_dialog(pilot, row, "r")
            await _save_as(pilot, locked / "quote.pdf")
            assert app.screen is screen
            assert "No permission to write" in widget_text(app, "#error")
    finally:
        locked.chmod(0o700)


async def test_permission_denied_is_an_inline_error_even_for_root(make_app, demo_service, tmp_path, monkeypatch) -> None:
    from hostui import downloads as downloads_module

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise PermissionError(13, "Permission denied")

    row = await first_invoice(demo_service, InvoiceStatus.UNPAID, allows("quote"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _save_dialog(pilot, row, "r")
        monkeypatch.setattr(downloads_module.tempfile, "mkstemp", refuse)
        await _save_as(pilot, tmp_path / "denied.pdf")
        assert app.screen is screen
        expected = f"No permission to write {tmp_path / 'denied.pdf'}. Choose another place."
        assert expected.replace(" ", "") in widget_text(app, "#error").replace(" ", "")  # a long path wraps
        monkeypatch.undo()
        await pilot.press("enter")  # same path, now writable: saved from the kept document
        await settle(pilot)
        assert not isinstance(app.screen, SaveFileScreen)
    assert (tmp_path / "denied.pdf").read_bytes().startswith(b"%PDF")


async def test_existing_files_get_a_free_name_or_a_question(make_app, demo_service, downloads) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.UNPAID, allows("quote"))
    downloads.mkdir(parents=True)
    existing = downloads / f"quote-{row.number}.pdf"
    existing.write_bytes(b"old")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _save_dialog(pilot, row, "r")
        assert screen.query_one("#path", Input).value == str(downloads / f"quote-{row.number} (1).pdf")
        await _save_as(pilot, existing)  # typed over an existing file: asked first
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and "Not replaced" in widget_text(app, "#error")
        assert existing.read_bytes() == b"old"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, SaveFileScreen)
    assert existing.read_bytes().startswith(b"%PDF")


def test_downloads_fall_back_to_home_when_the_directory_cannot_be_made(monkeypatch, tmp_path) -> None:
    from hostui import downloads

    blocker = tmp_path / "blocker"
    blocker.write_text("")
    monkeypatch.setattr(downloads, "user_downloads_dir", lambda: str(blocker / "Downloads"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert downloads.default_directory() == tmp_path / "home"
    assert downloads.safe_filename("../../etc/passwd") == "passwd"
    assert downloads.safe_filename("..\\x\x07.pdf") == "x_.pdf"
    (tmp_path / "a.pdf").write_text("")
    (tmp_path / "a (1).pdf").write_text("")
    assert downloads.free_path(tmp_path / "a.pdf") == tmp_path / "a (2).pdf"


def test_the_invoice_screens_import_no_backend_internals() -> None:
    import subprocess
    import sys

    code = (
        "import sys, hostui.screens.invoices.handlers, hostui.frame.paged_list, hostui.downloads;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'httpx')"
        " or m.startswith('backend.domain'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert result.returncode == 0, result.stdout + result.stderr
