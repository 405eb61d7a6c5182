"""Where a kind of mail goes: the mailbox the customer routed that purpose to, else the
registration address. The routing table is ``mailbox_route`` (one mailbox per purpose);
Settings edits it (backend/domain/mailboxes.py), everything that sends mail reads it here."""

from __future__ import annotations

from sqlmodel import Session, select

from backend.models import Customer, Mailbox, MailboxRoute

# The mailbox purpose that receives a ticket's copies, by the ticket's department.
TICKET_PURPOSE = {"technical": "technical", "finance": "finance"}


def routed_addresses(session: Session, customer_id: int) -> dict[str, str]:
    """Purpose -> the mailbox address it is routed to, for the purposes that are routed."""
    return dict(
        session.exec(
            select(MailboxRoute.purpose, Mailbox.address)
            .join(Mailbox, Mailbox.id == MailboxRoute.mailbox_id)
            .where(MailboxRoute.customer_id == customer_id)
        ).all()
    )


def recipient(session: Session, customer: Customer, purpose: str) -> str:
    routed = session.exec(
        select(Mailbox.address)
        .join(MailboxRoute, MailboxRoute.mailbox_id == Mailbox.id)
        .where(MailboxRoute.customer_id == customer.id, MailboxRoute.purpose == purpose)
    ).first()
    return routed or customer.email


def ticket_recipient(session: Session, customer: Customer, department: str) -> str:
    return recipient(session, customer, TICKET_PURPOSE[department])


def customer_addresses(session: Session, customer: Customer) -> set[str]:
    """Every address that belongs to the customer, lower-cased: who may reply by e-mail."""
    mailboxes = session.exec(select(Mailbox.address).where(Mailbox.customer_id == customer.id)).all()
    return {address.strip().lower() for address in [customer.email, *mailboxes]}
