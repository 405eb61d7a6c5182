"""What happens when the user picks an invoice action: the dialogs and the service calls.

One method per action id of ``INVOICE_ACTIONS`` (the frame calls ``handlers.<id>(row)`` once
the domain's verdict allows it). Each returns at once: it pushes a dialog, and every service
call runs in a worker of that dialog or of the host screen. Errors go to the app's error
channel (or inline in the dialog), never as a traceback. After anything that changed an
invoice, ``changed()`` refreshes open views, the list and the balance.

Business rules stay in the portal: a handler never refuses anything itself; when the portal
refuses, its reason is shown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import uuid4

from textual.screen import Screen
from textual.worker import Worker

from backend.contract import Document, InvoiceDetail, InvoiceQuery, InvoiceRow
from hostui.frame.host import host_app
from hostui.i18n import _
from hostui.screens.dialogs.confirm import ConfirmScreen
from hostui.screens.dialogs.save_file import SaveFileScreen
from hostui.screens.invoices.actions import status_word
from hostui.screens.invoices.pay_link import PayLinkScreen
from hostui.screens.invoices.payment import PaymentMethodScreen
from hostui.screens.invoices.view import InvoiceViewScreen
from hostui.widgets.formatting import day, method_label, money

__all__ = ["InvoiceHandlers", "invoice_summary"]


def invoice_summary(row: InvoiceRow) -> str:
    parts = [money(row.total, row.currency), status_word(row)]
    if row.status.value == "unpaid":
        parts.append(_("due {day}").format(day=day(row.due_at)))
    if row.payment_method is not None:
        parts.append(_("bound to {method_label}").format(method_label=method_label(row.payment_method)))
    if row.order_number:
        parts.append(_("order {order_number}").format(order_number=row.order_number))
    return " · ".join(parts)


class InvoiceHandlers:
    """Invoice actions for a screen: dialogs, workers, errors, refreshes."""

    def __init__(self, host: Screen, on_changed: Callable[[], None] | None = None) -> None:
        """``host``: the screen that runs the workers; ``on_changed``: what to refresh after
        a change besides open views (the list, say)."""
        self.host = host
        self.on_changed = on_changed

    @property
    def app(self):  # noqa: ANN201 - HostUIApp
        return host_app(self.host)

    @property
    def service(self):  # noqa: ANN201 - PortalService
        return self.app.service

    # -- plumbing

    def changed(self) -> None:
        """An invoice changed: refresh open views, the owner (the list) and the balance."""
        for screen in list(self.app.screen_stack):
            if isinstance(screen, InvoiceViewScreen):
                screen.reload()
        if self.on_changed is not None:
            self.on_changed()
        self.app.refresh_account()

    def _run(self, work: Awaitable[None], name: str) -> Worker[None]:
        return self.host.run_worker(work, name=name, group="invoice-actions", exit_on_error=False)

    # -- the actions (one per id in INVOICE_ACTIONS)

    def view(self, row: InvoiceRow) -> None:
        self.app.push_screen(InvoiceViewScreen(row, self))

    def pay(self, row: InvoiceRow) -> None:
        screen = PaymentMethodScreen(row, self.service, on_changed=self.changed)

        def closed(outcome: object) -> None:
            # Closed while a payment was on its way (or after a failure that may have been a
            # time-out): the invoice may have changed, so refresh anyway.
            if screen.attempted and screen.outcome is None:
                self.changed()

        self.app.push_screen(screen, closed)

    def delete(self, row: InvoiceRow) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._run(self._delete(row), f"delete {row.number}")

        self.app.push_screen(
            ConfirmScreen(
                _("Delete invoice {number} ({money})? It stays visible under the Deleted filter.").format(number=row.number, money=money(row.total, row.currency)),
                title=_("Delete invoice"),
                yes=_("Delete"),
                no=_("Keep"),
            ),
            answered,
        )

    async def _delete(self, row: InvoiceRow) -> None:
        try:
            detail: InvoiceDetail = await self.service.delete_invoice(row.id)
        except Exception as error:  # noqa: BLE001 - reported once, never a traceback
            self.app.errors.report(error)
            return
        self.app.notify(_("Deleted invoice {number}. It is listed under the Deleted filter.").format(number=detail.number), markup=False)
        self.changed()

    def renew(self, row: InvoiceRow) -> None:
        """Issue the invoice for the order's next period: after deleting an invoice bound to
        one payment method, this is how the spec lets the customer pay another way."""
        assert row.order_id is not None  # the portal offers renew only for an invoice with an order
        # One key per confirmed request: a retry of this request replays, never issues twice.
        key = uuid4().hex

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(self._renew(row.order_id, row.order_number, key), f"renew {row.order_number}")

        self.app.push_screen(
            ConfirmScreen(
                _("Renew order {order_number}? A new unpaid invoice is issued for its next billing period, payable with any method.").format(order_number=row.order_number),
                title=_("Renew order"),
                yes=_("Renew"),
                no=_("Cancel"),
                dangerous=False,
            ),
            answered,
        )

    async def _renew(self, order_id: int, order_number: str | None, key: str) -> None:
        try:
            detail: InvoiceDetail = await self.service.renew_order(order_id, key)
        except Exception as error:  # noqa: BLE001 - reported once, never a traceback
            self.app.errors.report(error)
            return
        period = _(" for {day} to {day2}").format(day=day(detail.period_start), day2=day(detail.period_end)) if detail.period_start else ""
        self.app.notify(
            _("Issued invoice {number}{period}: {money}.").format(number=detail.number, period=period, money=money(detail.total, detail.currency)), markup=False
        )
        self.changed()

    def pay_link(self, row: InvoiceRow) -> None:
        self.app.push_screen(PayLinkScreen(row, self.service))

    def _save(self, title: str, what: str, fetch: Callable[[], Awaitable[Document]]) -> None:
        self.app.push_screen(SaveFileScreen(title, fetch, what=what, directory=self.app.download_dir))

    def quote(self, row: InvoiceRow) -> None:
        self._save(_("Quote for {number}").format(number=row.number), _("quote PDF"), lambda: self.service.quote_document(row.id))

    def download(self, row: InvoiceRow) -> None:
        self._save(_("Invoice {number} (PDF)").format(number=row.number), _("invoice PDF"), lambda: self.service.invoice_document(row.id))

    # -- list actions

    def export_csv(self, query: InvoiceQuery) -> None:
        self._save(
            _("Export {filter} invoices (CSV)").format(filter=_(query.status.value)),
            _("CSV export"),
            lambda: self.service.export_invoices_csv(query),
        )
