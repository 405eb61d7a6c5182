"""The invoice actions (view, menu, pay, delete, pay link, quote, PDF, CSV) from the keyboard.

Everything runs against a real ``LocalService`` over a fresh copy of the seeded demo database
(``DemoSize(traffic_days=1)``, clock ``DEMO_NOW``). Most tests drive a minimal harness app
whose keys call ``InvoiceActions`` on one invoice (as the Invoices screen will); the last ones
wire the controller into the real ``HostUIApp`` and its invoice list.

Demo facts used here: the balance is 250.00 EUR; the unpaid invoices are NH-000193 (13.08),
NH-000192 (133.76), NH-000191 (6.53), NH-000189 (135.54) and NH-000188 (28.19 EUR).
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input, OptionList, Static

from backend.contract import (
    InvoiceFilter,
    InvoiceQuery,
    InvoiceRow,
    InvoiceStatus,
    PaymentMethodCode,
    PortalService,
    ServiceUnavailable,
)
from hostui.app import HostUIApp
from hostui.invoice_actions import InvoiceActions
from hostui.screens.confirm import ConfirmScreen
from hostui.screens.invoice_menu import InvoiceMenuScreen
from hostui.screens.invoice_view import InvoiceViewScreen
from hostui.screens.invoices import InvoicesScreen
from hostui.screens.pay_link import PAY_LINK_WARNING, PayLinkScreen
from hostui.screens.payment import CARD_TEXT, PaymentMethodScreen
from hostui.screens.save_file import SaveFileScreen
from tui_helpers import fixed_clock, screen_text, settle

SIZE = (80, 24)
BALANCE = Decimal("250.00")


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def portal(sqlite_portal):  # noqa: ANN001, ANN201
    """SQLite only (overrides the parametrized one), so ``make_invoice`` works on it too."""
    return sqlite_portal


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    """The directory the save dialogs suggest (instead of the real ~/Downloads)."""
    return tmp_path / "Downloads"


class ActionsHarness(App[None]):
    """A stand-in for the Invoices screen: one selected invoice, the same keys."""

    CSS = """
    #background { height: 1fr; padding: 1 2; color: $text-muted; }
    """

    BINDINGS = [
        Binding("enter", "act('view')", "View"),
        Binding("a", "act('menu')", "Actions"),
        Binding("p", "act('pay')", "Pay"),
        Binding("x", "act('delete')", "Delete"),
        Binding("c", "act('copy_pay_link')", "Pay link"),
        Binding("r", "act('request_quote')", "Quote"),
        Binding("w", "act('download')", "PDF"),
        Binding("e", "export", "CSV"),
    ]

    def __init__(self, service: PortalService, row: InvoiceRow | None = None, *, download_dir: Path | None = None) -> None:
        super().__init__()
        self.service = service
        self.row = row
        self.query = InvoiceQuery(status=InvoiceFilter.UNPAID)
        self.changes = 0
        self.notes: list[tuple[str, str]] = []
        self.actions = InvoiceActions(self, service, self._changed, download_dir=download_dir)

    def now(self):  # noqa: ANN201 - the clock screens judge "overdue" by
        return fixed_clock()

    def compose(self) -> ComposeResult:
        yield Static("Invoices (test harness)", id="background")
        yield Footer(compact=True)

    def _changed(self) -> None:
        self.changes += 1

    def notify(self, message, *, title="", severity="information", **kwargs):  # noqa: ANN001, ANN003, ANN201
        self.notes.append((severity, str(message)))
        return super().notify(message, title=title, severity=severity, **kwargs)

    def action_act(self, name: str) -> None:
        assert self.row is not None
        getattr(self.actions, name)(self.row)

    def action_export(self) -> None:
        self.actions.export_csv(self.query)

    def errors(self) -> list[str]:
        return [message for severity, message in self.notes if severity == "error"]


async def _invoice(service: PortalService, number: str) -> InvoiceRow:
    for status in (InvoiceFilter.ALL, InvoiceFilter.DELETED):
        page = await service.list_invoices(InvoiceQuery(status=status, page_size=500))
        for row in page.items:
            if row.number == number:
                return row
    raise AssertionError(f"no invoice {number}")


async def _first_paid(service: PortalService) -> InvoiceRow:
    return (await service.list_invoices(InvoiceQuery(status=InvoiceFilter.PAID, page_size=1))).items[0]


def _inside(app: App, widget_id: str = "#dialog") -> None:
    """The dialog box fits the terminal (80x24) entirely."""
    region = app.screen.query_one(widget_id).region
    width, height = app.size
    assert region.x >= 0 and region.y >= 0, region
    assert region.right <= width and region.bottom <= height - 1, (region, app.size)  # footer row


def _text(app: App, widget_id: str) -> str:
    """What the user reads in one widget: its screen region, lines joined, spaces collapsed."""
    region = app.screen.query_one(widget_id).region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return " ".join(" ".join(line[region.x : region.right].split()) for line in lines).strip()


# --- view -----------------------------------------------------------------------------------------


async def test_enter_opens_the_view_with_lines_totals_and_dates(demo_service) -> None:
    row = await _invoice(demo_service, "NH-000193")
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InvoiceViewScreen)
        assert screen.detail is not None and screen.detail.total == Decimal("13.08")
        _inside(app)
        text = screen_text(app)
        assert "Invoice NH-000193" in text
        assert "Total 13.08 EUR" in text
        assert "Net 10.99 EUR" in text and "Tax 19 %  2.09 EUR" in text
        assert "VPS M — 2026-11-18 to 2026-12-17" in text
        assert "ORD-105114" in text and "2026-12-02" in text and "2026-11-18 – 2026-12-17" in text
        assert "not chosen yet" in text and "none yet" in text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, InvoiceViewScreen)


async def test_view_of_a_paid_invoice_lists_its_payment(demo_service) -> None:
    row = await _first_paid(demo_service)
    detail = await demo_service.get_invoice(row.id)
    payment = detail.payments[0]
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "paid" in text and payment.reference in text
        assert f"{payment.amount} EUR" in text and "completed" in text
        # Paying makes no sense here: p is dimmed and does nothing.
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceViewScreen)


async def test_keys_inside_the_view_act_and_the_view_follows(demo_service) -> None:
    row = await _invoice(demo_service, "NH-000191")
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
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
        assert app.changes >= 1


async def test_view_of_an_unknown_invoice_says_so_inline(demo_service) -> None:
    row = (await _invoice(demo_service, "NH-000193")).model_copy(update={"id": 999_999})
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        assert "Could not load invoice NH-000193: Invoice 999999 not found" in _text(app, "#error")


# --- menu -------------------------------------------------------------------------------------------


async def test_menu_pay_with_balance_pays_and_the_balance_drops(demo_service) -> None:
    row = await _invoice(demo_service, "NH-000192")
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceMenuScreen)
        _inside(app)
        await pilot.press("down", "down", "enter")  # View, Request a quote, Pay
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PaymentMethodScreen)
        _inside(app)
        assert "balance 250.00 EUR" in screen_text(app)
        assert screen.query_one(OptionList).highlighted_option.id == "balance"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.outcome is not None and screen.outcome.method == PaymentMethodCode.BALANCE
        assert "Paid 133.76 EUR from the account balance. Balance now 116.24 EUR." in _text(app, "#outcome")
        assert app.changes == 1
        await pilot.press("enter")  # Done
        await settle(pilot)
        assert not isinstance(app.screen, PaymentMethodScreen)
    assert (await demo_service.get_invoice(row.id)).status == InvoiceStatus.PAID
    assert (await demo_service.account()).balance == BALANCE - Decimal("133.76")


async def test_menu_greys_out_what_the_status_does_not_allow(demo_service) -> None:
    row = await _first_paid(demo_service)
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await settle(pilot)
        menu = app.screen.query_one(OptionList)
        disabled = {option.id for option in menu.options if option.disabled}
        assert disabled == {"request_quote", "pay", "delete", "copy_pay_link"}
        assert "already paid" in screen_text(app)
        await pilot.press("p")  # the letter of a disabled action: a warning, the menu stays
        await settle(pilot)
        assert isinstance(app.screen, InvoiceMenuScreen)
        assert app.notes[-1] == ("warning", "Pay: already paid.")
        await pilot.press("w")  # download is what a paid invoice offers
        await settle(pilot)
        assert isinstance(app.screen, SaveFileScreen)


async def test_menu_escape_closes_without_acting(demo_service) -> None:
    row = await _invoice(demo_service, "NH-000193")
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, InvoiceMenuScreen)
        assert app.changes == 0


# --- pay ---------------------------------------------------------------------------------------------


async def test_insufficient_balance_says_how_much_is_missing_then_another_method(
    demo_service, make_invoice, demo_customer_id
) -> None:
    invoice_id = make_invoice(demo_customer_id, "1000.00")
    row = (await demo_service.get_invoice(invoice_id))
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PaymentMethodScreen)
        key = screen.idempotency_key
        await pilot.press("enter")  # account balance
        await settle(pilot)
        error = _text(app, "#error")
        assert "The balance is 250.00 EUR; 750.00 EUR more is needed" in error
        assert "Choose another method" in error
        assert screen.outcome is None and app.changes == 0
        _inside(app)
        await pilot.press("down", "enter")  # bank transfer, same dialog, same key
        await settle(pilot)
        assert screen.outcome is not None and screen.outcome.method == PaymentMethodCode.BANK_TRANSFER
        assert screen.idempotency_key == key
    assert (await demo_service.account()).balance == BALANCE


async def test_bank_transfer_shows_iban_and_reference_and_binds_the_invoice(demo_service, portal) -> None:
    row = await _invoice(demo_service, "NH-000188")
    provider = portal.settings.provider
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        _inside(app)
        text = _text(app, "#outcome")
        for expected in (provider.name, provider.iban, provider.bic, provider.bank, "NH-000188", "28.19 EUR"):
            assert expected in text
        await pilot.press("i")
        assert app.clipboard == provider.iban
        await pilot.press("f")
        assert app.clipboard == "NH-000188"
        await pilot.press("escape")
        await settle(pilot)
        assert app.changes == 1
        # The invoice is bound now: paying again offers bank transfer only, with the rule.
        app.row = await demo_service.get_invoice(row.id)
        assert app.row.status == InvoiceStatus.UNPAID and app.row.payment_method == PaymentMethodCode.BANK_TRANSFER
        await pilot.press("p")
        await settle(pilot)
        menu = app.screen.query_one(OptionList)
        assert [option.id for option in menu.options if not option.disabled] == ["bank_transfer"]
        assert menu.highlighted_option.id == "bank_transfer"
        assert _text(app, "#rule") == (
            "This invoice is bound to bank transfer. "
            "To pay another way, delete it (x) and renew its order (n) for a new invoice."
        )
        _inside(app)


async def test_card_shows_the_checkout_url_and_copies_it(demo_service) -> None:
    row = await _invoice(demo_service, "NH-000193")
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PaymentMethodScreen)
        url = screen.outcome.checkout_url
        assert url and "/test-gateway/checkout/" in url
        assert app.clipboard == url
        text = _text(app, "#outcome")
        assert CARD_TEXT in text
        assert url in text.replace(" ", "")  # in full (wrapped at 80 columns)
        _inside(app)
    assert (await demo_service.get_invoice(row.id)).payment_method == PaymentMethodCode.CARD


class _AnswerLost:
    """A service whose first payment goes through but whose answer is lost (a timeout)."""

    def __init__(self, inner: PortalService) -> None:
        self.inner = inner
        self.keys: list[str] = []

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.inner, name)

    async def pay_invoice(self, invoice_id, method, idempotency_key):  # noqa: ANN001, ANN201
        self.keys.append(idempotency_key)
        outcome = await self.inner.pay_invoice(invoice_id, method, idempotency_key)
        if len(self.keys) == 1:
            raise ServiceUnavailable("the portal did not answer in time")
        return outcome


async def test_a_retry_after_a_timeout_replays_instead_of_charging_twice(demo_service) -> None:
    row = await _invoice(demo_service, "NH-000189")
    service = _AnswerLost(demo_service)
    app = ActionsHarness(service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        await pilot.press("enter")
        await settle(pilot)
        assert "The portal did not answer in time. Press enter to try again" in _text(app, "#error")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.outcome is not None and screen.outcome.replayed
        assert "nothing was charged twice" in _text(app, "#outcome")
    assert len(service.keys) == 2 and service.keys[0] == service.keys[1]
    assert (await demo_service.account()).balance == BALANCE - Decimal("135.54")


async def test_each_pay_dialog_has_its_own_key(demo_service) -> None:
    row = await _invoice(demo_service, "NH-000193")
    first = PaymentMethodScreen(row, demo_service)
    second = PaymentMethodScreen(row, demo_service)
    assert first.idempotency_key != second.idempotency_key
    assert len(first.idempotency_key) == 32


async def test_closing_the_pay_dialog_changes_nothing(demo_service) -> None:
    row = await _invoice(demo_service, "NH-000193")
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, PaymentMethodScreen)
    assert app.changes == 0
    assert (await demo_service.get_invoice(row.id)).payment_method is None


# --- delete ------------------------------------------------------------------------------------------


async def test_delete_asks_first_n_keeps_y_deletes(demo_service) -> None:
    row = await _invoice(demo_service, "NH-000191")
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        _inside(app)
        assert _text(app, "#question") == "Delete invoice NH-000191? It stays visible under the Deleted filter."
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert (await demo_service.get_invoice(row.id)).status == InvoiceStatus.UNPAID
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("enter")  # the default is No
        await settle(pilot)
        assert (await demo_service.get_invoice(row.id)).status == InvoiceStatus.UNPAID
        assert app.changes == 0
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert (await demo_service.get_invoice(row.id)).status == InvoiceStatus.DELETED
        assert app.changes == 1
        assert app.notes[-1] == ("information", "Deleted invoice NH-000191. It is listed under the Deleted filter.")


async def test_deleting_a_paid_invoice_shows_the_services_refusal(demo_service) -> None:
    row = await _first_paid(demo_service)
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")  # the controller does not judge: it asks, the service refuses
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.errors() == [f"Invoice {row.number} is paid; only unpaid invoices can be deleted"]
        assert app.changes == 0
    assert (await demo_service.get_invoice(row.id)).status == InvoiceStatus.PAID


# --- pay link ------------------------------------------------------------------------------------------


async def test_pay_link_is_copied_and_shown_in_full(demo_service) -> None:
    row = await _invoice(demo_service, "NH-000193")
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PayLinkScreen) and screen.link is not None
        url = screen.link.url
        assert "/pay/" in url
        assert app.clipboard == url
        assert _text(app, "#url") == url
        info = _text(app, "#info")
        assert PAY_LINK_WARNING in info
        assert f"Valid until {screen.link.expires_at:%Y-%m-%d %H:%M} UTC." in info
        _inside(app)
        app.copy_to_clipboard("")
        await pilot.press("c")  # copy again
        assert app.clipboard == url
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, PayLinkScreen)


async def test_pay_link_for_a_paid_invoice_shows_the_refusal_inline(demo_service) -> None:
    row = await _first_paid(demo_service)
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await settle(pilot)
        assert "only unpaid invoices have a pay link" in _text(app, "#error")
        assert app.clipboard == ""


# --- documents ----------------------------------------------------------------------------------------


async def _save_dialog(pilot, key: str) -> SaveFileScreen:  # noqa: ANN001
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


async def test_quote_is_saved_as_a_pdf_where_the_user_says(demo_service, downloads, tmp_path) -> None:
    row = await _invoice(demo_service, "NH-000193")
    app = ActionsHarness(demo_service, row, download_dir=downloads)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _save_dialog(pilot, "r")
        _inside(app)
        field = screen.query_one("#path", Input)
        assert field.value == str(downloads / "quote-NH-000193.pdf")
        assert app.focused is field
        target = tmp_path / "elsewhere" / "new" / "q.pdf"  # parent directories are created
        await _save_as(pilot, target)
        assert not isinstance(app.screen, SaveFileScreen)
    assert target.read_bytes().startswith(b"%PDF")
    assert ("information", f"Saved q.pdf to {target.parent}") in app.notes


async def test_quote_goes_to_the_downloads_directory_by_default(demo_service, downloads) -> None:
    row = await _invoice(demo_service, "NH-000193")
    app = ActionsHarness(demo_service, row, download_dir=downloads)
    async with app.run_test(size=SIZE) as pilot:
        await _save_dialog(pilot, "r")
        await pilot.press("enter")
        await settle(pilot)
    saved = downloads / "quote-NH-000193.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    assert ("information", f"Saved quote-NH-000193.pdf to {downloads}") in app.notes


async def test_invoice_pdf_of_a_paid_invoice(demo_service, downloads) -> None:
    row = await _first_paid(demo_service)
    app = ActionsHarness(demo_service, row, download_dir=downloads)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _save_dialog(pilot, "w")
        suggested = Path(screen.query_one("#path", Input).value)
        await pilot.press("enter")
        await settle(pilot)
    assert suggested.parent == downloads and row.number in suggested.name
    assert suggested.read_bytes().startswith(b"%PDF")


async def test_quote_of_a_paid_invoice_shows_the_refusal_inline(demo_service, downloads) -> None:
    row = await _first_paid(demo_service)
    app = ActionsHarness(demo_service, row, download_dir=downloads)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _save_dialog(pilot, "r")
        assert "already paid: download the invoice instead" in _text(app, "#error")
        assert not screen.query_one("#path", Input).display
        await pilot.press("enter")  # nothing to save: nothing happens
        await settle(pilot)
        assert app.screen is screen
    assert not downloads.exists() or not any(downloads.iterdir())


async def test_export_csv_writes_the_header_and_the_rows(demo_service, downloads, tmp_path) -> None:
    app = ActionsHarness(demo_service, None, download_dir=downloads)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _save_dialog(pilot, "e")
        assert Path(screen.query_one("#path", Input).value).name == "invoices-unpaid-2026-11-20.csv"
        target = tmp_path / "export.csv"
        await _save_as(pilot, target)
    rows = list(csv.reader(io.StringIO(target.read_text())))
    assert rows[0] == ["number", "issued", "due", "order", "total", "currency", "status", "payment_method"]
    assert len(rows) == 1 + 5


async def test_a_failing_write_shows_an_inline_error_and_keeps_the_dialog(demo_service, downloads, tmp_path) -> None:
    row = await _invoice(demo_service, "NH-000193")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    app = ActionsHarness(demo_service, row, download_dir=downloads)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _save_dialog(pilot, "r")
        await _save_as(pilot, tmp_path)  # a directory
        assert app.screen is screen
        assert f"{tmp_path} is a directory: add a file name." in _text(app, "#error")
        await _save_as(pilot, blocker / "quote.pdf")  # a file where a directory should be
        assert app.screen is screen
        assert "a file of that name is in the way" in _text(app, "#error")
        field = screen.query_one("#path", Input)
        assert field.value == str(blocker / "quote.pdf") and not field.disabled and app.focused is field
        _inside(app)
        await _save_as(pilot, tmp_path / "ok.pdf")  # fixed: the document was kept
        assert not isinstance(app.screen, SaveFileScreen)
    assert (tmp_path / "ok.pdf").read_bytes().startswith(b"%PDF")
    assert app.errors() == []
    assert not list(tmp_path.rglob("*.part"))  # no half-written temporary file left behind


async def test_escape_cancels_the_save_dialog_from_the_path_field(demo_service, downloads) -> None:
    row = await _invoice(demo_service, "NH-000193")
    app = ActionsHarness(demo_service, row, download_dir=downloads)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _save_dialog(pilot, "r")
        assert app.focused is screen.query_one("#path", Input)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SaveFileScreen)
    assert not (downloads / "quote-NH-000193.pdf").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
async def test_no_permission_is_an_inline_error(demo_service, downloads, tmp_path) -> None:
    row = await _invoice(demo_service, "NH-000193")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    app = ActionsHarness(demo_service, row, download_dir=downloads)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await _save_dialog(pilot, "r")
            await _save_as(pilot, locked / "quote.pdf")
            assert app.screen is screen
            assert "No permission to write" in _text(app, "#error")
    finally:
        locked.chmod(0o700)


async def test_permission_denied_is_an_inline_error_even_for_root(demo_service, downloads, tmp_path, monkeypatch) -> None:
    from hostui import downloads as downloads_module

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise PermissionError(13, "Permission denied")

    row = await _invoice(demo_service, "NH-000193")
    app = ActionsHarness(demo_service, row, download_dir=downloads)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _save_dialog(pilot, "r")
        monkeypatch.setattr(downloads_module.tempfile, "mkstemp", refuse)
        await _save_as(pilot, tmp_path / "denied.pdf")
        assert app.screen is screen
        expected = f"No permission to write {tmp_path / 'denied.pdf'}. Choose another place."
        assert expected.replace(" ", "") in _text(app, "#error").replace(" ", "")  # a long path wraps
        monkeypatch.undo()
        await pilot.press("enter")  # same path, now writable: saved from the kept document
        await settle(pilot)
        assert not isinstance(app.screen, SaveFileScreen)
    assert (tmp_path / "denied.pdf").read_bytes().startswith(b"%PDF")


async def test_existing_files_get_a_free_name_or_a_question(demo_service, downloads) -> None:
    row = await _invoice(demo_service, "NH-000193")
    downloads.mkdir(parents=True)
    existing = downloads / "quote-NH-000193.pdf"
    existing.write_bytes(b"old")
    app = ActionsHarness(demo_service, row, download_dir=downloads)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _save_dialog(pilot, "r")
        assert screen.query_one("#path", Input).value == str(downloads / "quote-NH-000193 (1).pdf")
        await _save_as(pilot, existing)  # typed over an existing file: asked first
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and "Not replaced" in _text(app, "#error")
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


# --- snapshots (80x24, fixed clock and data) ---------------------------------------------------------------


def _row_sync(service: PortalService, number: str) -> InvoiceRow:
    return asyncio.run(_invoice(service, number))


def _settled(*keys: str) -> Callable:
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_snapshot_actions_menu(snap_compare, demo_service, tmp_path) -> None:
    """The Actions menu over the list, for the newest unpaid invoice (NH-000193)."""
    app = _wired_app(demo_service, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settled("a"))


def test_snapshot_view(snap_compare, demo_service, tmp_path) -> None:
    """The newest paid invoice, viewed from the Paid filter."""
    app = _wired_app(demo_service, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settled("f", "enter"))


def test_snapshot_payment_method_choice(snap_compare, demo_service, tmp_path) -> None:
    """p on NH-000192 (second row): the three methods and the current balance."""
    app = _wired_app(demo_service, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settled("down", "p"))


def test_snapshot_payment_bound_to_a_method(snap_compare, demo_service, tmp_path) -> None:
    """p on NH-000188 after choosing bank transfer: only that method, and the spec's rule."""
    row = _row_sync(demo_service, "NH-000188")
    asyncio.run(demo_service.pay_invoice(row.id, PaymentMethodCode.BANK_TRANSFER, "snapshot-bound-0001"))
    app = _wired_app(demo_service, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settled("down", "down", "down", "down", "p"))


