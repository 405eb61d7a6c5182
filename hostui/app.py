"""HostUIApp: the application shell.

Construction is cheap: the app gets either a ready ``PortalService`` (tests inject a
``LocalService`` over a test database) or a ``Connector`` (``hostui.connect``) that builds the
service for a profile. Connecting runs in a worker behind a start screen that says what is
happening ("Preparing the demo database…") or, when it fails, what went wrong and what to do;
the app stays up either way.

Sections are Textual modes — ``invoices`` (the default), ``orders``, ``tickets``,
``settings`` — each with its own screen stack, so a dialog opened in one section stays there.
Keys 1-4 and the command palette (ctrl+p) switch between them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import LoadingIndicator, Static

from backend.contract import AccountSummary, AuthenticationFailed, PortalService, ServiceError
from hostui.connect import Connector
from hostui.screens import SECTIONS
from hostui.screens.invoices import DEFAULT_PAGE_SIZE, InvoicesScreen
from hostui.screens.placeholder import OrdersScreen, SettingsScreen, TicketsScreen
from hostui.widgets import KeyBar

__all__ = ["HostUIApp", "StartScreen"]


def _one_line(error: BaseException) -> str:
    """A user-fit line for any error: ServiceError's own message, else type and first line."""
    if isinstance(error, ServiceError):
        return str(error)
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


