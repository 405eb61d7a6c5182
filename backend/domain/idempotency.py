"""Idempotency keys: the stored result of a state-changing request, replayed on a retry.

Callers look the key up *after* locking the rows they change, inside the same transaction,
so a twin request that waited for the lock finds the stored result instead of acting again.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TypeVar

from pydantic import BaseModel
from sqlmodel import Session, select

from backend.contract import Conflict, InvalidInput
from backend.contract.models import is_valid_idempotency_key
from backend.models import IdempotencyRecord

M = TypeVar("M", bound=BaseModel)


def check_key(key: str) -> None:
    if not is_valid_idempotency_key(key):
        raise InvalidInput("malformed idempotency key: use 16 to 64 letters, digits, '-' or '_'")


def fingerprint(operation: str, *parts: object) -> str:
    """What a key is bound to: reusing it for another operation or target is refused."""
    return hashlib.sha256(":".join([operation, *map(str, parts)]).encode()).hexdigest()


def replay(
    session: Session, customer_id: int, key: str, request_fingerprint: str, result_type: type[M]
) -> M | None:
    """The stored result for this key, or None when the key is new."""
    record = session.exec(
        select(IdempotencyRecord).where(
            IdempotencyRecord.customer_id == customer_id, IdempotencyRecord.key == key
        )
    ).first()
    if record is None:
        return None
    if record.fingerprint != request_fingerprint:
        # Well-formed, but the key is taken: a conflict with an earlier request, not bad input.
        raise Conflict("this idempotency key was already used for a different request")
    return result_type.model_validate_json(record.result_json)


def remember(
    session: Session,
    customer_id: int,
    key: str,
    operation: str,
    request_fingerprint: str,
    result: BaseModel,
    now: datetime,
) -> None:
    session.add(
        IdempotencyRecord(
            customer_id=customer_id,
            key=key,
            operation=operation,
            fingerprint=request_fingerprint,
            result_json=result.model_dump_json(),
            created_at=now,
        )
    )
