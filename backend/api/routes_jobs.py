"""Server jobs: power actions and reinstalls (202: queued, the job runner carries them out)
and reading a job back. Thin adapters: every rule lives in backend.domain.server_jobs.

Both starts carry an ``Idempotency-Key``: the same key again answers with the job it
started, as it is now, instead of queuing another.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from backend.api.deps import ACTOR, ClientAddressDep, CustomerDep, IdempotencyKeyDep, PortalDep
from backend.api.openapi import error_responses
from backend.api.params import RowId
from backend.api.routing import ThreadedEndpointRoute
from backend.contract import PowerRequest, ReinstallRequest, ReinstallStarted, ServerJob
from backend.domain import server_jobs

router = APIRouter(prefix="/api/v1", tags=["servers"], route_class=ThreadedEndpointRoute)


@router.post(
    "/servers/{server_id}/power",
    response_model=ServerJob,
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(403, 409, 429),
)
def power(
    server_id: RowId,
    body: PowerRequest,
    portal: PortalDep,
    customer_id: CustomerDep,
    idempotency_key: IdempotencyKeyDep,
    client_address: ClientAddressDep,
) -> ServerJob:
    """Queue a reboot, disable, block or enable job. 409 ``server_busy`` names the job already
    running; 403 ``code_word_required`` asks for the customer's code word (disable, block)."""
    return server_jobs.power(
        portal, customer_id, server_id, body.action, idempotency_key, body.code_word, ACTOR, client_address
    )


@router.post(
    "/servers/{server_id}/reinstall",
    response_model=ReinstallStarted,
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(403, 409, 429),
)
def reinstall(
    server_id: RowId,
    body: ReinstallRequest,
    portal: PortalDep,
    customer_id: CustomerDep,
    idempotency_key: IdempotencyKeyDep,
    client_address: ClientAddressDep,
) -> ReinstallStarted:
    """Queue a reinstall, erasing the server; the answer holds the new root password, shown
    once (it is kept only encrypted)."""
    return server_jobs.reinstall(
        portal, customer_id, server_id, body.os_image, body.hostname_confirmation, idempotency_key,
        body.code_word, ACTOR, client_address,
    )


@router.get("/jobs/{job_id}", response_model=ServerJob)
def get_job(job_id: RowId, portal: PortalDep, customer_id: CustomerDep) -> ServerJob:
    return server_jobs.get_job(portal, customer_id, job_id)
