"""Pay an invoice: choose the payment method, pay, and see what happens next — one dialog.

The spec's "Pay goes straight to choosing the payment method". On opening, the dialog fetches
the invoice (fresh status and binding), the offered methods and the account (for the balance)
in one worker, and shows the methods. ``enter`` pays with the highlighted one.

Idempotency: the key is made once, when the dialog opens (``uuid4().hex``), and every attempt
from this dialog sends it. So a retry after a timeout or a dropped connection replays the
first request's result instead of charging twice; the service refuses the same key for a
different method ("already used for a different request") — which is what protects the
customer when the first attempt did go through.

An invoice bound to a method (one was chosen before) offers only that method, with the spec's
rule: "This invoice is bound to <method>. To pay another way, delete it (x) and renew its order (n)
Orders." The outcome replaces the choice in the same dialog:

* balance: "Paid … from the account balance. Balance now …";
* bank transfer: beneficiary, IBAN, BIC, bank, reference and amount (``i`` / ``f`` copy the
  IBAN / the reference);
* card: the checkout URL in full, copied to the clipboard (OSC 52), "Open this link in a
  browser to pay by card" (``c`` copies it again).

Errors are shown inline under the methods and the user may pick again (InsufficientFunds says
how much is missing). ``on_changed`` is called once a payment went through. The dialog
dismisses with the ``PaymentOutcome`` (or None when nothing was paid).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import ClassVar

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from backend.contract import (
    AccountSummary,
    InsufficientFunds,
    InvoiceRow,
    InvoiceStatus,
    PaymentMethod,
    PaymentMethodCode,
    PaymentOutcome,
    PortalService,
)
from hostui.frame.dialog import DialogScreen
from hostui.frame.errors import as_sentence, can_retry, error_line
from hostui.i18n import N_, _
from hostui.screens.invoices.actions import INVOICE_ACTIONS
from hostui.widgets.formatting import day, method_label, money
from hostui.widgets.key_bar import KeyBar

__all__ = ["PaymentMethodScreen", "bound_rule"]

CARD_TEXT = N_("Open this link in a browser to pay by card")


def bound_rule(method: PaymentMethodCode) -> str:
    """The spec's rule for an invoice whose payment method was chosen already."""
    return (
        _("This invoice is bound to {method_label}. To pay another way, delete it (x) and renew its order (n) for a new invoice.").format(method_label=method_label(method))
    )


