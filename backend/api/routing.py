"""Sync endpoints served with one threadpool round trip instead of three.

FastAPI runs a plain ``def`` endpoint in its threadpool and then, because the endpoint was
not a coroutine, checks the returned model in the threadpool again; a plain ``def``
dependency (the token check, ``deps.current_customer``) costs one more round trip before
them. Each round trip (a thread hand-off there and back, anyio's bookkeeping on the event
loop, the GIL passed between threads) costs more than the token check itself. Every router
here builds its routes with ``ThreadedEndpointRoute``, which hands FastAPI a coroutine that
runs the sync endpoint in the threadpool once, with the endpoint's own plain ``def``
dependencies called first in that same call; the database work stays off the event loop,
the check of the returned model runs on it.

A plain ``def`` dependency of the endpoint is declared to FastAPI by a stand-in coroutine
with the dependency's own parameters: FastAPI resolves and validates those (the bearer
token, the client's address) and documents them (the security scheme) exactly as before,
and the stand-in hands back the call to make instead of making it. What FastAPI would have
done first still comes first: when a request fails before the endpoint runs (a query
parameter out of bounds, say), the dependencies it had reached run before the failure is
answered, so a request without a valid token is still refused as not logged in (401, and a
refused address still noted in the login history) rather than as invalid input.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any, get_args, get_origin

import anyio.to_thread
from anyio import CapacityLimiter
from anyio.lowlevel import RunVar
from fastapi import params
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

# The request scope's list of the stand-ins' pending calls, in the order FastAPI reached them.
_PENDING = "hostui.pending_dependencies"
# The stand-in's own parameter for the request (a name no dependency here uses).
_REQUEST_PARAMETER = "hostui_pending_request"


class _PendingCall:
    """A plain ``def`` dependency with its resolved arguments, called at most once."""

    __slots__ = ("function", "arguments", "called")

    def __init__(self, function: Callable[..., Any], arguments: dict[str, Any]) -> None:
        self.function = function
        self.arguments = arguments
        self.called = False

    def __call__(self) -> Any:
        self.called = True
        return self.function(**self.arguments)


def _is_plain_function(dependency: Any) -> bool:
    return (
        callable(dependency)
        and not inspect.isclass(dependency)
        and not inspect.iscoroutinefunction(dependency)
        and not inspect.isgeneratorfunction(dependency)
        and not inspect.isasyncgenfunction(dependency)
        and not inspect.iscoroutinefunction(getattr(dependency, "__call__", None))
    )


@functools.lru_cache(maxsize=None)
def _stand_in(dependency: Callable[..., Any]) -> Callable[..., Any]:
    """A coroutine taking ``dependency``'s parameters that returns the call to make (one per
    dependency, so FastAPI's per-request cache of it works as for the dependency itself)."""

    signature = inspect.signature(dependency, eval_str=True)
    # FastAPI hands the request to one parameter of a dependency only: the dependency's own,
    # if it takes the request, else one added here (and not passed on).
    own = next((name for name, p in signature.parameters.items() if p.annotation is Request), None)
    if own is None:
        if _REQUEST_PARAMETER in signature.parameters:
            raise TypeError(f"{dependency.__qualname__}: a parameter may not be named {_REQUEST_PARAMETER}")
        request = inspect.Parameter(_REQUEST_PARAMETER, inspect.Parameter.KEYWORD_ONLY, annotation=Request)
        signature = signature.replace(parameters=[*signature.parameters.values(), request])

    async def stand_in(**arguments: Any) -> _PendingCall:
        request: Request = arguments[own] if own is not None else arguments.pop(_REQUEST_PARAMETER)
        pending = _PendingCall(dependency, arguments)
        request.scope.setdefault(_PENDING, []).append(pending)
        return pending

    stand_in.__signature__ = signature  # type: ignore[attr-defined]
    for attribute in ("__name__", "__qualname__", "__doc__", "__module__"):
        setattr(stand_in, attribute, getattr(dependency, attribute))
    return stand_in


