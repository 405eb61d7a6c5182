"""The OpenAPI document as the contract: every status an operation can answer, with its body.

Routes declare only what is theirs to know — the domain errors they can meet, through
``error_responses(409)`` and the like. The answers every operation shares are added here
from the route table, so a new route is documented by construction:

- 422 ``ErrorBody`` where the operation takes any input (FastAPI's default array is replaced);
- 401 with ``WWW-Authenticate`` where the operation needs the bearer token, and 403 there
  too (a request from outside the account's allowed IP ranges);
- 404 ``ErrorBody`` where the path names something by id;
- 503 ``ErrorBody`` everywhere (the database may be down).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from backend.api.errors import ErrorBody

_DESCRIPTIONS = {
    401: "Not logged in, or the token has expired or was revoked.",
    403: "Not allowed for this account, or not from this address (the account's allowed IP ranges).",
    404: "No such object for this customer (another customer's ids are not found either).",
    409: "The object's state does not allow this (already paid, bound to another method, ...).",
    410: "The link has expired or was revoked.",
    422: "The request is malformed: a parameter, header or body failed validation.",
    429: "Too many failed attempts; retry after the number of seconds in Retry-After.",
    503: "The portal's database is not available; try again later.",
}

_HEADERS = {
    401: {"WWW-Authenticate": {"description": "Always `Bearer`.", "schema": {"type": "string", "enum": ["Bearer"]}}},
    429: {
        "Retry-After": {
            "description": "Seconds until the lock-out ends.",
            "required": True,
            "schema": {"type": "integer", "minimum": 1},
        }
    },
}

_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route that can answer these error statuses with an ``ErrorBody``."""
    declared: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        declared[status] = {"model": ErrorBody, "description": _DESCRIPTIONS[status]}
        if status in _HEADERS:
            declared[status]["headers"] = _HEADERS[status]
    return declared


def _error(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": _DESCRIPTIONS[status],
        "content": {"application/json": {"schema": _ERROR_REF}},
    }
    if status in _HEADERS:
        response["headers"] = _HEADERS[status]
    return response


def _complete(path: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    if "422" in responses or operation.get("parameters") or operation.get("requestBody"):
        responses["422"] = _error(422)
    if operation.get("security"):
        responses.setdefault("401", _error(401))
        responses.setdefault("403", _error(403))
    if "{" in path:
        responses.setdefault("404", _error(404))
    responses.setdefault("503", _error(503))


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas.pop("HTTPValidationError", None)
            schemas.pop("ValidationError", None)
            schemas["ErrorBody"] = ErrorBody.model_json_schema()
            for path, operations in document.get("paths", {}).items():
                for operation in operations.values():
                    _complete(path, operation)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
