"""One ticket's thread: every message, oldest first, wrapped (never clipped) to the width.

Opening it marks the ticket read up to its newest message. The ticket's action keys work
here as in the list (reply, close, reopen, mark unread), dimmed as the portal decides;
j/k and the arrows scroll, g/G jump to the first or last message, escape goes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.rule import Rule
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from backend.contract import AuthorKind, TicketDetail, TicketRow
from hostui.frame.actions import OBJECT_ACTION
from hostui.frame.errors import error_line
from hostui.frame.host import host_app
from hostui.frame.object_screen import ObjectScreen
from hostui.frame.section import SectionScreen
from hostui.i18n import N_, _
from hostui.screens.tickets.actions import TICKET_ACTIONS, importance_text, status_text
from hostui.widgets.formatting import day_time
from hostui.widgets.key_bar import KeyBar
from hostui.widgets.section_header import SectionHeader

if TYPE_CHECKING:
    from hostui.screens.tickets.handlers import TicketHandlers

__all__ = ["ThreadScreen", "render_thread"]


def render_thread(ticket: TicketDetail) -> Group:
    parts: list = []
    for number, message in enumerate(ticket.messages):
        if number:
            parts.append(Rule(style="dim"))
        who = Text()
        if message.author == AuthorKind.STAFF:
            who.append(_("{author_name} ({value} support)").format(author_name=message.author_name, value=message.department.value), style="bold")
        else:
            who.append(_("{author_name} (you)").format(author_name=message.author_name), style="bold")
        who.append(f"  {day_time(message.created_at)}", style="dim")
        parts.append(who)
        parts.append(Text(message.body))
    if not ticket.messages:
        parts.append(Text(_("No messages."), style="dim"))
    return Group(*parts)


def title_text(ticket: TicketRow) -> Text:
    text = Text()
    text.append(f"{ticket.number}  ", style="bold")
    text.append(ticket.subject, style="bold")
    text.append("  ·  ")
    text.append_text(status_text(ticket))
    text.append(f"  ·  {ticket.department.value}  ·  ")
    text.append_text(importance_text(ticket))
    if ticket.order_number:
        text.append(_("  ·  order {order_number}").format(order_number=ticket.order_number))
    return text


class ThreadScreen(ObjectScreen, SectionScreen):
    SECTION = "tickets"
    TABLE = TICKET_ACTIONS

    DEFAULT_CSS = """
    ThreadScreen #title {
        height: auto;
        max-height: 2;
        padding: 0 1;
        background: $surface;
    }
    ThreadScreen #thread {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    ThreadScreen #messages {
        height: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(binding for binding in TICKET_ACTIONS.bindings() if binding.id not in ("ticket.view", "ticket.menu")),
        Binding("j", "scroll(1)", N_("Down"), show=False, id="thread.down"),
        Binding("k", "scroll(-1)", N_("Up"), show=False, id="thread.up"),
        Binding("g", "edge(-1)", N_("First message"), show=False, id="thread.first"),
        Binding("G", "edge(1)", N_("Last message"), show=False, id="thread.last"),
        Binding("escape", "back", N_("Back"), id="thread.back"),
    ]

    def __init__(self, row: TicketRow, handlers: TicketHandlers) -> None:
        super().__init__()
        self.row = row
        self._handlers = handlers
        self.ticket: TicketDetail | None = None
        self._marked = False

    @property
    def handlers(self) -> TicketHandlers:
        return self._handlers

    def selected(self) -> TicketDetail | None:
        return self.ticket

    def compose(self) -> ComposeResult:
        yield SectionHeader(self.SECTION)
        yield Static(title_text(self.row), id="title")
        with VerticalScroll(id="thread"):
            yield Static(Text(_("Loading {number}…").format(number=self.row.number), style="dim"), id="messages")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#thread").focus()
        self.reload()

    @work(exclusive=True, group="ticket-thread")
    async def reload(self) -> None:
        service = host_app(self).service
        try:
            ticket = await service.get_ticket(self.row.id)
            if ticket.unread and not self._marked:
                # Opening a ticket reads it: mark it up to what is on screen now.
                await service.mark_read(ticket.id)
                self._marked = True
                ticket = await service.get_ticket(self.row.id)
                self._handlers.changed_elsewhere()
        except Exception as error:  # noqa: BLE001 - said on screen, never a traceback
            self.query_one("#messages", Static).update(Text(_("Could not load {number}: {error_line}").format(number=self.row.number, error_line=error_line(error))))
            return
        # First open: the newest message is what one opens a ticket for; later, a new message
        # (a reply just sent) is where to look.
        scroll_down = self.ticket is None or len(ticket.messages) > len(self.ticket.messages)
        self.ticket = ticket
        self.query_one("#title", Static).update(title_text(ticket))
        self.query_one("#messages", Static).update(render_thread(ticket))
        if scroll_down:
            self.call_after_refresh(self.query_one("#thread", VerticalScroll).scroll_end, animate=False)
        self.refresh_bindings()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#thread", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_edge(self, direction: int) -> None:
        thread = self.query_one("#thread", VerticalScroll)
        if direction < 0:
            thread.scroll_home(animate=False)
        else:
            thread.scroll_end(animate=False)

    def action_back(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == OBJECT_ACTION:
            return self.object_action_enabled(parameters)
        return True
