"""The application shell: account bar, sections, command palette, start-up failures."""

from __future__ import annotations

import asyncio
import threading

from textual.widgets import Static

from backend.contract import AccountSummary, ServiceUnavailable
from hostui.app import HostUIApp, StartScreen
from hostui.config import LocalProfile, RemoteProfile
from hostui.connect import PREPARING_DEMO, LocalConnector, RemoteConnector
from hostui.credentials import TokenStore
from hostui.screens.invoices import InvoicesScreen
from hostui.screens.placeholder import PlaceholderScreen
from hostui.widgets import AccountBar
from tui_helpers import fixed_clock, screen_text, settle


async def test_shell_shows_account_name_and_balance(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InvoicesScreen)
        assert isinstance(app.account, AccountSummary)
        text = screen_text(app)
        top = text.splitlines()[0]
        assert "Invoices" in top
        assert "Jana Hoffmann" in top
        assert "Hoffmann Systemhaus GmbH" in top
        assert "Balance 250.00 EUR" in top
        # The footer lists the keys that work here, including the sections.
        assert "1234 Sections" in text
        assert "f Filter" in text


async def test_keys_1_to_4_switch_sections(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key, mode, title in (("2", "orders", "Orders"), ("3", "tickets", "Tickets"), ("4", "settings", "Settings")):
            await pilot.press(key)
            await settle(pilot)
            assert app.current_mode == mode
            assert isinstance(app.screen, PlaceholderScreen)
            text = screen_text(app)
            assert "This section is not built yet." in text
            # The account bar is on every section.
            assert text.splitlines()[0].lstrip().startswith(title)
            assert "Balance 250.00 EUR" in text
        await pilot.press("1")
        await settle(pilot)
        assert app.current_mode == "invoices"
        assert isinstance(app.screen, InvoicesScreen)
        # Coming back keeps the list (the mode's screen is kept).
        assert app.screen.table.row_count == 5


async def test_command_palette_switches_section(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"tickets")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "tickets"


async def test_refresh_account_updates_the_bar(make_app, demo_service, sqlite_portal) -> None:
    from backend.db import write_session
    from backend.models import Customer

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with write_session(sqlite_portal.engine) as session:
            customer = session.get(Customer, app.account.id)
            customer.balance_minor = -1234
        app.refresh_account()
        await settle(pilot)
        assert app.account.balance < 0
        assert "Balance -12.34 EUR" in screen_text(app)
        assert app.screen.query_one(AccountBar).query_one("#balance").has_class("-negative")


async def test_closed_port_shows_clear_error_and_app_stays_up(closed_port_url) -> None:
    from hostui.services.remote import RemoteService

    service = RemoteService(closed_port_url, "some-token", timeout=2.0)
    app = HostUIApp(service, clock=fixed_clock)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot, lambda: app.start_screen.failed)
            assert isinstance(app.screen, StartScreen)
            text = screen_text(app)
            assert "Cannot connect" in text
            assert "connection refused" in text
            assert "Traceback" not in text
            assert "r Retry" in text and "q Quit" in text
            # Section keys do nothing until connected; the app keeps running.
            await pilot.press("1", "2", "f")
            await pilot.pause()
            assert app.is_running
            assert isinstance(app.screen, StartScreen)
            # r retries (and fails the same clear way).
            await pilot.press("r")
            await settle(pilot, lambda: app.start_screen.failed)
            assert "connection refused" in screen_text(app)
            assert app.is_running
    finally:
        await service.aclose()


async def test_remote_profile_without_token_says_how_to_log_in(tmp_path, closed_port_url, monkeypatch) -> None:
    monkeypatch.delenv("HOSTUI_TOKEN", raising=False)
    from keyring.backends import fail

    connector = RemoteConnector(
        "work",
        RemoteProfile(url=closed_port_url, login="jana"),
        tokens=TokenStore(tmp_path, backend=fail.Keyring()),
    )
    app = HostUIApp(connector=connector, clock=fixed_clock)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, lambda: app.start_screen.failed)
        message = app.start_screen.message
        assert "Not logged in" in message
        assert f"hostui login {closed_port_url} --profile work --user jana" in message
        assert app.is_running


