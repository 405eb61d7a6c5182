"""One paged-list screen for every section: a window on a list the service pages and filters.

A section's list (Invoices now; Orders and Tickets next) is a small subclass that declares
its filters, its columns and its action table, and says how to fetch one page::

    class InvoicesScreen(PagedListScreen[InvoiceRow]):
        SECTION = "invoices"
        TABLE = INVOICE_ACTIONS
        FILTERS = (ListFilter("unpaid", "Unpaid", "No unpaid invoices."), ...)
        COLUMNS = (Column("number", "Number", 9, 100, lambda row: Text(row.number)), ...)
        async def fetch(self, query: ListQuery) -> Page[InvoiceRow]: ...
        handlers = the object whose methods run the actions, by action id

What the frame gives every list:
- data-side paging (``[`` ``]``, PageUp/PageDown past the edge) and filters (tabs; ``f`` and
  ``F`` cycle both ways), ``/`` search on the data side, ``escape`` clears it;
- loads in one exclusive worker, and a generation counter so an answer for a filter, page or
  search the user already left is dropped, never painted over the newer one;
- a loading indicator only when an answer is slow (no flicker), empty-state texts;
- columns that fit: the lowest-priority columns are dropped first on narrow terminals;
- the object's actions as keys (dimmed when the domain says no, and a press on a dimmed key
  says why), in the Actions menu, the help and the palette.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static, Tab, Tabs

from backend.contract import Page
from hostui.frame.actions import OBJECT_ACTION, ActionRow, ActionTable
from hostui.frame.host import host_app
from hostui.frame.list_table import ListTable
from hostui.frame.object_screen import ObjectScreen
from hostui.frame.section import SectionScreen
from hostui.i18n import N_, _, number
from hostui.widgets.key_bar import KeyBar
from hostui.widgets.section_header import SectionHeader
from hostui.widgets.status_line import StatusLine

__all__ = ["PagedListScreen", "ListFilter", "Column", "ListQuery", "ListScope", "DEFAULT_PAGE_SIZE"]

RowT = TypeVar("RowT", bound=ActionRow)

DEFAULT_PAGE_SIZE = 50
# Show the loading indicator only when an answer takes longer than this (no flicker).
LOADING_DELAY = 0.3
# Searching waits this long after the last keystroke, so typing a number is one request.
SEARCH_DEBOUNCE = 0.25
# Cells are padded by one column on each side.
CELL_PADDING = 1

_PAGE_GROUP = Binding.Group(N_("Page"), compact=True)
_FILTER_GROUP = Binding.Group(N_("Filter"), compact=True)


@dataclass(frozen=True)
class ListFilter:
    """Its texts are msgids (``N_``), translated where shown."""

    id: str
    label: str
    empty: str = ""
    """What an empty list says ("No unpaid invoices — nothing to pay.")."""
    key: str | None = None
    """A key that shows this filter at once (besides f/F cycling)."""
    action: str | None = None
    """Makes the tab a button instead: choosing it runs this screen action ("new ticket")."""


@dataclass(frozen=True)
class Column(Generic[RowT]):
    key: str
    title: str
    width: int
    """The column's usual width in characters, to decide what fits."""
    priority: int
    """On a narrow terminal the columns with the lowest priority are left out first."""
    cell: Callable[[Any], Text]
    justify: str = "left"
    flex: bool = False
    """Takes the width the other columns leave (a subject); its cells are cut with "…"."""


@dataclass(frozen=True)
class ListScope:
    """A list narrowed to what belongs to one object ("the invoices of order ORD-105114")."""

    kind: str
    """What the object is ("order")."""
    id: int
    label: str
    """How it is named on screen ("order ORD-105114")."""


@dataclass(frozen=True)
class ListQuery:
    """What one load asks for: the section turns it into its own query model."""

    filter: str
    search: str
    page: int
    page_size: int
    scope: ListScope | None = None
    after: str | None = None
    """Where the page starts (the previous page's ``next_after``), for lists paged by position;
    None for the first page, or when the position is not known (then ``page`` counts)."""


def fitting_columns(columns: tuple[Column, ...], width: int) -> tuple[Column, ...]:
    """The columns that fit in ``width``, in their order: the lowest priority is dropped first,
    then a dropped column that still fits in what is left comes back (highest priority first)."""

    def used(chosen: list[Column]) -> int:
        return sum(c.width + 2 * CELL_PADDING for c in chosen)

    kept = list(columns)
    dropped: list[Column] = []
    while len(kept) > 1 and used(kept) > width:
        lowest = min(kept, key=lambda c: c.priority)
        kept.remove(lowest)
        dropped.append(lowest)
    for column in sorted(dropped, key=lambda c: -c.priority):
        if used(kept) + column.width + 2 * CELL_PADDING <= width:
            kept.append(column)
    return tuple(c for c in columns if c in kept)


