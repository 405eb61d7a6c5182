"""The logged-in customer's account summary (what the TUI's header shows)."""

from __future__ import annotations

from fastapi import APIRouter

from backend.api.deps import CustomerDep, PortalDep
from backend.api.routing import ThreadedEndpointRoute
from backend.contract import AccountSummary
from backend.domain import accounts

router = APIRouter(prefix="/api/v1", tags=["account"], route_class=ThreadedEndpointRoute)


@router.get("/account", response_model=AccountSummary)
def account(portal: PortalDep, customer_id: CustomerDep) -> AccountSummary:
    return accounts.account_summary(portal, customer_id)
