"""The support side's door: staff answer and close tickets of any customer.

Separate from the customer API (``/staff/v1``, its own bearer secret ``HOSTUI_STAFF_TOKEN``,
compared in constant time; a customer's token is never a staff token). With no staff token
configured every staff route answers 401. Thin adapters over backend.domain.ticket_staff.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from backend.api.deps import PortalDep
from backend.api.openapi import error_responses
from backend.api.params import RowId
from backend.api.routing import ThreadedEndpointRoute
from backend.contract import AuthenticationFailed, TicketDetail, TicketReply, TicketRow
from backend.domain import ticket_staff
from backend.portal import Portal

router = APIRouter(prefix="/staff/v1", tags=["staff"], route_class=ThreadedEndpointRoute)

staff_scheme = HTTPBearer(
    scheme_name="staffAuth",
    description="The server's staff token (HOSTUI_STAFF_TOKEN), as `Authorization: Bearer <token>`.",
    auto_error=False,
)


def staff(
    portal: PortalDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(staff_scheme)]
) -> Portal:
    """The portal, once the request has shown the staff token."""
    token = credentials.credentials.strip() if credentials is not None else ""
    if not token or not ticket_staff.is_staff_token(portal, token):
        raise AuthenticationFailed("staff only: send 'Authorization: Bearer <staff token>'")
    return portal


StaffDep = Annotated[Portal, Depends(staff)]
AuthorName = Annotated[str, Field(min_length=1, max_length=ticket_staff.AUTHOR_NAME_MAX)]


class StaffReplyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str
    author: AuthorName = ticket_staff.DEFAULT_STAFF_NAME


class StaffCloseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    author: AuthorName = ticket_staff.DEFAULT_STAFF_NAME


@router.post("/tickets/{ticket_id}/replies", response_model=TicketDetail, status_code=status.HTTP_201_CREATED)
def staff_reply(ticket_id: RowId, body: StaffReplyBody, portal: StaffDep) -> TicketDetail:
    """Answer the ticket; it becomes unread for its customer and the copy is mailed."""
    return ticket_staff.staff_reply(portal, ticket_id, TicketReply(message=body.message), body.author)


@router.post("/tickets/{ticket_id}/close", response_model=TicketRow, responses=error_responses(409))
def staff_close(ticket_id: RowId, body: StaffCloseBody, portal: StaffDep) -> TicketRow:
    return ticket_staff.staff_close(portal, ticket_id, body.author)
