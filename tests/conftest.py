"""Shared fixtures: a seeded portal on SQLite and PostgreSQL, a live HTTP server, services.

Everything here is real: real databases, the real FastAPI app under uvicorn, real HTTP.

Fixtures (all function-scoped unless noted; a test module may override any of them by name):

``portal``
    A ``Portal`` on a fresh database holding the demo data (``seed_demo`` with
    ``DemoSize(traffic_days=1)``), with its own ``secret.key`` in ``tmp_path`` and the fixed
    clock ``DEMO_NOW``. Parametrized ``["sqlite", "postgres"]``; the PostgreSQL half is
    skipped unless ``HOSTUI_TEST_POSTGRES_URL`` is set, and carries the ``postgres`` mark.
    Seeding runs once per session and database kind; each test gets a copy (a file copy on
    SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL), so tests never share state.
    ``portal.settings.public_url`` is ``server_url``, so pay links and checkout URLs point at
    ``live_server`` when a test starts one. The demo passwords are re-hashed with tiny Argon2
    costs, so logging in stays real but takes a millisecond.
``sqlite_portal``
    The same, SQLite only (no parametrization) — for tests that need just one backend. A
    module can make everything SQLite-only with
    ``@pytest.fixture`` ``def portal(sqlite_portal): return sqlite_portal``.
``postgres_url``
    The URL of a fresh, empty PostgreSQL database, dropped after the test (skips when
    ``HOSTUI_TEST_POSTGRES_URL`` is unset).
``server_url``
    ``http://127.0.0.1:<port>``: where ``live_server`` listens.
``live_server``
    Serves ``create_app(portal)`` over real HTTP (uvicorn in a background thread) and yields
    its base URL once ``/healthz`` answers. One uvicorn server runs per session; each test
    installs its own app in it and removes it at teardown (so requests after the test get 503).
``demo_customer_id`` / ``acme_customer_id``
    Customer ids of the demo logins "demo" (password "demo") and "acme" (password "acme").
``demo_token`` / ``acme_token``
    Bearer tokens from logging in over HTTP against ``live_server``.
``service_kind``
    Parametrized ``["local", "remote"]``.
``service`` / ``other_service``
    A ``PortalService`` for customer "demo" / "acme": ``LocalService(portal, id)`` or a
    ``RemoteService`` logged in over HTTP against ``live_server``. Tests written against
    ``service`` run against both implementations (and, through ``portal``, both databases).
``make_invoice``
    ``make_invoice(customer_id, total="119.00", *, status="unpaid", currency="EUR",
    method=None, due_at=None, order_id=None, period=None) -> invoice id``: adds an invoice to
    ``portal`` (for amounts or states the demo data lacks, e.g. more than the balance).
``make_order``
    ``make_order(customer_id, *, status="active", items=()) -> order id``: adds a monthly order
    paid up to ten days after the clock, with no invoice of its own; ``items`` are
    (description, quantity, unit price in minor units, recurring) tuples.

PostgreSQL helpers for other fixtures: ``postgres_base_url()``, ``create_postgres_database``,
``drop_postgres_database``.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from backend.portal import Portal, open_portal
from backend.settings import Settings

POSTGRES_ENV = "HOSTUI_TEST_POSTGRES_URL"
POSTGRES_COPIES_AHEAD = 2  # seeded databases prepared in the background for the next tests
DEMO_LOGIN, DEMO_PASSWORD = "demo", "demo"
ACME_LOGIN, ACME_PASSWORD = "acme", "acme"


def _demo_now():  # noqa: ANN202
    from backend.demo import DEMO_NOW

    return DEMO_NOW


def _clock():  # noqa: ANN202
    now = _demo_now()
    return lambda: now


# --- PostgreSQL ---------------------------------------------------------------------------


def postgres_base_url() -> str | None:
    """``HOSTUI_TEST_POSTGRES_URL`` (a role with CREATEDB), or None when PostgreSQL tests are off."""
    return os.environ.get(POSTGRES_ENV) or None


def _admin_dsn(base: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)


def _database_url(base: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(base).set(database=name).render_as_string(hide_password=False)


def create_postgres_database(base: str, *, template: str | None = None, prefix: str = "hostui_test") -> str:
    """Create a database with a random name (optionally copied from ``template``); its URL."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    statement = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
    with psycopg.connect(_admin_dsn(base), autocommit=True) as connection:
        connection.execute(statement)
    return _database_url(base, name)