def _deferred(depends: Any) -> params.Depends | None:
    """The Depends declaring the stand-in, if ``depends`` declares a plain ``def`` dependency."""
    if isinstance(depends, params.Depends) and _is_plain_function(depends.dependency):
        return dataclasses.replace(depends, dependency=_stand_in(depends.dependency))
    return None


def _with_deferred_dependencies(parameter: inspect.Parameter) -> inspect.Parameter | None:
    """``parameter`` declared with the stand-in of its plain ``def`` dependency, or None."""
    annotation = parameter.annotation
    if get_origin(annotation) is Annotated:
        kind, *metadata = get_args(annotation)
        replaced = [_deferred(item) or item for item in metadata]
        if any(new is not old for new, old in zip(replaced, metadata)):
            return parameter.replace(annotation=Annotated[(kind, *replaced)])
    replaced_default = _deferred(parameter.default)
    if replaced_default is not None:
        return parameter.replace(default=replaced_default)
    return None


def _call_endpoint(function: Callable[..., Any], deferred: tuple[str, ...], arguments: dict[str, Any]) -> Any:
    # In the worker thread: the endpoint's own dependencies, in order, then the endpoint.
    for name in deferred:
        arguments[name] = arguments[name]()
    return function(**arguments)


def own_threads(limit: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run the decorated endpoint in threads of its own, ``limit`` at once, not in the shared
    threadpool (``backend.api.app.API_THREADS``, kept small): for a call that waits outside
    the GIL for long, as a login's password check does (a fifth of a second), and would
    otherwise hold a shared thread that every other request is waiting for."""

    def mark(function: Callable[..., Any]) -> Callable[..., Any]:
        limiters: RunVar[CapacityLimiter] = RunVar(f"hostui_threads_{function.__qualname__}")

        def limiter() -> CapacityLimiter:
            # One per event loop, as anyio keeps its default limiter.
            try:
                return limiters.get()
            except LookupError:
                limiters.set(CapacityLimiter(limit))
                return limiters.get()

        function.own_threads = limiter  # type: ignore[attr-defined]
        return function

    return mark


def _in_threadpool(function: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(function, eval_str=True)
    parameters, deferred = [], []
    for parameter in signature.parameters.values():
        replaced = _with_deferred_dependencies(parameter)
        if replaced is not None:
            deferred.append(parameter.name)
        parameters.append(replaced or parameter)
    deferred_names = tuple(deferred)

    own_limiter = getattr(function, "own_threads", None)

    async def endpoint(**arguments: Any) -> Any:
        call = functools.partial(_call_endpoint, function, deferred_names, arguments)
        # No limiter of its own: anyio's default, the shared threadpool (API_THREADS).
        return await anyio.to_thread.run_sync(call, limiter=own_limiter() if own_limiter is not None else None)

    # What FastAPI reads off an endpoint: its parameters (annotations resolved here, in the
    # endpoint's own module), its name (the operation id) and its docstring (the description).
    # No __wrapped__: FastAPI would unwrap it and take the endpoint for sync again.
    endpoint.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    for attribute in ("__name__", "__qualname__", "__doc__", "__module__"):
        setattr(endpoint, attribute, getattr(function, attribute))
    endpoint.in_threadpool = function  # type: ignore[attr-defined]
    endpoint.deferred_dependencies = deferred_names  # type: ignore[attr-defined]
    return endpoint


def _run_pending(pending: list[_PendingCall]) -> None:
    for call in pending:
        call()


class ThreadedEndpointRoute(APIRoute):
    """An APIRoute whose sync endpoint runs in the threadpool once per request, its plain
    ``def`` dependencies in the same call; the function itself is
    ``route.endpoint.in_threadpool``."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _in_threadpool(endpoint)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Any]:
        handler = super().get_route_handler()
        if not getattr(self.endpoint, "deferred_dependencies", ()):
            return handler

        async def handle(request: Request) -> Any:
            try:
                return await handler(request)
            except Exception:
                # Failed before the endpoint's call began (invalid input, say): what FastAPI
                # would have called by then is called now, and its refusal is the answer.
                pending = request.scope.get(_PENDING, ())
                if pending and not any(call.called for call in pending):
                    await run_in_threadpool(_run_pending, pending)
                raise

        return handle
