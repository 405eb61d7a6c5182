"""Headers every answer carries, whichever route (or error handler) produced it.

API answers hold account data, tokens and documents: no cache may keep them
(``Cache-Control: no-store``), and no browser may guess another type for a JSON, CSV or PDF
body than the one declared (``X-Content-Type-Options: nosniff``). A route that sets its own
``Cache-Control`` keeps it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
# As ASGI carries them (lower-case bytes), so every answer is checked without parsing its headers.
_RAW_DEFAULTS = tuple((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in DEFAULT_HEADERS.items())


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _value in headers}
                headers += [header for header in _RAW_DEFAULTS if header[0] not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
