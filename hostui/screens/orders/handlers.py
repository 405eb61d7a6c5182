"""What happens when the user picks an order action: one method per id of ``ORDER_ACTIONS``.

The frame calls ``handlers.<id>(row)`` once the portal's verdict allows it; each method
returns at once (a dialog, a screen, or a service call in a worker). Errors go to the app's
error channel; business rules stay in the portal.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

from textual.screen import Screen

from backend.contract import InvoiceDetail, OrderRow, TicketDetail
from hostui.frame.host import host_app
from hostui.frame.paged_list import ListScope
from hostui.i18n import _
from hostui.screens.dialogs.confirm import ConfirmScreen
from hostui.screens.invoices import pay_invoice_dialog
from hostui.screens.tickets import NewTicketScreen
from hostui.screens.orders.actions import period_text
from hostui.screens.orders.server import ServerScreen
from hostui.widgets.formatting import day, money

__all__ = ["OrderHandlers", "order_summary"]


def order_summary(row: OrderRow) -> str:
    parts = [row.tariff, _("{money} per {period_text}").format(money=money(row.price, row.currency), period_text=period_text(row.billing_period_months)),
             _("paid until {day}").format(day=day(row.period_end))]
    if row.main_ip:
        parts.insert(1, row.main_ip)
    return " · ".join(parts)


class OrderHandlers:
    def __init__(self, host: Screen, on_changed: Callable[[], None] | None = None) -> None:
        self.host = host
        self.on_changed = on_changed

    @property
    def app(self):  # noqa: ANN201 - HostUIApp
        return host_app(self.host)

    def _changed(self) -> None:
        if self.on_changed is not None:
            self.on_changed()
        self.app.refresh_account()

    # -- the actions (one per id in ORDER_ACTIONS)

    def manage(self, row: OrderRow) -> None:
        assert row.server_id is not None  # the portal offers manage only for an order with a server
        self.app.push_screen(ServerScreen(row.server_id, row.number, on_changed=self._changed))

    def invoices(self, row: OrderRow) -> None:
        self.host.run_worker(
            self.app.show_list("invoices", ListScope("order", row.id, _("order {number}").format(number=row.number)), filter_id="all"),
            group="order-navigation",
        )

    def ticket(self, row: OrderRow) -> None:
        """The Tickets section's new-ticket form, about this order."""

        def created(detail: TicketDetail | None) -> None:
            if detail is not None:
                self.app.notify(_("Ticket {number} created: {subject}").format(number=detail.number, subject=detail.subject), markup=False)
                self.app.tickets_changed()

        self.app.push_screen(NewTicketScreen(order_id=row.id), created)

    def renew(self, row: OrderRow) -> None:
        """Issue the next period's invoice (every recurring item), then offer to pay it."""
        # One key per confirmed request: a retry replays, never issues a second invoice.
        key = uuid4().hex

        def answered(yes: bool | None) -> None:
            if yes:
                self.host.run_worker(self._renew(row, key), group="order-actions", exit_on_error=False)

        self.app.push_screen(
            ConfirmScreen(
                _("Renew order {number} ({tariff})? An invoice is issued for its next {period_text}: {money} net.").format(number=row.number, tariff=row.tariff, period_text=period_text(row.billing_period_months), money=money(row.price, row.currency)),
                title=_("Renew order"),
                yes=_("Renew"),
                no=_("Cancel"),
                dangerous=False,
            ),
            answered,
        )

    async def _renew(self, row: OrderRow, key: str) -> None:
        try:
            invoice: InvoiceDetail = await self.app.service.renew_order(row.id, key)
        except Exception as error:  # noqa: BLE001 - reported once, never a traceback
            self.app.errors.report(error)
            return
        self._changed()

        def pay_now(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(pay_invoice_dialog(invoice, self.app.service, on_changed=self._changed))

        self.app.push_screen(
            ConfirmScreen(
                _("Issued invoice {number} for {day} to {day2}: {money}. Pay it now?").format(number=invoice.number, day=day(invoice.period_start), day2=day(invoice.period_end), money=money(invoice.total, invoice.currency)),
                title=_("Order renewed"),
                yes=_("Pay now"),
                no=_("Later"),
                dangerous=False,
            ),
            pay_now,
        )
