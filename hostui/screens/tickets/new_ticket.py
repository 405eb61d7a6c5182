"""Add a ticket: department, subject, importance, order, message.

Every field is checked by the contract's own ``NewTicket`` model before anything is sent,
and the reason is shown under the field it is about; the portal checks again (that the order
is the customer's own) and its answer lands under the same field. Nothing typed is lost on
an error. The Orders section opens this form with its order chosen.
"""

from __future__ import annotations

from typing import ClassVar
from uuid import uuid4

from pydantic import ValidationError
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static, TextArea

from backend.contract import (
    Department,
    Importance,
    InvalidInput,
    NewTicket,
    OrderFilter,
    OrderQuery,
    SUBJECT_MAX,
    TicketDetail,
)
from hostui.frame.dialog import DialogScreen
from hostui.frame.errors import as_sentence, can_retry, error_line
from hostui.frame.host import host_app
from hostui.i18n import N_, _
from hostui.screens.dialogs.confirm import ConfirmScreen
from hostui.widgets.key_bar import KeyBar

__all__ = ["NewTicketScreen", "field_errors"]

FIELDS = ("department", "subject", "importance", "order_id", "message")
# Orders offered in the form: a customer with more has them found by search in Orders.
ORDER_CHOICES = 500


def field_errors(error: ValidationError | InvalidInput) -> dict[str, str]:
    """Reasons by field. Pydantic names the field in ``loc``; a reason about several fields
    (and the portal's own) starts with the field's name ("order: …")."""
    found: dict[str, str] = {}
    items = error.errors() if isinstance(error, ValidationError) else [{"loc": (), "msg": str(error)}]
    for item in items:
        message = str(item.get("msg", "")).removeprefix("Value error, ")
        loc = item.get("loc") or ()
        field = str(loc[0]) if loc else ""
        if not field and ": " in message:
            head, message = message.split(": ", 1)
            field = "order_id" if head == "order" else head
        found.setdefault(field if field in FIELDS else "", message)
    return found


