"""Orders. Thin adapters: every rule lives in backend.domain."""

from __future__ import annotations

from fastapi import APIRouter, status

from backend.api.deps import ACTOR, CustomerDep, IdempotencyKeyDep, PortalDep
from backend.api.openapi import error_responses
from backend.api.params import RowId
from backend.contract import InvoiceDetail
from backend.domain import billing

router = APIRouter(prefix="/api/v1", tags=["orders"])


@router.post(
    "/orders/{order_id}/renewals",
    response_model=InvoiceDetail,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(409),
)
def renew_order(
    order_id: RowId, portal: PortalDep, customer_id: CustomerDep, idempotency_key: IdempotencyKeyDep
) -> InvoiceDetail:
    """Issue the invoice for the order's next billing period; a repeated key returns it again."""
    return billing.renew_order(portal, customer_id, order_id, idempotency_key, ACTOR)
