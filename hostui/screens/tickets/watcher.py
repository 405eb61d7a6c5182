"""Support's replies reach the user while hostui runs.

The watcher asks the portal what changed since its cursor every ``POLL_SECONDS`` (one cheap
call when nothing did), keeps the app's unread count current for the section tab, and
announces a new reply from support once. ``poke()`` asks at once (after the user changed a
ticket).
"""

from __future__ import annotations

from textual.app import App
from textual.signal import Signal
from textual.timer import Timer

from backend.contract import AuthorKind, PortalService, TicketRow

from hostui.i18n import _

__all__ = ["TicketWatcher", "POLL_SECONDS"]

POLL_SECONDS = 20.0


class TicketWatcher:
    def __init__(self, app: App, service: PortalService, on_unread) -> None:  # noqa: ANN001
        """``on_unread(count)``: the app's unread count follows the portal's."""
        self.app = app
        self.service = service
        self.on_unread = on_unread
        self.changed_signal: Signal[None] = Signal(app, "tickets-changed")
        """Published when the portal reports changed tickets: an open list reloads."""
        self.cursor: str | None = None
        self._timer: Timer | None = None
        self._announced: set[tuple[int, str]] = set()

    def start(self) -> None:
        self.poke()
        self._timer = self.app.set_interval(POLL_SECONDS, self.poke)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()

    def seen(self, row: TicketRow) -> None:
        """The user acted on ``row`` as shown (marked it unread, closed it): a change that comes
        back with the same newest message is the user's own, not a reply to announce."""
        self._announced.add(_key(row))

    def poke(self) -> None:
        self.app.run_worker(self._poll(), group="ticket-watch", exclusive=True, exit_on_error=False)

    async def _poll(self) -> None:
        try:
            changes = await self.service.ticket_changes(self.cursor)
        except Exception:  # noqa: BLE001 - the lists report failures; a missed poll is retried
            return
        first = self.cursor is None
        self.cursor = changes.cursor
        self.on_unread(changes.unread)
        if first:
            return  # what was there before hostui started is in the Unread list, not news
        if changes.changed:
            self.changed_signal.publish(None)
        for row in changes.changed:
            key = _key(row)
            if row.unread and row.last_author == AuthorKind.STAFF and key not in self._announced:
                self._announced.add(key)
                self.app.notify(
                    f"{row.number}: {row.subject}",
                    title=_("New reply from {last_author_name}").format(last_author_name=row.last_author_name),
                    timeout=10,
                    markup=False,
                )


def _key(row: TicketRow) -> tuple[int, str]:
    """A ticket's newest message (a new message moves the ticket's last activity)."""
    return (row.id, row.last_activity_at.isoformat())