class PaymentMethodScreen(DialogScreen[PaymentOutcome | None]):
    """Choose a payment method, pay, and show the outcome."""

    DEFAULT_CSS = """
    PaymentMethodScreen.-wide > #dialog {
        width: 100%;
        max-width: 110;
    }
    PaymentMethodScreen #summary {
        margin-bottom: 1;
    }
    PaymentMethodScreen OptionList {
        height: auto;
        max-height: 6;
        border: none;
        padding: 0;
        background: $surface;
    }
    PaymentMethodScreen OptionList:focus {
        border: none;
        background-tint: initial;
    }
    PaymentMethodScreen #rule {
        height: auto;
        margin-top: 1;
        color: $text-warning;
        display: none;
    }
    PaymentMethodScreen #rule.-shown {
        display: block;
    }
    PaymentMethodScreen #error {
        margin-top: 1;
    }
    PaymentMethodScreen #status {
        height: auto;
        color: $text-muted;
        margin-top: 1;
    }
    PaymentMethodScreen #outcome {
        height: auto;
        display: none;
    }
    PaymentMethodScreen.-done #outcome {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: shown in the footer and handled here, not by the focused OptionList
        Binding("enter", "pay", N_("Pay"), priority=True),
        Binding("enter", "done", N_("Done"), priority=True),
        Binding("i", "copy('iban')", N_("Copy IBAN")),
        Binding("f", "copy('reference')", N_("Copy reference")),
        Binding("c", "copy('checkout')", N_("Copy link")),
        Binding("escape", "close", N_("Close")),
    ]

    def __init__(
        self,
        row: InvoiceRow,
        service: PortalService,
        *,
        on_changed: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.row = row
        self.service = service
        self.on_changed = on_changed
        # Made once per dialog: every attempt from here is the same request to the service.
        self.idempotency_key = uuid.uuid4().hex
        self.invoice: InvoiceRow = row
        self.methods: list[PaymentMethod] = []
        self.account: AccountSummary | None = None
        self.outcome: PaymentOutcome | None = None
        self.attempted = False
        self.paying = False
        self.closed = False  # the invoice is paid or deleted: nothing to choose

    # -- layout

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self._summary(), id="summary", classes="dialog-line")
            yield Static(_("Choose the payment method:"), id="choose", classes="dialog-muted")
            yield OptionList(id="methods")
            yield Static("", id="rule", markup=False)
            yield Static("", id="error", classes="dialog-error", markup=False)
            yield Static(_("Loading payment methods…"), id="status", markup=False)
            yield Static("", id="outcome")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = _("Pay invoice {number}").format(number=self.row.number)
        self.query_one("#methods").display = False
        self.query_one("#choose").display = False
        self.load()

    def _summary(self) -> Text:
        invoice = self.invoice
        text = Text()
        text.append(money(invoice.total, invoice.currency), style="bold")
        if invoice.status == InvoiceStatus.UNPAID:
            text.append(_(" · due {day}").format(day=day(invoice.due_at)))
        else:
            text.append(" · " + _(invoice.status.value))
        if invoice.order_number:
            text.append(_(" · order {order_number}").format(order_number=invoice.order_number))
        return text

    def _set_status(self, text: str) -> None:
        status = self.query_one("#status", Static)
        status.update(text)
        status.display = bool(text)

    # -- loading

    @work(exclusive=True, group="payment-load")
    async def load(self) -> None:
        try:
            invoice, methods, account = await asyncio.gather(
                self.service.get_invoice(self.row.id),
                self.service.payment_methods(),
                self.service.account(),
            )
        except Exception as error:  # noqa: BLE001 - shown in the dialog
            self._set_status("")
            self.show_error(_("Cannot pay now: {error_line}").format(error_line=error_line(error)))
            return
        self.invoice, self.methods, self.account = invoice, methods, account
        self._set_status("")
        self.query_one("#summary", Static).update(self._summary())
        self._show_methods()

    def _method_hint(self, method: PaymentMethod) -> str:
        if method.code == PaymentMethodCode.BALANCE:
            if self.account is not None:
                return _("balance {money}").format(money=money(self.account.balance, self.account.currency))
            return ""
        if method.code == PaymentMethodCode.BANK_TRANSFER:
            return _("get IBAN and reference; paid when booked")
        if method.code == PaymentMethodCode.CARD:
            return _("checkout link to open in a browser")
        return ""

    def _show_methods(self) -> None:
        invoice = self.invoice
        pay = INVOICE_ACTIONS.state(invoice, "pay")
        if not pay.enabled:
            # Paid or deleted (maybe meanwhile, elsewhere): nothing to choose, say so.
            self.closed = True
            self.show_error(_("Invoice {number} cannot be paid: {reason}.").format(number=invoice.number, reason=pay.reason))
            self.refresh_bindings()
            return
        bound = invoice.payment_method
        options = []
        for method in self.methods:
            prompt = Text()
            prompt.append(f"{method.name:<18}")
            disabled = bound is not None and method.code != bound
            if disabled:
                prompt.append(_("  not for this invoice (bound to {method_label})").format(method_label=method_label(bound)), style="italic")
            else:
                prompt.append(f"  {self._method_hint(method)}", style="dim")
            options.append(Option(prompt, id=method.code.value, disabled=disabled))
        menu = self.query_one("#methods", OptionList)
        menu.clear_options()
        menu.add_options(options)
        menu.display = True
        self.query_one("#choose").display = True
        if bound is not None:
            self._show_rule(bound_rule(bound))
        menu.action_first()
        menu.focus()
        self.refresh_bindings()

    def _show_rule(self, text: str | None) -> None:
        rule = self.query_one("#rule", Static)
        rule.update(text or "")
        rule.set_class(bool(text), "-shown")

    # -- paying

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pay":
            if self.outcome is not None:
                return False  # enter is "Done" now
            if self.closed:
                return False
            return True if self.methods and not self.paying else None
        if action == "done":
            return self.outcome is not None
        if action == "copy":
            what = parameters[0] if parameters else ""
            outcome = self.outcome
            if outcome is None:
                return False
            if what in ("iban", "reference"):
                return outcome.bank_transfer is not None
            if what == "checkout":
                return outcome.checkout_url is not None
            return False
        return True

    @on(OptionList.OptionSelected, "#methods")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self._start_payment(PaymentMethodCode(event.option.id))

    def action_pay(self) -> None:
        menu = self.query_one("#methods", OptionList)
        option = menu.highlighted_option
        if option is None or option.disabled or option.id is None:
            self.app.bell()
            return
        self._start_payment(PaymentMethodCode(option.id))

    def _start_payment(self, code: PaymentMethodCode) -> None:
        if self.paying or self.outcome is not None:
            return
        self.paying = True
        self.attempted = True
        self.show_error(None)
        self.query_one("#methods", OptionList).disabled = True
        self._set_status(_("Paying {money} by {method_label}…").format(money=money(self.invoice.total, self.invoice.currency), method_label=method_label(code)))
        self.refresh_bindings()
        self.pay(code)

    @work(exclusive=True, group="payment-pay")
    async def pay(self, code: PaymentMethodCode) -> None:
        try:
            outcome = await self.service.pay_invoice(self.row.id, code, self.idempotency_key)
        except Exception as error:  # noqa: BLE001 - shown in the dialog; the user may retry
            self._failed(code, error)
            return
        self._succeeded(outcome)

    def _failed(self, code: PaymentMethodCode, error: BaseException) -> None:
        self.paying = False
        self._set_status("")
        menu = self.query_one("#methods", OptionList)
        menu.disabled = False
        if isinstance(error, InsufficientFunds):
            message = _("{error} Choose another method, or top up the balance first.").format(
                error=as_sentence(error_line(error))
            )
        else:
            message = as_sentence(error_line(error))
            if can_retry(error):
                # The same idempotency key goes with the retry: the portal replays, never charges twice.
                message += _(" Press enter to try again (it will not be charged twice).")
        self.show_error(message)
        menu.focus()
        self.refresh_bindings()

    def _succeeded(self, outcome: PaymentOutcome) -> None:
        self.paying = False
        self.outcome = outcome
        self._set_status("")
        self.show_error(None)
        self.add_class("-done")
        self.query_one("#methods").display = False
        self.query_one("#choose").display = False
        self._show_rule(None)
        self.query_one("#outcome", Static).update(self._render_outcome(outcome))
        self.query_one("#dialog").border_title = _("Invoice {number} · {method_label}").format(number=self.row.number, method_label=method_label(outcome.method))
        if outcome.checkout_url:
            self.add_class("-wide")  # the URL in as few lines as the terminal allows
            self.app.copy_to_clipboard(outcome.checkout_url)
        self.refresh_bindings()
        self.set_focus(None)  # nothing to pick any more: keys go to the dialog
        if self.on_changed is not None:
            self.on_changed()

    def _render_outcome(self, outcome: PaymentOutcome) -> Group | Text:
        replay = _("This payment had already gone through; it is shown again, nothing was charged twice.")
        if outcome.method == PaymentMethodCode.BANK_TRANSFER and outcome.bank_transfer is not None:
            bank = outcome.bank_transfer
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column(overflow="fold")
            grid.add_row(_("Beneficiary"), Text(bank.beneficiary))
            grid.add_row(_("IBAN"), Text(bank.iban, style="bold"))
            grid.add_row(_("BIC"), Text(bank.bic))
            grid.add_row(_("Bank"), Text(bank.bank))
            grid.add_row(_("Reference"), Text(bank.reference, style="bold"))
            grid.add_row(_("Amount"), Text(money(bank.amount, bank.currency), style="bold"))
            notes = Text(
                _("The invoice stays unpaid until the transfer is booked. "
                "i copies the IBAN, f the reference."),
                style="dim",
            )
            if outcome.replayed:
                notes.append(f"\n{replay}")
            return Group(
                Text(_("Please transfer, quoting the reference:"), style="bold"),
                Text(""),
                grid,
                Text(""),
                notes,
            )
        text = Text()
        if outcome.method == PaymentMethodCode.CARD and outcome.checkout_url:
            text.append(f"{_(CARD_TEXT)}:\n\n", style="bold")
            # A hyperlink too (OSC 8): terminals that know it keep it one link when wrapped.
            text.append(outcome.checkout_url, style=Style(bold=True, link=outcome.checkout_url))
            text.append(
                _("\n\nCopied to the clipboard (c copies it again). The invoice is marked paid "
                "once the card is charged."),
                style="dim",
            )
        elif outcome.method == PaymentMethodCode.BALANCE:
            text.append(_("Paid "), style="bold green")
            text.append(money(outcome.payment.amount, outcome.payment.currency), style="bold")
            text.append(_(" from the account balance."))
            if outcome.balance_after is not None:
                currency = self.account.currency if self.account is not None else outcome.payment.currency
                text.append(_(" Balance now "))
                text.append(money(outcome.balance_after, currency), style="bold")
                text.append(".")
        else:
            text.append(outcome.message)
        if outcome.replayed:
            text.append(f"\n\n{replay}", style="dim")
        return text

    def action_copy(self, what: str) -> None:
        outcome = self.outcome
        if outcome is None:
            return
        value, label = None, ""
        if what == "iban" and outcome.bank_transfer is not None:
            value, label = outcome.bank_transfer.iban, "IBAN"
        elif what == "reference" and outcome.bank_transfer is not None:
            value, label = outcome.bank_transfer.reference, _("Reference")
        elif what == "checkout" and outcome.checkout_url:
            value, label = outcome.checkout_url, _("Checkout link")
        if value is None:
            return
        self.app.copy_to_clipboard(value)
        self.notify(_("{label} copied to the clipboard: {value}").format(label=label, value=value), timeout=4, markup=False)

    def action_done(self) -> None:
        self.dismiss(self.outcome)

    def action_close(self) -> None:
        self.dismiss(self.outcome)