class SearchBar(Input):
    """``/`` opens it over the status line; typing filters on the data side."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "screen.clear_search", N_("Clear search"), id="list.clear_search"),
        Binding("down", "screen.focus_list", N_("To the list"), show=False),
    ]


class PagedListScreen(ObjectScreen, SectionScreen, Generic[RowT]):
    """A section's list: subclasses set the class variables below and implement ``fetch``."""

    TABLE: ClassVar[ActionTable]
    FILTERS: ClassVar[tuple[ListFilter, ...]]
    COLUMNS: ClassVar[tuple[Column, ...]]
    OPEN_ACTION: ClassVar[str] = "view"
    """What Enter does with the highlighted row (an id of ``TABLE``)."""
    SEARCH_PLACEHOLDER: ClassVar[str] = N_("Search")

    LIST_BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "cycle_filter(1)", N_("Next filter"), group=_FILTER_GROUP, id="list.next_filter"),
        Binding("F", "cycle_filter(-1)", N_("Previous filter"), group=_FILTER_GROUP, id="list.previous_filter"),
        Binding("slash", "search", N_("Search"), key_display="/", id="list.search"),
        Binding("escape", "clear_search", N_("Clear search"), id="list.clear_search"),
        Binding("left_square_bracket", "turn_page(-1)", N_("Previous page"), group=_PAGE_GROUP, id="list.previous_page"),
        Binding("right_square_bracket", "turn_page(1)", N_("Next page"), group=_PAGE_GROUP, id="list.next_page"),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="list.reload"),
    ]

    DEFAULT_CSS = """
    PagedListScreen #filters {
        height: 2;
        width: 1fr;
    }
    PagedListScreen #list {
        height: 1fr;
    }
    PagedListScreen ListTable {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    PagedListScreen #empty {
        height: 1fr;
        content-align: center middle;
        color: $text-muted;
        display: none;
    }
    PagedListScreen.-empty #empty {
        display: block;
    }
    PagedListScreen.-empty ListTable {
        display: none;
    }
    PagedListScreen SearchBar {
        dock: bottom;
        height: 1;
        border: none;
        padding: 0 1;
        display: none;
    }
    PagedListScreen.-searching SearchBar {
        display: block;
    }
    """

    filter_id: reactive[str] = reactive("", init=False)
    search: reactive[str] = reactive("", init=False)
    scope: reactive[ListScope | None] = reactive(None, init=False)
    """Set by another section ("Invoices" of an order); escape returns to the whole list."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        table = cls.__dict__.get("TABLE")
        if table is not None:
            # Object actions first (what the footer lists first), then the list's own keys.
            # Before Textual's own __init_subclass__, which merges the class's BINDINGS.
            filter_keys = [
                Binding(f.key, f.action or f"show_filter('{f.id}')", f.label, show=False,
                        id=f"{table.kind}s.{f.id}".replace("-", "_"))
                for f in cls.__dict__.get("FILTERS", ())
                if f.key
            ]
            cls.BINDINGS = [
                *table.bindings(target=OBJECT_ACTION),
                *cls.LIST_BINDINGS,
                *filter_keys,
                *cls.__dict__.get("BINDINGS", []),
            ]
        super().__init_subclass__(**kwargs)

    def __init__(self, *, page_size: int | None = None, name: str | None = None, id: str | None = None) -> None:  # noqa: A002
        super().__init__(name=name, id=id)
        self._page_size = page_size
        self._page_number = 1
        # page number -> where it starts, learnt from the page before it (its next_after), so
        # `]` and `[` ask for a page by position: as fast a million rows deep as at the top.
        self._starts: dict[int, str] = {}
        self._page: Page[RowT] | None = None
        self._shown: tuple[str, str, ListScope | None] | None = None  # (filter, search, scope) on screen
        self._rows: list[RowT] = []
        self._generation = 0
        self._loading = False
        self._loading_timer: Timer | None = None
        self._search_timer: Timer | None = None
        self._columns: tuple[Column, ...] = ()
        self._fitted_width = 0
        self.set_reactive(PagedListScreen.filter_id, self.FILTERS[0].id)

    # -- what a section provides (and ``handlers``, see ObjectScreen)

    async def fetch(self, query: ListQuery) -> Page[RowT]:
        raise NotImplementedError

    # -- layout

    def compose(self) -> ComposeResult:
        yield SectionHeader(self.SECTION)
        yield Tabs(*(Tab(_(f.label), id=f"filter-{f.id}") for f in self.FILTERS), id="filters")
        with Vertical(id="list"):
            yield ListTable(id="rows", cursor_type="row", zebra_stripes=True, cell_padding=CELL_PADDING)
            yield Static("", id="empty", markup=False)
        yield SearchBar(placeholder=_(self.SEARCH_PLACEHOLDER), id="search")
        yield StatusLine("", id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(Tabs).can_focus = False  # focus stays on the rows; f/F switch filters
        self._fit_columns(self.app.size.width)
        self.table.focus()
        self._start_load(cursor="top")

    @property
    def table(self) -> ListTable:
        return self.query_one(ListTable)

    @property
    def page_size(self) -> int:
        if self._page_size is None:
            self._page_size = host_app(self).page_size
        return self._page_size

    def _filter(self, filter_id: str) -> ListFilter:
        return next(f for f in self.FILTERS if f.id == filter_id)

    # -- columns

    def _fit_columns(self, width: int) -> bool:
        columns = fitting_columns(self.COLUMNS, width - 1)  # one column for the scrollbar
        flexible = any(column.flex for column in columns)
        if columns == self._columns and (not flexible or width == self._fitted_width):
            return False
        self._columns = columns
        self._fitted_width = width
        table = self.table
        table.clear(columns=True)
        rest = width - 1 - sum(c.width + 2 * CELL_PADDING for c in columns if not c.flex)
        for column in columns:
            table.add_column(
                Text(_(column.title), justify=column.justify),  # type: ignore[arg-type]
                key=column.key,
                width=max(column.width, rest - 2 * CELL_PADDING) if column.flex else None,
            )
        return True

    def on_resize(self, event: events.Resize) -> None:
        cursor_row = self.table.cursor_row  # before _fit_columns clears the table (and the cursor)
        if self._fit_columns(event.size.width) and self._rows:
            self._fill(cursor_row)

    @property
    def shown_columns(self) -> tuple[str, ...]:
        return tuple(column.key for column in self._columns)

    # -- the rows

    def selected(self) -> RowT | None:
        """The row under the cursor; None when the list is empty, or while the rows on screen
        still belong to another filter or search (its first page is loading)."""
        if not self._rows or self._shown != self._wanted:
            return None
        row = self.table.cursor_row
        return self._rows[row] if 0 <= row < len(self._rows) else None

    @property
    def rows(self) -> list[RowT]:
        return list(self._rows)

    @property
    def page(self) -> Page[RowT] | None:
        return self._page

    @property
    def is_loading(self) -> bool:
        return self._loading

    def current_query(self) -> ListQuery:
        return ListQuery(
            self.filter_id, self.search, self._page_number, self.page_size, self.scope,
            after=self._starts.get(self._page_number),
        )

    @property
    def _wanted(self) -> tuple[str, str, ListScope | None]:
        return (self.filter_id, self.search, self.scope)

    def reload(self) -> None:
        """Fetch the page on screen again, keeping the cursor on the same row."""
        self._start_load(cursor="keep")

    # -- loading

    def _start_load(self, cursor: str) -> None:
        """Fetch the current query; ``cursor``: "top", "bottom" or "keep" (same row index)."""
        self._generation += 1
        self._loading = True
        query = self.current_query()
        self.query_one(StatusLine).show_loading(
            _("Loading {what}… (page {page})").format(what=self._describe(query), page=number(query.page))
        )
        if self._loading_timer is not None:
            self._loading_timer.stop()
        generation = self._generation
        self._loading_timer = self.set_timer(LOADING_DELAY, lambda: self._show_loading(generation))
        keep_row = self.table.cursor_row if cursor == "keep" else 0
        self._load(generation, query, cursor, keep_row)

    def _describe(self, query: ListQuery, *, nouns: bool = True) -> str:
        """"unpaid invoices of order ORD-105114 matching “x”"; without ``nouns``, "unpaid of …"."""
        what = _(self._filter(query.filter).label).lower()
        if nouns:
            what = _("{filter} {nouns}").format(filter=what, nouns=_(self.TABLE.plural))
        if query.scope is not None:
            what = _("{what} of {scope}").format(what=what, scope=query.scope.label)
        if query.search:
            what = _("{what} matching “{search}”").format(what=what, search=query.search)
        return what

    def _show_loading(self, generation: int) -> None:
        if self._loading and generation == self._generation:
            self.query_one("#list").loading = True

    def _done_loading(self) -> None:
        self._loading = False
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        self.query_one("#list").loading = False

    @work(exclusive=True, group="list-load")
    async def _load(self, generation: int, query: ListQuery, cursor: str, keep_row: int) -> None:
        try:
            page = await self.fetch(query)
        except Exception as error:  # noqa: BLE001 - reported once, never a traceback
            if generation == self._generation:
                self._done_loading()
                self._show_failure(query)
                host_app(self).errors.report(error, retry=_("ctrl+r reloads."))
            return
        if generation != self._generation:
            return  # the user moved on (another filter, page or search): this answer is stale
        if not page.items and query.page > 1:
            # The list shrank (invoices paid or deleted elsewhere): show an earlier page instead,
            # the one before, or the last one there is when the count is exact.
            exact_last = page.pages if not page.total_capped and query.after is None else query.page - 1
            self._page_number = max(1, min(query.page - 1, exact_last))
            self._start_load(cursor="bottom")
            return
        self._done_loading()
        self._show(page, query, cursor, keep_row)

    def _show(self, page: Page[RowT], query: ListQuery, cursor: str, keep_row: int) -> None:
        self._page = page
        if page.next_after is not None:
            self._starts[query.page + 1] = page.next_after
        self._shown = (query.filter, query.search, query.scope)
        self._rows = list(page.items)
        target = {"bottom": len(self._rows) - 1, "keep": keep_row}.get(cursor, 0)
        self._fill(target)
        status = self.query_one(StatusLine)
        label = self._describe(query, nouns=False)
        if not self._rows:
            self.query_one("#empty", Static).update(self._empty_text(query))
            status.show_text(_("0 {nouns} · {label}").format(nouns=_(self.TABLE.plural), label=label))
        else:
            status.show_page(
                page.page, page.pages, page.total, self.TABLE.noun, label, self.TABLE.plural,
                more=page.total_capped,
            )
        self.refresh_bindings()

    def _empty_text(self, query: ListQuery) -> str:
        if query.search:
            return _("No {what} match “{search}”.  Escape clears the search.").format(
                what=self._describe(replace(query, search="")), search=query.search
            )
        if query.scope is not None:
            return _("No {what}.  Escape shows them all.").format(what=self._describe(query))
        text = _(self._filter(query.filter).empty)
        return text + (_("  f shows the other lists.") if len(self.FILTERS) > 1 else "")

    def _fill(self, cursor_row: int) -> None:
        table = self.table
        table.clear()
        for index, row in enumerate(self._rows):
            table.add_row(*(column.cell(row) for column in self._columns), key=str(index))
        empty = not self._rows
        self.set_class(empty, "-empty")
        if not empty:
            table.move_cursor(row=max(0, min(cursor_row, len(self._rows) - 1)), animate=False, scroll=True)
            if self.is_current and self.focused is None:
                table.focus()

    def _show_failure(self, query: ListQuery) -> None:
        text = _("Could not load {what} (page {page}) · ctrl+r reloads").format(
            what=self._describe(query), page=number(query.page)
        )
        shown = self._page
        if shown is None or self._shown != (query.filter, query.search, query.scope) or shown.page != query.page:
            # Never leave another filter's or page's rows under this tab: actions would act on
            # objects the user does not think are selected.
            self._page = None
            self._shown = None
            self._rows = []
            self._fill(0)
            self.query_one("#empty", Static).update(text)
        self.query_one(StatusLine).show_text(text)
        self.refresh_bindings()

    def on_screen_resume(self) -> None:
        if self._rows and self.focused is None:
            self.table.focus()

    # -- filters, search and pages

    def watch_filter_id(self, filter_id: str) -> None:
        tabs = self.query_one(Tabs)
        tab_id = f"filter-{filter_id}"
        if tabs.active != tab_id:
            # Quietly: a TabActivated from here would arrive after later `f` presses and set
            # the filter back (the filter and the tabs would chase each other).
            with tabs.prevent(Tabs.TabActivated):
                tabs.active = tab_id
        self._to_first_page()
        self._start_load(cursor="top")
        self.refresh_bindings()

    @on(Tabs.TabActivated, "#filters")
    async def _tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab is None or event.tab.id is None:
            return
        chosen = self._filter(event.tab.id.removeprefix("filter-"))
        if chosen.action is not None:
            # A button, not a filter: run it and keep showing the filter that was there.
            tabs = self.query_one(Tabs)
            with tabs.prevent(Tabs.TabActivated):
                tabs.active = f"filter-{self.filter_id}"
            await self.run_action(chosen.action)  # a coroutine: not awaited, it never runs
            return
        self.filter_id = chosen.id  # no reload if unchanged
        self.table.focus()

    def action_cycle_filter(self, step: int) -> None:
        ids = [f.id for f in self.FILTERS if f.action is None]
        self.filter_id = ids[(ids.index(self.filter_id) + step) % len(ids)]

    def action_show_filter(self, filter_id: str) -> None:
        self.filter_id = filter_id

    def action_search(self) -> None:
        bar = self.query_one(SearchBar)
        self.add_class("-searching")
        bar.focus()

    def action_focus_list(self) -> None:
        self.table.focus()

    def action_clear_search(self) -> None:
        """Escape: clear the search; with no search, leave the scope (back to the whole list)."""
        if not self.search and not self.has_class("-searching"):
            self.scope = None
            return
        bar = self.query_one(SearchBar)
        with bar.prevent(Input.Changed):
            bar.value = ""
        self.remove_class("-searching")
        self.table.focus()
        self.search = ""

    def show_scope(self, scope: ListScope | None, filter_id: str | None = None) -> None:
        """Narrow the list to one object's (None: the whole list), on ``filter_id`` if given."""
        if filter_id is not None and filter_id != self.filter_id:
            self.set_reactive(PagedListScreen.filter_id, filter_id)
            tabs = self.query_one(Tabs)
            with tabs.prevent(Tabs.TabActivated):
                tabs.active = f"filter-{filter_id}"
        self.set_reactive(PagedListScreen.scope, scope)
        self._to_first_page()
        self._start_load(cursor="top")
        self.refresh_bindings()

    def watch_scope(self) -> None:
        self._to_first_page()
        self._start_load(cursor="top")
        self.refresh_bindings()

    @on(Input.Changed, "#search")
    def _search_typed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        text = event.value.strip()
        self._search_timer = self.set_timer(SEARCH_DEBOUNCE, lambda: setattr(self, "search", text))

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self.search = event.value.strip()
        if not self.search:
            self.remove_class("-searching")
        self.table.focus()

    def watch_search(self) -> None:
        self._to_first_page()
        self._start_load(cursor="top")
        self.refresh_bindings()

    def _to_first_page(self) -> None:
        """Another filter, search or scope: a new list, whose page starts are not known yet."""
        self._page_number = 1
        self._starts.clear()

    def _has_next(self) -> bool | None:
        """Whether a page follows the one on screen; None while that is unknown (the current
        filter's first load runs)."""
        if self._page is None or self._shown != self._wanted:
            return None
        return self._page.has_next

    def action_turn_page(self, step: int) -> None:
        target = self._page_number + step
        # While it is unknown whether a page follows, a typed-ahead `]` is allowed; a page past
        # the end is corrected when the answer comes (see _load).
        if target < 1 or (step > 0 and self._has_next() is False):
            self.app.bell()
            return
        self._page_number = target
        self._start_load(cursor="top" if step > 0 else "bottom")

    @on(ListTable.PastEdge)
    def _past_edge(self, event: ListTable.PastEdge) -> None:
        event.stop()
        self.action_turn_page(event.step)

    def action_reload(self) -> None:
        self.reload()
        host_app(self).refresh_account()

    @on(DataTable.RowHighlighted, "#rows")
    def _row_highlighted(self) -> None:
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#rows")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.OPEN_ACTION:
            self.action_object(self.OPEN_ACTION)

    def open_allowed(self) -> bool | None:
        """For the table's Enter ("Open"): dimmed, like the key of ``OPEN_ACTION``, when the
        portal refuses that action for the highlighted row (an order without a server)."""
        return self.object_action_enabled((self.OPEN_ACTION,))

    def key_action(self, action: str) -> str | None:
        # A press on the dimmed Enter says why, as on any dimmed object key.
        return self.OPEN_ACTION if action == "select_cursor" else super().key_action(action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == OBJECT_ACTION:
            return self.object_action_enabled(parameters)
        if action == "clear_search":
            return bool(self.search) or self.has_class("-searching") or self.scope is not None
        elif action == "turn_page":
            step = int(parameters[0])  # type: ignore[call-overload]
            if step < 0 and self._page_number <= 1:
                return None
            if step > 0 and self._has_next() is False:
                return None
        return True