def drop_postgres_database(base: str, url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    with psycopg.connect(_admin_dsn(base), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test, dropped afterwards."""
    base = postgres_base_url()
    if base is None:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    url = create_postgres_database(base)
    try:
        yield url
    finally:
        drop_postgres_database(base, url)


# --- seeded templates ----------------------------------------------------------------------


def _cheapen_password_hashes(portal: Portal) -> None:
    """Re-hash the demo passwords with tiny Argon2 costs.

    Logins stay real (the same Argon2 verification, over HTTP), but take about a millisecond
    instead of a fifth of a second, which the many remote tests would otherwise pay each.
    """
    from argon2 import PasswordHasher
    from sqlmodel import select

    from backend.db import write_session
    from backend.models import Customer

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with write_session(portal.engine) as session:
        for login, password in ((DEMO_LOGIN, DEMO_PASSWORD), (ACME_LOGIN, ACME_PASSWORD)):
            customer = session.exec(select(Customer).where(Customer.login == login)).one()
            customer.password_hash = cheap.hash(password)


@dataclass
class _Templates:
    """Seeded databases made once per session, copied for each test."""

    directory: Path
    sqlite_file: Path | None = None
    postgres_name: str | None = None
    postgres_base: str | None = None
    postgres_worker: ThreadPoolExecutor | None = None
    postgres_ahead: deque = field(default_factory=deque)
    postgres_drops: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def secret_key(self) -> Path:
        return self.directory / "secret.key"

    def _seed(self, database_url: str) -> None:
        from backend.demo import DemoSize, seed_demo

        portal = open_portal(
            Settings(database_url=database_url, secret_key_file=self.secret_key, public_url="http://127.0.0.1:1"),
            clock=_clock(),
        )
        try:
            seed_demo(portal, DemoSize(traffic_days=1))
            _cheapen_password_hashes(portal)
        finally:
            portal.dispose()

    def sqlite_copy(self, target_dir: Path) -> str:
        with self.lock:
            if self.sqlite_file is None:
                path = self.directory / "seeded.sqlite3"
                self._seed(f"sqlite:///{path}")
                self.sqlite_file = path
        target = target_dir / "portal.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.sqlite_file}{suffix}")
            if source.exists():
                shutil.copyfile(source, Path(f"{target}{suffix}"))
        return f"sqlite:///{target}"

    def postgres_copy(self, base: str) -> str:
        """A fresh copy of the seeded PostgreSQL template; give it back with postgres_release.

        CREATE DATABASE waits on disk syncs for a few tenths of a second, so copies are made
        ahead in a background thread while the tests run, and dropped there afterwards.
        """
        from sqlalchemy.engine import make_url

        with self.lock:
            if self.postgres_name is None:
                url = create_postgres_database(base, prefix="hostui_template")
                try:
                    self._seed(url)
                except BaseException:
                    drop_postgres_database(base, url)
                    raise
                self.postgres_name = make_url(url).database
                self.postgres_base = base
                self.postgres_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-copies")
                self.postgres_ahead = deque()
            while len(self.postgres_ahead) < 1 + POSTGRES_COPIES_AHEAD:
                self.postgres_ahead.append(
                    self.postgres_worker.submit(create_postgres_database, base, template=self.postgres_name)
                )
            future = self.postgres_ahead.popleft()
        return future.result()

    def postgres_release(self, base: str, url: str) -> None:
        with self.lock:
            if self.postgres_worker is not None:
                self.postgres_drops.append(self.postgres_worker.submit(drop_postgres_database, base, url))
                return
        drop_postgres_database(base, url)

    def cleanup(self) -> None:
        if self.postgres_worker is not None:
            for future in self.postgres_ahead:
                try:
                    url = future.result()
                except Exception:  # noqa: BLE001 - nothing was created
                    continue
                self.postgres_drops.append(
                    self.postgres_worker.submit(drop_postgres_database, self.postgres_base, url)
                )
            self.postgres_worker.shutdown(wait=True)
            failed = [f.exception() for f in self.postgres_drops if f.exception() is not None]
            if failed:
                import warnings

                warnings.warn(f"{len(failed)} test databases were not dropped: {failed[0]}", stacklevel=1)
        if self.postgres_name is not None and self.postgres_base is not None:
            drop_postgres_database(self.postgres_base, _database_url(self.postgres_base, self.postgres_name))


@pytest.fixture(scope="session")
def _seeded_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Templates]:
    templates = _Templates(directory=tmp_path_factory.mktemp("seeded"))
    yield templates
    templates.cleanup()


# --- the portal ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _open_seeded(kind: str, tmp_path: Path, templates: _Templates, public_url: str) -> Iterator[Portal]:
    if kind == "postgres":
        base = postgres_base_url()
        if base is None:
            pytest.skip(f"{POSTGRES_ENV} is not set")
        database_url = templates.postgres_copy(base)
    else:
        base = None
        database_url = templates.sqlite_copy(tmp_path)
    secret_key = tmp_path / "secret.key"
    shutil.copyfile(templates.secret_key, secret_key)
    try:
        portal = open_portal(
            Settings(database_url=database_url, secret_key_file=secret_key, public_url=public_url),
            clock=_clock(),
        )
        try:
            yield portal
        finally:
            portal.dispose()
    finally:
        if base is not None:
            templates.postgres_release(base, database_url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def portal(request, tmp_path, _seeded_templates, server_url) -> Iterator[Portal]:  # noqa: ANN001
    """The seeded demo portal, on SQLite and on PostgreSQL (see the module docstring)."""
    yield from _open_seeded(request.param, tmp_path, _seeded_templates, server_url)


@pytest.fixture
def sqlite_portal(tmp_path, _seeded_templates, server_url) -> Iterator[Portal]:  # noqa: ANN001
    """The seeded demo portal on SQLite only."""
    yield from _open_seeded("sqlite", tmp_path, _seeded_templates, server_url)


@pytest.fixture
def demo_customer_id(portal: Portal) -> int:
    from backend.domain.accounts import customer_id_for_login

    return customer_id_for_login(portal, DEMO_LOGIN)


@pytest.fixture
def acme_customer_id(portal: Portal) -> int:
    from backend.domain.accounts import customer_id_for_login

    return customer_id_for_login(portal, ACME_LOGIN)


# --- the HTTP server -------------------------------------------------------------------------


class _SwappableApp:
    """An ASGI app that forwards to whichever app the current test installed.

    One uvicorn server runs for the whole session (starting and stopping one per test cost
    half a second each); every test that asks for ``live_server`` installs a fresh
    ``create_app(portal)`` for its own portal and removes it afterwards.
    """

    def __init__(self) -> None:
        self.app = None

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        app = self.app
        if app is None:
            if scope["type"] != "http":
                return
            body = b'{"error": "unavailable", "detail": "no test is using the live server"}'
            await send({"type": "http.response.start", "status": 503,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)


class LiveServer:
    """uvicorn on 127.0.0.1 in a background thread, serving a ``_SwappableApp``."""

    def __init__(self) -> None:
        import uvicorn

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = _SwappableApp()
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off",
            # As hostui-server runs it: the app alone decides whom X-Forwarded-For is believed from.
            proxy_headers=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name=f"uvicorn:{self.port}", daemon=True)

    def start(self, timeout: float = 15.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the test server on {self.url} did not start")
            time.sleep(0.01)

    def wait_healthy(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the test server on {self.url} did not answer /healthz")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def _live_server_process() -> Iterator[LiveServer]:
    server = LiveServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def server_url(_live_server_process: LiveServer) -> str:
    """Where ``live_server`` listens (and what the portal's pay links start with)."""
    return _live_server_process.url


@pytest.fixture
def live_server(portal: Portal, _live_server_process: LiveServer) -> Iterator[str]:
    """The base URL of a running hostui-server (``create_app(portal)``), once /healthz answers."""
    from backend.api.app import create_app

    _live_server_process.app.app = create_app(portal)
    try:
        _live_server_process.wait_healthy()
        yield _live_server_process.url
    finally:
        _live_server_process.app.app = None


def http_login(base_url: str, login: str, password: str) -> str:
    response = httpx.post(f"{base_url}/api/v1/auth/login", json={"login": login, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["token"]


@pytest.fixture
def demo_token(live_server: str) -> str:
    return http_login(live_server, DEMO_LOGIN, DEMO_PASSWORD)


@pytest.fixture
def acme_token(live_server: str) -> str:
    return http_login(live_server, ACME_LOGIN, ACME_PASSWORD)


# --- services -------------------------------------------------------------------------------


@pytest.fixture(params=["local", "remote"])
def service_kind(request) -> str:  # noqa: ANN001
    return request.param


@pytest.fixture
def _service_server(request, service_kind: str) -> str | None:  # noqa: ANN001
    """The live server's URL when the services are remote; no server for local ones."""
    return request.getfixturevalue("live_server") if service_kind == "remote" else None


async def _service_for(portal: Portal, base_url: str | None, login: str, password: str):  # noqa: ANN202
    if base_url is None:
        from backend.domain.accounts import customer_id_for_login
        from hostui.services.local import LocalService

        return LocalService(portal, customer_id_for_login(portal, login))
    from hostui.services.remote import RemoteService

    return await RemoteService.logged_in(base_url, login, password)


@pytest_asyncio.fixture
async def service(portal: Portal, _service_server: str | None):  # noqa: ANN201
    """The PortalService of customer "demo": LocalService or RemoteService (see above)."""
    service = await _service_for(portal, _service_server, DEMO_LOGIN, DEMO_PASSWORD)
    yield service
    if _service_server is not None:
        await service.aclose()


@pytest_asyncio.fixture
async def other_service(portal: Portal, _service_server: str | None):  # noqa: ANN201
    """The PortalService of customer "acme", of the same kind as ``service``."""
    service = await _service_for(portal, _service_server, ACME_LOGIN, ACME_PASSWORD)
    yield service
    if _service_server is not None:
        await service.aclose()


# --- test data ------------------------------------------------------------------------------


@pytest.fixture
def make_invoice(portal: Portal):  # noqa: ANN201
    """A function adding an invoice to ``portal``; returns its id.

    ``make_invoice(customer_id, total="119.00", *, status="unpaid", currency="EUR",
    method=None, due_at=None, order_id=None, period=None)`` — one line, 19 % tax included in
    ``total``, issued at ``DEMO_NOW``, with a unique number ``T-<hex>``. ``method`` binds it to
    a payment method code; ``due_at`` defaults to the usual due days after issue; ``order_id``
    and ``period`` (start, end) make it bill an order's period.
    """
    from datetime import timedelta
    from decimal import Decimal

    from sqlmodel import select

    from backend.db import write_session
    from backend.models import Invoice, InvoiceLine, PaymentMethod
    from backend.money import to_minor

    def make(
        customer_id: int,
        total: str | Decimal = "119.00",
        *,
        status: str = "unpaid",
        currency: str = "EUR",
        method: str | None = None,
        due_at=None,  # noqa: ANN001
        order_id: int | None = None,
        period=None,  # noqa: ANN001
    ) -> int:
        now = portal.now()
        total_minor = to_minor(Decimal(total), currency)
        net_minor = round(total_minor * 100 / 119)
        with write_session(portal.engine) as session:
            method_id = None
            if method is not None:
                method_id = session.exec(select(PaymentMethod.id).where(PaymentMethod.code == method)).one()
            invoice = Invoice(
                customer_id=customer_id,
                number=f"T-{uuid.uuid4().hex[:12].upper()}",
                status=status,
                currency=currency,
                net_minor=net_minor,
                tax_rate_bp=1900,
                tax_minor=total_minor - net_minor,
                total_minor=total_minor,
                issued_at=now,
                due_at=due_at or now + timedelta(days=portal.settings.invoice_due_days),
                order_id=order_id,
                period_start=period[0] if period else None,
                period_end=period[1] if period else None,
                payment_method_id=method_id,
                paid_at=now if status == "paid" else None,
                deleted_at=now if status == "deleted" else None,
            )
            session.add(invoice)
            session.flush()
            session.add(
                InvoiceLine(
                    invoice_id=invoice.id, position=1, description="Test service", quantity=1,
                    unit_price_minor=net_minor, amount_minor=net_minor,
                )
            )
            return invoice.id

    return make


@pytest.fixture
def make_order(portal: Portal):  # noqa: ANN201
    """A function adding a monthly order to ``portal``; returns its id (see the module docstring)."""
    from datetime import timedelta

    from sqlmodel import select

    from backend.db import write_session
    from backend.models import OrderItem, ServiceOrder, Tariff

    def make(customer_id: int, *, status: str = "active", items=()) -> int:  # noqa: ANN001
        now = portal.now()
        with write_session(portal.engine) as session:
            tariff = session.exec(select(Tariff).order_by(Tariff.id)).first()
            order = ServiceOrder(
                customer_id=customer_id,
                number=f"T-{uuid.uuid4().hex[:12].upper()}",
                tariff_id=tariff.id,
                price_minor=tariff.price_minor,
                currency=tariff.currency,
                billing_period_months=1,
                period_end=now + timedelta(days=10),
                status=status,
                created_at=now - timedelta(days=30),
            )
            session.add(order)
            session.flush()
            for position, (description, quantity, unit_price_minor, recurring) in enumerate(items, start=1):
                session.add(
                    OrderItem(
                        order_id=order.id, position=position, description=description, quantity=quantity,
                        unit_price_minor=unit_price_minor, recurring=recurring,
                    )
                )
            return order.id

    return make


@pytest.fixture
def renewable_order(portal: Portal, demo_customer_id: int):  # noqa: ANN201
    """An active order of "demo" whose next billing period has no open invoice yet."""
    from sqlmodel import select

    from backend.db import read_session
    from backend.domain.billing import next_period
    from backend.models import Invoice, ServiceOrder

    with read_session(portal.engine) as session:
        orders = session.exec(
            select(ServiceOrder)
            .where(ServiceOrder.customer_id == demo_customer_id, ServiceOrder.status == "active")
            .order_by(ServiceOrder.id)
        ).all()
        for order in orders:
            open_invoice = session.exec(
                select(Invoice).where(
                    Invoice.order_id == order.id,
                    Invoice.period_start == next_period(order)[0],
                    Invoice.status == "unpaid",
                )
            ).first()
            if open_invoice is None:
                return order
    pytest.fail("the demo data has no order free to renew")
