"""The Tickets section: the inbox, the thread, the reply editor and the new-ticket form, the
action handlers, and the watcher that brings support's replies while hostui runs.

What other sections and the app may use: the list screen, ``NewTicketScreen`` (Orders'
"Create ticket" opens it with the order chosen) and ``TicketWatcher``.
"""

from hostui.screens.tickets.list import TicketsScreen
from hostui.screens.tickets.new_ticket import NewTicketScreen
from hostui.screens.tickets.watcher import TicketWatcher

__all__ = ["TicketsScreen", "NewTicketScreen", "TicketWatcher"]
