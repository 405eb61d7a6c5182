"""What the outbox holds, for operators: how many messages wait, are being sent, went out or
failed, and why each failed one failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from backend.db import read_session
from backend.models import OutboundMail
from backend.portal import Portal

STATES = ("queued", "sending", "sent", "failed")


@dataclass(frozen=True)
class FailedMail:
    id: int
    to_address: str
    subject: str
    attempts: int
    created_at: datetime
    error: str


@dataclass(frozen=True)
class OutboxStatus:
    counts: dict[str, int]
    failed: list[FailedMail]
    """The newest failures first (at most ``failed_limit``)."""


def outbox_status(portal: Portal, *, failed_limit: int = 50) -> OutboxStatus:
    with read_session(portal.engine) as session:
        counted = dict(
            session.exec(select(OutboundMail.state, func.count()).group_by(OutboundMail.state)).all()
        )
        failed = session.exec(
            select(OutboundMail)
            .where(OutboundMail.state == "failed")
            .order_by(col(OutboundMail.id).desc())
            .limit(failed_limit)
        ).all()
    return OutboxStatus(
        counts={state: counted.get(state, 0) for state in STATES},
        failed=[
            FailedMail(row.id, row.to_address, row.subject, row.attempts, row.created_at, row.last_error or "")
            for row in failed
        ],
    )


def format_status(status: OutboxStatus) -> str:
    counts = status.counts
    lines = [", ".join(f"{counts[state]} {state}" for state in STATES)]
    for mail in status.failed:
        lines.append(
            f"failed #{mail.id} to {mail.to_address} ({mail.attempts} attempts, queued "
            f"{mail.created_at:%Y-%m-%d %H:%M} UTC) {mail.subject}: {mail.error}"
        )
    return "\n".join(lines)
