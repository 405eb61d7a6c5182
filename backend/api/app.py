"""The FastAPI application: routes, the error mapping and the public pages, over one Portal.

Routes are plain ``def``: the domain core is blocking, so FastAPI runs them in its
threadpool. What every route shares lives in one place each, so a new route inherits it:
the error shape (``errors.py``), the bounds of ids and counts (``params.py``), the answers
documented for every operation (``openapi.py``), the methods a URL takes (``allowed_methods.py``)
and the headers of every answer (``security_headers.py``).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from starlette.routing import BaseRoute

from backend.api import public_pages, routes_account, routes_auth, routes_invoices, routes_orders
from backend.api import routes_servers
from backend.api import routes_traffic
from backend.api import routes_jobs
from backend.api import routes_settings
from backend.api import routes_settings_security
from backend.api import routes_staff, routes_tickets
from backend.api.allowed_methods import AllowedMethodsMiddleware
from backend.api.errors import error_body, readable_validation_error, register_error_handlers
from backend.api.openapi import install_openapi
from backend.api.security_headers import SecurityHeadersMiddleware
from backend.portal import Portal
from backend.security import dummy_password_hash

__all__ = ["API_THREADS", "create_app", "error_body", "flat_routes", "readable_validation_error"]

# Requests the threadpool runs at once (anyio's default is 40). The routes hold the GIL for
# most of their time, so more threads add GIL hand-offs, not throughput: every database call
# lets the GIL go, and each thread waiting for it takes it, so with more threads each request
# changes hands more often (the server's system time fell from about a quarter of its CPU to
# a seventh going from 4 threads to 2). The invoice list at 16 clients on SQLite: 16 threads
# served it at the rate of 4, with twice the p99; 2 threads serve it about a quarter faster
# than 4 (about 600 against 450 req/s, 1.7 against 2.3 ms of CPU per request, p99 39 against
# 50 ms), as fast as 1, and PostgreSQL no slower. The price would be that two slow requests
# at once hold all of them: the slow ones (logins, files, traffic reports) run in threads of
# their own instead (``routing.own_threads``). Each thread needs a database connection: this many stay
# below ``backend.db.POOL_SIZE``, leaving room for the background workers, so no request
# opens (and then closes) an overflow connection.
API_THREADS = 2


class HealthStatus(BaseModel):
    status: str


def flat_routes(app: FastAPI) -> list[tuple[str, BaseRoute]]:
    """(full path, route) of every route, looking inside included routers.

    Newer FastAPI keeps an included router as one lazy entry of ``app.routes``; tests and
    tools that want every endpoint use this instead of ``app.routes``.
    """
    found: list[tuple[str, BaseRoute]] = []

    def walk(routes: list, prefix: str) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                context = getattr(route, "include_context", None)
                walk(inner.routes, prefix + (getattr(context, "prefix", "") or ""))
            elif hasattr(route, "path"):
                found.append((prefix + route.path, route))

    walk(list(app.routes), "")
    return found


def _route_methods(app: FastAPI) -> list[tuple[str, set[str]]]:
    return [
        (path, set(route.methods))
        for path, route in flat_routes(app)
        if getattr(route, "methods", None)
    ]


def _lifespan(portal: Portal, *, run_jobs: bool, send_mail: bool, renew: bool, freeze: bool):  # noqa: ANN202
    """The app's lifespan: the threadpool sized for the routes, the background workers asked
    for (the job runner, the mail sender, the renewal scheduler), each stopped at shutdown
    (jobs handed back, no message left half-sent, no order left half-renewed), and with
    ``freeze`` what start-up made kept out of the cyclic collector's way."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = API_THREADS
        from backend.jobs.renewals import RenewalScheduler
        from backend.jobs.runner import JobRunner
        from backend.mail.sender import MailSender

        workers = []
        if run_jobs:
            workers.append(JobRunner(portal).start())
        if send_mail:
            workers.append(MailSender(portal).start())
        if renew:
            workers.append(RenewalScheduler(portal).start())
        if freeze:
            _freeze_start_up()
        try:
            yield
        finally:
            for worker in workers:
                await asyncio.to_thread(worker.stop)

    return lifespan


def _freeze_start_up() -> None:
    # What start-up made (modules, the routes and their models, the pool) lives as long as
    # the process: some 160,000 objects, which each full collection walked, about 80 ms in
    # which no request moved. At 16 clients those pauses set the invoice list's p99: 125-140
    # ms, 55-60 ms frozen, at the same throughput. Frozen, the collector walks only what
    # requests make. Collected first, so no garbage of start-up is kept for good.
    gc.collect()
    gc.freeze()


def create_app(
    portal: Portal,
    *,
    run_jobs: bool = False,
    send_mail: bool = False,
    renew: bool = False,
    freeze_start_up: bool = False,
) -> FastAPI:
    """``run_jobs``: carry out server jobs in this process too; ``send_mail``: send the mail
    outbox; ``renew``: run the renewal job on its schedule (``hostui-server`` does all three,
    the mail when SMTP is configured; tests start their own workers). ``freeze_start_up``:
    once started, move everything alive into the collector's permanent generation
    (``gc.freeze``): for a process that serves this app alone, which ``hostui-server``'s
    are; a test process that makes many apps would keep each one's cycles for good."""
    app = FastAPI(
        lifespan=_lifespan(portal, run_jobs=run_jobs, send_mail=send_mail, renew=renew, freeze=freeze_start_up),
        title="hostui portal API",
        version="1",
        description="The customer portal behind hostui. Log in at /api/v1/auth/login, then send "
        "`Authorization: Bearer <token>`. Every error answers `{\"error\": code, \"detail\": message}`.",
    )
    app.state.portal = portal
    register_error_handlers(app)
    # Made now, not on the first login for an unknown name, which would then take longer.
    dummy_password_hash()

    @app.get(
        "/healthz",
        tags=["health"],
        response_model=HealthStatus,
        responses={503: {"model": HealthStatus, "description": "The database is not reachable."}},
    )
    def healthz() -> JSONResponse:
        try:
            with portal.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except OperationalError:
            return JSONResponse(status_code=503, content={"status": "unavailable"})
        return JSONResponse(content={"status": "ok"})

    app.include_router(routes_auth.router)
    app.include_router(routes_account.router)
    app.include_router(routes_invoices.router)
    app.include_router(routes_orders.router)
    app.include_router(routes_servers.router)
    app.include_router(routes_traffic.router)
    app.include_router(routes_jobs.router)
    app.include_router(routes_tickets.router)
    app.include_router(routes_staff.router)
    app.include_router(routes_settings.router)
    app.include_router(routes_settings_security.router)
    app.include_router(public_pages.router)
    install_openapi(app)
    # The last added runs first: the headers wrap every answer, the 405s included.
    app.add_middleware(AllowedMethodsMiddleware, routes=lambda: _route_methods(app))
    app.add_middleware(SecurityHeadersMiddleware)
    return app
