"""Throttling failed logins, per user name and per client address, from the login history.

The state is the ``login_event`` table itself, so every server process sharing the database
sees the same counts, and a lock-out ends on its own when its failures leave the window.
User names that do not exist are counted exactly like those that do: the throttle must not
tell an attacker which names are real.

An attempt is recorded as ``pending`` (counted as a failure) *before* its password is
checked, in a short transaction serialized across processes; so a burst of parallel guesses
cannot all pass the check before any of them is counted.
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session, col, select

from backend.db import is_sqlite
from backend.models import LoginEvent
from backend.settings import LoginThrottle

PENDING = "pending"
WRONG_PASSWORD = "wrong_password"
UNKNOWN_USER = "unknown_user"
IP_NOT_ALLOWED = "ip_not_allowed"
THROTTLED = "throttled"

# Any constant will do: it names the lock that serializes "count, then record" across processes.
_ADVISORY_LOCK_KEY = 0x686F737475690001


def serialize(session: Session) -> None:
    """Hold the throttle's lock until the transaction ends.

    SQLite's write transactions (BEGIN IMMEDIATE) are serialized already; PostgreSQL takes
    an advisory lock, since there may be no row to lock (an unknown user name).
    """
    if not is_sqlite(session.get_bind()):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})


def _counted_failures(session: Session, since: datetime, *conditions) -> list[datetime]:  # noqa: ANN002
    """When the failures that count were made, oldest first (throttled attempts do not count:
    they were never checked, and counting them would make a lock-out last as long as the
    attack)."""
    rows = session.exec(
        select(LoginEvent.at)
        .where(
            *conditions,
            LoginEvent.at > since,
            LoginEvent.success == False,  # noqa: E712
            col(LoginEvent.reason).is_distinct_from(THROTTLED),
        )
        .order_by(LoginEvent.at)
    ).all()
    return list(rows)


def _seconds_until_below(failures: list[datetime], limit: int, policy: LoginThrottle, now: datetime) -> int:
    if len(failures) < limit:
        return 0
    # The lock lifts when all but limit - 1 failures have left the window.
    lifting = failures[len(failures) - limit] + policy.window
    return max(1, math.ceil((lifting - now).total_seconds()))


def retry_after(session: Session, policy: LoginThrottle, login: str, ip: str, now: datetime) -> int:
    """Seconds until a login for ``login`` from ``ip`` will be checked again; 0 if it is now."""
    since = now - policy.window
    last_success_id = session.exec(
        select(LoginEvent.id)
        .where(LoginEvent.login == login, LoginEvent.success == True, LoginEvent.at > since)  # noqa: E712
        .order_by(col(LoginEvent.id).desc())
    ).first()
    # The owner logging in shows the failures before were typos, not a guesser getting closer.
    # (Ids, not times: attempts are recorded one at a time under the lock, in id order.)
    after_success = [LoginEvent.id > last_success_id] if last_success_id is not None else []
    by_login = _counted_failures(session, since, LoginEvent.login == login, *after_success)
    by_address = _counted_failures(session, since, LoginEvent.ip == ip)
    return max(
        _seconds_until_below(by_login, policy.failures_per_login, policy, now),
        _seconds_until_below(by_address, policy.failures_per_address, policy, now),
    )