class NewTicketScreen(DialogScreen[TicketDetail | None]):
    DEFAULT_CSS = """
    NewTicketScreen > #dialog {
        width: 100%;
        max-width: 100;
        height: 100%;
        max-height: 40;
    }
    NewTicketScreen #form {
        height: 1fr;
    }
    NewTicketScreen Label {
        margin-top: 1;
        text-style: bold;
    }
    NewTicketScreen Input, NewTicketScreen Select {
        background: $boost;
    }
    NewTicketScreen .field-error {
        height: auto;
        color: $text-error;
        display: none;
    }
    NewTicketScreen .field-error.-shown {
        display: block;
    }
    NewTicketScreen TextArea {
        height: 8;
    }
    NewTicketScreen Select {
        width: 40;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", N_("Add ticket"), priority=True, id="new_ticket.submit"),
        Binding("escape", "cancel", N_("Cancel"), id="new_ticket.cancel"),
    ]

    def __init__(self, *, order_id: int | None = None) -> None:
        super().__init__()
        self.order_id = order_id
        self.idempotency_key = uuid4().hex
        self.sending = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            with VerticalScroll(id="form"):
                yield Label(_("Department"))
                yield Select(
                    [(_("Technical"), Department.TECHNICAL.value), (_("Finance"), Department.FINANCE.value)],
                    value=Department.TECHNICAL.value,
                    allow_blank=False,
                    compact=True,
                    id="department",
                )
                yield Static("", id="department-error", classes="field-error")
                yield Label(_("Subject"))
                yield Input(placeholder=_("What is it about, in one line"), max_length=SUBJECT_MAX * 2, compact=True,
                            id="subject")
                yield Static("", id="subject-error", classes="field-error")
                yield Label(_("Importance"))
                yield Select(
                    [(_("Normal"), Importance.NORMAL.value), (_("High"), Importance.HIGH.value)],
                    value=Importance.NORMAL.value,
                    allow_blank=False,
                    compact=True,
                    id="importance",
                )
                yield Static("", id="importance-error", classes="field-error")
                yield Label(_("Order (optional for finance)"))
                yield Select([], prompt=_("Loading your orders…"), compact=True, id="order_id")
                yield Static("", id="order_id-error", classes="field-error")
                yield Label(_("Message"))
                yield TextArea("", id="message", soft_wrap=True, tab_behavior="focus")
                yield Static("", id="message-error", classes="field-error")
            yield Static("", id="error", classes="dialog-error", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = _("Add ticket")
        self.query_one("#dialog").border_subtitle = _("ctrl+s adds it · escape cancels")
        self.query_one("#subject", Input).focus()
        self._load_orders()

    @work(exclusive=True, group="ticket-orders")
    async def _load_orders(self) -> None:
        select = self.query_one("#order_id", Select)
        try:
            page = await host_app(self).service.list_orders(
                OrderQuery(filter=OrderFilter.ALL, page_size=ORDER_CHOICES)
            )
        except Exception as error:  # noqa: BLE001 - said under the field
            self._field_error("order_id", _("Cannot list your orders: {error_line}").format(error_line=error_line(error)))
            return
        options = [(f"{row.number}  {row.hostname or row.tariff}", row.id) for row in page.items]
        select.set_options(options)
        select.prompt = _("No order")
        if self.order_id is not None and any(value == self.order_id for _, value in options):
            select.value = self.order_id

    # -- the form

    def _value(self) -> dict[str, object]:
        order = self.query_one("#order_id", Select).value
        return {
            "department": self.query_one("#department", Select).value,
            "subject": self.query_one("#subject", Input).value,
            "importance": self.query_one("#importance", Select).value,
            "order_id": None if order is Select.NULL else order,
            "message": self.query_one("#message", TextArea).text,
        }

    def _field_error(self, field: str, message: str | None) -> None:
        line = self.query_one(f"#{field}-error", Static)
        line.update(Text(as_sentence(message[:1].upper() + message[1:])) if message else "")
        line.set_class(bool(message), "-shown")

    def _show_errors(self, errors: dict[str, str]) -> None:
        for field in FIELDS:
            self._field_error(field, errors.get(field))
        self.show_error(errors.get(""))
        first = next((field for field in FIELDS if field in errors), None)
        if first is not None:
            # On a short terminal the form scrolls: go to the first field to fix.
            widget = self.query_one(f"#{first}")
            widget.focus()
            self.call_after_refresh(self.query_one(f"#{first}-error").scroll_visible, animate=False)

    def action_submit(self) -> None:
        if self.sending:
            return
        try:
            ticket = NewTicket(**self._value())
        except ValidationError as error:
            self._show_errors(field_errors(error))
            return
        self._show_errors({})
        self.sending = True
        self.show_error(None)
        self.query_one("#dialog").border_subtitle = _("Sending…")
        self._send(ticket)

    @work(exclusive=True, group="ticket-create")
    async def _send(self, ticket: NewTicket) -> None:
        try:
            detail = await host_app(self).service.create_ticket(ticket, self.idempotency_key)
        except InvalidInput as error:
            self.sending = False
            self.query_one("#dialog").border_subtitle = _("ctrl+s adds it · escape cancels")
            self._show_errors(field_errors(error))
            return
        except Exception as error:  # noqa: BLE001 - said here; nothing typed is lost
            self.sending = False
            self.query_one("#dialog").border_subtitle = _("ctrl+s adds it · escape cancels")
            message = as_sentence(error_line(error))
            if can_retry(error):
                message += _(" ctrl+s tries again (the ticket is created once).")
            self.show_error(message)
            return
        self.dismiss(detail)

    def action_cancel(self) -> None:
        values = self._value()
        if not str(values["subject"]).strip() and not str(values["message"]).strip():
            self.dismiss(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(_("Drop this ticket? What you wrote is lost."), title=_("Drop ticket"), yes=_("Drop"), no=_("Keep")),
            answered,
        )
