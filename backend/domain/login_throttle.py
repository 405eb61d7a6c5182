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
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session, col, select

from backend.contract import TooManyRequests
from backend.db import is_sqlite, write_session
from backend.models import LoginEvent
from backend.portal import Portal
from backend.settings import LoginThrottle

PENDING = "pending"
WRONG_PASSWORD = "wrong_password"
UNKNOWN_USER = "unknown_user"
IP_NOT_ALLOWED = "ip_not_allowed"
THROTTLED = "throttled"
# A request with a valid token from an address the account's IP ranges leave out. Nothing was
# guessed, so it does not count towards a lock-out (an old token in a cron job would otherwise
# lock its owner out of logging in from the right address).
REQUEST_IP_REFUSED = "request_ip"
# Not failures: nothing was guessed by them.
_UNCOUNTED = (THROTTLED, REQUEST_IP_REFUSED)

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
            col(LoginEvent.reason).is_(None) | col(LoginEvent.reason).not_in(_UNCOUNTED),
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


def wait_message(what: str, wait: int) -> str:
    minutes = math.ceil(wait / 60)
    return f"too many {what}: try again in {minutes} minute{'s' if minutes != 1 else ''}"


def checked_like_a_login(
    portal: Portal,
    *,
    customer_id: int,
    login: str,
    ip: str,
    client: str,
    verify: Callable[[], bool],
    wrong_reason: str,
) -> bool:
    """Check a secret of a logged-in customer (a code word, the password before a change) as
    a login is checked: throttled with the logins, counted as a failure *before* ``verify``
    runs (so parallel guesses cannot all slip past the count), and left in the login history
    as ``wrong_reason`` when wrong. A right answer is no login and leaves no trace.

    ``TooManyRequests`` while failures lock the name or address out; otherwise whether
    ``verify()`` said yes. ``verify`` runs outside any transaction: Argon2 takes a while and
    must hold no lock.
    """
    now = portal.now()
    policy = portal.settings.login_throttle
    with write_session(portal.engine) as session:
        serialize(session)
        wait = retry_after(session, policy, login, ip, now)
        attempt = LoginEvent(
            customer_id=customer_id, login=login, at=now, ip=ip[:45], client=client[:200],
            success=False, reason=THROTTLED if wait else PENDING,
        )
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
    if wait:
        raise TooManyRequests(wait_message("failed logins or code words", wait), retry_after=wait)
    right = verify()
    with write_session(portal.engine) as session:
        attempt = session.get(LoginEvent, attempt_id)
        if right:
            session.delete(attempt)
        else:
            attempt.reason = wrong_reason
    return right
