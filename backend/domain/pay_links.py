"""Pay-without-login links: unguessable, bound to one invoice, expiring, revoked on pay/delete."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from backend.contract import LinkExpired, NotFound, PayLink
from backend.models import Invoice, PayLink as PayLinkRow


def pay_link_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/pay/{token}"


def issue_pay_link(session: Session, invoice: Invoice, public_url: str, now: datetime, ttl) -> PayLink:  # noqa: ANN001
    # Here, not at the top: cryptography is not on the way to the first screen.
    from backend.security import new_token, token_digest

    token = new_token()
    expires_at = now + ttl
    session.add(
        PayLinkRow(invoice_id=invoice.id, token_hash=token_digest(token), created_at=now, expires_at=expires_at)
    )
    return PayLink(invoice_id=invoice.id, url=pay_link_url(public_url, token), expires_at=expires_at)


def revoke_pay_links(session: Session, invoice_id: int, now: datetime) -> None:
    for link in session.exec(
        select(PayLinkRow).where(PayLinkRow.invoice_id == invoice_id, PayLinkRow.revoked_at.is_(None))
    ):
        link.revoked_at = now


def _link(session: Session, token: str) -> PayLinkRow | None:
    from backend.security import token_digest  # (see issue_pay_link)

    return session.exec(select(PayLinkRow).where(PayLinkRow.token_hash == token_digest(token))).first()


def invoice_id_for_any_token(session: Session, token: str) -> int | None:
    """The invoice a link points at, live or dead; only for replaying a request it already served."""
    link = _link(session, token)
    return link.invoice_id if link is not None else None


def invoice_for_token(session: Session, token: str, now: datetime, *, lock: bool = False) -> Invoice:
    """The invoice a live pay link points at. Unknown tokens are 404, dead ones 410."""
    link = _link(session, token)
    if link is None:
        raise NotFound("this payment link does not exist")
    if link.revoked_at is not None:
        raise LinkExpired("this payment link is no longer valid: the invoice was paid or deleted")
    if link.expires_at <= now:
        raise LinkExpired("this payment link has expired: ask for a new one")
    statement = select(Invoice).where(Invoice.id == link.invoice_id)
    if lock:
        statement = statement.with_for_update()
    return session.exec(statement).one()
