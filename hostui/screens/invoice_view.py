"""View one invoice: its facts, lines, totals and payments, in a modal dialog.

Loads ``service.get_invoice`` in a worker (the row it was opened with gives the title at
once). Keys inside: ``p`` pay, ``r`` request a quote, ``w`` download the PDF, ``c`` copy the
pay link, ``x`` delete, ``escape`` close. They call back into the ``InvoiceActions`` that
opened the view; the ones that make no sense for the invoice's status are dimmed in the footer,
and a line under the totals says what can be done instead. ``reload()`` fetches the invoice
again (``InvoiceActions`` calls it after a payment or a deletion).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Static

from backend.contract import InvoiceDetail, InvoiceRow, InvoiceStatus, PaymentStatus, PortalService
from hostui.screens.confirm import DialogScreen, error_text
from hostui.screens.invoice_menu import status_word, unavailable_reason
from hostui.widgets.formatting import day, method_label, money

if TYPE_CHECKING:
    from hostui.invoice_actions import InvoiceActions

__all__ = ["InvoiceViewScreen", "render_invoice"]

# action name in this screen -> InvoiceActions method
_ACTIONS = {
    "pay": "pay",
    "request_quote": "request_quote",
    "download": "download",
    "copy_pay_link": "copy_pay_link",
    "delete": "delete",
}


def _rate(rate: object) -> str:
    text = f"{rate}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} %"


def _status_text(detail: InvoiceRow, now: datetime) -> Text:
    if detail.status == InvoiceStatus.UNPAID:
        if detail.due_at < now:
            return Text("overdue", style="bold red")
        return Text("unpaid", style="bold yellow")
    if detail.status == InvoiceStatus.PAID:
        return Text("paid", style="bold green")
    return Text("deleted", style="dim")


def _hint(detail: InvoiceRow) -> str:
    if detail.status == InvoiceStatus.UNPAID:
        return "The PDF can be downloaded once the invoice is paid."
    if detail.status == InvoiceStatus.PAID:
        return "Paid: w downloads the PDF. Paying, quotes, pay links and deleting are for unpaid invoices."
    return "Deleted: kept for reference under the Deleted filter; it cannot be paid or downloaded."


def render_invoice(detail: InvoiceDetail, now: datetime) -> Group:
    """The invoice as Rich renderables: facts, lines, totals, payments."""
    currency = detail.currency

    facts = Table.grid(padding=(0, 1), expand=True)
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(ratio=1)
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(ratio=1)
    status = _status_text(detail, now)
    if detail.status == InvoiceStatus.DELETED and detail.deleted_at is not None:
        status.append(f" {day(detail.deleted_at)}", style="dim")
    bound = Text(method_label(detail.payment_method)) if detail.payment_method else Text("not chosen yet", style="dim")
    period = (
        f"{day(detail.period_start)} – {day(detail.period_end)}"
        if detail.period_start is not None or detail.period_end is not None
        else "—"
    )
    facts.add_row("Status", status, "Issued", day(detail.issued_at))
    facts.add_row("Order", Text(detail.order_number or "—"), "Due", day(detail.due_at))
    facts.add_row("Method", bound, "Paid", day(detail.paid_at))
    facts.add_row("Period", period, "", "")

    lines = Table(expand=True, box=None, padding=(0, 1), show_edge=False, header_style="bold")
    lines.add_column("Description", ratio=1, overflow="fold")
    lines.add_column("Qty", justify="right", no_wrap=True)
    lines.add_column("Unit price", justify="right", no_wrap=True)
    lines.add_column("Amount", justify="right", no_wrap=True)
    for line in detail.lines:
        lines.add_row(
            Text(line.description),
            f"{line.quantity:,}",
            money(line.unit_price, currency),
            money(line.amount, currency),
        )
    if not detail.lines:
        lines.add_row(Text("no lines", style="dim"), "", "", "")

    totals = Table.grid(padding=(0, 1), expand=True)
    totals.add_column(ratio=1)
    totals.add_column(justify="right", no_wrap=True)
    totals.add_column(justify="right", no_wrap=True)
    totals.add_row("", "Net", money(detail.net, currency))
    totals.add_row("", f"Tax {_rate(detail.tax_rate)}", money(detail.tax, currency))
    totals.add_row("", Text("Total", style="bold"), Text(money(detail.total, currency), style="bold"))

    payments: Table | Text
    if detail.payments:
        payments = Table(expand=True, box=None, padding=(0, 1), show_edge=False, header_style="bold")
        payments.add_column("Date", no_wrap=True)
        payments.add_column("Method", no_wrap=True)
        payments.add_column("Amount", justify="right", no_wrap=True)
        payments.add_column("Status", no_wrap=True)
        payments.add_column("Reference", ratio=1, overflow="fold")
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
        payments = Text("  none yet", style="dim")

    return Group(
        facts,
        Text(""),
        lines,
        totals,
        Text(""),
        Text("Payments", style="bold"),
        payments,
        Text(""),
        Text(_hint(detail), style="italic dim"),
    )


class InvoiceViewScreen(DialogScreen[None]):
    """One invoice in full; keys act on it through ``InvoiceActions``."""

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
        Binding("p", "act('pay')", "Pay"),
        Binding("r", "act('request_quote')", "Quote"),
        Binding("w", "act('download')", "PDF"),
        Binding("c", "act('copy_pay_link')", "Pay link"),
        Binding("x", "act('delete')", "Delete"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(
        self,
        row: InvoiceRow,
        service: PortalService,
        actions: InvoiceActions | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.row = row
        self.service = service
        self.actions = actions
        self._clock = clock
        self.detail: InvoiceDetail | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Loading invoice {self.row.number}…", id="loading-text", markup=False)
            yield Static("", id="error", classes="dialog-error", markup=False)
            with VerticalScroll(id="body"):
                yield Static("", id="content")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = f"Invoice {self.row.number}"
        self.query_one("#body").display = False
        self.reload()

    def _now(self) -> datetime:
        if self._clock is not None:
            return self._clock()
        clock = getattr(self.app, "now", None)
        return clock() if callable(clock) else datetime.now(timezone.utc)

    @work(exclusive=True, group="invoice-view")
    async def reload(self) -> None:
        """Fetch the invoice (again) and show it."""
        try:
            detail = await self.service.get_invoice(self.row.id)
        except Exception as error:  # noqa: BLE001 - shown in the dialog, never a traceback
            self.query_one("#loading-text").display = False
            self.show_error(f"Could not load invoice {self.row.number}: {error_text(error)}")
            return
        self.detail = detail
        self.show_error(None)
        self.query_one("#loading-text").display = False
        body = self.query_one("#body", VerticalScroll)
        body.display = True
        self.query_one("#content", Static).update(render_invoice(detail, self._now()))
        dialog = self.query_one("#dialog")
        dialog.border_subtitle = f"{money(detail.total, detail.currency)} · {status_word(detail.status)}"
        body.focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            if self.actions is None:
                return False
            if self.detail is None:
                return None
            name = str(parameters[0]) if parameters else ""
            return None if unavailable_reason(name, self.detail) else True
        return True

    def action_act(self, name: str) -> None:
        if self.actions is None or self.detail is None or name not in _ACTIONS:
            return
        getattr(self.actions, _ACTIONS[name])(self.detail)
