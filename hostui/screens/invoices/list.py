"""The Invoices section: the customer's invoices, unpaid first (the spec's default).

A ``PagedListScreen``: the portal pages, filters and searches (by invoice or order number);
this screen says which filters and columns there are and how an invoice row looks.
"""

from __future__ import annotations

from functools import cached_property
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from backend.contract import InvoiceFilter, InvoiceQuery, InvoiceRow, NotFound, Page
from hostui.frame.host import host_app
from hostui.frame.paged_list import Column, ListFilter, ListQuery, PagedListScreen
from hostui.i18n import N_
from hostui.screens.invoices.actions import INVOICE_ACTIONS, status_text
from hostui.screens.invoices.handlers import InvoiceHandlers, invoice_summary
from hostui.widgets.formatting import day, method_label, money

__all__ = ["InvoicesScreen"]


def _digits(number: str) -> int | None:
    digits = "".join(ch for ch in number if ch.isdigit())
    return int(digits) if digits else None


def _method(row: InvoiceRow) -> Text:
    return Text(method_label(row.payment_method, short=True) if row.payment_method else "—")


class InvoicesScreen(PagedListScreen[InvoiceRow]):
    SECTION = "invoices"
    TABLE = INVOICE_ACTIONS
    SEARCH_PLACEHOLDER = N_("Search invoice or order number (enter keeps it, escape clears it)")
    FILTERS = (
        ListFilter(InvoiceFilter.UNPAID.value, N_("Unpaid"), N_("No unpaid invoices — nothing to pay.")),
        ListFilter(InvoiceFilter.PAID.value, N_("Paid"), N_("No paid invoices yet.")),
        ListFilter(InvoiceFilter.ALL.value, N_("All"), N_("No invoices yet.")),
        ListFilter(InvoiceFilter.DELETED.value, N_("Deleted"), N_("No deleted invoices.")),
    )
    # Widths are the demo's longest cells; priorities decide what a narrow terminal drops.
    COLUMNS = (
        Column("number", N_("Number"), 9, 100, lambda row: Text(row.number)),
        Column("issued", N_("Issued"), 10, 30, lambda row: Text(day(row.issued_at))),
        Column("due", N_("Due"), 10, 60, lambda row: Text(day(row.due_at), style="red" if row.overdue else "")),
        Column("order", N_("Order"), 9, 50, lambda row: Text(row.order_number or "—")),
        Column("amount", N_("Amount"), 12, 90, lambda row: Text(money(row.total, row.currency), justify="right"),
               justify="right"),
        Column("status", N_("Status"), 7, 80, status_text),
        Column("method", N_("Method"), 8, 40, _method),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export_csv", N_("CSV"), id="invoices.export_csv"),
    ]

    async def fetch(self, query: ListQuery) -> Page[InvoiceRow]:
        return await host_app(self).service.list_invoices(self._invoice_query(query))

    @staticmethod
    def _invoice_query(query: ListQuery) -> InvoiceQuery:
        return InvoiceQuery(
            status=InvoiceFilter(query.filter),
            order_id=query.scope.id if query.scope is not None and query.scope.kind == "order" else None,
            search=query.search or None,
            page=query.page,
            page_size=query.page_size,
            after=query.after,
        )

    async def find(self, label: str) -> InvoiceRow | None:
        """The invoice named in the palette: "NH-000150" as printed, or just "150"."""
        service = host_app(self).service
        if label.isdigit():
            # The number without its prefix and zeros, as people say it: search, then compare.
            page = await service.list_invoices(InvoiceQuery(status=InvoiceFilter.ALL, search=label, page_size=20))
            wanted = int(label)
            return next((row for row in page.items if _digits(row.number) == wanted), None)
        try:
            return await service.find_invoice(label.upper())
        except NotFound:
            return None

    def describe(self, row: InvoiceRow) -> str:
        return invoice_summary(row)

    @cached_property
    def handlers(self) -> InvoiceHandlers:
        return InvoiceHandlers(self, on_changed=self.reload)

    def action_export_csv(self) -> None:
        self.handlers.export_csv(self._invoice_query(self.current_query()))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export_csv":
            return None if self.page is None or self.page.total == 0 else True
        return super().check_action(action, parameters)
