"""What can be done with a ticket now, and why not: decided here, once.

The ticket list shows these states as hints, and every domain call that acts on a ticket
asks the same function before acting and refuses with its reason, so a hint and a refusal
can never disagree. Marking read or unread is never refused: asking for the state a ticket
is already in changes nothing (the hint is disabled because there is nothing to do).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from backend.contract import ActionState, Conflict, TicketStatus

VIEW, REPLY, CLOSE, REOPEN, MARK_READ, MARK_UNREAD = "view", "reply", "close", "reopen", "mark_read", "mark_unread"
TICKET_ACTIONS = (VIEW, REPLY, CLOSE, REOPEN, MARK_READ, MARK_UNREAD)

# How a refusal starts, per action that can be refused: "<ticket number> ...: <reason>".
_REFUSAL = {
    CLOSE: "ticket {number} cannot be closed",
    REOPEN: "ticket {number} cannot be reopened",
}


@dataclass(frozen=True)
class TicketFacts:
    number: str
    status: TicketStatus
    unread: bool
    message_count: int


def _allowed(action_id: str) -> ActionState:
    return ActionState(id=action_id, enabled=True)


def _refused(action_id: str, reason: str) -> ActionState:
    return ActionState(id=action_id, enabled=False, reason=reason)


@lru_cache(maxsize=256)
def _state(action_id: str, reason: str | None) -> ActionState:
    # A handful of (action, reason) pairs exist and the states are frozen: one model each,
    # shared by every row of every page, instead of five new ones per row.
    return _allowed(action_id) if reason is None else _refused(action_id, reason)


def _why_not(ticket: TicketFacts, action_id: str) -> str | None:
    """The reason ``action_id`` is not possible on the ticket now, or None."""
    closed = ticket.status == TicketStatus.CLOSED
    if action_id == CLOSE:
        return "already closed" if closed else None
    if action_id == REOPEN:
        return None if closed else "the ticket is open"
    if action_id == MARK_READ:
        return None if ticket.unread else "already read"
    if action_id == MARK_UNREAD:
        if ticket.message_count == 0:
            return "the ticket has no messages"
        return "already unread" if ticket.unread else None
    # Viewing always works, and so does replying: a reply reopens a closed ticket.
    return None


def ticket_actions(ticket: TicketFacts) -> list[ActionState]:
    """Every ticket action, in TICKET_ACTIONS order, enabled or with the reason it is not."""
    return [_state(action_id, _why_not(ticket, action_id)) for action_id in TICKET_ACTIONS]


def require(ticket: TicketFacts, action_id: str) -> None:
    """Raise Conflict with the rule's reason unless ``action_id`` is possible on the ticket now."""
    reason = _why_not(ticket, action_id)
    if reason is not None:
        raise Conflict(f"{_REFUSAL[action_id].format(number=ticket.number)}: {reason}")
