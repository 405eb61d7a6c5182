"""The Invoices section: one page of the customer's invoices at a time, unpaid by default.

The list is paged on the service side (``InvoiceQuery(status, page, page_size)``); the screen
holds exactly one page. Every load runs in an exclusive worker of the group
``"invoice-load"``: starting a load cancels the one in flight, and a generation counter makes
sure an answer for a filter or page the user already left is never painted.

Structure for the invoice actions (view, pay, delete, pay link, quote, PDF, CSV), which live in
``hostui/screens/invoice_*.py``: ``selected_invoice()`` is the invoice under the cursor (or
None), ``current_query()`` the filter/page on screen, ``reload()`` fetches the page again
(keeping the cursor row) and ``app.refresh_account()`` updates the balance in the top bar.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Static, Tab, Tabs

from backend.contract import InvoiceFilter, InvoiceQuery, InvoiceRow, InvoiceStatus, Page
from hostui.invoice_actions import InvoiceActions
from hostui.screens.invoice_menu import unavailable_reason
from hostui.screens import SectionScreen
from hostui.widgets import AccountBar, KeyBar, StatusLine, day, method_label, money

__all__ = ["InvoicesScreen", "InvoiceTable", "FILTER_ORDER", "FILTER_LABELS", "DEFAULT_PAGE_SIZE"]

DEFAULT_PAGE_SIZE = 50
# The order `f` cycles through; unpaid first (the spec's default).
FILTER_ORDER: tuple[InvoiceFilter, ...] = (
    InvoiceFilter.UNPAID,
    InvoiceFilter.PAID,
    InvoiceFilter.ALL,
    InvoiceFilter.DELETED,
)
FILTER_LABELS = {
    InvoiceFilter.UNPAID: "Unpaid",
    InvoiceFilter.PAID: "Paid",
    InvoiceFilter.ALL: "All",
    InvoiceFilter.DELETED: "Deleted",
}
EMPTY_TEXT = {
    InvoiceFilter.UNPAID: "No unpaid invoices — nothing to pay.",
    InvoiceFilter.PAID: "No paid invoices yet.",
    InvoiceFilter.ALL: "No invoices yet.",
    InvoiceFilter.DELETED: "No deleted invoices.",
}
# From this many columns on, the table has room for a separate payment method column.
WIDE_AT = 110
# Show the loading indicator only when an answer takes longer than this (no flicker).
LOADING_DELAY = 0.3

_PAGE_GROUP = Binding.Group("Page", compact=False)


class InvoiceTable(DataTable):
    """The invoice rows. pgup on the first row / pgdn on the last one turn the page."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # DataTable's own enter binding, shown: enter opens the invoice (RowSelected -> view).
        Binding("enter", "select_cursor", "View"),
    ]

    class PastEdge(Message):
        """pgup at the top (``step=-1``) or pgdn at the bottom (``step=1``)."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def action_page_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.PastEdge(1))
        else:
            super().action_page_down()

    def action_page_up(self) -> None:
        if self.row_count and self.cursor_row <= 0:
            self.post_message(self.PastEdge(-1))
        else:
            super().action_page_up()


class InvoicesScreen(SectionScreen):
    SECTION = "invoices"

    DEFAULT_CSS = """
    InvoicesScreen #filters {
        height: 2;
        width: 1fr;
    }
    InvoicesScreen #list {
        height: 1fr;
    }
    InvoicesScreen InvoiceTable {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    InvoicesScreen #empty {
        height: 1fr;
        content-align: center middle;
        color: $text-muted;
        display: none;
    }
    InvoicesScreen.-empty #empty {
        display: block;
    }
    InvoicesScreen.-empty InvoiceTable {
        display: none;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "invoice('menu')", "Actions"),
        Binding("p", "invoice('pay')", "Pay"),
        Binding("x", "invoice('delete')", "Delete"),
        Binding("c", "invoice('copy_pay_link')", "Pay link"),
        Binding("f", "cycle_filter", "Filter"),
        Binding("left_square_bracket", "previous_page", "Previous page", key_display="[", group=_PAGE_GROUP),
        Binding("right_square_bracket", "next_page", "Next page", key_display="]", group=_PAGE_GROUP),
        Binding("r", "invoice('request_quote')", "Quote"),
        Binding("w", "invoice('download')", "PDF"),
        Binding("e", "export_csv", "CSV"),
        Binding("n", "invoice('renew_order')", "Renew"),
        Binding("ctrl+r", "reload", "Reload"),
    ]

    status_filter: reactive[InvoiceFilter] = reactive(InvoiceFilter.UNPAID, init=False)
    """Which invoices the list shows (``f`` cycles it)."""

    def __init__(self, *, page_size: int | None = None, name: str | None = None, id: str | None = None) -> None:  # noqa: A002
        super().__init__(name=name, id=id)
        self._page_size = page_size
        self._page_number = 1
        self._page: Page[InvoiceRow] | None = None
        self._shown_status: InvoiceFilter | None = None  # the filter of the page on screen
        self._rows: list[InvoiceRow] = []
        self._generation = 0
        self._loading = False
        self._loading_timer = None

    # -- layout

    def compose(self) -> ComposeResult:
        yield AccountBar(self.section_title)
        yield Tabs(
            *(Tab(FILTER_LABELS[status], id=f"filter-{status.value}") for status in FILTER_ORDER),
            id="filters",
        )
        with Vertical(id="list"):
            yield InvoiceTable(id="invoices", cursor_type="row", zebra_stripes=True)
            yield Static("", id="empty", markup=False)
        yield StatusLine("", id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        tabs = self.query_one(Tabs)
        tabs.can_focus = False  # keyboard focus stays on the table; `f` switches the filter
        self._set_columns(self._wide_for(self.app.size.width))
        self.table.focus()
        self._start_load(cursor="top")

    # -- columns: narrow (80 columns) and wide layouts

    _wide: bool | None = None

    @staticmethod
    def _wide_for(width: int) -> bool:
        return width >= WIDE_AT

    def _set_columns(self, wide: bool) -> None:
        if wide == self._wide:
            return
        self._wide = wide
        table = self.table
        table.clear(columns=True)
        table.cell_padding = 2 if wide else 1
        table.add_column("Number", key="number")
        table.add_column("Issued" if wide else "Date", key="date")
        table.add_column("Due", key="due")
        table.add_column("Order", key="order")
        table.add_column(Text("Amount", justify="right"), key="amount")
        table.add_column("Status", key="status")
        if wide:
            table.add_column("Payment method", key="method")

    def on_resize(self) -> None:
        wide = self._wide_for(self.size.width)
        if wide != self._wide:
            row = self.table.cursor_row
            self._set_columns(wide)
            if self._page is not None:
                self._fill(row)

    @property
    def table(self) -> InvoiceTable:
        return self.query_one(InvoiceTable)

    @property
    def page_size(self) -> int:
        if self._page_size is None:
            self._page_size = getattr(self.app, "invoice_page_size", DEFAULT_PAGE_SIZE)
        return self._page_size

    # -- public API for the invoice actions

    def selected_invoice(self) -> InvoiceRow | None:
        """The invoice under the cursor; None when the list is empty, or while the rows on
        screen still belong to the previous filter (its first page is loading)."""
        table = self.table
        if not self._rows or table.row_count == 0 or self._shown_status != self.status_filter:
            return None
        row = table.cursor_row
        if 0 <= row < len(self._rows):
            return self._rows[row]
        return None

    def current_query(self) -> InvoiceQuery:
        """The query of the page on screen (filter, page, page size)."""
        return InvoiceQuery(status=self.status_filter, page=self._page_number, page_size=self.page_size)

    @property
    def page(self) -> Page[InvoiceRow] | None:
        """The page on screen (None before the first load)."""
        return self._page

    @property
    def is_loading(self) -> bool:
        return self._loading

    def reload(self) -> None:
        """Fetch the current page again, keeping the cursor on the same row."""
        self._start_load(cursor="keep")

    # -- loading

    def _start_load(self, cursor: str) -> None:
        """Fetch the current query; ``cursor`` is "top", "bottom" or "keep" (same row index)."""
        self._generation += 1
        self._loading = True
        label = FILTER_LABELS[self.status_filter].lower()
        self.query_one(StatusLine).show_loading(f"Loading {label} invoices… (page {self._page_number:,})")
        if self._loading_timer is not None:
            self._loading_timer.stop()
        generation = self._generation
        self._loading_timer = self.set_timer(LOADING_DELAY, lambda: self._show_loading(generation))
        keep_row = self.table.cursor_row if cursor == "keep" else 0
        self._load(generation, self.current_query(), cursor, keep_row)

    def _show_loading(self, generation: int) -> None:
        if self._loading and generation == self._generation:
            self.query_one("#list").loading = True

    def _done_loading(self) -> None:
        self._loading = False
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        self.query_one("#list").loading = False

    @work(exclusive=True, group="invoice-load")
    async def _load(self, generation: int, query: InvoiceQuery, cursor: str, keep_row: int) -> None:
        try:
            page = await self.app.service.list_invoices(query)
        except Exception as error:  # noqa: BLE001 - reported, never a traceback
            if generation == self._generation:
                self._done_loading()
                self._show_failure(query)
                self.app.report_error(error)
            return
        if generation != self._generation:
            return  # the user moved on (another filter or page): this answer is stale
        if query.page > page.pages:
            # The list shrank (invoices paid or deleted elsewhere): show its last page instead.
            self._page_number = page.pages
            self._start_load(cursor="bottom")
            return
        self._done_loading()
        self._show(page, query, cursor, keep_row)

    def _show(self, page: Page[InvoiceRow], query: InvoiceQuery, cursor: str, keep_row: int) -> None:
        self._page = page
        self._shown_status = query.status
        self._rows = list(page.items)
        if cursor == "bottom":
            target = len(self._rows) - 1
        elif cursor == "keep":
            target = min(keep_row, len(self._rows) - 1)
        else:
            target = 0
        self._fill(target)
        label = FILTER_LABELS[query.status].lower()
        if not self._rows:
            self.query_one("#empty", Static).update(
                EMPTY_TEXT[query.status] + ("" if query.status == InvoiceFilter.ALL else "  Press f for the other lists.")
            )
            self.query_one(StatusLine).show_text(f"0 invoices · {label}")
        else:
            self.query_one(StatusLine).show_page(page.page, page.pages, page.total, "invoice", label)
        self.refresh_bindings()

    def _fill(self, cursor_row: int) -> None:
        """Put the rows of the page on screen and the cursor on ``cursor_row``."""
        table = self.table
        table.clear()
        now = self._now()
        wide = bool(self._wide)
        for row in self._rows:
            table.add_row(*self._cells(row, now, wide), key=str(row.id))
        empty = not self._rows
        self.set_class(empty, "-empty")
        if not empty:
            table.move_cursor(row=max(0, min(cursor_row, len(self._rows) - 1)), animate=False, scroll=True)
            if self.is_current and self.focused is not table:
                table.focus()  # (not while a dialog is on top: it keeps the focus)

    def on_screen_resume(self) -> None:
        if self._rows and self.focused is None:
            self.table.focus()

    def _show_failure(self, query: InvoiceQuery) -> None:
        label = FILTER_LABELS[query.status].lower()
        text = f"Could not load {label} invoices (page {query.page:,}) · ctrl+r to retry"
        shown = self._page
        if shown is None or self._shown_status != query.status or shown.page != query.page:
            # Never leave another filter's or page's rows under this tab: actions would
            # act on invoices the user does not think are selected.
            self._page = None
            self._shown_status = None
            self._rows = []
            self._fill(0)
            self.query_one("#empty", Static).update(text)
        self.query_one(StatusLine).show_text(text)
        self.refresh_bindings()

    def _now(self) -> datetime:
        clock = getattr(self.app, "now", None)
        return clock() if callable(clock) else datetime.now().astimezone()

    @staticmethod
    def _cells(row: InvoiceRow, now: datetime, wide: bool = False) -> tuple[Text, ...]:
        overdue = row.status == InvoiceStatus.UNPAID and row.due_at < now
        if row.status == InvoiceStatus.UNPAID:
            status = Text("overdue" if overdue else "unpaid", style="bold red" if overdue else "bold yellow")
        elif row.status == InvoiceStatus.PAID:
            status = Text("paid", style="green")
        else:
            status = Text("deleted", style="dim")
        cells = [
            Text(row.number),
            Text(day(row.issued_at)),
            Text(day(row.due_at), style="red" if overdue else ""),
            Text(row.order_number or "—"),
            Text(money(row.total, row.currency), justify="right"),
        ]
        if wide:
            cells.append(status)
            cells.append(Text(method_label(row.payment_method) if row.payment_method else "—"))
        else:
            if row.payment_method is not None:
                status.append(f" · {method_label(row.payment_method, short=True)}", style="")
            cells.append(status)
        return tuple(cells)

    # -- filter and pages

    def watch_status_filter(self, status: InvoiceFilter) -> None:
        self.refresh_bindings()  # the rows on screen are not this filter's any more
        tabs = self.query_one(Tabs)
        tab_id = f"filter-{status.value}"
        if tabs.active != tab_id:
            # Quietly: a TabActivated from here would arrive after later `f` presses and set
            # the filter back (the filter and the tabs would chase each other).
            with tabs.prevent(Tabs.TabActivated):
                tabs.active = tab_id
        self._page_number = 1
        self._start_load(cursor="top")

    @on(Tabs.TabActivated, "#filters")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab is None or event.tab.id is None:
            return
        status = InvoiceFilter(event.tab.id.removeprefix("filter-"))
        self.status_filter = status  # no-op (no reload) when it is already the filter
        self.table.focus()

    def action_cycle_filter(self) -> None:
        index = FILTER_ORDER.index(self.status_filter)
        self.status_filter = FILTER_ORDER[(index + 1) % len(FILTER_ORDER)]

    def _pages(self) -> int | None:
        """Pages of the current filter; None while they are unknown (its first load runs)."""
        if self._page is None or self._shown_status != self.status_filter:
            return None
        return self._page.pages

    def _turn(self, step: int) -> bool:
        target = self._page_number + step
        pages = self._pages()
        # While the page count is unknown, a typed-ahead `]` is allowed; a page past the end
        # is corrected when the answer comes (see _load).
        if target < 1 or (pages is not None and target > pages):
            self.app.bell()
            return False
        self._page_number = target
        self._start_load(cursor="top" if step > 0 else "bottom")
        return True

    def action_next_page(self) -> None:
        self._turn(1)

    def action_previous_page(self) -> None:
        self._turn(-1)

    @on(InvoiceTable.PastEdge)
    def _past_edge(self, event: InvoiceTable.PastEdge) -> None:
        event.stop()
        self._turn(event.step)

    def action_reload(self) -> None:
        self.reload()
        if hasattr(self.app, "refresh_account"):
            self.app.refresh_account()

    @on(DataTable.RowHighlighted, "#invoices")
    def _row_highlighted(self) -> None:
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#invoices")
    async def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        await self.run_action("invoice('view')")

    # -- which keys work on the selected invoice (dimmed in the footer otherwise)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "invoice":
            invoice = self.selected_invoice()
            if invoice is None or unavailable_reason(str(parameters[0]), invoice):
                return None
        if action == "export_csv" and (self._page is None or self._page.total == 0):
            return None
        if action == "previous_page" and self._page_number <= 1:
            return None
        if action == "next_page":
            pages = self._pages()
            if pages is not None and self._page_number >= pages:
                return None
        return True

    # -- invoice actions: the dialogs and their workers live in hostui/invoice_actions.py

    @cached_property
    def invoice_actions(self) -> InvoiceActions:
        return InvoiceActions.for_list(self, download_dir=self.app.download_dir)

    def action_invoice(self, name: str) -> None:
        """Run an InvoiceActions action (view, menu, pay, ...) on the highlighted invoice."""
        invoice = self.selected_invoice()
        if invoice is not None:
            self.invoice_actions.run(name, invoice)

    def action_export_csv(self) -> None:
        self.invoice_actions.export_csv(self.current_query())