class StartScreen(Screen[None]):
    """What the user sees until the service is ready: progress, or a failure and what to do."""

    DEFAULT_CSS = """
    StartScreen {
        align: center middle;
    }
    StartScreen #box {
        width: 76;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: round $primary;
        border-title-color: $text;
        border-title-style: bold;
    }
    StartScreen.-failed #box {
        border: round $error;
    }
    StartScreen #progress-indicator {
        height: 1;
        margin-bottom: 1;
    }
    StartScreen.-failed #progress-indicator {
        display: none;
    }
    StartScreen #message {
        height: auto;
    }
    StartScreen #error {
        height: auto;
        color: $text-error;
        text-style: bold;
        display: none;
    }
    StartScreen #advice {
        height: auto;
        margin-top: 1;
        display: none;
    }
    StartScreen.-failed #error, StartScreen.-failed #advice {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "app.reconnect", "Retry"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield LoadingIndicator(id="progress-indicator")
            yield Static("Starting…", id="message", markup=False)
            yield Static("", id="error", markup=False)
            yield Static("", id="advice", markup=False)
        yield KeyBar()

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._state: tuple[str, str, str] = ("Starting…", "", "")
        self._failed = False
        self._ready = False

    def on_mount(self) -> None:
        self.query_one("#box").border_title = "hostui"
        self._ready = True
        self._apply()

    @property
    def failed(self) -> bool:
        return self._failed

    @property
    def message(self) -> str:
        """What the screen says (the progress line, or the failure's title, error and advice)."""
        return "\n".join(part for part in self._state if part)

    def show_progress(self, message: str) -> None:
        self._failed = False
        self._state = (message, "", "")
        self._apply()

    def show_failure(self, title: str, error: str, advice: str) -> None:
        self._failed = True
        self._state = (title, error, advice)
        self._apply()

    def _apply(self) -> None:
        if not self._ready:
            return  # on_mount applies it
        self.set_class(self._failed, "-failed")
        title, error, advice = self._state
        self.query_one("#message", Static).update(title)
        self.query_one("#error", Static).update(error)
        self.query_one("#advice", Static).update(advice)
        self.refresh_bindings()


class HostUIApp(App[None]):
    """The hostui application. Give it ``service`` (ready) or ``connector`` (to build one)."""

    TITLE = "hostui"
    CSS_PATH = "app.tcss"
    MODES: ClassVar[dict[str, str | Callable[[], Screen]]] = {
        "invoices": InvoicesScreen,
        "orders": OrdersScreen,
        "tickets": TicketsScreen,
        "settings": SettingsScreen,
    }

    account: reactive[AccountSummary | None] = reactive(None, init=False)
    """The logged-in customer's summary (the top bar follows it); None until connected."""

    def __init__(
        self,
        service: PortalService | None = None,
        *,
        connector: Connector | None = None,
        clock: Callable[[], datetime] | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        download_dir: Path | None = None,
    ) -> None:
        """``download_dir``: where save dialogs suggest saving (platformdirs' downloads if None)."""
        if (service is None) == (connector is None):
            raise TypeError("HostUIApp needs exactly one of service= or connector=")
        super().__init__()
        self._service: PortalService | None = service
        self.download_dir = download_dir
        self._connector = connector
        self._owns_service = False
        self._clock = clock
        self.invoice_page_size = page_size
        self.connected = False

    # -- the service

    @property
    def service(self) -> PortalService:
        if self._service is None:
            raise RuntimeError("not connected yet")
        return self._service

    def now(self) -> datetime:
        """The clock the screens judge dates by (overdue…): real time unless a test fixes it."""
        return self._clock() if self._clock is not None else datetime.now(timezone.utc)

    @property
    def profile_description(self) -> str:
        if self._connector is None:
            return "the portal"
        return f"profile {self._connector.profile_name!r} ({self._connector.description})"

    def get_default_screen(self) -> Screen:
        return StartScreen(id="start")

    @property
    def start_screen(self) -> StartScreen:
        return self._start_screen()

    def _start_screen(self) -> StartScreen:
        for screen in self._screen_stacks.get("_default", []):
            if isinstance(screen, StartScreen):
                return screen
        raise LookupError("no start screen")

    def on_mount(self) -> None:
        self.connect()

    def action_reconnect(self) -> None:
        if not self.connected:
            self.connect()

    @work(exclusive=True, group="connect")
    async def connect(self) -> None:
        """Build the service (if not given), fetch the account, then show the Invoices."""
        start = self._start_screen()
        start.show_progress(f"Connecting to {self.profile_description}…")
        service = self._service
        try:
            if service is None:
                assert self._connector is not None
                service = await self._connector.connect(start.show_progress)
                self._owns_service = True
            account = await service.account()
        except Exception as error:  # noqa: BLE001 - shown on the start screen, never a traceback
            if service is not None and self._owns_service:
                try:
                    await service.aclose()
                except Exception:  # noqa: BLE001
                    pass
                self._owns_service = False
            self._show_connect_failure(error)
            return
        self._service = service
        self.account = account
        self.connected = True
        await self.switch_mode("invoices")
        self.refresh_bindings()

    def _show_connect_failure(self, error: BaseException) -> None:
        if isinstance(error, AuthenticationFailed):
            title = f"Not logged in to {self.profile_description}"
        else:
            title = f"Cannot connect to {self.profile_description}"
        if self._connector is not None:
            advice = self._connector.advice(error)
        elif isinstance(error, AuthenticationFailed):
            advice = "Log in again:  hostui login URL --profile NAME"
        else:
            advice = "Press r to retry, q to quit."
        self._start_screen().show_failure(title, _one_line(error), advice)

    async def on_unmount(self) -> None:
        if self._owns_service and self._service is not None:
            try:
                await self._service.aclose()
            except Exception:  # noqa: BLE001 - closing on the way out must not fail the exit
                pass

    # -- errors from workers

    def report_error(self, error: BaseException) -> None:
        """Tell the user about a failed call: a notification, never a traceback."""
        message = _one_line(error)
        if isinstance(error, AuthenticationFailed) and self._connector is not None:
            message = f"{message}\n{self._connector.advice(error)}"
        if not isinstance(error, ServiceError):
            self.log.error(repr(error))
            message = f"Unexpected error: {message}"
        self.notify(message, title="Error", severity="error", timeout=8, markup=False)

    # -- account

    @work(exclusive=True, group="account")
    async def refresh_account(self) -> None:
        """Fetch the account summary again; the top bar of every section updates."""
        if self._service is None:
            return
        try:
            self.account = await self._service.account()
        except Exception as error:  # noqa: BLE001
            self.report_error(error)

    # -- sections

    def action_section(self, mode: str) -> None:
        if not self.connected or mode == self.current_mode:
            return
        self.switch_mode(mode)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "section" and not self.connected:
            return False
        if action == "reconnect":
            # Retry only once connecting has failed (hidden while it is still trying).
            try:
                return not self.connected and self._start_screen().failed
            except LookupError:
                return False
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        if self.connected:
            for section in SECTIONS:
                yield SystemCommand(
                    f"{section.title}  ({section.key})",
                    section.help,
                    partial(self.action_section, section.mode),
                )
            yield SystemCommand("Refresh account", "Fetch the balance again", self.refresh_account)
        else:
            yield SystemCommand("Retry connecting", "Connect to the portal again", self.action_reconnect)
        yield from super().get_system_commands(screen)