async def test_expired_token_at_start_says_log_in_again(tmp_path, live_server, monkeypatch) -> None:
    """A token the server does not accept (expired, revoked) → AuthenticationFailed → advice."""
    monkeypatch.setenv("HOSTUI_TOKEN", "not-a-valid-token")
    connector = RemoteConnector(
        "work", RemoteProfile(url=live_server, login="demo"), tokens=TokenStore(tmp_path, backend=None)
    )
    app = HostUIApp(connector=connector, clock=fixed_clock)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, lambda: app.start_screen.failed)
        message = app.start_screen.message
        assert "Not logged in" in message
        assert "log in again" in message.lower()
        assert f"hostui login {live_server} --profile work --user demo" in message
        assert app.is_running


async def test_remote_profile_with_token_shows_invoices(tmp_path, live_server, demo_token, monkeypatch) -> None:
    monkeypatch.setenv("HOSTUI_TOKEN", demo_token)
    connector = RemoteConnector(
        "work", RemoteProfile(url=live_server, login="demo"), tokens=TokenStore(tmp_path, backend=None)
    )
    app = HostUIApp(connector=connector, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InvoicesScreen)
        assert app.screen.table.row_count == 5
        assert "Jana Hoffmann" in screen_text(app)


class _FailingService:
    """Wraps a service; list_invoices fails like a server that went away."""

    def __init__(self, inner) -> None:  # noqa: ANN001
        self._inner = inner

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._inner, name)

    async def list_invoices(self, query):  # noqa: ANN001, ANN201
        raise ServiceUnavailable("cannot reach http://portal.example: connection refused — is hostui-server running?")


async def test_service_error_in_a_worker_is_a_notification(make_app, demo_service) -> None:
    app = make_app(_FailingService(demo_service))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.is_running
        messages = [notification.message for notification in app._notifications]
        assert any("cannot reach http://portal.example" in message for message in messages)
        assert "Could not load unpaid invoices" in screen_text(app)
        await pilot.press("f")
        await settle(pilot)
        assert app.is_running


async def test_local_first_start_shows_preparing_state(tmp_path, monkeypatch) -> None:
    """On first start the demo database is seeded in a worker behind a loading message."""
    monkeypatch.setenv("HOSTUI_DATA_DIR", str(tmp_path / "data"))
    release = threading.Event()

    def slow_seed(portal) -> None:  # noqa: ANN001
        from backend.demo import DemoSize, ensure_demo

        assert release.wait(10)
        ensure_demo(portal, DemoSize(traffic_days=1), now=portal.now())

    monkeypatch.setattr(LocalConnector, "_seed", staticmethod(slow_seed))
    database = tmp_path / "data" / "portal.sqlite3"
    connector = LocalConnector(
        "local", LocalProfile(database=f"sqlite:///{database}", login="demo", seed_demo=True), clock=fixed_clock
    )
    app = HostUIApp(connector=connector, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if PREPARING_DEMO in app.start_screen.message:
                break
        assert isinstance(app.screen, StartScreen)
        text = screen_text(app)
        assert "Preparing the demo database" in text
        assert "Retry" not in text  # nothing to retry while it is still working
        assert "1234 Sections" not in text  # no sections before there is a service
        release.set()
        await settle(pilot, lambda: isinstance(app.screen, InvoicesScreen), timeout=60)
        assert app.screen.table.row_count == 5
    assert database.exists()


async def test_local_profile_with_unknown_login_explains(tmp_path, sqlite_portal, monkeypatch) -> None:
    monkeypatch.setenv("HOSTUI_DATA_DIR", str(tmp_path / "data"))
    connector = LocalConnector(
        "local", LocalProfile(database=sqlite_portal.settings.database_url, login="nobody"), clock=fixed_clock
    )
    app = HostUIApp(connector=connector, clock=fixed_clock)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, lambda: app.start_screen.failed)
        message = app.start_screen.message
        assert "no customer with login 'nobody'" in message
        assert "seed_demo" in message
        assert app.start_screen.query_one("#error", Static).display


async def test_slow_start_does_not_block_the_event_loop(make_app, demo_service) -> None:
    """Construction is cheap and connecting happens in a worker: the app paints at once."""

    class SlowAccount:
        def __init__(self, inner) -> None:  # noqa: ANN001
            self._inner = inner
            self.release = asyncio.Event()

        def __getattr__(self, name: str):  # noqa: ANN204
            return getattr(self._inner, name)

        async def account(self):  # noqa: ANN201
            await self.release.wait()
            return await self._inner.account()

    service = SlowAccount(demo_service)
    app = make_app(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.1)
        assert isinstance(app.screen, StartScreen)
        assert "Connecting" in screen_text(app)
        service.release.set()
        await settle(pilot, lambda: isinstance(app.screen, InvoicesScreen))
