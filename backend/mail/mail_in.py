"""Replies by e-mail: one RFC 5322 message, as a mail server's pipe delivers it, becomes the
customer's reply on the ticket it answers.

The ticket is the one named by ``[Ticket #T-…]`` in the subject, else the one whose copy
the message's In-Reply-To or References name (the Message-IDs the outbox stored). Only an
address of that ticket's customer (the registration address or one of their mailboxes) may
add to it. The reply goes through the same domain function as a reply in the TUI
(``backend.domain.tickets.reply_ticket``), so it reopens a closed ticket, queues its own
copy and is refused for the same reasons; its idempotency key is made from the message's
Message-ID, so a mail server delivering one message twice adds it once.

Machine-made mail (``Auto-Submitted`` other than ``no``, ``Precedence: bulk|list|junk``,
``X-Loop``, a bounce's empty Return-Path, or our own From:) is dropped without a word: the
portal never answers it, so no loop can start.

Every outcome is a ``Verdict``: an exit status for the mail server (the sysexits.h codes
that make it bounce or retry) and one line saying why.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser

from pydantic import ValidationError
from sqlmodel import Session, col, select

from backend.contract import ServiceError, TicketReply
from backend.db import read_session
from backend.mail.outbox import ticket_number_in
from backend.mail.routing import customer_addresses
from backend.models import Customer, OutboundMail, Ticket
from backend.portal import Portal

ACTOR = "mail"

# Exit statuses (sysexits.h), as a mail server's pipe reads them.
EX_OK = 0  # added to the ticket, or ignored as machine-made (the line says which)
EX_DATAERR = 65  # cannot place or cannot use: no ticket named or referred to, nothing but
#                  quotes, malformed, or refused by the ticket's rules; the server bounces it
EX_NOUSER = 67  # the sender is not an address of the ticket's customer; bounced
EX_TEMPFAIL = 75  # the database cannot be reached; the server keeps the message and retries

_BULK_PRECEDENCE = {"bulk", "list", "junk"}
# Where a quoted original starts: "On <date>, <name> wrote:" (possibly wrapped onto a second
# line), Outlook's separator, and the German "Am … schrieb …:".
_QUOTE_HEADER = re.compile(
    r"^(?:On\s[^\n]*?(?:\n[^\n]*?)?\bwrote:|Am\s[^\n]*?(?:\n[^\n]*?)?\bschrieb\b[^\n]*:"
    r"|-{2,}\s*Original Message\s*-{2,})[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_SIGNATURE = re.compile(r"^-- ?$", re.MULTILINE)
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# The most direct references looked up; a reply names the message it answers near the end.
REFERENCES_LOOKED_UP = 100


@dataclass(frozen=True)
class Verdict:
    status: int
    reason: str


def _header(message: EmailMessage, name: str) -> str:
    value = message.get(name)
    return str(value).strip() if value is not None else ""


def machine_made(message: EmailMessage, own_address: str) -> str | None:
    """Why this message must not be answered or added, or None for a person's mail."""
    auto = _header(message, "Auto-Submitted").lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = _header(message, "Precedence").lower()
    if precedence in _BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    if message.get("X-Loop") is not None:
        return "X-Loop"
    if _header(message, "Return-Path") == "<>":
        return "a bounce (empty Return-Path)"
    if sender_address(message) == own_address.lower():
        return "sent by the portal itself"
    return None


def sender_address(message: EmailMessage) -> str | None:
    try:
        header = message["From"]
        addresses = getattr(header, "addresses", ())
    except (ValueError, IndexError, TypeError):
        return None
    if len(addresses) != 1 or not addresses[0].addr_spec or "@" not in addresses[0].addr_spec:
        return None
    return addresses[0].addr_spec.strip().lower()


def _referenced_ids(message: EmailMessage) -> list[str]:
    """Message-IDs this one answers, the most direct first (In-Reply-To, then References
    from the newest back)."""
    found = _MESSAGE_ID.findall(_header(message, "In-Reply-To"))
    found += reversed(_MESSAGE_ID.findall(_header(message, "References")))
    return list(dict.fromkeys(found))[:REFERENCES_LOOKED_UP]


