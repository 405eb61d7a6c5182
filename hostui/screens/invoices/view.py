"""View one invoice: its facts, lines, totals and payments, in a modal dialog.

Loads ``service.get_invoice`` in a worker (the row it was opened with gives the title at
once). The invoice's action keys work here as in the list (from ``INVOICE_ACTIONS``), dimmed
as the portal decides for the loaded invoice; a line under the payments names what is not
possible now and why. ``reload()`` fetches the invoice again (after a payment or deletion).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from backend.contract import InvoiceDetail, InvoiceRow, InvoiceStatus, PaymentStatus
from hostui.frame.actions import OBJECT_ACTION
from hostui.frame.dialog import DialogScreen
from hostui.frame.errors import error_line
from hostui.frame.host import host_app
from hostui.frame.object_screen import ObjectScreen
from hostui.i18n import N_, _, number
from hostui.screens.invoices.actions import INVOICE_ACTIONS, status_text, status_word
from hostui.widgets.formatting import day, method_label, money
from hostui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from hostui.screens.invoices.handlers import InvoiceHandlers

__all__ = ["InvoiceViewScreen", "render_invoice"]


def _rate(rate: object) -> str:
    text = f"{rate}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} %"


def _not_now(detail: InvoiceDetail) -> str:
    refused = [
        _("{title} ({reason})").format(title=_(INVOICE_ACTIONS[state.id].title), reason=state.reason)
        for state in detail.actions
        if not state.enabled and state.id in INVOICE_ACTIONS
    ]
    return _("Not possible now: ") + "; ".join(refused) + "." if refused else ""


def render_invoice(detail: InvoiceDetail) -> Group:
    """The invoice as Rich renderables: facts, lines, totals, payments."""
    currency = detail.currency

    facts = Table.grid(padding=(0, 1), expand=True)
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(ratio=1)
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(ratio=1)
    status = status_text(detail)
    if detail.status == InvoiceStatus.DELETED and detail.deleted_at is not None:
        status.append(f" {day(detail.deleted_at)}", style="dim")
    bound = Text(method_label(detail.payment_method)) if detail.payment_method else Text(_("not chosen yet"), style="dim")
    period = (
        f"{day(detail.period_start)} – {day(detail.period_end)}"
        if detail.period_start is not None or detail.period_end is not None
        else "—"
    )
    facts.add_row(_("Status"), status, _("Issued"), day(detail.issued_at))
    facts.add_row(_("Order"), Text(detail.order_number or "—"), _("Due"), day(detail.due_at))
    facts.add_row(_("Method"), bound, _("Paid"), day(detail.paid_at))
    facts.add_row(_("Period"), period, "", "")

    lines = Table(expand=True, box=None, padding=(0, 1), show_edge=False, header_style="bold")
    lines.add_column(_("Description"), ratio=1, overflow="fold")
    lines.add_column(_("Qty"), justify="right", no_wrap=True)
    lines.add_column(_("Unit price"), justify="right", no_wrap=True)
    lines.add_column(_("Amount"), justify="right", no_wrap=True)
    for line in detail.lines:
        lines.add_row(
            Text(line.description),
            number(line.quantity),
            money(line.unit_price, currency),
            money(line.amount, currency),
        )
    if not detail.lines:
        lines.add_row(Text(_("no lines"), style="dim"), "", "", "")

    totals = Table.grid(padding=(0, 1), expand=True)
    totals.add_column(ratio=1)
    totals.add_column(justify="right", no_wrap=True)
    totals.add_column(justify="right", no_wrap=True)
    totals.add_row("", _("Net"), money(detail.net, currency))
    totals.add_row("", _("Tax {rate}").format(rate=_rate(detail.tax_rate)), money(detail.tax, currency))
    totals.add_row("", Text(_("Total"), style="bold"), Text(money(detail.total, currency), style="bold"))

    payments: Table | Text
    if detail.payments:
        payments = Table(expand=True, box=None, padding=(0, 1), show_edge=False, header_style="bold")
        payments.add_column(_("Date"), no_wrap=True)
        payments.add_column(_("Method"), no_wrap=True)
        payments.add_column(_("Amount"), justify="right", no_wrap=True)
        payments.add_column(_("Status"), no_wrap=True)
        payments.add_column(_("Reference"), ratio=1, overflow="fold")
        for record in detail.payments:
            style = {
                PaymentStatus.COMPLETED: "green",
                PaymentStatus.PENDING: "yellow",
                PaymentStatus.FAILED: "red",
            }.get(record.status, "")
            payments.add_row(
                day(record.completed_at or record.created_at),
                method_label(record.method),
                money(record.amount, record.currency),
                Text(record.status.value, style=style),
                Text(record.reference),
            )
    else:
        payments = Text(_("  none yet"), style="dim")

    return Group(
        facts,
        Text(""),
        lines,
        totals,
        Text(""),
        Text(_("Payments"), style="bold"),
        payments,
        Text(""),
        Text(_not_now(detail), style="italic dim"),
    )


class InvoiceViewScreen(ObjectScreen, DialogScreen[None]):
    """One invoice in full; its action keys act on it through ``InvoiceHandlers``."""

    # DialogScreen first: Textual inherits CSS along the first base only, so with ObjectScreen
    # first the dialog box (border, title, the dimmed list behind) was lost.

    TABLE = INVOICE_ACTIONS

    DEFAULT_CSS = """
    InvoiceViewScreen > #dialog {
        width: 78;
    }
    InvoiceViewScreen #body {
        height: auto;
        max-height: 18;
        scrollbar-size-vertical: 1;
        background: $surface;
    }
    InvoiceViewScreen #body:focus {
        background-tint: initial;
    }
    InvoiceViewScreen #content {
        height: auto;
    }
    InvoiceViewScreen #loading-text {
        height: auto;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(binding for binding in INVOICE_ACTIONS.bindings() if binding.id != "invoice.view"),
        Binding("escape", "close", N_("Close")),
    ]

    def __init__(self, row: InvoiceRow, handlers: InvoiceHandlers) -> None:
        super().__init__()
        self.row = row
        self._handlers = handlers
        self.detail: InvoiceDetail | None = None

    @property
    def handlers(self) -> InvoiceHandlers:
        return self._handlers

    def selected(self) -> InvoiceDetail | None:
        return self.detail

    def describe(self, row: InvoiceRow) -> str:
        from hostui.screens.invoices.handlers import invoice_summary

        return invoice_summary(row)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("Loading invoice {number}…").format(number=self.row.number), id="loading-text", markup=False)
            yield Static("", id="error", classes="dialog-error", markup=False)
            with VerticalScroll(id="body"):
                yield Static("", id="content")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = _("Invoice {number}").format(number=self.row.number)
        self.query_one("#body").display = False
        self.reload()

    @work(exclusive=True, group="invoice-view")
    async def reload(self) -> None:
        """Fetch the invoice (again) and show it."""
        try:
            detail = await host_app(self).service.get_invoice(self.row.id)
        except Exception as error:  # noqa: BLE001 - shown in the dialog, never a traceback
            self.query_one("#loading-text").display = False
            self.show_error(_("Could not load invoice {number}: {error_line}").format(number=self.row.number, error_line=error_line(error)))
            return
        self.detail = detail
        self.show_error(None)
        self.query_one("#loading-text").display = False
        body = self.query_one("#body", VerticalScroll)
        body.display = True
        self.query_one("#content", Static).update(render_invoice(detail))
        dialog = self.query_one("#dialog")
        dialog.border_subtitle = f"{money(detail.total, detail.currency)} · {_(status_word(detail))}"
        body.focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == OBJECT_ACTION:
            return self.object_action_enabled(parameters)
        return True
