"""The Tickets section: an inbox for keyboard triage.

A ``PagedListScreen`` over the portal's tickets (Open, Closed, Unread, All; ``O`` ``C``
``U`` ``A`` show one at once), with mutt's habits: Tab jumps to the next unread ticket,
Enter reads it (and marks it read), ``r`` replies, ``c`` closes, ``n`` writes a new one.
"""

from __future__ import annotations

from functools import cached_property
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from backend.contract import NotFound, Page, TicketFilter, TicketQuery, TicketRow
from hostui.frame.host import host_app
from hostui.frame.paged_list import Column, ListFilter, ListQuery, PagedListScreen
from hostui.i18n import N_, _
from hostui.screens.tickets.actions import (
    TICKET_ACTIONS,
    importance_text,
    last_author_text,
    status_text,
    unread_mark,
)
from hostui.screens.tickets.handlers import TicketHandlers, ticket_summary
from hostui.widgets.formatting import day_time

__all__ = ["TicketsScreen"]


class TicketsScreen(PagedListScreen[TicketRow]):
    SECTION = "tickets"
    TABLE = TICKET_ACTIONS
    SEARCH_PLACEHOLDER = N_("Search ticket number or subject (enter keeps it, escape clears it)")
    FILTERS = (
        ListFilter(TicketFilter.OPEN.value, N_("Open"), N_("No open tickets.  n writes a new one."), key="O"),
        ListFilter(TicketFilter.CLOSED.value, N_("Closed"), N_("No closed tickets."), key="C"),
        ListFilter(TicketFilter.UNREAD.value, N_("Unread"), N_("Nothing unread: you are up to date."), key="U"),
        ListFilter(TicketFilter.ALL.value, N_("All"), N_("No tickets yet.  n writes the first one."), key="A"),
        ListFilter("add", N_("Add ticket"), action="new_ticket"),
    )
    COLUMNS = (
        Column("unread", " ", 1, 100, unread_mark),
        Column("number", N_("Ticket"), 8, 95, lambda row: Text(row.number)),
        Column("subject", N_("Subject"), 24, 90, lambda row: Text(row.subject, overflow="ellipsis", no_wrap=True),
               flex=True),
        Column("last", N_("Last"), 7, 70, last_author_text),
        Column("activity", N_("Activity"), 16, 60, lambda row: Text(day_time(row.last_activity_at).removesuffix(" UTC"))),
        Column("importance", N_("Prio"), 6, 55, importance_text),
        Column("department", N_("Dept"), 9, 40, lambda row: Text(row.department.value)),
        Column("order", N_("Order"), 10, 30, lambda row: Text(row.order_number or "—")),
        Column("status", N_("Status"), 6, 20, status_text),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "next_unread", N_("Next unread"), id="tickets.next_unread"),
        Binding("n", "new_ticket", N_("New"), id="tickets.new"),
    ]

    async def fetch(self, query: ListQuery) -> Page[TicketRow]:
        return await host_app(self).service.list_tickets(
            TicketQuery(
                filter=TicketFilter(query.filter),
                search=query.search or None,
                order_id=query.scope.id if query.scope is not None and query.scope.kind == "order" else None,
                page=query.page,
                page_size=query.page_size,
                after=query.after,
            )
        )

    async def find(self, label: str) -> TicketRow | None:
        """The ticket named in the palette: "T-58441" as printed, or just "58441"."""
        number = f"T-{label}" if label.isdigit() else label.upper()
        try:
            return await host_app(self).service.find_ticket(number)
        except NotFound:
            return None

    def describe(self, row: TicketRow) -> str:
        return ticket_summary(row)

    def on_mount(self) -> None:
        super().on_mount()
        # Tickets changed elsewhere (a reply from support, one opened from Orders or
        # Settings): the list on screen follows.
        watcher = host_app(self).ticket_watcher
        if watcher is not None:
            watcher.changed_signal.subscribe(self, lambda _: self.reload())

    @cached_property
    def handlers(self) -> TicketHandlers:
        return TicketHandlers(self, on_changed=self.reload)

    def action_new_ticket(self) -> None:
        self.handlers.new_ticket()

    def action_next_unread(self) -> None:
        """Tab, as in mutt: the next unread ticket after the cursor on this page, then from
        the top; with none here, the Unread list."""
        rows = self.rows
        if self.selected() is not None and rows:
            start = self.table.cursor_row
            order = list(range(start + 1, len(rows))) + list(range(0, start + 1))
            for index in order:
                if rows[index].unread:
                    self.table.move_cursor(row=index, animate=False)
                    return
        if self.filter_id != TicketFilter.UNREAD.value and self.scope is None and not self.search:
            self.filter_id = TicketFilter.UNREAD.value
            return
        self.app.bell()
        self.notify(_("No unread tickets."), timeout=3)
