"""HostUIApp: the application shell.

Construction is cheap: the app gets either a ready ``PortalService`` (tests inject a
``LocalService`` over a test database) or a ``Connector`` (``hostui.connect``) that builds the
service for a profile. Connecting runs in a worker behind a start screen that says what is
happening ("Preparing the demo database…") or, when it fails, what went wrong and what to do;
the app stays up either way.

Sections are Textual modes — ``invoices`` (the default), ``orders``, ``tickets``,
``settings`` — each with its own screen stack, so a dialog opened in one section stays there.
Keys 1-4, the header's tabs and the command palette (ctrl+p) switch between them; ``?``/F1
explain the keys of the screen at hand. Screens reach the app through ``host_app(node)``,
typed as this class: its service, clock, error channel and account.

Start-up imports only what the first screen needs (the Invoices section): the other sections,
the help screen and the ticket watcher are imported when first used, and all of them, with the
service's own modules, in a thread once the first page is on screen ("warming"), so neither
the first paint nor the first key to another section waits for an import.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import os
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import WorkerCancelled, WorkerFailed

from backend.contract import AccountSummary, AuthenticationFailed, PortalService, TicketRow
from hostui.connect import Connector
from hostui.frame.errors import ErrorChannel, error_line
from hostui.frame.keymap import KeyBindingInfo, binding_ids, unknown_ids
from hostui.frame.paged_list import DEFAULT_PAGE_SIZE, ListScope, PagedListScreen
from hostui.frame.section import SECTIONS, SectionScreen
from hostui.frame.start import StartScreen
from hostui.i18n import _, current_language, set_language
from hostui.screens.invoices import InvoicesScreen
from hostui.widgets.loading import Loading

if TYPE_CHECKING:
    from hostui.screens.tickets import TicketWatcher

__all__ = ["HostUIApp", "StartScreen"]

# The blank mode shown while the current section is built again in another language.
_SWITCHING = "_switching_language"

# The sections after the first, as "module:class": imported when first shown.
_LATER_SECTIONS = {
    "orders": "hostui.screens.orders:OrdersScreen",
    "tickets": "hostui.screens.tickets:TicketsScreen",
    "settings": "hostui.screens.settings:SettingsScreen",
}
# What warming imports besides them: the screens a key opens from the first section.
_WARM_MODULES = (
    "hostui.frame.help",
    "hostui.frame.action_menu",
    "hostui.screens.invoices.view",
    "email_validator",  # the contract checks a mailbox's address with it (Settings)
)


def _section_class(mode: str) -> type[Screen]:
    module, name = _LATER_SECTIONS[mode].split(":")
    return getattr(importlib.import_module(module), name)


def _make_section(mode: str) -> Screen:
    return _section_class(mode)()


def _ticket_watcher_class() -> type[TicketWatcher]:
    from hostui.screens.tickets.watcher import TicketWatcher

    return TicketWatcher


class HostUIApp(App[None]):
    """The hostui application. Give it ``service`` (ready) or ``connector`` (to build one)."""

    TITLE = "hostui"
    CSS_PATH = "app.tcss"
    MODES: ClassVar[dict[str, str | Callable[[], Screen]]] = {
        "invoices": InvoicesScreen,
        **{mode: partial(_make_section, mode) for mode in _LATER_SECTIONS},
    }

    account: reactive[AccountSummary | None] = reactive(None, init=False)
    """The logged-in customer's summary (the header follows it); None until connected."""
    unread_tickets: reactive[int] = reactive(0, init=False)
    """Tickets with a reply the customer has not read (the header's Tickets tab shows it)."""

    def __init__(
        self,
        service: PortalService | None = None,
        *,
        connector: Connector | None = None,
        clock: Callable[[], datetime] | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        download_dir: Path | None = None,
        keymap: Mapping[str, str] | None = None,
        owns_process: bool = False,
    ) -> None:
        """``download_dir``: where save dialogs suggest saving (platformdirs' downloads if
        None); ``keymap``: binding id -> keys, from ``[keymap]`` in config.toml;
        ``owns_process``: the process is this app's alone (the ``hostui`` command), which
        starts with the garbage collector off (``hostui.command``): the app turns it on once
        connected (the imports are done), and once the first page is up it freezes what
        start-up made out of the collector's walks (``gc.freeze``). Not for a process that
        runs many apps, as tests do: a frozen app is never collected."""
        if (service is None) == (connector is None):
            raise TypeError("HostUIApp needs exactly one of service= or connector=")
        super().__init__()
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            # A key's effect shows at once, as in other terminal tools: over SSH every frame
            # of an animation (the filter tabs' sliding underline: some 20 of them) is output
            # on the wire and work before the next key. TEXTUAL_ANIMATIONS=full brings them back.
            self.animation_level = "none"
        self._service: PortalService | None = service
        self.download_dir = download_dir
        self._connector = connector
        self._owns_service = False
        self._clock = clock
        self.page_size = page_size
        self.connected = False
        self._ticket_watcher: TicketWatcher | None = None
        self.errors = ErrorChannel(self, advice=connector.advice if connector is not None else None)
        self._user_keymap = dict(keymap or {})
        self._owns_process = owns_process
        if self._user_keymap:
            self.set_keymap(self._user_keymap)

    @classmethod
    def key_bindings(cls) -> dict[str, KeyBindingInfo]:
        """Every binding id a user can remap in ``[keymap]``, with its default keys."""
        from hostui.frame.action_menu import ActionMenuScreen
        from hostui.frame.help import HelpScreen
        from hostui.frame.list_table import ListTable
        from hostui.screens.orders.actions import TRAFFIC_KEYS
        from hostui.screens.orders.server import ServerScreen

        screens: list[type] = [InvoicesScreen, *(_section_class(mode) for mode in _LATER_SECTIONS)]
        return binding_ids(
            [cls, *screens, ServerScreen, TRAFFIC_KEYS, StartScreen, HelpScreen, ActionMenuScreen, ListTable]
        )

    # -- the service

    @property
    def service(self) -> PortalService:
        if self._service is None:
            raise RuntimeError("not connected yet")
        return self._service

    def now(self) -> datetime:
        """The clock the screens show dates by: real time unless a test fixes it."""
        return self._clock() if self._clock is not None else datetime.now(timezone.utc)

    @property
    def profile_description(self) -> str:
        if self._connector is None:
            return _("the portal")
        return _("profile {profile!r} ({description})").format(
            profile=self._connector.profile_name, description=self._connector.description
        )

    @property
    def connection_label(self) -> str:
        """Where hostui is connected, for the header: the profile, and a remote server."""
        return "in-process" if self._connector is None else self._connector.where

    def get_loading_widget(self) -> Loading:
        return Loading()

    def get_default_screen(self) -> Screen:
        return StartScreen(id="start")

    @property
    def start_screen(self) -> StartScreen:
        for screen in self._screen_stacks.get("_default", []):
            if isinstance(screen, StartScreen):
                return screen
        raise LookupError("no start screen")

    def on_mount(self) -> None:
        self.connect()
        if self._user_keymap:
            # Once the start screen is up: knowing every binding id imports every section.
            self.call_after_refresh(self._warn_of_unknown_binding_ids)

    def _warn_of_unknown_binding_ids(self) -> None:
        unknown = unknown_ids(self._user_keymap, self.key_bindings())
        if unknown:
            self.notify(
                _("[keymap] in config.toml names bindings that do not exist: {ids}. `hostui keys` lists them.").format(
                    ids=", ".join(unknown)
                ),
                title=_("Config"),
                severity="warning",
                timeout=12,
                markup=False,
            )

    def action_reconnect(self) -> None:
        if not self.connected:
            self.connect()

    @work(exclusive=True, group="connect")
    async def connect(self) -> None:
        """Build the service (if not given), fetch the account, then show the Invoices."""
        start = self.start_screen
        start.show_progress(_("Connecting to {profile_description}…").format(profile_description=self.profile_description))
        service = self._service
        account: AccountSummary | None = None
        try:
            if service is None:
                assert self._connector is not None
                service = await self._connector.connect(start.show_progress)
                self._owns_service = True
                account = self._connector.connected_account  # one request fewer, when it has one
            if account is None:
                account = await service.account()
        except Exception as error:  # noqa: BLE001 - shown on the start screen, never a traceback
            if service is not None and self._owns_service:
                try:
                    await service.aclose()
                except Exception:  # noqa: BLE001
                    pass
                self._owns_service = False
            self._show_connect_failure(error)
            if self._owns_process:
                self._settle_memory()  # no first page to wait for
            return
        self._service = service
        if self._owns_process:
            # The imports are done (hostui.command keeps the collector off for them); what
            # comes now, drawing screens, leaves garbage behind. Frozen first: turned on over
            # everything imported, the collector's first full walk cost the first page 70 ms.
            gc.freeze()
            gc.enable()
        # Before the sections are built: they are built once, in the customer's language.
        set_language(account.language)
        self.account = account
        self.connected = True
        start.show_connected()
        await self.switch_mode("invoices")
        self.refresh_bindings()
        # What follows waits for the first page: it would only slow it down.
        first = self.screen
        for worker in [worker for worker in self.workers if worker.node is first]:
            try:
                await worker.wait()
            except (WorkerCancelled, WorkerFailed):
                pass  # replaced by a newer load, or failed (and reported): the page is done
        watcher_class = await asyncio.to_thread(_ticket_watcher_class)
        self._ticket_watcher = watcher_class(self, service, self._set_unread)
        self._ticket_watcher.start()
        self.call_after_refresh(self._warm_up)

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        """Import, off the event loop, what the keys of the first screen will need (the
        other sections, the dialogs, the service's modules): after the first page is on
        screen, so the first paint does not wait for it, and before the user presses a key,
        so no key waits for an import."""
        for mode in _LATER_SECTIONS:
            _section_class(mode)
        for module in _WARM_MODULES:
            importlib.import_module(module)
        # The in-process service has modules of its own to import, and a local profile's
        # job runner to start (LocalService.warm_up).
        warm_service = getattr(self._service, "warm_up", None)
        if warm_service is not None:
            warm_service()
        if self._owns_process:
            self._settle_memory()

    @staticmethod
    def _settle_memory() -> None:
        # What start-up made (modules, classes, the first screen) lives as long as hostui.
        # Frozen, the collector stops walking it: its full collections, which came every ten
        # keys or so, took some 100 ms over those 130,000 objects: slow keys.
        gc.collect()
        gc.freeze()
        gc.enable()

    def _set_unread(self, count: int) -> None:
        self.unread_tickets = count

    @property
    def ticket_watcher(self) -> TicketWatcher | None:
        return self._ticket_watcher

    def tickets_changed(self) -> None:
        """The user changed a ticket: count the unread ones again now, not at the next poll."""
        if self._ticket_watcher is not None:
            self._ticket_watcher.poke()

    def ticket_seen(self, row: TicketRow) -> None:
        """The user acts on ``row`` as shown: the watcher does not announce what it shows."""
        if self._ticket_watcher is not None:
            self._ticket_watcher.seen(row)

    def _show_connect_failure(self, error: BaseException) -> None:
        if isinstance(error, AuthenticationFailed):
            title = _("Not logged in to {profile_description}").format(profile_description=self.profile_description)
        else:
            title = _("Cannot connect to {profile_description}").format(profile_description=self.profile_description)
        if self._connector is not None:
            advice = self._connector.advice(error)
        elif isinstance(error, AuthenticationFailed):
            advice = _("Log in again:  hostui login URL --profile NAME")
        else:
            advice = _("Press r to retry, q to quit.")
        self.start_screen.show_failure(title, error_line(error), advice)

    async def on_unmount(self) -> None:
        if self._owns_service and self._service is not None:
            try:
                await self._service.aclose()
            except Exception:  # noqa: BLE001 - closing on the way out must not fail the exit
                pass

    # -- account

    @work(exclusive=True, group="account")
    async def refresh_account(self) -> None:
        """Fetch the account summary again; the header of every section updates."""
        if self._service is None:
            return
        try:
            self.account = await self._service.account()
        except Exception as error:  # noqa: BLE001 - one toast, shared with the list's failure
            self.errors.report(error, retry=_("ctrl+r reloads."))
            return
        # The language may have been changed elsewhere (the web portal, another session).
        await self.apply_language(self.account.language)

    # -- language

    async def apply_language(self, code: str | None) -> None:
        """Show hostui in ``code`` from now on, without a restart: every section is built again
        (texts are translated when a screen is composed), the user stays in the section they
        are in. Dialogs open over it are closed: they were made in the old language."""
        previous = current_language()
        if set_language(code) == previous or not self.connected:
            return
        current = self.current_mode
        for mode, base in self.MODES.items():
            if mode != current and mode in self._screen_stacks:
                # Built again in the new language when the user comes back to it.
                await self.remove_mode(mode)
                self.add_mode(mode, base)
        if current in self.MODES:
            # A mode's base screen cannot be swapped in place (Textual keeps a result callback
            # per stacked screen), and the current mode cannot be removed: step aside to a
            # blank mode for the moment it takes to build the section again.
            old = self.screen_stack[0]
            rebuilt = old.rebuilt() if isinstance(old, SectionScreen) else self.MODES[current]()
            self.add_mode(_SWITCHING, Screen)
            await self.switch_mode(_SWITCHING)
            await self.remove_mode(current)
            self.add_mode(current, lambda: rebuilt)
            await self.switch_mode(current)
            await self.remove_mode(_SWITCHING)
            self._modes[current] = self.MODES[current]  # later rebuilds make a fresh screen
        self.refresh_bindings()

    # -- sections and help

    def action_section(self, mode: str) -> None:
        if not self.connected or mode == self.current_mode:
            return
        self.switch_mode(mode)

    async def show_list(self, mode: str, scope: ListScope | None, filter_id: str | None = None) -> None:
        """Switch to a section and narrow its list to one object's ("Invoices" of an order):
        how one section sends the user to another without reaching into its screens."""
        await self.switch_mode(mode)
        screen = self.screen
        if isinstance(screen, PagedListScreen):
            screen.show_scope(scope, filter_id)

    def section_news(self, mode: str) -> int:
        """How many new things a section has (unread tickets), for its tab in the header."""
        return self.unread_tickets if mode == "tickets" else 0

    def action_help(self) -> None:
        from hostui.frame.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        if isinstance(self.screen, SectionScreen):
            title = _("Keys · {section}").format(section=_(self.screen.section.title))
        else:
            title = _("Keys")
        self.push_screen(HelpScreen(self.screen, title))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "section" and not self.connected:
            return False
        if action == "reconnect":
            # Retry only once connecting has failed (hidden while it is still trying).
            try:
                return not self.connected and self.start_screen.failed
            except LookupError:
                return False
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        if self.connected:
            for section in SECTIONS:
                yield SystemCommand(
                    f"{_(section.title)}  ({section.key})",
                    _(section.help),
                    partial(self.action_section, section.mode),
                )
            yield SystemCommand(_("Refresh account"), _("Fetch the balance again"), self.refresh_account)
        else:
            yield SystemCommand(_("Retry connecting"), _("Connect to the portal again"), self.action_reconnect)
        yield SystemCommand(_("Keys"), _("Every key of this screen (? or F1)"), self.action_help)
        yield from super().get_system_commands(screen)
