"""RemoteService: the portal over HTTP, against ``hostui-server``.

Behaves exactly like LocalService: the same contract models come back, and the server's
``{"error": code, "detail": message}`` bodies turn back into the same ServiceError
subclasses. Anything that is not the contract (no answer, a proxy's HTML page, garbage)
becomes ServiceUnavailable with a message that names the URL.

Imports only httpx and backend.contract (pure pydantic), so remote mode never loads
SQLAlchemy or the domain core.
"""

from __future__ import annotations

import re
import socket
import ssl
import sys
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, unquote
from uuid import uuid4

# httpx imports its own command-line tool whenever click is installed (uvicorn, which hostui
# ships for its server, brings it): click, pygments and rich's syntax highlighting, 3 MiB and
# 20 ms of every remote start, for a tool hostui never runs. A None entry makes that one
# import fail as httpx expects it to when click is missing; the client is untouched.
sys.modules.setdefault("httpx._main", None)

import httpx  # noqa: E402
from pydantic import BaseModel, TypeAdapter, ValidationError

from backend.contract import (
    AccountSummary,
    AuthenticationFailed,
    Document,
    InvalidInput,
    InvoiceDetail,
    InvoiceQuery,
    InvoiceRow,
    KvmSession,
    LoginRequest,
    LoginResult,
    NetworkAddress,
    NotFound,
    OrderQuery,
    OrderRow,
    OsImageOption,
    Page,
    PayLink,
    PaymentMethod,
    PaymentMethodCode,
    PaymentOutcome,
    ServerCredentials,
    ServerDetail,
    ServiceError,
    ServiceUnavailable,
    TrafficPeriod,
    TrafficReport,
    error_for_code,
)

from backend.contract import PowerAction, ReinstallStarted, ServerJob
from backend.contract import NewTicket, TicketChanges, TicketDetail, TicketQuery, TicketReply, TicketRow
from backend.contract import (
    AccountSettings,
    CodeWordRequest,
    IpRangesRequest,
    LoginQuery,
    LoginRecord,
    MailboxRequest,
    ProfileChangeRequest,
)
from backend.contract import AccountSettings, AutoRenewRequest

__all__ = ["RemoteService", "login", "DEFAULT_TIMEOUT", "USER_AGENT"]

DEFAULT_TIMEOUT = 10.0
USER_AGENT = "hostui"
API = "/api/v1"

_PAYMENT_METHODS = TypeAdapter(list[PaymentMethod])
_INVOICE_PAGE = Page[InvoiceRow]
_ORDER_PAGE = Page[OrderRow]
_TICKET_PAGE = Page[TicketRow]
_LOGIN_PAGE = Page[LoginRecord]
_OS_IMAGES = TypeAdapter(list[OsImageOption])
# What may travel in an HTTP header at all; the server judges everything else about the key.
_HEADER_SAFE = re.compile(r"^[\x21-\x7e]*$")


def _idempotency_header(key: str) -> dict[str, str]:
    if not _HEADER_SAFE.fullmatch(key):
        raise InvalidInput("malformed idempotency key: use 16 to 64 letters, digits, '-' or '_'")
    return {"Idempotency-Key": key}


def _normalize(base_url: str) -> str:
    base_url = base_url.strip().rstrip("/")
    if not re.match(r"^https?://", base_url, re.IGNORECASE):
        raise InvalidInput(f"not a server URL: {base_url!r} (it should start with http:// or https://)")
    return base_url


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    return chain


def _connect_failure(exc: httpx.HTTPError) -> str:
    """Why a connection failed, in a few words (the root OSError, not httpx's summary)."""
    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "host name not found"
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLError):
            return f"TLS failed ({cause.reason or cause})"
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror.lower()
    return str(exc) or type(exc).__name__


def _unreachable(base_url: str, exc: httpx.HTTPError, timeout: float) -> ServiceUnavailable:
    if isinstance(exc, httpx.TimeoutException):
        why = f"no connection within {timeout:g} s" if isinstance(exc, httpx.ConnectTimeout) else (
            f"no answer within {timeout:g} s"
        )
        return ServiceUnavailable(f"cannot reach {base_url}: {why} — is hostui-server running there?")
    if isinstance(exc, httpx.ConnectError):
        return ServiceUnavailable(
            f"cannot reach {base_url}: {_connect_failure(exc)} — is hostui-server running?"
        )
    if isinstance(exc, httpx.TransportError):
        return ServiceUnavailable(f"cannot reach {base_url}: {str(exc) or type(exc).__name__}")
    return ServiceUnavailable(f"cannot talk to {base_url}: {str(exc) or type(exc).__name__}")