# --- wired into the real app and its invoice list ----------------------------------------------------------


def _wired_app(service: PortalService, download_dir: Path) -> HostUIApp:
    return HostUIApp(service, clock=fixed_clock, download_dir=download_dir)


async def test_paying_from_the_list_refreshes_the_list_and_the_balance(demo_service, downloads) -> None:
    app = _wired_app(demo_service, downloads)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InvoicesScreen)
        first = screen.selected_invoice()
        assert first is not None and first.number == "NH-000193"
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("p")  # Pay, by its letter in the menu
        await settle(pilot)
        assert isinstance(app.screen, PaymentMethodScreen)
        await pilot.press("enter")  # account balance
        await settle(pilot)
        await pilot.press("enter")  # Done
        await settle(pilot)
        assert app.screen is screen
        assert "NH-000193" not in [row.number for row in screen.page.items]
        assert screen.page.total == 4
        assert app.account.balance == BALANCE - Decimal("13.08")
        assert "Balance 236.92 EUR" in screen_text(app)


async def test_deleting_from_the_view_in_the_real_app(demo_service, downloads) -> None:
    app = _wired_app(demo_service, downloads)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("down", "enter")  # view NH-000192
        await settle(pilot)
        view = app.screen
        assert isinstance(view, InvoiceViewScreen) and view.row.number == "NH-000192"
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is view
        assert view.detail.status == InvoiceStatus.DELETED  # the view reloaded
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert "NH-000192" not in [row.number for row in screen.page.items]


