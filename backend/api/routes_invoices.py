"""Invoices and paying them. Thin adapters: every rule lives in backend.domain.

Every route is scoped to the customer of the bearer token; the domain answers NotFound for
an id that belongs to someone else, exactly as for one that does not exist.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, ConfigDict

from backend.api.deps import ACTOR, CustomerDep, IdempotencyKeyDep, PortalDep
from backend.api.openapi import error_responses
from backend.api.params import AfterQuery, OptionalRowIdQuery, PageQuery, PageSizeQuery, RowId
from backend.api.routing import ThreadedEndpointRoute, own_threads
from backend.contract import (
    Document,
    InvoiceDetail,
    InvoiceFilter,
    InvoiceQuery,
    InvoiceRow,
    Page,
    PayLink,
    PaymentMethod,
    PaymentMethodCode,
    PaymentOutcome,
)
from backend.domain import documents, invoices, payments

router = APIRouter(prefix="/api/v1", tags=["invoices"], route_class=ThreadedEndpointRoute)


class PayBody(BaseModel):
    """Body of a pay request; the idempotency key travels in the ``Idempotency-Key`` header."""

    model_config = ConfigDict(extra="forbid")

    method: PaymentMethodCode


# The query dependencies only build a model: ``async def`` keeps them on the event loop
# (a plain ``def`` would cost a threadpool round trip per request, see backend/api/deps.py).
async def _invoice_query(
    status_: Annotated[InvoiceFilter, Query(alias="status")] = InvoiceFilter.UNPAID,
    order_id: OptionalRowIdQuery = None,
    search: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    page: PageQuery = 1,
    page_size: PageSizeQuery = 50,
    after: AfterQuery = None,
) -> InvoiceQuery:
    # Declared parameter by parameter (not as a query model) so each shows in the OpenAPI
    # schema and an unknown parameter is ignored rather than refused.
    return InvoiceQuery(
        status=status_, order_id=order_id, search=search, page=page, page_size=page_size, after=after
    )


async def _export_query(
    status_: Annotated[InvoiceFilter, Query(alias="status")] = InvoiceFilter.UNPAID,
    order_id: OptionalRowIdQuery = None,
    search: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> InvoiceQuery:
    # The export holds every matching invoice, so it takes (and documents) no paging.
    return InvoiceQuery(status=status_, order_id=order_id, search=search)


QueryDep = Annotated[InvoiceQuery, Depends(_invoice_query)]
ExportQueryDep = Annotated[InvoiceQuery, Depends(_export_query)]


def content_disposition(filename: str) -> str:
    """``attachment`` with a plain ASCII name plus the exact name per RFC 6266 / RFC 5987."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def document_response(document: Document) -> Response:
    return Response(
        content=document.content,
        media_type=document.media_type,
        headers={"Content-Disposition": content_disposition(document.filename)},
    )


def _file(media_type: str, *errors: int) -> dict:
    file = {"content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
            "description": "The file, as an attachment."}
    return {200: file, **error_responses(*errors)}


@router.get("/invoices", response_model=Page[InvoiceRow])
def list_invoices(portal: PortalDep, customer_id: CustomerDep, query: QueryDep) -> Page[InvoiceRow]:
    return invoices.list_invoices(portal, customer_id, query)


# A file is made in one long call (every matching invoice; a PDF's layout): in threads of its
# own, so a few downloads at once never hold the few threads every other request shares
# (backend.api.app.API_THREADS); they take turns with them for the GIL instead.
DOCUMENT_THREADS = 2


# Declared before /invoices/{invoice_id} so "export.csv" is never taken for an id.
@router.get("/invoices/export.csv", response_class=Response, responses=_file("text/csv"))
@own_threads(DOCUMENT_THREADS)
def export_invoices_csv(portal: PortalDep, customer_id: CustomerDep, query: ExportQueryDep) -> Response:
    return document_response(invoices.export_invoices_csv(portal, customer_id, query))


# Before the /invoices/{invoice_id}/… routes, so a number such as "quote" is never taken for one.
@router.get("/invoices/by-number/{invoice_number}", response_model=InvoiceRow)
def find_invoice(invoice_number: str, portal: PortalDep, customer_id: CustomerDep) -> InvoiceRow:
    return invoices.find_invoice(portal, customer_id, invoice_number)


@router.get("/invoices/{invoice_id}", response_model=InvoiceDetail)
def get_invoice(invoice_id: RowId, portal: PortalDep, customer_id: CustomerDep) -> InvoiceDetail:
    return invoices.get_invoice(portal, customer_id, invoice_id)


@router.delete("/invoices/{invoice_id}", response_model=InvoiceDetail, responses=error_responses(409))
def delete_invoice(invoice_id: RowId, portal: PortalDep, customer_id: CustomerDep) -> InvoiceDetail:
    return invoices.delete_invoice(portal, customer_id, invoice_id, ACTOR)


@router.get("/payment-methods", response_model=list[PaymentMethod])
def payment_methods(portal: PortalDep, customer_id: CustomerDep) -> list[PaymentMethod]:
    return payments.offered_methods(portal)


@router.post(
    "/invoices/{invoice_id}/payments",
    response_model=PaymentOutcome,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": PaymentOutcome, "description": "A replay of an earlier request."},
        **error_responses(409),
    },
)
def pay_invoice(
    invoice_id: RowId,
    body: PayBody,
    response: Response,
    portal: PortalDep,
    customer_id: CustomerDep,
    idempotency_key: IdempotencyKeyDep,
) -> PaymentOutcome:
    outcome = payments.pay_invoice(portal, customer_id, invoice_id, body.method, idempotency_key, ACTOR)
    if outcome.replayed:
        response.status_code = status.HTTP_200_OK
    return outcome


@router.post(
    "/invoices/{invoice_id}/pay-link",
    response_model=PayLink,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(409),
)
def create_pay_link(invoice_id: RowId, portal: PortalDep, customer_id: CustomerDep) -> PayLink:
    return invoices.create_pay_link(portal, customer_id, invoice_id, ACTOR)


@router.get("/invoices/{invoice_id}/document", response_class=Response, responses=_file("application/pdf", 409))
@own_threads(DOCUMENT_THREADS)
def invoice_document(invoice_id: RowId, portal: PortalDep, customer_id: CustomerDep) -> Response:
    return document_response(documents.invoice_pdf(portal, customer_id, invoice_id))


@router.get("/invoices/{invoice_id}/quote", response_class=Response, responses=_file("application/pdf", 409))
@own_threads(DOCUMENT_THREADS)
def quote_document(invoice_id: RowId, portal: PortalDep, customer_id: CustomerDep) -> Response:
    return document_response(documents.quote_pdf(portal, customer_id, invoice_id))
