"""Request dependencies: the running portal and the customer a bearer token stands for.

A dependency that only computes is ``async def``: FastAPI runs a plain ``def`` in its
threadpool, and that round trip (two thread switches and anyio's bookkeeping on the event
loop) costs more than the work. Only one that waits on the database stays a ``def``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from backend.api.client_address import forwarded_client
from backend.api.params import IdempotencyKeyHeader
from backend.contract import AuthenticationFailed
from backend.domain import accounts
from backend.portal import Portal

# Recorded in the audit trail for every change made through the HTTP API.
ACTOR = "api"

# Declares the scheme in the OpenAPI document; the 401 itself is ours (see bearer_token).
bearer_scheme = HTTPBearer(
    scheme_name="bearerAuth",
    description="The token from POST /api/v1/auth/login, as `Authorization: Bearer <token>`.",
    auto_error=False,
)


async def get_portal(request: Request) -> Portal:
    return request.app.state.portal


async def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> str:
    """The token of ``Authorization: Bearer <token>``; anything else is not logged in."""
    token = credentials.credentials.strip() if credentials is not None else ""
    if not token:
        raise AuthenticationFailed("not logged in: send 'Authorization: Bearer <token>'")
    return token


async def client_address(request: Request, portal: Annotated[Portal, Depends(get_portal)]) -> str:
    """The address a request came from: the socket's, or a trusted proxy's X-Forwarded-For
    (``client_address.forwarded_client``). Audited, throttled and held against the IP ranges."""
    peer = request.client.host if request.client else None
    return forwarded_client(peer, request.headers.getlist("x-forwarded-for"), portal.settings.trusted_proxies)


# Sync on purpose: the token lookup is a blocking database read, so it runs in the threadpool.
def current_customer(
    portal: Annotated[Portal, Depends(get_portal)],
    token: Annotated[str, Depends(bearer_token)],
    ip: Annotated[str, Depends(client_address)],
) -> int:
    """The token's customer, from an address the account's allowed IP ranges contain."""
    return accounts.customer_for_token(portal, token, ip)


async def idempotency_key(key: IdempotencyKeyHeader) -> str:
    """The key every money-moving request must carry, required and checked by its pattern."""
    return key


PortalDep = Annotated[Portal, Depends(get_portal)]
TokenDep = Annotated[str, Depends(bearer_token)]
CustomerDep = Annotated[int, Depends(current_customer)]
IdempotencyKeyDep = Annotated[str, Depends(idempotency_key)]
ClientAddressDep = Annotated[str, Depends(client_address)]
