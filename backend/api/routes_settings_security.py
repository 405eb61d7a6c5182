"""Settings: alternative mailboxes, the code word, the allowed IP ranges, the login history
and profile changes by ticket. Thin adapters: every rule lives in backend.domain.

Every route acts for the customer of the bearer token; another customer's mailbox is not
found, exactly like one that does not exist. The client address (``ClientAddressDep``) is
what the lock-out check of the IP ranges and the code word's throttle see.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from backend.api.deps import ACTOR, ClientAddressDep, CustomerDep, IdempotencyKeyDep, PortalDep
from backend.api.openapi import error_responses
from backend.api.params import AfterQuery, PageQuery, PageSizeQuery, RowId
from backend.api.routing import ThreadedEndpointRoute
from backend.contract import (
    AccountSettings,
    CodeWordRequest,
    IpRangesRequest,
    LoginQuery,
    LoginRecord,
    MailboxRequest,
    Page,
    ProfileChangeRequest,
    TicketDetail,
)
from backend.domain import account_security, login_history, mailboxes, profile_changes

router = APIRouter(prefix="/api/v1/settings", tags=["settings"], route_class=ThreadedEndpointRoute)


@router.post(
    "/mailboxes", response_model=AccountSettings, status_code=status.HTTP_201_CREATED, responses=error_responses(409)
)
def add_mailbox(
    body: MailboxRequest, portal: PortalDep, customer_id: CustomerDep, client_address: ClientAddressDep
) -> AccountSettings:
    """Add an alternative mailbox receiving these categories; 409 names a category routed
    elsewhere already. The same mailbox again changes nothing."""
    return mailboxes.add_mailbox(portal, customer_id, body, ACTOR, client_address)


@router.put("/mailboxes/{mailbox_id}", response_model=AccountSettings, responses=error_responses(409))
def update_mailbox(
    mailbox_id: RowId,
    body: MailboxRequest,
    portal: PortalDep,
    customer_id: CustomerDep,
    client_address: ClientAddressDep,
) -> AccountSettings:
    return mailboxes.update_mailbox(portal, customer_id, mailbox_id, body, ACTOR, client_address)


@router.delete("/mailboxes/{mailbox_id}", response_model=AccountSettings)
def remove_mailbox(
    mailbox_id: RowId, portal: PortalDep, customer_id: CustomerDep, client_address: ClientAddressDep
) -> AccountSettings:
    """Remove the mailbox; its categories go to the registration address again."""
    return mailboxes.remove_mailbox(portal, customer_id, mailbox_id, ACTOR, client_address)


@router.put("/code-word", response_model=AccountSettings, responses=error_responses(403, 429))
def set_code_word(
    body: CodeWordRequest, portal: PortalDep, customer_id: CustomerDep, client_address: ClientAddressDep
) -> AccountSettings:
    """Set, change or (empty) remove the code word. The current password is checked like a
    login: a wrong one is 403 and counts as a failed login, too many answer 429."""
    return account_security.set_code_word(portal, customer_id, body, ACTOR, client_address)


@router.put("/ip-ranges", response_model=AccountSettings, responses=error_responses(403, 409, 429))
def set_ip_ranges(
    body: IpRangesRequest, portal: PortalDep, customer_id: CustomerDep, client_address: ClientAddressDep
) -> AccountSettings:
    """Replace the allowed IP ranges (empty: every address). 409 ``lockout_risk`` when the list
    leaves out the address of this request, unless ``confirm_lockout``; 403
    ``code_word_required`` or ``forbidden`` when a code word is set and missing or wrong."""
    return account_security.set_ip_ranges(portal, customer_id, body, ACTOR, client_address)


async def _login_query(page: PageQuery = 1, page_size: PageSizeQuery = 50, after: AfterQuery = None) -> LoginQuery:
    return LoginQuery(page=page, page_size=page_size, after=after)


@router.get("/logins", response_model=Page[LoginRecord])
def login_history_page(
    portal: PortalDep, customer_id: CustomerDep, query: Annotated[LoginQuery, Depends(_login_query)]
) -> Page[LoginRecord]:
    """Logins and refused requests, newest first."""
    return login_history.login_history(portal, customer_id, query)


@router.post(
    "/profile-changes",
    response_model=TicketDetail,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(409),
)
def request_profile_change(
    body: ProfileChangeRequest, portal: PortalDep, customer_id: CustomerDep, idempotency_key: IdempotencyKeyDep
) -> TicketDetail:
    """Open a ticket asking for a change of profile data, prefilled with the current and the
    new value; a repeated key answers with the same ticket."""
    return profile_changes.request_profile_change(portal, customer_id, body, idempotency_key, ACTOR)
