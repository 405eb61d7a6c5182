"""One answer to "which methods does this URL take?", from the whole route table.

Starlette decides 405 and ``Allow`` from the first route whose path matches, so
``/invoices/191`` (GET and DELETE live in two routes) advertised only GET, and a fixed path
like ``/invoices/export.csv`` was captured by ``/invoices/{invoice_id}`` for DELETE and
answered 422. Here every route whose path matches counts, and a fixed path beats a
templated one: ``export.csv`` is a resource of its own, never an id. ``OPTIONS`` answers 204
with ``Allow``; a method no matching route takes answers 405 with ``Allow``. Paths no route
matches pass through to the router's 404.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache

from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from backend.api.errors import METHOD_NOT_ALLOWED


class _PathMethods:
    def __init__(self, path: str, methods: set[str]) -> None:
        self.regex: re.Pattern = compile_path(path)[0]
        self.fixed = "{" not in path
        self.methods = methods


class AllowedMethodsMiddleware:
    def __init__(self, app: ASGIApp, routes: Callable[[], list[tuple[str, set[str]]]]) -> None:
        self.app = app
        self._routes_source = routes
        self._routes: list[_PathMethods] | None = None
        # Every request asks, and the answer depends on the path only: matching it against
        # every route's pattern each time was a cost of its own. Bounded, as paths carry ids.
        self.allowed = lru_cache(maxsize=4096)(self._allowed)  # type: ignore[method-assign]

    def _table(self) -> list[_PathMethods]:
        # Built on first use: routes are all added by then, and never change afterwards.
        if self._routes is None:
            self._routes = [_PathMethods(path, methods) for path, methods in self._routes_source()]
        return self._routes

    def _allowed(self, path: str) -> tuple[str, ...] | None:
        matches = [route for route in self._table() if route.regex.match(path)]
        if not matches:
            return None
        if any(route.fixed for route in matches):
            matches = [route for route in matches if route.fixed]
        methods = set().union(*(route.methods for route in matches)) | {"OPTIONS"}
        return tuple(sorted(methods))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        allowed = self.allowed(scope["path"])
        method = scope["method"]
        if allowed is None or (method in allowed and method != "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = [(b"allow", ", ".join(allowed).encode())]
        if method == "OPTIONS":
            await send({"type": "http.response.start", "status": 204, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        body = json.dumps({"error": METHOD_NOT_ALLOWED, "detail": f"{method} is not allowed here"}).encode()
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 405, "headers": headers})
        await send({"type": "http.response.body", "body": body})
