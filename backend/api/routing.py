"""Sync endpoints served with one threadpool round trip instead of two.

FastAPI runs a plain ``def`` endpoint in its threadpool and then, because the endpoint was
not a coroutine, checks the returned model in the threadpool again: two thread hand-offs per
request, each costing more than the check. Every router here builds its routes with
``ThreadedEndpointRoute``, which hands FastAPI a coroutine that runs the sync endpoint in the
threadpool once; the database work stays off the event loop, the check runs on it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool


def _in_threadpool(function: Callable[..., Any]) -> Callable[..., Any]:
    async def endpoint(**arguments: Any) -> Any:
        return await run_in_threadpool(function, **arguments)

    # What FastAPI reads off an endpoint: its parameters (annotations resolved here, in the
    # endpoint's own module), its name (the operation id) and its docstring (the description).
    # No __wrapped__: FastAPI would unwrap it and take the endpoint for sync again.
    endpoint.__signature__ = inspect.signature(function, eval_str=True)  # type: ignore[attr-defined]
    for attribute in ("__name__", "__qualname__", "__doc__", "__module__"):
        setattr(endpoint, attribute, getattr(function, attribute))
    endpoint.in_threadpool = function  # type: ignore[attr-defined]
    return endpoint


class ThreadedEndpointRoute(APIRoute):
    """An APIRoute whose sync endpoint runs in the threadpool once per request; the function
    itself is ``route.endpoint.in_threadpool``."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _in_threadpool(endpoint)
        super().__init__(path, endpoint, **kwargs)
