"""Alternative mailboxes: extra addresses of the customer, each receiving some kinds of mail
(categories) instead of the registration address.

A category routes to one place (``mailbox_route`` is unique per customer and purpose). A
category already routed to another mailbox is refused, naming that mailbox, rather than moved
silently: the customer takes it off there first, so no mailbox loses mail without being
edited. The address is checked by the contract (email-validator, no DNS); here the rules that
need the account: not the registration address, not twice.

Every change locks the customer's row first, so two changes of one customer's mailboxes run
one after the other and the routing's unique constraint is never the one to refuse. Adding a
mailbox that exists already with the same categories changes nothing (a retried request).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, select

from backend.contract import AccountSettings, Conflict, Mailbox, MailboxCategory, MailboxRequest, NotFound
from backend.db import write_session
from backend.domain import audit
from backend.domain.tickets import lock_customer
from backend.models import Customer, MailboxRoute
from backend.models import Mailbox as MailboxRow
from backend.portal import Portal

# The contract's categories and the purposes mail is routed by (backend/mail/routing.py).
PURPOSE_OF_CATEGORY = {
    MailboxCategory.INVOICES: "billing",
    MailboxCategory.TECHNICAL: "technical",
    MailboxCategory.FINANCE: "finance",
    MailboxCategory.MAILINGS: "mailing",
}
CATEGORY_OF_PURPOSE = {purpose: category for category, purpose in PURPOSE_OF_CATEGORY.items()}


def mailboxes_of(session: Session, customer_id: int) -> list[Mailbox]:
    """The customer's mailboxes, oldest first, each with its categories in the contract's order."""
    rows = session.exec(select(MailboxRow).where(MailboxRow.customer_id == customer_id).order_by(MailboxRow.id)).all()
    routes = session.exec(select(MailboxRoute).where(MailboxRoute.customer_id == customer_id)).all()
    categories: dict[int, list[MailboxCategory]] = {row.id: [] for row in rows}
    for route in routes:
        categories.setdefault(route.mailbox_id, []).append(CATEGORY_OF_PURPOSE[route.purpose])
    order = list(MailboxCategory)
    return [
        Mailbox(id=row.id, address=row.address, categories=sorted(categories[row.id], key=order.index))
        for row in rows
    ]


def _same_address(column, address: str):  # noqa: ANN001, ANN202
    return func.lower(column) == address.lower()


def _check(session: Session, customer: Customer, request: MailboxRequest, mailbox_id: int | None) -> None:
    """Refuse what the account's other addresses do not allow (409: the request is well-formed,
    the account's state is in the way), naming the field and the reason."""
    if request.address.lower() == customer.email.strip().lower():
        raise Conflict(
            f"address: {request.address} is your registration address, which receives all mail "
            "not routed to a mailbox"
        )
    twin = session.exec(
        select(MailboxRow.address).where(
            MailboxRow.customer_id == customer.id,
            _same_address(MailboxRow.address, request.address),
            MailboxRow.id != (mailbox_id or 0),
        )
    ).first()
    if twin is not None:
        raise Conflict(f"address: {twin} is one of your mailboxes already; edit that one")
    taken = session.exec(
        select(MailboxRoute.purpose, MailboxRow.address)
        .join(MailboxRow, MailboxRow.id == MailboxRoute.mailbox_id)
        .where(
            MailboxRoute.customer_id == customer.id,
            MailboxRoute.purpose.in_([PURPOSE_OF_CATEGORY[c] for c in request.categories]),
            MailboxRoute.mailbox_id != (mailbox_id or 0),
        )
    ).all()
    if taken:
        purpose, address = sorted(taken, key=lambda row: list(CATEGORY_OF_PURPOSE).index(row[0]))[0]
        raise Conflict(
            f"categories: {CATEGORY_OF_PURPOSE[purpose].value} is already routed to {address}; "
            "take it off there first"
        )


def _route(session: Session, customer_id: int, mailbox_id: int, categories: list[MailboxCategory]) -> None:
    session.execute(delete(MailboxRoute).where(MailboxRoute.mailbox_id == mailbox_id))
    session.flush()
    for category in categories:
        session.add(MailboxRoute(customer_id=customer_id, purpose=PURPOSE_OF_CATEGORY[category], mailbox_id=mailbox_id))
    session.flush()


def _owned(session: Session, customer_id: int, mailbox_id: int) -> MailboxRow:
    row = session.exec(
        select(MailboxRow).where(MailboxRow.id == mailbox_id, MailboxRow.customer_id == customer_id).with_for_update()
    ).first()
    if row is None:
        raise NotFound(f"mailbox {mailbox_id} not found")
    return row


def _change(portal: Portal, customer_id: int, client_address: str, change) -> AccountSettings:  # noqa: ANN001
    """Run ``change(session, customer, now)`` with the customer's row locked; the settings after."""
    from backend.domain import account_settings  # which reads mailboxes_of from here

    with write_session(portal.engine) as session:
        customer = lock_customer(session, customer_id)
        change(session, customer, portal.now())
    return account_settings.get_settings(portal, customer_id, client_address)


def add_mailbox(
    portal: Portal, customer_id: int, request: MailboxRequest, actor: str, client_address: str
) -> AccountSettings:
    """Add a mailbox routed to ``request.categories``."""

    def add(session: Session, customer: Customer, now: datetime) -> None:
        existing = [m for m in mailboxes_of(session, customer.id) if m.address.lower() == request.address.lower()]
        if existing and existing[0].categories == request.categories:
            return
        _check(session, customer, request, None)
        row = MailboxRow(customer_id=customer.id, address=request.address, created_at=now)
        session.add(row)
        session.flush()
        _route(session, customer.id, row.id, request.categories)
        _audit(session, now, customer.id, actor, "mailbox.add", row, request.categories)

    return _change(portal, customer_id, client_address, add)


def update_mailbox(
    portal: Portal, customer_id: int, mailbox_id: int, request: MailboxRequest, actor: str, client_address: str
) -> AccountSettings:
    """Change a mailbox's address or categories."""

    def update(session: Session, customer: Customer, now: datetime) -> None:
        row = _owned(session, customer.id, mailbox_id)
        _check(session, customer, request, row.id)
        row.address = request.address
        _route(session, customer.id, row.id, request.categories)
        _audit(session, now, customer.id, actor, "mailbox.update", row, request.categories)

    return _change(portal, customer_id, client_address, update)


def remove_mailbox(portal: Portal, customer_id: int, mailbox_id: int, actor: str, client_address: str) -> AccountSettings:
    """Remove a mailbox; its categories go to the registration address again."""

    def remove(session: Session, customer: Customer, now: datetime) -> None:
        row = _owned(session, customer.id, mailbox_id)
        session.execute(delete(MailboxRoute).where(MailboxRoute.mailbox_id == row.id))
        session.delete(row)
        session.flush()
        _audit(session, now, customer.id, actor, "mailbox.remove", row, [])

    return _change(portal, customer_id, client_address, remove)


def _audit(
    session: Session, now: datetime, customer_id: int, actor: str, action: str, row: MailboxRow,
    categories: list[MailboxCategory],
) -> None:
    audit.record(session, at=now, customer_id=customer_id, actor=actor, action=action, entity="mailbox",
                 entity_id=row.id, address=row.address, categories=[c.value for c in categories])
