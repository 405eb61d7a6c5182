"""The contract of the Tickets section: tickets, their messages, read state and changes.

Rows carry what can be done with them now (``actions``, decided by the domain, like invoices
and orders). Ticket action ids: ``view``, ``reply``, ``close``, ``reopen``, ``mark_read``,
``mark_unread``.

The new-ticket and reply models validate every field with a reason fit to show next to it,
so the TUI's form and the portal refuse the same input with the same words.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import ConfigDict, Field, field_validator, model_validator

from backend.contract.models import PAGE_AFTER_PATTERN, ActionState, WithActions, _Model, _Request

__all__ = [
    "TicketStatus",
    "TicketFilter",
    "Department",
    "Importance",
    "AuthorKind",
    "TicketQuery",
    "TicketRow",
    "TicketMessage",
    "TicketDetail",
    "NewTicket",
    "TicketReply",
    "TicketChanges",
    "SUBJECT_MAX",
    "MESSAGE_MAX",
]

SUBJECT_MAX = 200
MESSAGE_MAX = 20_000


class TicketStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class TicketFilter(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    UNREAD = "unread"
    ALL = "all"


class Department(StrEnum):
    TECHNICAL = "technical"
    FINANCE = "finance"


class Importance(StrEnum):
    NORMAL = "normal"
    HIGH = "high"


class AuthorKind(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"


class TicketQuery(_Model):
    filter: TicketFilter = TicketFilter.OPEN
    search: str | None = Field(default=None, min_length=1, max_length=64)
    """Part of the ticket number or of the subject, case-insensitive."""
    order_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=50, ge=1, le=500)
    after: str | None = Field(default=None, pattern=PAGE_AFTER_PATTERN)
    """Start after this position (a page's ``next_after``) instead of counting ``page`` pages."""


class TicketRow(WithActions, _Model):
    id: int
    number: str
    """As printed ("T-104223"); the subject of every e-mail carries "[Ticket #T-104223]"."""
    subject: str
    department: Department
    importance: Importance
    status: TicketStatus
    order_id: int | None
    order_number: str | None
    created_at: datetime
    last_activity_at: datetime
    last_author: AuthorKind
    last_author_name: str
    message_count: int
    unread: bool
    """A message newer than the last one this customer read exists."""
    actions: list[ActionState]



class TicketMessage(_Model):
    id: int
    author: AuthorKind
    author_name: str
    department: Department
    created_at: datetime
    body: str


class TicketDetail(TicketRow):
    messages: list[TicketMessage]
    """Oldest first."""


def _text(value: str, what: str, limit: int) -> str:
    # The length as sent, before trimming: what the schema's maxLength promises (below).
    if len(value) > limit:
        raise ValueError(f"the {what} is {len(value):,} characters long; at most {limit:,}")
    value = value.strip()
    if not value:
        raise ValueError(f"write the {what}")
    return value


def _described(limit: int, *, one_line: bool = False) -> dict:
    """What ``_text`` accepts, said in the JSON schema (for API clients and the fuzzer) but not
    enforced by pydantic's own constraints, whose messages would replace the reasons above."""
    schema: dict = {"maxLength": limit, "pattern": r"\S"}
    if one_line:
        schema["not"] = {"pattern": r"[\r\n]"}
    return schema


class NewTicket(_Request):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        # The order rule of the validator below, for the schema.
        json_schema_extra={
            "anyOf": [
                {"properties": {"department": {"const": Department.FINANCE.value}}},
                {"required": ["order_id"], "properties": {"order_id": {"type": "integer"}}},
            ]
        },
    )

    department: Department
    subject: str = Field(json_schema_extra=_described(SUBJECT_MAX, one_line=True))
    importance: Importance = Importance.NORMAL
    order_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    """One of the customer's orders; required for technical questions."""
    message: str = Field(json_schema_extra=_described(MESSAGE_MAX))

    @field_validator("subject")
    @classmethod
    def _subject(cls, value: str) -> str:
        if "\n" in value or "\r" in value:
            raise ValueError("the subject is one line")
        return _text(value, "subject", SUBJECT_MAX)

    @field_validator("message")
    @classmethod
    def _message(cls, value: str) -> str:
        return _text(value, "message", MESSAGE_MAX)

    @model_validator(mode="after")
    def _order_for_technical(self) -> NewTicket:
        if self.department == Department.TECHNICAL and self.order_id is None:
            raise ValueError("order: choose the order a technical question is about")
        return self


class TicketReply(_Request):
    message: str = Field(json_schema_extra=_described(MESSAGE_MAX))

    @field_validator("message")
    @classmethod
    def _message(cls, value: str) -> str:
        return _text(value, "message", MESSAGE_MAX)


class TicketChanges(_Model):
    """What changed since a cursor: cheap to ask for when nothing did."""

    cursor: str
    """Pass it to the next call."""
    unread: int
    """Unread tickets now."""
    changed: list[TicketRow]
    """Tickets with a message or a state change since the cursor, newest first (at most 50)."""
