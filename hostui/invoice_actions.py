"""InvoiceActions: what the invoice screens do with an invoice, in one small controller.

The Invoices screen (and the view dialog) call it; it pushes the right dialog or runs the
service call in a worker, reports every error as a notification or inline in the dialog (never
a traceback), and calls ``on_changed()`` after anything that changed an invoice, so the list
and the account balance can refresh::

    actions = InvoiceActions(screen, app.service, on_changed=lambda: (screen.reload(), app.refresh_account()))
    actions = InvoiceActions.for_list(screen)   # the same, for a list screen with reload()
    actions.view(row)            # InvoiceViewScreen (p r w c x inside act on the invoice)
    actions.menu(row)            # InvoiceMenuScreen, then the chosen action
    actions.pay(row)             # PaymentMethodScreen: choose the method, pay, see the outcome
    actions.delete(row)          # ConfirmScreen, then delete_invoice in a worker
    actions.copy_pay_link(row)   # PayLinkScreen: create, copy (OSC 52) and show the link
    actions.request_quote(row)   # SaveFileScreen with service.quote_document
    actions.download(row)        # SaveFileScreen with service.invoice_document
    actions.export_csv(query)    # SaveFileScreen with service.export_invoices_csv(query)
    actions.renew_order(row)     # ConfirmScreen, then a new invoice for the order's next period
    actions.run("pay", row)      # any of the above by name (what the menu returns)

Business rules stay in the service: the controller does not refuse anything itself (deleting
a paid invoice asks, calls the service, and shows its Conflict message). The menu and the view
merely grey out actions that make no sense for an invoice's status, with the reason.

Each method returns at once (call it from a plain action handler): it pushes a dialog, and
every service call runs in a worker of that dialog (or, for the deletion after the
confirmation, of ``host``). A view opened by these actions reloads after every change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from uuid import uuid4

from textual.app import App
from textual.dom import DOMNode
from textual.worker import Worker

from backend.contract import Document, InvoiceDetail, InvoiceQuery, InvoiceRow, PortalService, ServiceError
from hostui.screens.confirm import ConfirmScreen, error_text
from hostui.screens.invoice_menu import InvoiceMenuScreen
from hostui.screens.invoice_view import InvoiceViewScreen
from hostui.screens.pay_link import PayLinkScreen
from hostui.screens.payment import PaymentMethodScreen
from hostui.screens.save_file import SaveFileScreen
from hostui.widgets.formatting import day

__all__ = ["InvoiceActions", "ACTION_NAMES"]

ACTION_NAMES = (
    "view",
    "menu",
    "pay",
    "delete",
    "copy_pay_link",
    "request_quote",
    "download",
    "renew_order",
)


class InvoiceActions:
    """Invoice actions for a screen (or the app): dialogs, workers, errors, refreshes."""

    def __init__(
        self,
        host: App | DOMNode,
        service: PortalService,
        on_changed: Callable[[], None] | None = None,
        *,
        download_dir: Path | None = None,
    ) -> None:
        """``host``: the screen (or app) that runs the workers; ``download_dir``: where the
        save dialogs suggest saving (the platformdirs downloads directory when None)."""
        self.host = host
        self.service = service
        self.on_changed = on_changed
        self.download_dir = download_dir

    @classmethod
    def for_list(cls, screen: DOMNode, service: PortalService | None = None, **options: object) -> InvoiceActions:
        """For an invoice list screen with ``reload()``: after a change the list reloads and
        the app's ``refresh_account()`` (if any) fetches the balance again."""
        app = screen.app

        def changed() -> None:
            screen.reload()  # type: ignore[attr-defined]
            refresh = getattr(app, "refresh_account", None)
            if callable(refresh):
                refresh()

        return cls(screen, service if service is not None else app.service, changed, **options)  # type: ignore[attr-defined, arg-type]

    @property
    def app(self) -> App:
        return self.host if isinstance(self.host, App) else self.host.app

    # -- plumbing

    def changed(self) -> None:
        """An invoice changed: refresh open views, then tell the owner (list, balance)."""
        for screen in list(self.app.screen_stack):
            if isinstance(screen, InvoiceViewScreen) and screen.actions is self:
                screen.reload()
        if self.on_changed is not None:
            try:
                self.on_changed()
            except Exception as error:  # noqa: BLE001 - a refresh must not break the action
                self._report(error)

    def _report(self, error: BaseException) -> None:
        report = getattr(self.app, "report_error", None)
        if callable(report):
            report(error)
            return
        if not isinstance(error, ServiceError):
            self.app.log.error(repr(error))
        self.app.notify(error_text(error), title="Error", severity="error", timeout=8, markup=False)

    def _run(self, work: Awaitable[None], name: str) -> Worker[None]:
        return self.host.run_worker(work, name=name, group="invoice-actions", exit_on_error=False)

    # -- the actions

    def run(self, action: str, row: InvoiceRow) -> object:
        """Run an action by name (``view``, ``pay``, ``delete``, ``copy_pay_link``…)."""
        if action not in ACTION_NAMES:
            raise ValueError(f"unknown invoice action {action!r}")
        return getattr(self, action)(row)

    def view(self, row: InvoiceRow) -> None:
        self.app.push_screen(InvoiceViewScreen(row, self.service, self))

    def menu(self, row: InvoiceRow) -> None:
        def chosen(action: str | None) -> None:
            if action:
                self.run(action, row)

        self.app.push_screen(InvoiceMenuScreen(row), chosen)

    def pay(self, row: InvoiceRow) -> None:
        screen = PaymentMethodScreen(row, self.service, on_changed=self.changed)

        def closed(outcome: object) -> None:
            # Closed while a payment was on its way (or after a failure that may have been a
            # timeout): the invoice may have changed, so refresh anyway.
            if screen.attempted and screen.outcome is None:
                self.changed()

        self.app.push_screen(screen, closed)

    def delete(self, row: InvoiceRow) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._run(self._delete(row), f"delete {row.number}")

        self.app.push_screen(
            ConfirmScreen(
                f"Delete invoice {row.number}? It stays visible under the Deleted filter.",
                title="Delete invoice",
                yes="Delete",
                no="Keep",
            ),
            answered,
        )

    async def _delete(self, row: InvoiceRow) -> None:
        try:
            detail: InvoiceDetail = await self.service.delete_invoice(row.id)
        except Exception as error:  # noqa: BLE001 - reported, never a traceback
            self._report(error)
            return
        self.app.notify(f"Deleted invoice {detail.number}. It is listed under the Deleted filter.", markup=False)
        self.changed()

    def renew_order(self, row: InvoiceRow) -> None:
        """Issue the invoice for the order's next period: after deleting an invoice bound to
        one payment method, this is how the spec lets the customer pay another way."""
        if row.order_id is None:
            self.app.notify(f"Invoice {row.number} belongs to no order.", severity="warning", markup=False)
            return
        # One key per confirmed request: a retry of this request replays, never issues twice.
        key = uuid4().hex

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(self._renew(row, key), f"renew {row.order_number}")

        self.app.push_screen(
            ConfirmScreen(
                f"Renew order {row.order_number}? A new unpaid invoice is issued for its next "
                "billing period, payable with any method.",
                title="Renew order",
                yes="Renew",
                no="Cancel",
            ),
            answered,
        )

    async def _renew(self, row: InvoiceRow, key: str) -> None:
        try:
            detail: InvoiceDetail = await self.service.renew_order(row.order_id, key)
        except Exception as error:  # noqa: BLE001 - reported, never a traceback
            self._report(error)
            return
        period = f" for {day(detail.period_start)} to {day(detail.period_end)}" if detail.period_start else ""
        self.app.notify(f"Issued invoice {detail.number}{period}.", markup=False)
        self.changed()

    def copy_pay_link(self, row: InvoiceRow) -> None:
        self.app.push_screen(PayLinkScreen(row, self.service))

    def _save(self, title: str, what: str, fetch: Callable[[], Awaitable[Document]]) -> None:
        self.app.push_screen(SaveFileScreen(title, fetch, what=what, directory=self.download_dir))

    def request_quote(self, row: InvoiceRow) -> None:
        self._save(f"Quote for {row.number}", "quote PDF", lambda: self.service.quote_document(row.id))

    def download(self, row: InvoiceRow) -> None:
        self._save(f"Invoice {row.number} (PDF)", "invoice PDF", lambda: self.service.invoice_document(row.id))

    def export_csv(self, query: InvoiceQuery) -> None:
        self._save(
            f"Export {query.status.value} invoices (CSV)",
            "CSV export",
            lambda: self.service.export_invoices_csv(query),
        )
