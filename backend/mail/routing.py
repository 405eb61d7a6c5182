"""Where a kind of mail goes: the mailbox the customer routed that purpose to, else the
registration address. The routing table is ``mailbox`` (one address per purpose); Settings
will edit it, everything that sends mail reads it here."""

from __future__ import annotations

from sqlmodel import Session, select

from backend.models import Customer, Mailbox

# The mailbox purpose that receives a ticket's copies, by the ticket's department.
TICKET_PURPOSE = {"technical": "technical", "finance": "finance"}


def recipient(session: Session, customer: Customer, purpose: str) -> str:
    routed = session.exec(
        select(Mailbox.address).where(Mailbox.customer_id == customer.id, Mailbox.purpose == purpose)
    ).first()
    return routed or customer.email


def ticket_recipient(session: Session, customer: Customer, department: str) -> str:
    return recipient(session, customer, TICKET_PURPOSE[department])


def customer_addresses(session: Session, customer: Customer) -> set[str]:
    """Every address that belongs to the customer, lower-cased: who may reply by e-mail."""
    mailboxes = session.exec(select(Mailbox.address).where(Mailbox.customer_id == customer.id)).all()
    return {address.strip().lower() for address in [customer.email, *mailboxes]}