async def test_a_bound_invoice_is_paid_another_way_by_deleting_and_renewing(demo_service, downloads) -> None:
    """The spec's rule, from the keyboard: NH-000193 is bound to bank transfer; delete it, renew
    its order (n), and the new invoice for the same period can be paid by card."""
    bound = await _invoice(demo_service, "NH-000193")
    await demo_service.pay_invoice(bound.id, PaymentMethodCode.BANK_TRANSFER, "tui-bound-key-0001")
    app = _wired_app(demo_service, downloads)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("p")
        await settle(pilot)
        assert "This invoice is bound to bank transfer" in screen_text(app)
        assert "renew its order (n)" in screen_text(app)
        await pilot.press("escape", "x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("f", "f", "f")  # Deleted
        await settle(pilot)
        assert screen.selected_invoice().number == "NH-000193"
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and bound.order_number in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        messages = [str(notification.message) for notification in app._notifications]
        assert any(message.startswith("Issued invoice NH-000194 for ") for message in messages), messages
        fresh = await _invoice(demo_service, "NH-000194")
        assert fresh.status == InvoiceStatus.UNPAID and fresh.payment_method is None
        assert fresh.order_id == bound.order_id
        outcome = await demo_service.pay_invoice(fresh.id, PaymentMethodCode.CARD, "tui-card-key-00001")
        assert outcome.checkout_url


async def test_renewing_twice_for_an_open_period_explains_why_not(demo_service, downloads) -> None:
    app = _wired_app(demo_service, downloads)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "n")  # NH-000192 is already the open invoice of its order's next period
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        messages = [str(notification.message) for notification in app._notifications]
        assert any("NH-000192" in message and "already open" in message for message in messages), messages


async def test_errors_in_the_real_app_are_notifications(demo_service, downloads) -> None:
    app = _wired_app(demo_service, downloads)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        paid = await _first_paid(demo_service)
        screen.invoice_actions.delete(paid)  # the list would not offer it; the service refuses
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        messages = [str(notification.message) for notification in app._notifications]
        assert f"invoice {paid.number} is paid; only unpaid invoices can be deleted" in messages


def test_the_action_modules_import_no_backend_internals() -> None:
    import subprocess
    import sys

    code = (
        "import sys, hostui.invoice_actions, hostui.downloads;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'httpx')"
        " or m.startswith('backend.domain'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert result.returncode == 0, result.stdout + result.stderr


async def test_paying_a_paid_invoice_offers_nothing(demo_service) -> None:
    row = await _first_paid(demo_service)
    app = ActionsHarness(demo_service, row)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")  # the controller opens the dialog; it says why there is nothing to do
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PaymentMethodScreen)
        assert _text(app, "#error") == f"Invoice {row.number} is paid: there is nothing to pay."
        assert not screen.query_one(OptionList).display
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and screen.attempted is False