def find_ticket(session: Session, message: EmailMessage) -> Ticket | None:
    number = ticket_number_in(_header(message, "Subject"))
    if number is not None:
        ticket = session.exec(select(Ticket).where(Ticket.number == number)).first()
        if ticket is not None:
            return ticket
    references = _referenced_ids(message)
    if not references:
        return None
    copies = session.exec(
        select(OutboundMail.message_id, OutboundMail.ticket_id).where(
            col(OutboundMail.message_id).in_(references), col(OutboundMail.ticket_id).is_not(None)
        )
    ).all()
    by_id = dict(copies)
    for reference in references:
        if reference in by_id:
            return session.get(Ticket, by_id[reference])
    return None


class _HtmlText(HTMLParser):
    _BREAKS = {"br", "p", "div", "li", "tr", "blockquote"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ARG002
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def body_text(message: EmailMessage) -> str | None:
    """The message's text: its plain-text part, else its HTML part with the tags taken out."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return None
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset or a broken encoding
        return None
    if not isinstance(content, str):
        return None
    if part.get_content_subtype() == "html":
        parser = _HtmlText()
        parser.feed(content)
        content = "".join(parser.parts)
    return content.replace("\r\n", "\n")


def without_quotes(text: str) -> str:
    """The new text of a reply: the quoted original below an "On … wrote:" line, a trailing
    block of "> " lines and the signature go."""
    header = _QUOTE_HEADER.search(text)
    if header is not None:
        text = text[: header.start()]
    signature = _SIGNATURE.search(text)
    if signature is not None:
        text = text[: signature.start()]
    lines = text.rstrip().split("\n")
    while lines and (lines[-1].startswith(">") or not lines[-1].strip()):
        lines.pop()
    return "\n".join(lines).strip()


def _idempotency_key(message: EmailMessage, raw: bytes) -> str:
    """One key per incoming message: the same message delivered twice is added once."""
    identity = _header(message, "Message-ID") or raw.decode("utf-8", "replace")
    return "mail-" + hashlib.sha256(identity.encode()).hexdigest()[:48]


def receive(portal: Portal, raw: bytes) -> Verdict:
    """Add the message in ``raw`` to its ticket, or say why not (then nothing changed)."""
    from backend.domain import tickets  # the tickets core, which imports the outbox

    message = BytesParser(policy=policy.default).parsebytes(raw)
    automatic = machine_made(message, portal.settings.mail.from_address)
    if automatic is not None:
        return Verdict(EX_OK, f"ignored: machine-made mail ({automatic}), not added and not answered")
    sender = sender_address(message)
    if sender is None:
        return Verdict(EX_DATAERR, "cannot place: the From: header does not hold one address")
    with read_session(portal.engine) as session:
        ticket = find_ticket(session, message)
        if ticket is None:
            return Verdict(
                EX_DATAERR,
                "cannot place: no known [Ticket #T-…] in the subject and no In-Reply-To or "
                "References naming a ticket's e-mail",
            )
        customer = session.get(Customer, ticket.customer_id)
        if sender not in customer_addresses(session, customer):
            return Verdict(EX_NOUSER, f"unknown sender: {sender} is not an address of ticket {ticket.number}'s customer")
        ticket_id, number, customer_id = ticket.id, ticket.number, customer.id
        was_closed = ticket.status == "closed"
    text = body_text(message)
    if text is None:
        return Verdict(EX_DATAERR, "cannot use: the message has no readable text part")
    try:
        reply = TicketReply(message=without_quotes(text))
    except ValidationError as error:
        reason = error.errors()[0].get("msg", "invalid").removeprefix("Value error, ")
        return Verdict(EX_DATAERR, f"cannot use the reply to ticket {number}: {reason}")
    try:
        tickets.reply_ticket(portal, customer_id, ticket_id, reply, _idempotency_key(message, raw), ACTOR)
    except ServiceError as error:
        return Verdict(EX_DATAERR, f"refused by ticket {number}: {error}")
    reopened = " (reopened)" if was_closed else ""
    return Verdict(EX_OK, f"added to ticket {number}{reopened} as a reply from {sender}")
