"""What happens when the user picks a ticket action: one method per id of ``TICKET_ACTIONS``.

Reading, replying and writing a new ticket open their screens; closing, reopening and the
read marks are one service call each, in a worker, after which the list (and an open thread)
refresh. Errors go to the app's error channel; the portal decides what is allowed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.screen import Screen

from backend.contract import TicketDetail, TicketRow
from hostui.frame.host import host_app
from hostui.i18n import _
from hostui.screens.dialogs.confirm import ConfirmScreen
from hostui.screens.tickets.new_ticket import NewTicketScreen
from hostui.screens.tickets.reply import ReplyScreen
from hostui.screens.tickets.thread import ThreadScreen
from hostui.widgets.formatting import day_time

__all__ = ["TicketHandlers", "ticket_summary"]


def ticket_summary(row: TicketRow) -> str:
    parts = [row.subject, f"{row.department.value}, {row.importance.value}", row.status.value]
    if row.order_number:
        parts.append(_("order {order_number}").format(order_number=row.order_number))
    parts.append(_("last {day_time}").format(day_time=day_time(row.last_activity_at)))
    return " · ".join(parts)


class TicketHandlers:
    def __init__(self, host: Screen, on_changed: Callable[[], None] | None = None) -> None:
        self.host = host
        self.on_changed = on_changed

    @property
    def app(self):  # noqa: ANN201 - HostUIApp
        return host_app(self.host)

    def changed(self) -> None:
        """A ticket changed: refresh open threads, the list and the unread count."""
        for screen in list(self.app.screen_stack):
            if isinstance(screen, ThreadScreen):
                screen.reload()
        self.changed_elsewhere()

    def changed_elsewhere(self) -> None:
        """A thread changed a ticket itself (read it): refresh the list and the unread count."""
        if self.on_changed is not None:
            self.on_changed()
        self.app.tickets_changed()

    def _call(self, row: TicketRow, work: Callable[[], Awaitable[object]], done: str) -> None:
        async def run() -> None:
            # The user acts on the ticket as shown: its newest message is no news to announce
            # when the change comes back through the watcher (a reply still unread, now closed).
            self.app.ticket_seen(row)
            try:
                await work()
            except Exception as error:  # noqa: BLE001 - reported once, never a traceback
                self.app.errors.report(error)
                return
            self.app.notify(done, timeout=3, markup=False)
            self.changed()

        self.host.run_worker(run(), group="ticket-actions", exit_on_error=False)

    # -- the actions (one per id in TICKET_ACTIONS)

    def view(self, row: TicketRow) -> None:
        self.app.push_screen(ThreadScreen(row, self))

    def reply(self, row: TicketRow) -> None:
        def sent(detail: TicketDetail | None) -> None:
            if detail is not None:
                self.app.notify(_("Reply sent on {number}.").format(number=detail.number), markup=False)
                self.changed()

        self.app.push_screen(ReplyScreen(row), sent)

    def close(self, row: TicketRow) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._call(row, lambda: self.app.service.close_ticket(row.id), _("Closed {number}.").format(number=row.number))

        self.app.push_screen(
            ConfirmScreen(
                _("Close ticket {number} ({subject})? A reply from either side reopens it.").format(number=row.number, subject=row.subject),
                title=_("Close ticket"),
                yes=_("Close"),
                no=_("Keep open"),
                dangerous=False,
            ),
            answered,
        )

    def reopen(self, row: TicketRow) -> None:
        self._call(row, lambda: self.app.service.reopen_ticket(row.id), _("Reopened {number}.").format(number=row.number))

    def mark_read(self, row: TicketRow) -> None:
        self._call(row, lambda: self.app.service.mark_read(row.id), _("{number} marked read.").format(number=row.number))

    def mark_unread(self, row: TicketRow) -> None:
        self._call(row, lambda: self.app.service.mark_unread(row.id), _("{number} marked unread.").format(number=row.number))

    # -- list actions

    def new_ticket(self, order_id: int | None = None) -> None:
        def created(detail: TicketDetail | None) -> None:
            if detail is not None:
                self.app.notify(_("Ticket {number} created: {subject}").format(number=detail.number, subject=detail.subject), markup=False)
                self.changed()

        self.app.push_screen(NewTicketScreen(order_id=order_id), created)
