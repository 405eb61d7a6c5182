"""RemoteService beyond the shared contract: logging in and out, servers that cannot be
reached or answer something else, and staying free of SQLAlchemy."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from backend.contract import (
    AuthenticationFailed,
    InvalidInput,
    InvoiceQuery,
    NotFound,
    PortalService,
    ServiceUnavailable,
)
from hostui.services.remote import RemoteService, _filename, login
from tests.conftest import _free_port


def test_importing_the_remote_client_loads_no_database_code():
    code = (
        "import hostui.services.remote, sys; "
        "bad = [m for m in sys.modules if m.startswith(('sqlalchemy', 'sqlmodel', 'backend.domain', "
        "'backend.db', 'backend.models', 'psycopg', 'fastapi'))]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_importing_the_remote_client_leaves_httpx_s_command_line_tool_out():
    # click, pygments and rich's syntax highlighting: 3 MiB of every remote start (remote.py).
    code = (
        "import hostui.services.remote, sys, httpx; "
        "bad = [m for m in sys.modules if m.startswith(('click', 'pygments'))]; "
        "assert not bad, bad; assert httpx.AsyncClient"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_remote_service_satisfies_the_protocol():
    assert isinstance(RemoteService("http://127.0.0.1:1", "token"), PortalService)


# --- logging in and out --------------------------------------------------------------------------


async def test_login_and_logout(live_server, portal):
    result = await login(live_server, "demo", "demo")
    assert result.login == "demo"
    assert result.expires_at == portal.now() + portal.settings.api_token_ttl
    service = RemoteService(live_server, result.token)
    try:
        assert (await service.account()).login == "demo"
        await service.logout()
        assert service.token is None
        await service.logout()  # a second logout is harmless
        with pytest.raises(AuthenticationFailed):
            await service.account()
    finally:
        await service.aclose()
    stale = RemoteService(live_server, result.token)
    try:
        with pytest.raises(AuthenticationFailed, match="log in again"):
            await stale.account()
        await stale.logout()  # logging out a dead token is not an error
    finally:
        await stale.aclose()


@pytest.mark.parametrize(("user", "password"), [("demo", "wrong"), ("nobody", "demo"), ("demo", ""), ("", "x")])
async def test_wrong_login_is_authentication_failed(live_server, user, password):
    with pytest.raises(AuthenticationFailed) as caught:
        await login(live_server, user, password)
    assert str(caught.value) == "wrong user name or password"


async def test_login_is_recorded_with_ip_and_client(live_server, portal, demo_customer_id):
    from sqlmodel import select

    from backend.db import read_session
    from backend.models import LoginEvent

    with pytest.raises(AuthenticationFailed):
        await login(live_server, "demo", "wrong")
    await login(live_server, "demo", "demo")
    with read_session(portal.engine) as session:
        events = session.exec(
            select(LoginEvent).where(LoginEvent.customer_id == demo_customer_id).order_by(LoginEvent.id.desc())
        ).all()[:2]
    assert [e.success for e in events] == [True, False]
    assert {e.ip for e in events} == {"127.0.0.1"}
    assert {e.client for e in events} == {"hostui"}


async def test_without_a_token_nothing_is_sent():
    service = RemoteService("http://127.0.0.1:1", None)
    with pytest.raises(AuthenticationFailed):
        await service.account()
    await service.aclose()


def test_not_a_url_is_invalid_input():
    with pytest.raises(InvalidInput, match="http://"):
        RemoteService("127.0.0.1:8080", "token")


async def test_trailing_slash_in_the_url_is_fine(live_server):
    service = await RemoteService.logged_in(live_server + "/", "demo", "demo")
    try:
        assert (await service.account()).login == "demo"
        with pytest.raises(NotFound):
            await service.get_invoice(987654321)
    finally:
        await service.aclose()


# --- servers that are not there or not ours -----------------------------------------------------


async def test_connection_refused_names_the_url():
    url = f"http://127.0.0.1:{_free_port()}"
    service = RemoteService(url, "token")
    try:
        with pytest.raises(ServiceUnavailable) as caught:
            await service.list_invoices(InvoiceQuery())
    finally:
        await service.aclose()
    message = str(caught.value)
    assert message.startswith(f"cannot reach {url}: connection refused")
    assert "hostui-server" in message
    with pytest.raises(ServiceUnavailable, match="connection refused"):
        await login(url, "demo", "demo")


async def test_unknown_host_is_unavailable():
    with pytest.raises(ServiceUnavailable, match=r"cannot reach http://no-such-host\.invalid"):
        await login("http://no-such-host.invalid", "demo", "demo", timeout=5)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


async def test_no_answer_is_a_timeout(silent_server):
    service = RemoteService(silent_server, "token", timeout=0.3)
    try:
        with pytest.raises(ServiceUnavailable) as caught:
            await service.account()
    finally:
        await service.aclose()
    assert str(caught.value).startswith(f"cannot reach {silent_server}: no answer within 0.3 s")


class _Canned(BaseHTTPRequestHandler):
    """Answers every request with the status, type and body its path asks for."""

    ANSWERS = {
        "html": (200, "text/html", b"<html>captive portal</html>"),
        "proxy": (502, "text/html", b"<html>Bad Gateway</html>"),
        "json-not-ours": (200, "application/json", b'{"hello": "world"}'),
        "error-not-ours": (404, "application/json", b'{"detail": "Not Found"}'),
        "garbage": (200, "application/json", b"{not json"),
        "unknown-code": (418, "application/json", b'{"error": "teapot", "detail": "I am a teapot"}'),
    }

    def _answer(self) -> None:
        kind = self.server.kind  # type: ignore[attr-defined]
        status, media_type, body = self.ANSWERS[kind]
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def canned_server():  # noqa: ANN201
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Canned)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def answering(kind: str) -> str:
        server.kind = kind  # type: ignore[attr-defined]
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield answering
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("kind", ["html", "proxy", "json-not-ours", "error-not-ours", "garbage"])
async def test_an_answer_that_is_not_the_contract_is_unavailable(canned_server, kind):
    url = canned_server(kind)
    service = RemoteService(url, "token")
    try:
        with pytest.raises(ServiceUnavailable) as caught:
            await service.account()
        assert url in str(caught.value)
        with pytest.raises(ServiceUnavailable):
            await service.payment_methods()
        with pytest.raises(ServiceUnavailable):
            await login(url, "demo", "demo")
    finally:
        await service.aclose()


async def test_an_unknown_error_code_is_still_a_service_error(canned_server):
    from backend.contract import ServiceError

    service = RemoteService(canned_server("unknown-code"), "token")
    try:
        with pytest.raises(ServiceError, match="I am a teapot"):
            await service.account()
    finally:
        await service.aclose()


# --- documents ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["invoice-NH-000123.pdf", "Rechnung März 2025.pdf", 'odd "quoted" name.csv'])
def test_filenames_survive_content_disposition(name):
    import httpx

    from backend.api.routes_invoices import content_disposition

    response = httpx.Response(200, headers={"content-disposition": content_disposition(name)})
    assert _filename(response, "fallback") == name


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('attachment; filename="plain.pdf"', "plain.pdf"),
        ("attachment; filename=bare.csv", "bare.csv"),
        ("attachment", "fallback"),
        ("", "fallback"),
    ],
)
def test_filename_from_other_servers(header, expected):
    import httpx

    assert _filename(httpx.Response(200, headers={"content-disposition": header}), "fallback") == expected
