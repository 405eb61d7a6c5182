"""The ticket action table: what can be done with a ticket, declared once.

Keys follow mutt where it has one (``r`` reply, Tab next unread in the list); the portal
decides on every row what is possible now (``TicketRow.actions``). The handlers are the
methods of the same names on ``TicketHandlers``.
"""

from __future__ import annotations

from rich.text import Text

from backend.contract import AuthorKind, Importance, TicketRow, TicketStatus
from hostui.frame.actions import ActionTable, ObjectAction
from hostui.i18n import N_, _

__all__ = ["TICKET_ACTIONS", "status_text", "importance_text", "last_author_text", "unread_mark"]

TICKET_ACTIONS: ActionTable[TicketRow] = ActionTable(
    "ticket",
    N_("ticket"),
    (
        ObjectAction("view", N_("Read"), "v", N_("Read the whole thread (marks it read)"), footer=False,
                     command=N_("Read ticket {object}")),
        ObjectAction("menu", N_("Actions"), "a", N_("Everything that can be done with the ticket"), in_menu=False,
                     footer=False, command=N_("Actions for {object}")),
        ObjectAction("reply", N_("Reply"), "r", N_("Write a reply (in the editor here, or in $EDITOR); it reopens a closed ticket"),
                     command=N_("Reply to {object}")),
        ObjectAction("close", N_("Close"), "c", N_("Close the ticket (a reply reopens it)"), confirm=True,
                     command=N_("Close {object}")),
        ObjectAction("reopen", N_("Reopen"), "o", N_("Open the closed ticket again"), command=N_("Reopen {object}")),
        ObjectAction("mark_read", N_("Mark read"), "s", N_("Mark the ticket read (seen)"), command=N_("Mark {object} read")),
        ObjectAction("mark_unread", N_("Mark unread"), "u", N_("Mark the ticket unread, to come back to it"),
                     command=N_("Mark {object} unread")),
    ),
    label=lambda row: row.number,
    plural=N_("tickets"),
)


def status_text(row: TicketRow) -> Text:
    if row.status == TicketStatus.CLOSED:
        return Text(_("closed"), style="dim")
    return Text(_("open"), style="green")


def importance_text(row: TicketRow) -> Text:
    return Text(_("high"), style="bold red") if row.importance == Importance.HIGH else Text(_("normal"))


def last_author_text(row: TicketRow) -> Text:
    """Who spoke last: "support" (waiting for you) or "you" (waiting for support)."""
    if row.last_author == AuthorKind.STAFF:
        return Text(_("support"), style="bold")
    return Text(_("you"), style="dim")


def unread_mark(row: TicketRow) -> Text:
    # A letter as well as the colour: visible with NO_COLOR.
    return Text("N", style="bold reverse") if row.unread else Text(" ")
