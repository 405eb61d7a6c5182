"""The customer's code word: asked for before actions that cannot be undone (power off, block,
reinstall) when the customer has set one in Settings.

Stored as an Argon2 hash of the NFKC-normalised, trimmed, lower-cased answer, as OWASP
advises for security questions. A wrong answer counts as a failed login (it is recorded in
the login history and throttled by ``login_throttle`` with the logins), so the code word
cannot be guessed faster than the password.
"""

from __future__ import annotations

import math
import unicodedata

from backend.contract import CodeWordRequired, Forbidden, TooManyRequests
from backend.db import write_session
from backend.domain import login_throttle
from backend.models import LoginEvent
from backend.portal import Portal
from backend.security import hash_password, verify_password

WRONG_CODE_WORD = "wrong_code_word"


def normalize(code_word: str) -> str:
    """What is hashed and compared: "  Blue  Whale " and "blue whale" are one answer."""
    return unicodedata.normalize("NFKC", code_word).strip().lower()


def hash_code_word(code_word: str) -> str:
    return hash_password(normalize(code_word))


def check(
    portal: Portal,
    *,
    customer_id: int,
    login: str,
    code_word_hash: str | None,
    given: str | None,
    ip: str,
    what: str,
) -> None:
    """Pass when the customer has no code word or ``given`` is it; raise otherwise.

    ``CodeWordRequired`` when one is needed and none was given (not counted: nothing was
    guessed), ``TooManyRequests`` while failed logins or code words lock the account or
    address out, ``Forbidden`` for a wrong one. ``what`` says what it was asked for.
    """
    if code_word_hash is None:
        return
    if not given or not given.strip():
        raise CodeWordRequired(f"{what} needs your code word")
    now = portal.now()
    policy = portal.settings.login_throttle
    # Counted as a failure before it is checked, like a login, so parallel guesses cannot
    # all slip past the count (see login_throttle).
    with write_session(portal.engine) as session:
        login_throttle.serialize(session)
        wait = login_throttle.retry_after(session, policy, login, ip, now)
        attempt = LoginEvent(
            customer_id=customer_id, login=login, at=now, ip=ip, client=f"code word: {what}"[:200],
            success=False, reason=login_throttle.THROTTLED if wait else login_throttle.PENDING,
        )
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
    if wait:
        minutes = math.ceil(wait / 60)
        raise TooManyRequests(
            f"too many failed logins or code words: try again in {minutes} minute{'s' if minutes != 1 else ''}",
            retry_after=wait,
        )
    # Outside any transaction: Argon2 takes a while and must hold no lock.
    right = verify_password(code_word_hash, normalize(given))
    with write_session(portal.engine) as session:
        attempt = session.get(LoginEvent, attempt_id)
        if right:
            # Not a login: a right code word leaves no trace in the login history.
            session.delete(attempt)
        else:
            attempt.reason = WRONG_CODE_WORD
    if not right:
        raise Forbidden("wrong code word")