def _error_from(base_url: str, response: httpx.Response) -> ServiceError:
    """The ServiceError a non-2xx answer stands for, or ServiceUnavailable if not ours."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        detail = body.get("detail")
        return error_for_code(body["error"], detail if isinstance(detail, str) else body["error"])
    status = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    if response.status_code >= 500:
        return ServiceUnavailable(f"{base_url} failed with {status}; try again later")
    return ServiceUnavailable(f"{base_url} answered {status}, which is not the portal API — is the URL right?")


def _parse(base_url: str, response: httpx.Response, parse: Any) -> Any:
    try:
        return parse(response.content)
    except (ValidationError, ValueError) as exc:
        raise ServiceUnavailable(
            f"{base_url} gave an unexpected answer to {response.request.method} "
            f"{response.request.url.path} — is it a hostui-server of the same version?"
        ) from exc


def _filename(response: httpx.Response, fallback: str) -> str:
    header = response.headers.get("content-disposition", "")
    extended = re.search(r"filename\*\s*=\s*([^']*)'[^']*'([^;\s]+)", header, re.IGNORECASE)
    if extended:
        try:
            return unquote(extended.group(2), encoding=extended.group(1) or "utf-8", errors="strict")
        except (LookupError, UnicodeDecodeError):
            pass
    plain = re.search(r'filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))', header, re.IGNORECASE)
    if plain:
        name = plain.group(1) if plain.group(1) is not None else plain.group(2)
        return re.sub(r"\\(.)", r"\1", name)
    return fallback


def _query_params(query: InvoiceQuery) -> dict[str, str | int]:
    params: dict[str, str | int] = {
        "status": query.status.value,
        "page": query.page,
        "page_size": query.page_size,
    }
    if query.order_id is not None:
        params["order_id"] = query.order_id
    if query.search is not None:
        params["search"] = query.search
    if query.after is not None:
        params["after"] = query.after
    return params


def _order_query_params(query: OrderQuery) -> dict[str, str | int]:
    params: dict[str, str | int] = {"filter": query.filter.value, "page": query.page, "page_size": query.page_size}
    if query.search is not None:
        params["search"] = query.search
    return params


def _ticket_query_params(query: TicketQuery) -> dict[str, str | int]:
    params: dict[str, str | int] = {"filter": query.filter.value, "page": query.page, "page_size": query.page_size}
    if query.search is not None:
        params["search"] = query.search
    if query.order_id is not None:
        params["order_id"] = query.order_id
    if query.after is not None:
        params["after"] = query.after
    return params


async def _send(
    client: httpx.AsyncClient, base_url: str, timeout: float, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    try:
        response = await client.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        raise _unreachable(base_url, exc, timeout) from exc
    if response.is_success:
        return response
    raise _error_from(base_url, response)


def _tls_for(base_url: str) -> ssl.SSLContext | bool:
    """What the client verifies TLS with: the default CA bundle for an https server; for an
    http one (redirects are not followed, so TLS is never reached) a context without any CA,
    which skips loading the bundle on every start (some 20 ms) and would fail closed if TLS
    were reached after all."""
    if base_url.lower().startswith("https://"):
        return True
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def _client(base_url: str, timeout: float, token: str | None = None) -> httpx.AsyncClient:
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=timeout, follow_redirects=False, verify=_tls_for(base_url)
    )


async def login(base_url: str, login: str, password: str, *, timeout: float = DEFAULT_TIMEOUT) -> LoginResult:
    """Log in to the server at ``base_url``; raises AuthenticationFailed on a wrong password."""
    base_url = _normalize(base_url)
    try:
        body = LoginRequest(login=login, password=password)
    except ValidationError:
        raise AuthenticationFailed("wrong user name or password") from None
    async with _client(base_url, timeout) as client:
        response = await _send(
            client, base_url, timeout, "POST", f"{API}/auth/login", json=body.model_dump(mode="json")
        )
        return _parse(base_url, response, LoginResult.model_validate_json)


class RemoteService:
    """PortalService over HTTP, for one logged-in customer (``token``)."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        token_source: Callable[[], Awaitable[str | None]] | None = None,
    ) -> None:
        """``token_source``: where the stored token can be read again. When the server says
        the token is no good, a newer one (``hostui login`` in another shell) is picked up
        and the request is sent once more, so a running TUI needs no restart."""
        self._base_url = _normalize(base_url)
        self._timeout = timeout
        self._token = token
        self._token_source = token_source
        self._client = _client(self._base_url, timeout, token)

    @classmethod
    async def logged_in(
        cls, base_url: str, login_name: str, password: str, *, timeout: float = DEFAULT_TIMEOUT
    ) -> RemoteService:
        """Log in and return a service for that customer (the token is ``service.token``)."""
        result = await login(base_url, login_name, password, timeout=timeout)
        return cls(base_url, result.token, timeout=timeout)

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def token(self) -> str | None:
        return self._token

    # -- plumbing

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if not self._token and not await self._pick_up_new_token():
            raise AuthenticationFailed("not logged in: log in to this server first")
        sent_with = self._token
        try:
            return await _send(self._client, self._base_url, self._timeout, method, path, **kwargs)
        except AuthenticationFailed:
            # Sending again is safe: a 401 means the server did nothing with the request.
            # Concurrent requests may pick up the new token meanwhile (even while this one
            # reads the store): whoever did, the token to use is then no longer the one sent.
            if self._token == sent_with:
                await self._pick_up_new_token()
            if self._token == sent_with:
                raise
        return await _send(self._client, self._base_url, self._timeout, method, path, **kwargs)

    async def _pick_up_new_token(self) -> bool:
        """Read the stored token again; True if it is a different one (now in use)."""
        if self._token_source is None:
            return False
        token = await self._token_source()
        if not token or token == self._token:
            return False
        self._token = token
        self._client.headers["Authorization"] = f"Bearer {token}"
        return True

    async def _model(self, model: type[BaseModel], method: str, path: str, **kwargs: Any) -> Any:
        response = await self._request(method, path, **kwargs)
        return _parse(self._base_url, response, model.model_validate_json)

    async def _document(self, path: str, fallback_name: str, **kwargs: Any) -> Document:
        response = await self._request("GET", path, **kwargs)
        media_type = response.headers.get("content-type", "application/octet-stream").split(";")[0].strip()
        if media_type == "application/json":
            # A file route never answers JSON on success: something else is on that URL.
            raise ServiceUnavailable(f"{self._base_url} gave an unexpected answer to GET {path}")
        return Document(
            filename=_filename(response, fallback_name), media_type=media_type, content=response.content
        )

    @staticmethod
    def _invoice_path(invoice_id: int, suffix: str = "") -> str:
        return f"{API}/invoices/{int(invoice_id)}{suffix}"

    @staticmethod
    def _server_path(server_id: int, suffix: str = "") -> str:
        return f"{API}/servers/{int(server_id)}{suffix}"

    # -- PortalService

    async def account(self) -> AccountSummary:
        return await self._model(AccountSummary, "GET", f"{API}/account")

    async def list_invoices(self, query: InvoiceQuery) -> Page[InvoiceRow]:
        return await self._model(_INVOICE_PAGE, "GET", f"{API}/invoices", params=_query_params(query))

    async def get_invoice(self, invoice_id: int) -> InvoiceDetail:
        return await self._model(InvoiceDetail, "GET", self._invoice_path(invoice_id))

    async def find_invoice(self, number: str) -> InvoiceRow:
        if not number:
            # An empty path segment is no route at all; the domain's answer, without asking.
            raise NotFound(f"invoice {number} not found")
        # Quoted whole, so no '/', '?' or '#' in what was typed can reach another route.
        return await self._model(InvoiceRow, "GET", f"{API}/invoices/by-number/{quote(number, safe='')}")

    async def payment_methods(self) -> list[PaymentMethod]:
        response = await self._request("GET", f"{API}/payment-methods")
        return _parse(self._base_url, response, _PAYMENT_METHODS.validate_json)

    async def pay_invoice(
        self, invoice_id: int, method: PaymentMethodCode, idempotency_key: str
    ) -> PaymentOutcome:
        return await self._model(
            PaymentOutcome,
            "POST",
            self._invoice_path(invoice_id, "/payments"),
            json={"method": PaymentMethodCode(method).value},
            headers=_idempotency_header(idempotency_key),
        )

    async def list_orders(self, query: OrderQuery) -> Page[OrderRow]:
        return await self._model(_ORDER_PAGE, "GET", f"{API}/orders", params=_order_query_params(query))

    async def get_order(self, order_id: int) -> OrderRow:
        return await self._model(OrderRow, "GET", f"{API}/orders/{int(order_id)}")

    async def find_order(self, number: str) -> OrderRow:
        if not number:
            raise NotFound(f"order {number} not found")
        return await self._model(OrderRow, "GET", f"{API}/orders/by-number/{quote(number, safe='')}")

    async def get_server(self, server_id: int) -> ServerDetail:
        return await self._model(ServerDetail, "GET", self._server_path(server_id))

    async def reveal_credentials(self, server_id: int) -> ServerCredentials:
        return await self._model(ServerCredentials, "POST", self._server_path(server_id, "/credentials"))

    async def request_kvm(self, server_id: int) -> KvmSession:
        return await self._model(KvmSession, "POST", self._server_path(server_id, "/kvm-sessions"))

    async def set_reverse_dns(self, server_id: int, address: str, name: str) -> NetworkAddress:
        if not address:
            raise NotFound(f"address {address} not found on server {server_id}")
        path = self._server_path(server_id, f"/addresses/{quote(address, safe='')}/reverse-dns")
        # Sent as typed: the portal judges the name, so both services refuse it the same way.
        return await self._model(NetworkAddress, "PUT", path, json={"name": name})

    async def os_images(self) -> list[OsImageOption]:
        response = await self._request("GET", f"{API}/os-images")
        return _parse(self._base_url, response, _OS_IMAGES.validate_json)

    async def renew_order(self, order_id: int, idempotency_key: str) -> InvoiceDetail:
        return await self._model(
            InvoiceDetail,
            "POST",
            f"{API}/orders/{int(order_id)}/renewals",
            headers=_idempotency_header(idempotency_key),
        )

    async def delete_invoice(self, invoice_id: int) -> InvoiceDetail:
        return await self._model(InvoiceDetail, "DELETE", self._invoice_path(invoice_id))

    async def create_pay_link(self, invoice_id: int) -> PayLink:
        return await self._model(PayLink, "POST", self._invoice_path(invoice_id, "/pay-link"))

    async def invoice_document(self, invoice_id: int) -> Document:
        return await self._document(self._invoice_path(invoice_id, "/document"), f"invoice-{invoice_id}.pdf")

    async def quote_document(self, invoice_id: int) -> Document:
        return await self._document(self._invoice_path(invoice_id, "/quote"), f"quote-{invoice_id}.pdf")

    async def export_invoices_csv(self, query: InvoiceQuery) -> Document:
        return await self._document(
            f"{API}/invoices/export.csv", f"invoices-{query.status.value}.csv", params=_query_params(query)
        )

    async def traffic(self, server_id: int, period: TrafficPeriod) -> TrafficReport:
        return await self._model(
            TrafficReport,
            "GET",
            f"{API}/servers/{int(server_id)}/traffic",
            params={"period": TrafficPeriod(period).value},
        )

    async def power(
        self, server_id: int, action: PowerAction, idempotency_key: str, code_word: str | None = None
    ) -> ServerJob:
        # Sent as given: the server judges the action and the code word, as the local service does.
        return await self._model(
            ServerJob,
            "POST",
            f"{API}/servers/{int(server_id)}/power",
            json={"action": getattr(action, "value", action), "code_word": code_word},
            headers=_idempotency_header(idempotency_key),
        )

    async def reinstall(
        self,
        server_id: int,
        os_image: str,
        hostname_confirmation: str,
        idempotency_key: str,
        code_word: str | None = None,
    ) -> ReinstallStarted:
        return await self._model(
            ReinstallStarted,
            "POST",
            f"{API}/servers/{int(server_id)}/reinstall",
            json={"os_image": os_image, "hostname_confirmation": hostname_confirmation, "code_word": code_word},
            headers=_idempotency_header(idempotency_key),
        )

    async def get_job(self, job_id: int) -> ServerJob:
        return await self._model(ServerJob, "GET", f"{API}/jobs/{int(job_id)}")

    @staticmethod
    def _ticket_path(ticket_id: int, suffix: str = "") -> str:
        return f"{API}/tickets/{int(ticket_id)}{suffix}"

    async def list_tickets(self, query: TicketQuery) -> Page[TicketRow]:
        return await self._model(_TICKET_PAGE, "GET", f"{API}/tickets", params=_ticket_query_params(query))

    async def get_ticket(self, ticket_id: int) -> TicketDetail:
        return await self._model(TicketDetail, "GET", self._ticket_path(ticket_id))

    async def find_ticket(self, number: str) -> TicketRow:
        if not number:
            raise NotFound(f"ticket {number} not found")
        return await self._model(TicketRow, "GET", f"{API}/tickets/by-number/{quote(number, safe='')}")

    async def mark_read(self, ticket_id: int) -> TicketRow:
        return await self._model(TicketRow, "PUT", self._ticket_path(ticket_id, "/read"))

    async def mark_unread(self, ticket_id: int) -> TicketRow:
        return await self._model(TicketRow, "DELETE", self._ticket_path(ticket_id, "/read"))

    async def create_ticket(self, ticket: NewTicket, idempotency_key: str) -> TicketDetail:
        return await self._model(
            TicketDetail, "POST", f"{API}/tickets", json=ticket.model_dump(mode="json"),
            headers=_idempotency_header(idempotency_key),
        )

    async def reply_ticket(self, ticket_id: int, reply: TicketReply, idempotency_key: str) -> TicketDetail:
        return await self._model(
            TicketDetail, "POST", self._ticket_path(ticket_id, "/replies"), json=reply.model_dump(mode="json"),
            headers=_idempotency_header(idempotency_key),
        )

    async def close_ticket(self, ticket_id: int) -> TicketRow:
        return await self._model(TicketRow, "POST", self._ticket_path(ticket_id, "/close"))

    async def reopen_ticket(self, ticket_id: int) -> TicketRow:
        return await self._model(TicketRow, "POST", self._ticket_path(ticket_id, "/reopen"))

    async def ticket_changes(self, cursor: str | None) -> TicketChanges:
        params = {} if cursor is None else {"cursor": cursor}
        return await self._model(TicketChanges, "GET", f"{API}/ticket-changes", params=params)

    async def get_settings(self) -> AccountSettings:
        return await self._model(AccountSettings, "GET", f"{API}/settings")

    async def set_auto_renew(self, request: AutoRenewRequest) -> AccountSettings:
        return await self._model(
            AccountSettings, "PUT", f"{API}/settings/auto-renew", json=request.model_dump(mode="json")
        )

    async def set_currency(self, code: str) -> AccountSettings:
        # Sent as typed: the portal judges the code, so both services refuse it alike.
        return await self._model(AccountSettings, "PUT", f"{API}/settings/currency", json={"code": code})

    async def set_language(self, code: str) -> AccountSettings:
        return await self._model(AccountSettings, "PUT", f"{API}/settings/language", json={"code": code})

    # -- settings: mailboxes, security, logins, profile

    @staticmethod
    def _mailbox_path(mailbox_id: int) -> str:
        return f"{API}/settings/mailboxes/{int(mailbox_id)}"

    async def add_mailbox(self, request: MailboxRequest) -> AccountSettings:
        return await self._model(
            AccountSettings, "POST", f"{API}/settings/mailboxes", json=request.model_dump(mode="json")
        )

    async def update_mailbox(self, mailbox_id: int, request: MailboxRequest) -> AccountSettings:
        return await self._model(
            AccountSettings, "PUT", self._mailbox_path(mailbox_id), json=request.model_dump(mode="json")
        )

    async def remove_mailbox(self, mailbox_id: int) -> AccountSettings:
        return await self._model(AccountSettings, "DELETE", self._mailbox_path(mailbox_id))

    async def set_code_word(self, request: CodeWordRequest) -> AccountSettings:
        return await self._model(
            AccountSettings, "PUT", f"{API}/settings/code-word", json=request.model_dump(mode="json")
        )

    async def set_ip_ranges(self, request: IpRangesRequest) -> AccountSettings:
        return await self._model(
            AccountSettings, "PUT", f"{API}/settings/ip-ranges", json=request.model_dump(mode="json")
        )

    async def login_history(self, query: LoginQuery) -> Page[LoginRecord]:
        params: dict[str, str | int] = {"page": query.page, "page_size": query.page_size}
        if query.after is not None:
            params["after"] = query.after
        return await self._model(_LOGIN_PAGE, "GET", f"{API}/settings/logins", params=params)

    async def request_profile_change(
        self, request: ProfileChangeRequest, idempotency_key: str | None = None
    ) -> TicketDetail:
        return await self._model(
            TicketDetail, "POST", f"{API}/settings/profile-changes", json=request.model_dump(mode="json"),
            headers=_idempotency_header(idempotency_key or uuid4().hex),
        )

    async def logout(self) -> None:
        """Revoke the token on the server. Already logged out (or expired) counts as done."""
        if self._token:
            try:
                await self._request("POST", f"{API}/auth/logout")
            except AuthenticationFailed:
                pass
            self._token = None
            self._client.headers.pop("Authorization", None)

    async def aclose(self) -> None:
        await self._client.aclose()
