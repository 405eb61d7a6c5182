"""The FastAPI application: routes, the error mapping and the public pages, over one Portal.

Routes are plain ``def``: the domain core is blocking, so FastAPI runs them in its
threadpool. Every error the domain raises is a ``ServiceError`` and leaves as
``{"error": code, "detail": message}`` with the error's HTTP status; the remote client turns
that body back into the same exception.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute

from backend.api import public_pages, routes_account, routes_auth, routes_invoices, routes_orders
from backend.contract import (
    AuthenticationFailed,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceError,
    ServiceUnavailable,
)
from backend.portal import Portal

_CODE_FOR_STATUS = {
    401: AuthenticationFailed.code,
    403: Forbidden.code,
    404: NotFound.code,
    422: InvalidInput.code,
    503: ServiceUnavailable.code,
}


def error_body(code: str, detail: str) -> dict[str, str]:
    return {"error": code, "detail": detail}


def _location(loc: tuple) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        where, parts = parts[0], parts[1:]
        if not parts:
            return "request body" if where == "body" else where
    return ".".join(parts)


def readable_validation_error(errors: list[dict]) -> str:
    """One line a person can act on: ``page_size: Input should be less than or equal to 500``."""
    messages = []
    for error in errors:
        if error.get("type") == "json_invalid":
            messages.append("the request body is not valid JSON")
            continue
        where = _location(tuple(error.get("loc", ())))
        message = "required" if error.get("type") == "missing" else str(error.get("msg", "invalid value"))
        messages.append(f"{where}: {message}" if where else message)
    return "; ".join(dict.fromkeys(messages)) or "invalid request"


async def _service_error(_request: Request, exc: ServiceError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
    return JSONResponse(status_code=exc.http_status, content=error_body(exc.code, exc.detail), headers=headers)


async def _request_validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse(
        status_code=422, content=error_body(InvalidInput.code, readable_validation_error(list(exc.errors())))
    )


async def _model_validation_error(_request: Request, exc: ValidationError) -> JSONResponse:
    # A contract model refused a value a route passed on (the routes validate first, so rare).
    return JSONResponse(
        status_code=422, content=error_body(InvalidInput.code, readable_validation_error(exc.errors()))
    )


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Starlette's own errors (no such route, wrong method) in the API's error shape."""
    code = _CODE_FOR_STATUS.get(exc.status_code, "error")
    detail = str(exc.detail)
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no such endpoint: {request.method} {request.url.path}"
    elif exc.status_code == 405 and detail == "Method Not Allowed":
        detail = f"{request.method} is not allowed on {request.url.path}"
    return JSONResponse(status_code=exc.status_code, content=error_body(code, detail), headers=exc.headers)


async def _database_unavailable(_request: Request, _exc: OperationalError) -> JSONResponse:
    return JSONResponse(
        status_code=503,
        content=error_body(ServiceUnavailable.code, "the portal's database is not available; try again later"),
    )


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


def create_app(portal: Portal) -> FastAPI:
    app = FastAPI(
        title="hostui portal API",
        version="1",
        description="The customer portal behind hostui. Log in at /api/v1/auth/login, then send "
        "`Authorization: Bearer <token>`.",
    )
    app.state.portal = portal

    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(ValidationError, _model_validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_unavailable)

    @app.get("/healthz", tags=["health"])
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
    app.include_router(public_pages.router)
    return app
