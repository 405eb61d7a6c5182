"""The customer's login history, newest first, read from the attempts ``login_throttle``
records; and the entry a request refused by the IP ranges leaves there.

What was recorded (``LoginEvent.reason``) becomes a ``LoginOutcome``. Attempts whose check
is still running (``pending``) are not history yet and are left out; failures recorded before
reasons were kept (the demo's, say) read as wrong passwords.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from backend.contract import LoginOutcome, LoginQuery, LoginRecord, Page
from backend.db import read_session, write_session
from backend.domain import login_throttle
from backend.domain.paging import Position, list_total, newest_first_page
from backend.domain.code_word import WRONG_CODE_WORD
from backend.models import LoginEvent
from backend.portal import Portal

_OUTCOME_FOR_REASON = {
    login_throttle.WRONG_PASSWORD: LoginOutcome.WRONG_PASSWORD,
    login_throttle.UNKNOWN_USER: LoginOutcome.UNKNOWN_USER,
    login_throttle.THROTTLED: LoginOutcome.THROTTLED,
    login_throttle.IP_NOT_ALLOWED: LoginOutcome.REFUSED_IP,
    login_throttle.REQUEST_IP_REFUSED: LoginOutcome.REFUSED_IP,
    WRONG_CODE_WORD: LoginOutcome.WRONG_CODE_WORD,
}

# A refused request is written down at most this often per customer and address: a client
# retrying in a loop must not flood the history (or the database).
REFUSED_REQUEST_INTERVAL = timedelta(minutes=1)
REFUSED_REQUEST_CLIENT = "request with a token"


def outcome(success: bool, reason: str | None) -> LoginOutcome:
    if success:
        return LoginOutcome.SUCCESS
    return _OUTCOME_FOR_REASON.get(reason or "", LoginOutcome.WRONG_PASSWORD)


def login_history(portal: Portal, customer_id: int, query: LoginQuery) -> Page[LoginRecord]:
    conditions = (
        LoginEvent.customer_id == customer_id,
        col(LoginEvent.reason).is_distinct_from(login_throttle.PENDING),
    )
    with read_session(portal.engine) as session:
        events, next_after = newest_first_page(
            session, select(LoginEvent).where(*conditions), col(LoginEvent.at), col(LoginEvent.id),
            page=query.page, page_size=query.page_size, after=query.after,
            position_of=lambda event: Position(event.at, event.id),
        )
        total, capped = list_total(
            session, select(LoginEvent.id).where(*conditions),
            page=query.page, after=query.after, shown=len(events), more=next_after is not None,
        )
    items = [
        LoginRecord(at=event.at, address=event.ip, outcome=outcome(event.success, event.reason), client=event.client)
        for event in events
    ]
    return Page[LoginRecord](
        items=items, total=total, total_capped=capped, page=query.page, page_size=query.page_size,
        next_after=next_after,
    )


def record_refused_request(portal: Portal, customer_id: int, login: str, ip: str) -> None:
    """Note a request with a valid token from an address outside the ranges, unless one from
    that address was noted within ``REFUSED_REQUEST_INTERVAL``."""
    now = portal.now()
    with write_session(portal.engine) as session:
        recent = session.exec(
            select(LoginEvent.id).where(
                LoginEvent.customer_id == customer_id,
                LoginEvent.ip == ip[:45],
                LoginEvent.reason == login_throttle.REQUEST_IP_REFUSED,
                LoginEvent.at > now - REFUSED_REQUEST_INTERVAL,
            )
        ).first()
        if recent is None:
            session.add(
                LoginEvent(
                    customer_id=customer_id, login=login, at=now, ip=ip[:45], client=REFUSED_REQUEST_CLIENT,
                    success=False, reason=login_throttle.REQUEST_IP_REFUSED,
                )
            )
