"""Logging in and out: a login and password buy a bearer token, logout revokes it."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from backend.api.deps import ClientAddressDep, PortalDep, TokenDep
from backend.api.openapi import error_responses
from backend.api.routing import ThreadedEndpointRoute, own_threads
from backend.contract import LoginRequest, LoginResult
from backend.domain import accounts

router = APIRouter(prefix="/api/v1/auth", tags=["auth"], route_class=ThreadedEndpointRoute)


# The password check waits outside the GIL for a fifth of a second: in threads of its own, so
# a burst of logins never holds the few threads every other request shares.
@router.post("/login", response_model=LoginResult, responses=error_responses(401, 403, 429))
@own_threads(4)
def login(body: LoginRequest, request: Request, portal: PortalDep, ip: ClientAddressDep) -> LoginResult:
    client = request.headers.get("user-agent", "")
    return accounts.authenticate(portal, body.login, body.password, ip, client)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def logout(portal: PortalDep, token: TokenDep) -> Response:
    # Only a live token can be revoked; an unknown or expired one answers 401 like any route.
    accounts.customer_for_token(portal, token)
    accounts.revoke_token(portal, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
