"""The audit trail: one row for every state change, written in the same transaction."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session

from backend.models import AuditLog


def record(
    session: Session,
    *,
    at: datetime,
    customer_id: int | None,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    **detail: Any,
) -> None:
    session.add(
        AuditLog(
            customer_id=customer_id,
            at=at,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=json.dumps(detail, default=str, sort_keys=True),
        )
    )
