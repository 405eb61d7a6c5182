"""The one error shape of the API and the handlers that produce it.

Every error leaves as ``{"error": code, "detail": message}`` with the error's HTTP status,
whatever raised it: the domain (a ``ServiceError``), request validation, Starlette's routing,
or the database. The remote client turns that body back into the same exception. Nothing
here echoes the request path back: an error names what was wrong, not what was asked.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from backend.api.params import HEADER_FORMATS
from backend.contract import (
    AuthenticationFailed,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceError,
    ServiceUnavailable,
    TooManyRequests,
)

METHOD_NOT_ALLOWED = "method_not_allowed"

_CODE_FOR_STATUS = {
    400: InvalidInput.code,
    401: AuthenticationFailed.code,
    403: Forbidden.code,
    404: NotFound.code,
    405: METHOD_NOT_ALLOWED,
    422: InvalidInput.code,
    429: TooManyRequests.code,
    503: ServiceUnavailable.code,
}

# A path id that is a number outside the id range cannot name anything: not found, not invalid.
_OUT_OF_RANGE = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}


class ErrorBody(BaseModel):
    """What every error answers."""

    error: str
    detail: str


def error_body(code: str, detail: str) -> dict[str, str]:
    return {"error": code, "detail": detail}


def error_response(status: int, code: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=error_body(code, detail), headers=headers)


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
        loc = tuple(error.get("loc", ()))
        if error.get("type") == "json_invalid":
            messages.append("the request body is not valid JSON")
            continue
        if loc[:1] == ("header",) and len(loc) == 2:
            if error.get("type") == "missing":
                messages.append(f"the {loc[1]} header is required for this request")
            else:
                messages.append(
                    HEADER_FORMATS.get(str(loc[1]), f"the {loc[1]} header is malformed: {error.get('msg', 'invalid value')}")
                )
            continue
        where = _location(loc)
        message = "required" if error.get("type") == "missing" else str(error.get("msg", "invalid value"))
        messages.append(f"{where}: {message}" if where else message)
    return "; ".join(dict.fromkeys(messages)) or "invalid request"


def _unknown_path_id(errors: list[dict]) -> str | None:
    """``invoice 9223372036854775808 not found`` when a path id is a number out of range."""
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if len(loc) == 2 and loc[0] == "path" and error.get("type") in _OUT_OF_RANGE:
            entity = str(loc[1]).removesuffix("_id").replace("_", " ")
            return f"{entity} {error.get('input')} not found"
    return None


async def _service_error(_request: Request, exc: ServiceError) -> JSONResponse:
    headers = None
    if exc.http_status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    elif isinstance(exc, TooManyRequests) and exc.retry_after is not None:
        headers = {"Retry-After": str(exc.retry_after)}
    return error_response(exc.http_status, exc.code, exc.detail, headers)


async def _request_validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    not_found = _unknown_path_id(errors)
    if not_found is not None:
        return error_response(404, NotFound.code, not_found)
    return error_response(422, InvalidInput.code, readable_validation_error(errors))


async def _model_validation_error(_request: Request, exc: ValidationError) -> JSONResponse:
    # A contract model refused a value a route passed on (the routes validate first, so rare).
    return error_response(422, InvalidInput.code, readable_validation_error(exc.errors()))


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Starlette's and FastAPI's own errors (no such route, wrong method, unreadable body)."""
    status = exc.status_code
    detail = str(exc.detail)
    if status == 400:
        # FastAPI's only 400: a body it could not decode (not UTF-8, say). Invalid input.
        status, detail = 422, "the request body could not be read: send UTF-8 encoded JSON"
    elif status == 404 and detail == "Not Found":
        detail = "no such endpoint"
    elif status == 405 and detail == "Method Not Allowed":
        detail = f"{request.method} is not allowed here"
    return error_response(status, _CODE_FOR_STATUS.get(status, "error"), detail, exc.headers)


async def _database_unavailable(_request: Request, _exc: OperationalError) -> JSONResponse:
    return error_response(503, ServiceUnavailable.code, "the portal's database is not available; try again later")


async def _database_refused_value(_request: Request, _exc: Exception) -> JSONResponse:
    # A safety net: the bounded parameter types keep numbers in range before any query, so
    # this answers (instead of a 500 that drops the connection) only for a route that forgot.
    return error_response(422, InvalidInput.code, "a value in the request is out of range")


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(ValidationError, _model_validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(DataError, _database_refused_value)
    app.add_exception_handler(OverflowError, _database_refused_value)
