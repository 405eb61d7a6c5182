"""Advanced security: the code word and the allowed IP ranges.

- The code word is set, changed or removed (empty) with the current password, which is
  checked like a login: throttled with the logins, and a wrong one is a failed login in the
  history. It is stored as an Argon2 hash of its normalised form (``code_word``) and never
  shown; once set, the server asks for it before disabling, blocking or reinstalling a
  server and before the IP ranges change.
- The IP ranges are parsed and stored normalised (``ip_ranges``). A list that leaves out
  the address the request comes from is refused (``LockoutRisk``) unless confirmed. The
  in-process service has no client address ("local"), so it is never at risk: the ranges
  guard the HTTP API only, which enforces them at login and on every request with a token
  (``accounts.customer_for_token``).
- ``clear_ip_ranges`` is the operator's way out for a customer who locked themselves out
  (``hostui-server clear-ip-ranges LOGIN``).
"""

from __future__ import annotations

from backend.contract import (
    AccountSettings,
    CodeWordRequest,
    Forbidden,
    IpRangesRequest,
    LockoutRisk,
)
from backend.db import read_session, write_session
from backend.domain import audit, code_word, ip_ranges, login_throttle
from backend.domain.accounts import customer_id_for_login, get_customer
from backend.domain.tickets import lock_customer
from backend.portal import Portal
from backend.security import verify_password

OPERATOR = "operator"


def _settings(portal: Portal, customer_id: int, client_address: str) -> AccountSettings:
    from backend.domain import account_settings  # which reads this module's parts

    return account_settings.get_settings(portal, customer_id, client_address)


def set_code_word(
    portal: Portal, customer_id: int, request: CodeWordRequest, actor: str, client_address: str
) -> AccountSettings:
    """Set, change or (empty) remove the code word; the current password is required."""
    with read_session(portal.engine) as session:
        customer = get_customer(session, customer_id)
    right = login_throttle.checked_like_a_login(
        portal, customer_id=customer_id, login=customer.login, ip=client_address,
        client="password: changing the code word",
        verify=lambda: verify_password(customer.password_hash, request.current_password),
        wrong_reason=login_throttle.WRONG_PASSWORD,
    )
    if not right:
        raise Forbidden("current_password: that is not your password")
    # Hashed before the transaction: Argon2 takes a while and must hold no lock.
    removing = not code_word.normalize(request.code_word)
    new_hash = None if removing else code_word.hash_code_word(request.code_word)
    with write_session(portal.engine) as session:
        locked = lock_customer(session, customer_id)
        had_one = locked.code_word_hash is not None
        locked.code_word_hash = new_hash
        audit.record(
            session, at=portal.now(), customer_id=customer_id, actor=actor, entity="customer",
            entity_id=customer_id, action="security.code_word_removed" if removing else "security.code_word_set",
            replaced=had_one, client_address=client_address,
        )
    return _settings(portal, customer_id, client_address)


def lockout_risk(ranges: list[str], client_address: str) -> str | None:
    """Why saving ``ranges`` would shut out the address in use now; None when it would not
    (no ranges, the address inside them, or no address at all: the in-process service)."""
    if not ranges or ip_ranges.client_ip(client_address) is None:
        return None
    if ip_ranges.allows(ip_ranges.stored(ranges), client_address):
        return None
    return (
        f"ranges: your address {client_address} is not in the list, so you could no longer log in or "
        "use the portal from here; confirm to save it anyway"
    )


def set_ip_ranges(
    portal: Portal, customer_id: int, request: IpRangesRequest, actor: str, client_address: str
) -> AccountSettings:
    """Replace the allowed IP ranges (empty: every address); the code word when one is set."""
    ranges = ip_ranges.normalize_ranges(request.ranges)
    risk = lockout_risk(ranges, client_address)
    if risk is not None and not request.confirm_lockout:
        raise LockoutRisk(risk)
    with read_session(portal.engine) as session:
        customer = get_customer(session, customer_id)
    code_word.check(
        portal, customer_id=customer_id, login=customer.login, code_word_hash=customer.code_word_hash,
        given=request.code_word, ip=client_address, what="changing the allowed IP ranges",
    )
    with write_session(portal.engine) as session:
        locked = lock_customer(session, customer_id)
        before = ip_ranges.ranges_of(locked.allowed_ip_ranges)
        if before != ranges:
            locked.allowed_ip_ranges = ip_ranges.stored(ranges)
            audit.record(
                session, at=portal.now(), customer_id=customer_id, actor=actor, action="security.ip_ranges",
                entity="customer", entity_id=customer_id, before=before, after=ranges,
                client_address=client_address, lockout_confirmed=risk is not None,
            )
    return _settings(portal, customer_id, client_address)


def clear_ip_ranges(portal: Portal, login: str) -> list[str]:
    """Allow every address again for the customer with this login (NotFound otherwise); the
    ranges that were set, audited as the operator's."""
    customer_id = customer_id_for_login(portal, login)
    with write_session(portal.engine) as session:
        locked = lock_customer(session, customer_id)
        before = ip_ranges.ranges_of(locked.allowed_ip_ranges)
        if before:
            locked.allowed_ip_ranges = ""
            audit.record(
                session, at=portal.now(), customer_id=customer_id, actor=OPERATOR, action="security.ip_ranges",
                entity="customer", entity_id=customer_id, before=before, after=[],
            )
    return before
