"""The Orders section: the customer's orders and their servers.

A ``PagedListScreen``: the portal pages, filters and searches (order number, IP address,
hostname or tariff); Enter manages the order's server.
"""

from __future__ import annotations

from functools import cached_property

from rich.text import Text

from backend.contract import NotFound, OrderFilter, OrderQuery, OrderRow, Page
from hostui.frame.host import host_app
from hostui.frame.paged_list import Column, ListFilter, ListQuery, PagedListScreen
from hostui.i18n import N_
from hostui.screens.orders.actions import ORDER_ACTIONS, order_status_text, power_text
from hostui.screens.orders.handlers import OrderHandlers, order_summary
from hostui.widgets.formatting import day, money

__all__ = ["OrdersScreen"]


_PER = {1: "mo", 3: "qtr", 6: "6mo", 12: "yr"}


def _cost(row: OrderRow) -> Text:
    return Text(f"{money(row.price, row.currency)}/{_PER.get(row.billing_period_months, 'period')}", justify="right")


class OrdersScreen(PagedListScreen[OrderRow]):
    SECTION = "orders"
    TABLE = ORDER_ACTIONS
    OPEN_ACTION = "manage"
    SEARCH_PLACEHOLDER = N_("Search order number, IP address, hostname or tariff (enter keeps it, escape clears it)")
    FILTERS = (
        ListFilter(OrderFilter.ALL.value, N_("All"), N_("No orders yet.")),
        ListFilter(OrderFilter.ACTIVE.value, N_("Active"), N_("No active orders.")),
        ListFilter(OrderFilter.NEW.value, N_("Awaiting payment"), N_("No orders awaiting payment.")),
        ListFilter(OrderFilter.INACTIVE.value, N_("Suspended / ended"), N_("No suspended, blocked or cancelled orders.")),
    )
    COLUMNS = (
        Column("number", N_("Order"), 10, 100, lambda row: Text(row.number)),
        Column("tariff", N_("Tariff"), 15, 50, lambda row: Text(row.tariff, overflow="ellipsis", no_wrap=True)),
        Column("hostname", N_("Hostname"), 24, 20, lambda row: Text(row.hostname or "—", overflow="ellipsis")),
        Column("ip", N_("IP address"), 15, 90, lambda row: Text(row.main_ip or "—")),
        Column("period_end", N_("Paid until"), 10, 60, lambda row: Text(day(row.period_end))),
        Column("cost", N_("Cost"), 14, 40, _cost, justify="right"),
        Column("status", N_("Status"), 11, 80, lambda row: order_status_text(row.status)),
        Column("power", N_("Power"), 7, 55, lambda row: power_text(row.power_state)),
    )

    async def fetch(self, query: ListQuery) -> Page[OrderRow]:
        return await host_app(self).service.list_orders(
            OrderQuery(
                filter=OrderFilter(query.filter),
                search=query.search or None,
                page=query.page,
                page_size=query.page_size,
            )
        )

    async def find(self, label: str) -> OrderRow | None:
        """The order named in the palette, by its number as printed ("ORD-105114")."""
        try:
            return await host_app(self).service.find_order(label.upper())
        except NotFound:
            return None

    def describe(self, row: OrderRow) -> str:
        return order_summary(row)

    @cached_property
    def handlers(self) -> OrderHandlers:
        return OrderHandlers(self, on_changed=self.reload)
