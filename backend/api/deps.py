"""Request dependencies: the running portal and the customer a bearer token stands for."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from backend.contract import AuthenticationFailed, InvalidInput
from backend.domain import accounts
from backend.portal import Portal

# Recorded in the audit trail for every change made through the HTTP API.
ACTOR = "api"


async def get_portal(request: Request) -> Portal:
    return request.app.state.portal


async def bearer_token(request: Request) -> str:
    """The token of ``Authorization: Bearer <token>``; anything else is not logged in."""
    header = request.headers.get("authorization")
    if not header:
        raise AuthenticationFailed("not logged in: send 'Authorization: Bearer <token>'")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationFailed("not logged in: send 'Authorization: Bearer <token>'")
    return token


# Sync on purpose: the token lookup is a blocking database read, so it runs in the threadpool.
def current_customer(
    portal: Annotated[Portal, Depends(get_portal)], token: Annotated[str, Depends(bearer_token)]
) -> int:
    return accounts.customer_for_token(portal, token)


def idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="16 to 64 letters, digits, '-' or '_', unique per request (a UUID fits); "
            "a repeated key replays the first answer instead of acting again.",
        ),
    ] = None,
) -> str:
    """The key every money-moving request must carry (its format is the domain's to check)."""
    if key is None:
        raise InvalidInput("the Idempotency-Key header is required for this request")
    return key


PortalDep = Annotated[Portal, Depends(get_portal)]
TokenDep = Annotated[str, Depends(bearer_token)]
CustomerDep = Annotated[int, Depends(current_customer)]
IdempotencyKeyDep = Annotated[str, Depends(idempotency_key)]
