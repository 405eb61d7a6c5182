"""The customer's code word: asked for before actions that cannot be undone (power off, block,
reinstall) when the customer has set one in Settings.

Stored as an Argon2 hash of the NFKC-normalised, trimmed, lower-cased answer, as OWASP
advises for security questions. A wrong answer counts as a failed login (it is recorded in
the login history and throttled by ``login_throttle`` with the logins), so the code word
cannot be guessed faster than the password.
"""

from __future__ import annotations

from backend.contract import CodeWordRequired, Forbidden, normalize_code_word
from backend.domain import login_throttle
from backend.portal import Portal

WRONG_CODE_WORD = "wrong_code_word"

# The one normalisation lives in the contract, so the TUI's form judges a new code word's
# length on the same form that is hashed here.
normalize = normalize_code_word


def hash_code_word(code_word: str) -> str:
    # Here, not at the top: cryptography is not on the way to the first screen.
    from backend.security import hash_password

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
    # Here, not at the top: cryptography is not on the way to the first screen.
    from backend.security import verify_password

    if code_word_hash is None:
        return
    if not given or not given.strip():
        raise CodeWordRequired(f"{what} needs your code word")
    right = login_throttle.checked_like_a_login(
        portal, customer_id=customer_id, login=login, ip=ip, client=f"code word: {what}",
        verify=lambda: verify_password(code_word_hash, normalize(given)), wrong_reason=WRONG_CODE_WORD,
    )
    if not right:
        raise Forbidden("wrong code word")
