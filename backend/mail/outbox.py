"""The durable outbox: every ticket message is copied by e-mail, and the copy is written in
the same transaction as the message, so a message is never saved without its mail nor mail
sent for a message that was rolled back. backend/mail/sender.py delivers the rows.

Headers are decided here, once, and stored with the row: the Message-ID of a ticket message
is derived from the ticket and message ids (``<t12.m345@domain>``), so it is the same on
every retry and every other message of the thread can name it in In-Reply-To and References
without looking anything up.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session, col, select

from backend.formatting import format_datetime
from backend.mail.routing import ticket_recipient
from backend.mail.settings import MailSettings
from backend.models import Customer, OutboundMail, Ticket, TicketMessage
from backend.texts import language_or_default, text

# How many earlier Message-IDs References names: the thread's first and its latest ones
# (RFC 5322 3.6.4 lets a long chain be trimmed so; a 200-message thread would otherwise
# make a header of 6 kB).
REFERENCES_KEPT = 20

_TICKET_TAG = re.compile(r"\[Ticket #(T-\d+)\]", re.IGNORECASE)


def ticket_tag(number: str) -> str:
    return f"[Ticket #{number}]"


def ticket_number_in(subject: str) -> str | None:
    """The ticket number a subject carries in its ``[Ticket #T-…]`` tag, if any."""
    found = _TICKET_TAG.search(subject)
    return found.group(1).upper() if found else None


def ticket_message_id(ticket_id: int, message_id: int, domain: str) -> str:
    return f"<t{ticket_id}.m{message_id}@{domain}>"


def _thread_references(earlier_ids: list[str]) -> list[str]:
    if len(earlier_ids) <= REFERENCES_KEPT:
        return earlier_ids
    return [earlier_ids[0], *earlier_ids[-(REFERENCES_KEPT - 1):]]


def _body(ticket: Ticket, message: TicketMessage, language: str | None) -> str:
    """The copy in the customer's language (``backend.texts``), dated as the TUI dates."""
    locale = language_or_default(language)
    when = format_datetime(message.created_at, locale)
    by = "ticket.by_support" if message.author_kind == "staff" else "ticket.by_you"
    footer = text(locale, "ticket.footer", number=ticket.number, department=ticket.department, subject=ticket.subject)
    return (
        f"{text(locale, by, name=message.author_name, when=when)}\n\n"
        f"{message.body.rstrip()}\n\n"
        "-- \n"
        f"{footer}\n"
        f"{text(locale, 'ticket.reply_hint', tag=ticket_tag(ticket.number))}\n"
    )


def enqueue_ticket_copy(
    session: Session,
    *,
    ticket: Ticket,
    message: TicketMessage,
    customer: Customer,
    settings: MailSettings | None = None,
) -> None:
    """Queue the e-mail copy of ``message`` (a customer's or staff's) inside the caller's
    transaction. Calling it twice for one message queues one copy."""
    settings = settings or MailSettings()
    if message.id is None:
        session.flush()  # the Message-ID is made of the message's id
    domain = settings.message_id_domain
    own_id = ticket_message_id(ticket.id, message.id, domain)
    if session.exec(select(OutboundMail.id).where(OutboundMail.message_id == own_id)).first() is not None:
        return
    earlier = session.exec(
        select(TicketMessage.id)
        .where(TicketMessage.ticket_id == ticket.id, col(TicketMessage.id) < message.id)
        .order_by(col(TicketMessage.id))
    ).all()
    earlier_ids = [ticket_message_id(ticket.id, earlier_id, domain) for earlier_id in earlier]
    references = _thread_references(earlier_ids)
    session.add(
        OutboundMail(
            customer_id=customer.id,
            ticket_id=ticket.id,
            ticket_message_id=message.id,
            to_address=ticket_recipient(session, customer, ticket.department),
            subject=f"{ticket_tag(ticket.number)} {ticket.subject}",
            body=_body(ticket, message, customer.language),
            message_id=own_id,
            in_reply_to=earlier_ids[-1] if earlier_ids else None,
            thread_references=" ".join(references) if references else None,
            state="queued",
        )
    )


def renewal_notice_id(order_id: int, period_start: datetime, days_before: int, domain: str) -> str:
    return f"<renew.o{order_id}.p{period_start:%Y%m%d}.d{days_before}@{domain}>"


def enqueue_renewal_notice(
    session: Session,
    *,
    customer: Customer,
    order_id: int,
    period_start: datetime,
    days_before: int,
    to_address: str,
    subject: str,
    body: str,
    settings: MailSettings | None = None,
) -> bool:
    """Queue the notice that an order's renewal invoice is unpaid, ``days_before`` the period
    ends, inside the caller's transaction; False when that notice was queued already. Its
    Message-ID is made of the order, the period and the day (``<renew.o12.p20261201.d5@…>``),
    and the outbox's unique Message-IDs keep it to one notice per order, period and day."""
    settings = settings or MailSettings()
    own_id = renewal_notice_id(order_id, period_start, days_before, settings.message_id_domain)
    if session.exec(select(OutboundMail.id).where(OutboundMail.message_id == own_id)).first() is not None:
        return False
    session.add(
        OutboundMail(
            customer_id=customer.id, to_address=to_address, subject=subject, body=body, message_id=own_id,
            state="queued",
        )
    )
    return True
