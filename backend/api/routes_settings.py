"""Settings: the one read, automatic renewal, currency and language (and, beside them, the
mailbox, security, login and profile routes). Thin adapters: every rule lives in
backend.domain.

Every route acts for the customer of the bearer token; an order of someone else's is not
found, exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from backend.api.deps import ACTOR, ClientAddressDep, CustomerDep, PortalDep
from backend.api.openapi import error_responses
from backend.api.routing import ThreadedEndpointRoute
from backend.contract import AccountSettings, AutoRenewRequest
from backend.domain import account_settings
from backend.money import SUPPORTED_CURRENCIES
from backend.texts import LANGUAGES

router = APIRouter(prefix="/api/v1", tags=["settings"], route_class=ThreadedEndpointRoute)


class CurrencyBody(BaseModel):
    """An ISO 4217 code the portal can bill in; whether it is offered now (has a rate) is the
    portal's answer (409 if not)."""

    model_config = ConfigDict(extra="forbid")

    code: Literal[SUPPORTED_CURRENCIES]  # type: ignore[valid-type]


class LanguageBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Literal[tuple(LANGUAGES)]  # type: ignore[valid-type]


@router.get("/settings", response_model=AccountSettings)
def get_settings(portal: PortalDep, customer_id: CustomerDep, client_address: ClientAddressDep) -> AccountSettings:
    return account_settings.get_settings(portal, customer_id, client_address)


@router.put("/settings/auto-renew", response_model=AccountSettings, responses=error_responses(404, 409))
def set_auto_renew(
    body: AutoRenewRequest, portal: PortalDep, customer_id: CustomerDep, client_address: ClientAddressDep
) -> AccountSettings:
    """The account's automatic renewal (no ``order_id``), or one order's (``enabled`` null:
    the order follows the account again)."""
    return account_settings.set_auto_renew(portal, customer_id, body, ACTOR, client_address)


@router.put("/settings/currency", response_model=AccountSettings, responses=error_responses(409))
def set_currency(
    body: CurrencyBody, portal: PortalDep, customer_id: CustomerDep, client_address: ClientAddressDep
) -> AccountSettings:
    """Bill the account in this currency from now on; the balance is converted at the current rate."""
    return account_settings.set_currency(portal, customer_id, body.code, ACTOR, client_address)


@router.put("/settings/language", response_model=AccountSettings)
def set_language(
    body: LanguageBody, portal: PortalDep, customer_id: CustomerDep, client_address: ClientAddressDep
) -> AccountSettings:
    return account_settings.set_language(portal, customer_id, body.code, ACTOR, client_address)
