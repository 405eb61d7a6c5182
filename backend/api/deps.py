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


def _token_of(credentials: HTTPAuthorizationCredentials | None) -> str:
    token = credentials.credentials.strip() if credentials is not None else ""
    if not token:
        raise AuthenticationFailed("not logged in: send 'Authorization: Bearer <token>'")
    return token


def _address_of(request: Request, portal: Portal) -> str:
    peer = request.client.host if request.client else None
    return forwarded_client(peer, request.headers.getlist("x-forwarded-for"), portal.settings.trusted_proxies)


async def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> str:
    """The token of ``Authorization: Bearer <token>``; anything else is not logged in."""
    return _token_of(credentials)


async def client_address(request: Request, portal: Annotated[Portal, Depends(get_portal)]) -> str:
    """The address a request came from: the socket's, or a trusted proxy's X-Forwarded-For
    (``client_address.forwarded_client``). Audited, throttled and held against the IP ranges."""
    return _address_of(request, portal)


# Sync on purpose: the token lookup is a blocking database read, so it runs in the threadpool
# (in the endpoint's own call, see backend/api/routing.py). Every logged-in request resolves
# it, so it reads the portal, the token and the address itself, as ``get_portal``,
# ``bearer_token`` and ``client_address`` do, instead of depending on them: FastAPI resolves
# each dependency of the tree anew per request (a cached one too), and those five resolutions
# cost more than the three lines they run. Only the bearer scheme stays a dependency: it is
# what declares the security requirement in the OpenAPI document.
def current_customer(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> int:
    """The token's customer, from an address the account's allowed IP ranges contain."""
    portal: Portal = request.app.state.portal
    return accounts.customer_for_token(portal, _token_of(credentials), _address_of(request, portal))


async def idempotency_key(key: IdempotencyKeyHeader) -> str:
    """The key every money-moving request must carry, required and checked by its pattern."""
    return key


PortalDep = Annotated[Portal, Depends(get_portal)]
TokenDep = Annotated[str, Depends(bearer_token)]
CustomerDep = Annotated[int, Depends(current_customer)]
IdempotencyKeyDep = Annotated[str, Depends(idempotency_key)]
ClientAddressDep = Annotated[str, Depends(client_address)]
