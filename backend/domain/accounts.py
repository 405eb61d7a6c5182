"""Customers: who is logged in, how they log in, and what the header shows about them."""

from __future__ import annotations

import math

from sqlalchemy import bindparam
from sqlmodel import select

from backend.contract import (
    AccountSummary,
    AuthenticationFailed,
    Forbidden,
    LoginResult,
    NotFound,
    ServiceError,
    TooManyRequests,
)
from backend.db import read_connection, read_session, write_session
from backend.domain import ip_ranges, login_history, login_throttle
from backend.models import ApiToken, Customer, LoginEvent
from backend.money import from_minor
from backend.portal import Portal

# The longest login a customer can have (the column's length); longer names cannot exist.
LOGIN_MAX_LENGTH = 64


def get_customer(session, customer_id: int) -> Customer:  # noqa: ANN001
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("customer not found")
    return customer


def account_summary(portal: Portal, customer_id: int) -> AccountSummary:
    with read_session(portal.engine) as session:
        customer = get_customer(session, customer_id)
        return AccountSummary(
            id=customer.id,
            login=customer.login,
            name=customer.name,
            company=customer.company,
            email=customer.email,
            balance=from_minor(customer.balance_minor, customer.currency),
            currency=customer.currency,
            language=customer.language,
            auto_renew=customer.auto_renew,
        )


def customer_id_for_login(portal: Portal, login: str) -> int:
    with read_session(portal.engine) as session:
        customer_id = session.exec(select(Customer.id).where(Customer.login == login)).first()
    if customer_id is None:
        raise NotFound(f"no customer with login {login!r} in this database")
    return customer_id


def _storable(text: str) -> str:
    """``text`` as both databases can store it: PostgreSQL refuses NUL, UTF-8 refuses lone
    surrogates (JSON can carry both). No login contains them, so such a name is unknown."""
    return "".join("\ufffd" if c == "\x00" or "\ud800" <= c <= "\udfff" else c for c in text)


def authenticate(portal: Portal, login: str, password: str, ip: str, client: str) -> LoginResult:
    """Check a login, record the attempt, and issue a bearer token.

    A wrong login and a wrong password get the same answer in the same time (an unknown
    name is checked against a dummy hash), so logins cannot be probed. Failures are
    throttled per user name and per address (``login_throttle``); a throttled attempt is
    refused with ``TooManyRequests`` without its password being checked.
    """
    # Here, not at the top: cryptography is not on the way to the first screen.
    from backend.security import dummy_password_hash, new_token, token_digest, verify_password

    now = portal.now()
    policy = portal.settings.login_throttle
    name = _storable(login)[:LOGIN_MAX_LENGTH]
    with write_session(portal.engine) as session:
        login_throttle.serialize(session)
        wait = login_throttle.retry_after(session, policy, name, ip, now)
        customer = None
        if name == login:  # anything longer or unstorable is no customer's login
            customer = session.exec(select(Customer).where(Customer.login == login)).first()
        attempt = LoginEvent(
            customer_id=customer.id if customer is not None else None, login=name, at=now, ip=ip,
            client=client[:200], success=False, reason=login_throttle.THROTTLED if wait else login_throttle.PENDING,
        )
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
        password_hash = customer.password_hash if customer is not None else None
        allowed = customer is not None and ip_ranges.allows(customer.allowed_ip_ranges, ip)
    if wait:
        minutes = math.ceil(wait / 60)
        raise TooManyRequests(
            f"too many failed logins: try again in {minutes} minute{'s' if minutes != 1 else ''}", retry_after=wait
        )

    # Outside any transaction: the check takes a fifth of a second and holds no lock.
    ok = verify_password(password_hash or dummy_password_hash(), password) and password_hash is not None
    if not ok:
        reason = login_throttle.WRONG_PASSWORD if customer is not None else login_throttle.UNKNOWN_USER
        failure: ServiceError | None = AuthenticationFailed("wrong user name or password")
    elif not allowed:
        reason = login_throttle.IP_NOT_ALLOWED
        failure = Forbidden("logins from this address are not allowed")
    else:
        reason, failure = None, None

    with write_session(portal.engine) as session:
        attempt = session.get(LoginEvent, attempt_id)
        attempt.success = failure is None
        attempt.reason = reason
        if failure is None:
            token = new_token()
            expires_at = now + portal.settings.api_token_ttl
            session.add(
                ApiToken(
                    customer_id=customer.id,
                    token_hash=token_digest(token),
                    created_at=now,
                    expires_at=expires_at,
                )
            )
    # Raised after the commit so the failed attempt stays in the login history.
    if failure is not None:
        raise failure
    return LoginResult(token=token, expires_at=expires_at, login=login)


def customer_for_token(portal: Portal, token: str, ip: str | None = None) -> int:
    """The customer a live token stands for. With ``ip`` (every API request but logout), the
    account's allowed IP ranges are enforced too: a request from outside them is refused with
    a generic ``Forbidden`` and noted in the login history (``login_history``)."""
    # Here, not at the top: cryptography is not on the way to the first screen.
    from backend.security import token_digest

    now = portal.now()
    with read_connection(portal.engine) as connection:
        found = connection.execute(_TOKEN_LOOKUP, {"token_hash": token_digest(token)}).first()
    if found is None or found.revoked_at is not None or found.expires_at <= now:
        raise AuthenticationFailed("not logged in, or the session has expired: log in again")
    if ip is not None and not ip_ranges.allows(found.allowed_ip_ranges, ip):
        login_history.record_refused_request(portal, found.customer_id, found.login, ip)
        raise Forbidden("this request is not allowed")
    return found.customer_id


# Every API request runs it: plain columns and a statement built once, since building it and
# loading an ORM object cost several times the query. Never cached across requests: a logout
# or revocation holds at once, in every worker.
_TOKEN_LOOKUP = (
    select(
        ApiToken.__table__.c.customer_id,
        ApiToken.__table__.c.revoked_at,
        ApiToken.__table__.c.expires_at,
        Customer.__table__.c.login,
        Customer.__table__.c.allowed_ip_ranges,
    )
    .join_from(ApiToken.__table__, Customer.__table__, Customer.__table__.c.id == ApiToken.__table__.c.customer_id)
    .where(ApiToken.__table__.c.token_hash == bindparam("token_hash"))
)


def revoke_token(portal: Portal, token: str) -> None:
    # Here, not at the top: cryptography is not on the way to the first screen.
    from backend.security import token_digest

    with write_session(portal.engine) as session:
        row = session.exec(
            select(ApiToken).where(ApiToken.token_hash == token_digest(token)).with_for_update()
        ).first()
        if row is not None and row.revoked_at is None:
            row.revoked_at = portal.now()
