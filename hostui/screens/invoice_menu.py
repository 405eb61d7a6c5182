"""The Actions sub-menu of one invoice (the spec's "Actions"): pick what to do with it.

An ``OptionList`` of View, Request a quote, Pay, Delete invoice, Copy payment link,
Download PDF and Renew order, each with the key that does the same in the invoice list. Actions that make no
sense for the invoice's status are shown disabled with the reason (pay/delete/link/quote only
for unpaid invoices; download only for paid ones) — a hint for clarity, not a rule: the
service still decides and explains when it refuses.

``enter`` (or the action's own key) picks; the screen dismisses with the action's name
(``"view"``, ``"request_quote"``, ``"pay"``, ``"delete"``, ``"copy_pay_link"``,
``"download"``, ``"renew_order"``), or None when closed with ``escape``.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from backend.contract import InvoiceRow, InvoiceStatus
from hostui.screens.confirm import DialogScreen
from hostui.widgets.formatting import day, method_label, money

__all__ = ["InvoiceMenuScreen", "MenuItem", "MENU_ITEMS", "unavailable_reason", "status_word"]


class MenuItem(NamedTuple):
    action: str  # the InvoiceActions method it runs
    label: str
    key: str  # the key in this menu (and, except View, in the invoice list)
    key_display: str


MENU_ITEMS: tuple[MenuItem, ...] = (
    MenuItem("view", "View", "v", "v"),
    MenuItem("request_quote", "Request a quote", "r", "r"),
    MenuItem("pay", "Pay", "p", "p"),
    MenuItem("delete", "Delete invoice", "x", "x"),
    MenuItem("copy_pay_link", "Copy payment link", "c", "c"),
    MenuItem("download", "Download PDF", "w", "w"),
    MenuItem("renew_order", "Renew order", "n", "n"),
)

_FOR_UNPAID = frozenset({"request_quote", "pay", "delete", "copy_pay_link"})


def status_word(status: InvoiceStatus) -> str:
    return {InvoiceStatus.UNPAID: "unpaid", InvoiceStatus.PAID: "paid", InvoiceStatus.DELETED: "deleted"}[status]


def unavailable_reason(action: str, row: InvoiceRow) -> str | None:
    """Why ``action`` makes no sense for ``row``'s status (a UI hint), or None when it may."""
    if action in _FOR_UNPAID and row.status != InvoiceStatus.UNPAID:
        return "already paid" if row.status == InvoiceStatus.PAID else "invoice deleted"
    if action == "download" and row.status != InvoiceStatus.PAID:
        return "once paid" if row.status == InvoiceStatus.UNPAID else "invoice deleted"
    if action == "renew_order" and row.order_id is None:
        return "no order"
    return None


def _summary(row: InvoiceRow) -> str:
    parts = [money(row.total, row.currency), status_word(row.status)]
    if row.status == InvoiceStatus.UNPAID:
        parts.append(f"due {day(row.due_at)}")
    if row.payment_method is not None:
        parts.append(f"bound to {method_label(row.payment_method)}")
    if row.order_number:
        parts.append(f"order {row.order_number}")
    return " · ".join(parts)


class InvoiceMenuScreen(DialogScreen[str | None]):
    """What to do with one invoice; dismisses with the chosen action's name."""

    DEFAULT_CSS = """
    InvoiceMenuScreen > #dialog {
        width: 60;
    }
    InvoiceMenuScreen #summary {
        margin-bottom: 1;
    }
    InvoiceMenuScreen OptionList {
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
        background: $surface;
    }
    InvoiceMenuScreen OptionList:focus {
        border: none;
        background-tint: initial;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Choose", priority=True),
        Binding("escape", "close", "Close"),
        *(Binding(item.key, f"pick('{item.action}')", item.label, show=False) for item in MENU_ITEMS),
    ]

    def __init__(self, row: InvoiceRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(_summary(self.row)), id="summary", classes="dialog-muted")
            yield OptionList(*self._options(), id="menu")
        yield Footer(compact=True)

    def _options(self) -> list[Option]:
        options = []
        for item in MENU_ITEMS:
            reason = unavailable_reason(item.action, self.row)
            prompt = Text()
            prompt.append(f"{item.label:<20}")
            prompt.append(f"{item.key_display:>2}", style="bold" if reason is None else "")
            if reason is not None:
                prompt.append(f"   {reason}", style="italic")
            options.append(Option(prompt, id=item.action, disabled=reason is not None))
        return options

    def on_mount(self) -> None:
        dialog = self.query_one("#dialog")
        dialog.border_title = f"Actions · {self.row.number}"
        menu = self.query_one(OptionList)
        menu.action_first()  # the first enabled option
        menu.focus()

    @on(OptionList.OptionSelected, "#menu")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(event.option.id)

    def action_choose(self) -> None:
        self.query_one(OptionList).action_select()

    def action_pick(self, action: str) -> None:
        reason = unavailable_reason(action, self.row)
        if reason is not None:
            label = next(item.label for item in MENU_ITEMS if item.action == action)
            self.app.bell()
            self.notify(f"{label}: {reason}.", severity="warning", timeout=4)
            return
        self.dismiss(action)
