"""The application shell: section header, sections, command palette, start-up failures,
remote sessions."""

from __future__ import annotations

import asyncio
import gc
import threading

import httpx
from textual.color import Color
from textual.widgets import LoadingIndicator, Static

from backend.contract import AccountSummary, AuthenticationFailed, InvoiceFilter, ServiceUnavailable
from hostui.app import HostUIApp, StartScreen
from hostui.config import LocalProfile, RemoteProfile
from hostui.connect import PREPARING_DEMO, LocalConnector, RemoteConnector
from hostui.credentials import TokenStore
from hostui.frame.section import SECTIONS
from hostui.screens.invoices import InvoicesScreen
from hostui.widgets.formatting import money
from hostui.widgets.section_header import SectionHeader
from tui_helpers import count, fixed_clock, key_bar_text, notifications, screen_text, settle, wait_for


def _tabs_line(app) -> str:  # noqa: ANN001
    """The sections as the header shows them; Tickets carries the unread count when there is one."""
    labels = []
    for section in SECTIONS:
        news = app.section_news(section.mode)
        labels.append(f"{section.key} {section.title}" + (f" ({news})" if news else ""))
    return "  ".join(labels)


async def test_shell_shows_where_who_and_the_balance(make_app, demo_service) -> None:
    account = await demo_service.account()
    app = make_app()
    async with app.run_test(size=(140, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InvoicesScreen)
        assert isinstance(app.account, AccountSummary)
        top = screen_text(app).splitlines()[0]
        assert _tabs_line(app) in top
        assert "in-process" in top
        assert account.login in top
        assert (account.company or account.name) in top
        assert f"Balance {money(account.balance, account.currency)}" in top
        header = app.screen.query_one(SectionHeader)
        assert header.current == "invoices"
        assert header.query_one("#balance").has_class("-negative") is (account.balance < 0)
        # The footer lists the keys that work here; the sections are the header's tabs.
        keys = key_bar_text(app)
        for expected in ("fF Filter", "/ Search", "? Help", "q Quit", "p Pay"):
            assert expected in keys


async def test_keys_1_to_4_switch_sections(make_app, demo_service) -> None:
    unpaid = await count(demo_service, InvoiceFilter.UNPAID)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for section in SECTIONS[1:]:
            await pilot.press(section.key)
            await settle(pilot)
            assert app.current_mode == section.mode
            assert app.screen.query_one(SectionHeader).current == section.mode
            text = screen_text(app)
            assert "not built yet" not in text  # every section is there
            # The header is on every section.
            assert _tabs_line(app) in text.splitlines()[0]
            assert "Balance " in text.splitlines()[0]
        await pilot.press("1")
        await settle(pilot)
        assert app.current_mode == "invoices"
        assert isinstance(app.screen, InvoicesScreen)
        # Coming back keeps the list (the mode's screen is kept).
        assert app.screen.table.row_count == min(unpaid, app.page_size)


async def test_a_section_shown_the_first_time_is_styled_without_parsing_the_css_again(make_app) -> None:
    """Textual re-parsed every stylesheet twice for each section's first visit (SectionScreen
    says it is styled by the CSS of the moment it is made); a theme changed in between still
    restyles a section made before it."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        stylesheet = app.stylesheet
        reparse, reparsed = stylesheet.reparse, []

        def counted() -> None:
            reparsed.append(app.current_mode)
            reparse()

        stylesheet.reparse = counted  # type: ignore[method-assign]
        await pilot.press("2")
        await settle(pilot, lambda: app.current_mode == "orders")
        assert reparsed == []
        dark = app.current_theme.background
        app.theme = "textual-light"
        await settle(pilot)
        assert reparsed  # the theme, and only the theme
        assert app.current_theme.background != dark
        for key, mode in (("3", "tickets"), ("1", "invoices")):  # made after the change, and before it
            await pilot.press(key)
            await settle(pilot, lambda mode=mode: app.current_mode == mode)
            assert app.screen.styles.background == Color.parse(app.current_theme.background), mode


async def test_q_quits_from_a_section(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app._exit  # noqa: SLF001 - Textual's own flag: exit was asked for
    assert app.return_code == 0


async def test_ctrl_q_quits_from_a_dialog(make_app) -> None:
    from hostui.screens.invoices.payment import PaymentMethodScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PaymentMethodScreen)
        await pilot.press("q")  # a plain q in a dialog is not quit
        await pilot.pause()
        assert not app._exit  # noqa: SLF001
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app._exit  # noqa: SLF001
    assert app.return_code == 0


async def test_command_palette_switches_section(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"tickets")
        await settle(pilot, lambda: app.screen.query("CommandList").first().option_count > 0)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "tickets"


async def test_refresh_account_updates_the_header(make_app, sqlite_portal) -> None:
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
        assert f"Balance {money(app.account.balance, app.account.currency)}" in screen_text(app)
        assert app.screen.query_one(SectionHeader).query_one("#balance").has_class("-negative")


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
            assert "r Retry" in key_bar_text(app) and "q Quit" in key_bar_text(app)
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


async def test_remote_profile_with_token_shows_invoices(tmp_path, live_server, demo_token, demo_service, monkeypatch) -> None:
    monkeypatch.setenv("HOSTUI_TOKEN", demo_token)
    unpaid = await count(demo_service, InvoiceFilter.UNPAID)
    account = await demo_service.account()
    connector = RemoteConnector(
        "work", RemoteProfile(url=live_server, login="demo"), tokens=TokenStore(tmp_path, backend=None)
    )
    app = HostUIApp(connector=connector, clock=fixed_clock)
    async with app.run_test(size=(140, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InvoicesScreen)
        assert app.screen.table.row_count == min(unpaid, app.page_size)
        top = screen_text(app).splitlines()[0]
        assert f"work@{live_server.split('://')[1]}" in top  # where: the profile and the server
        assert (account.company or account.name) in top


# --- remote sessions: a new login in another shell is picked up ---------------------------------


def _revoke(base_url: str, token: str) -> None:
    response = httpx.post(f"{base_url}/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 204, response.text
    assert httpx.get(f"{base_url}/api/v1/account", headers={"Authorization": f"Bearer {token}"}).status_code == 401


async def _http_login(base_url: str) -> str:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{base_url}/api/v1/auth/login", json={"login": "demo", "password": "demo"})
    assert response.status_code == 200, response.text
    return response.json()["token"]


async def test_a_new_login_is_picked_up_by_the_next_reload(tmp_path, live_server, demo_token, monkeypatch) -> None:
    """The token is revoked while the TUI runs: a reload fails once with the login advice; after
    `hostui login` stores a new token (here: straight into the token file), the next reload
    works, without restarting."""
    monkeypatch.delenv("HOSTUI_TOKEN", raising=False)
    tokens = TokenStore(tmp_path, backend=None)  # no keyring: the private token file
    tokens.save("work", "demo", demo_token)
    connector = RemoteConnector("work", RemoteProfile(url=live_server, login="demo"), tokens=tokens)
    app = HostUIApp(connector=connector, clock=fixed_clock)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InvoicesScreen)
        shown = screen.page.total
        await asyncio.to_thread(_revoke, live_server, demo_token)

        await pilot.press("ctrl+r")
        await settle(pilot)
        errors = notifications(app, "error")
        assert len(errors) == 1, errors  # the list and the balance both failed: one toast
        assert "hostui login" in errors[0] and "--profile work" in errors[0]
        assert "ctrl+r reloads" not in errors[0]  # retrying the same token cannot help
        assert "Could not load unpaid invoices" in screen_text(app)

        new_token = await _http_login(live_server)
        assert new_token != demo_token
        await asyncio.to_thread(tokens.save, "work", "demo", new_token)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.page is not None and screen.page.total == shown
        assert screen.selected() is not None
        assert "Could not load" not in screen_text(app), screen_text(app)
        assert app.service.token == new_token
        assert len(notifications(app, "error")) == 1  # nothing new went wrong
        assert app.is_running


async def test_a_revoked_token_at_start_is_replaced_by_logging_in_again(tmp_path, live_server, demo_token, monkeypatch) -> None:
    monkeypatch.delenv("HOSTUI_TOKEN", raising=False)
    await asyncio.to_thread(_revoke, live_server, demo_token)
    tokens = TokenStore(tmp_path, backend=None)
    tokens.save("work", "demo", demo_token)
    connector = RemoteConnector("work", RemoteProfile(url=live_server, login="demo"), tokens=tokens)
    app = HostUIApp(connector=connector, clock=fixed_clock)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, lambda: app.start_screen.failed)
        assert "Not logged in" in app.start_screen.message
        await asyncio.to_thread(tokens.save, "work", "demo", await _http_login(live_server))
        await pilot.press("r")
        await settle(pilot, lambda: isinstance(app.screen, InvoicesScreen))
        assert app.screen.selected() is not None


# --- failures while running ----------------------------------------------------------------------


async def test_service_error_in_a_worker_is_one_toast_with_a_retry_hint(make_app, faulty_service) -> None:
    faulty_service.fail(
        "list_invoices",
        ServiceUnavailable("cannot reach http://portal.example: connection refused — is hostui-server running?"),
    )
    app = make_app(faulty_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.is_running
        errors = notifications(app, "error")
        assert len(errors) == 1, errors
        assert "Cannot reach http://portal.example" in errors[0]
        assert errors[0].endswith("ctrl+r reloads.")  # it may work next time: say how
        assert "Could not load unpaid invoices" in screen_text(app)
        await pilot.press("f")
        await settle(pilot)
        assert app.is_running
        assert len(notifications(app, "error")) == 1  # the same failure again: collapsed
        faulty_service.heal()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.screen.selected() is not None


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
        await wait_for(pilot, lambda: PREPARING_DEMO in app.start_screen.message)
        assert isinstance(app.screen, StartScreen)
        text = screen_text(app)
        assert "Preparing the demo database" in text
        assert "Retry" not in key_bar_text(app)  # nothing to retry while it is still working
        assert _tabs_line(app) not in text  # no sections before there is a service
        release.set()
        await settle(pilot, lambda: isinstance(app.screen, InvoicesScreen), timeout=60)
        expected = await count(app.service, InvoiceFilter.UNPAID)
        assert expected > 0
        assert app.screen.table.row_count == min(expected, app.page_size)
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
        assert "No customer with login 'nobody'" in message, message  # error_line capitalises
        assert "seed_demo" in message
        assert app.start_screen.query_one("#error", Static).display


async def test_a_local_profile_runs_the_server_jobs_once_its_first_screen_is_up(
    tmp_path, sqlite_portal, monkeypatch
) -> None:
    """No server runs a local profile's jobs, so hostui does; their runner starts with the
    warm-up after the first page, not on the way to it, and never after the service closed."""
    monkeypatch.setenv("HOSTUI_DATA_DIR", str(tmp_path / "data"))
    profile = LocalProfile(database=sqlite_portal.settings.database_url, login="demo")
    service = await LocalConnector("local", profile, clock=fixed_clock).connect(lambda message: None)
    try:
        assert not service.runs_jobs
        await asyncio.to_thread(service.warm_up)
        assert service.runs_jobs
    finally:
        await service.aclose()
    assert not service.runs_jobs
    await asyncio.to_thread(service.warm_up)
    assert not service.runs_jobs

    app = HostUIApp(connector=LocalConnector("local", profile, clock=fixed_clock), clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, InvoicesScreen))
        await wait_for(pilot, lambda: app.service.runs_jobs)


async def test_slow_start_does_not_block_the_event_loop(make_app, faulty_service, monkeypatch) -> None:
    """Construction is cheap and connecting happens in a worker: the app paints at once."""
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "full")  # so that the indicator spins
    faulty_service.hold("account")
    app = make_app(faulty_service)
    async with app.run_test(size=(80, 24)) as pilot:
        # (not settle: the connect worker is waiting on purpose)
        await wait_for(pilot, lambda: faulty_service.held == 1 and "Connecting" in screen_text(app))
        assert isinstance(app.screen, StartScreen)
        spinner = app.start_screen.query_one(LoadingIndicator)
        assert spinner.auto_refresh  # it spins while connecting
        faulty_service.release()
        await settle(pilot, lambda: isinstance(app.screen, InvoicesScreen))
        # The start screen stays in the default stack, unseen: its spinner must not go on
        # redrawing for as long as hostui runs.
        assert spinner.auto_refresh is None


async def test_a_start_that_fails_to_authenticate_in_process_says_log_in(make_app, faulty_service) -> None:
    faulty_service.fail("account", AuthenticationFailed("the session has expired"))
    app = make_app(faulty_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: app.start_screen.failed)
        assert "Not logged in" in app.start_screen.message
        assert "The session has expired" in app.start_screen.message
        assert app.start_screen.query_one(LoadingIndicator).auto_refresh is None  # hidden: not redrawn


async def test_no_animations_unless_the_user_asks_for_them(make_app, faulty_service, monkeypatch) -> None:
    """A key's effect shows at once (no sliding underline frames over SSH), and what is loading
    says so in words, drawn once; TEXTUAL_ANIMATIONS, Textual's own setting, still wins."""
    monkeypatch.delenv("TEXTUAL_ANIMATIONS", raising=False)
    faulty_service.hold("account")
    app = make_app(faulty_service)
    assert app.animation_level == "none"
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: faulty_service.held == 1)
        assert "Loading…" in screen_text(app)
        assert app.start_screen.query_one(LoadingIndicator).auto_refresh is None
        faulty_service.release()
        await settle(pilot, lambda: isinstance(app.screen, InvoicesScreen))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "full")
    assert make_app().animation_level != "none"


async def test_the_hostui_commands_app_freezes_start_up_and_turns_the_collector_on(make_app) -> None:
    """The hostui command starts with the collector off (hostui.command); its app freezes what
    start-up made once its warm-up is done and turns the collector on. An app in a shared
    process does neither."""
    gc.unfreeze()
    try:
        for owns_process in (False, True):
            gc.disable()
            app = make_app(owns_process=owns_process)
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot)
                await app._warm_up().wait()  # (it has run once already; once more, awaited)
                assert (gc.get_freeze_count() > 0) is owns_process
                assert gc.isenabled() is owns_process
    finally:
        gc.enable()
        gc.unfreeze()  # this process runs many apps: let these be collected
