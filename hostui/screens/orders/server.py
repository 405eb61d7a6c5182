"""Managing one order's server: tabs Details, Network and Traffic, and the server's actions.

The server's actions (power, reinstall, IP-KVM, password, reverse DNS) come from
``SERVER_ACTIONS`` and are dimmed as the portal decides for the server's state right now.
A running job (a reboot, a reinstall) shows its progress under the title and is followed
live: the screen asks for the job every ``JOB_POLL`` seconds until it ends, then reloads
the server and says how it ended. ``[`` and ``]`` switch tabs; escape goes back to the list.
"""

from __future__ import annotations

from functools import cached_property
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.containers import Container, VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, ProgressBar, Static, TabbedContent, TabPane

from backend.contract import JobState, NetworkAddress, ServerDetail, ServerJob
from hostui.frame.actions import OBJECT_ACTION
from hostui.frame.errors import error_line
from hostui.frame.host import host_app
from hostui.frame.object_screen import ObjectScreen
from hostui.frame.section import SectionScreen
from hostui.i18n import N_, _
from hostui.screens.orders.actions import SERVER_ACTIONS
from hostui.screens.orders.server_view import JOB_KINDS, address_cells, job_line, render_details, title_line
from hostui.widgets.key_bar import KeyBar
from hostui.widgets.section_header import SectionHeader

__all__ = ["ServerScreen"]

# How often a running job is asked for (the simulated data centre moves in seconds).
JOB_POLL = 0.5
_TABS = ("details", "network", "traffic")
_TAB_GROUP = Binding.Group(N_("Tab"), compact=True)


class ServerScreen(ObjectScreen, SectionScreen):
    SECTION = "orders"
    TABLE = SERVER_ACTIONS

    DEFAULT_CSS = """
    ServerScreen #title {
        height: 1;
        padding: 0 1;
        background: $surface;
    }
    ServerScreen #job {
        height: 1;
        padding: 0 1;
        display: none;
    }
    ServerScreen.-job #job {
        display: block;
    }
    ServerScreen #job-text {
        width: 1fr;
    }
    ServerScreen #job ProgressBar {
        width: 30;
    }
    ServerScreen #job {
        layout: horizontal;
    }
    ServerScreen TabbedContent {
        height: 1fr;
    }
    ServerScreen #details {
        padding: 0 1;
    }
    ServerScreen #loading {
        padding: 1 2;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *SERVER_ACTIONS.bindings(),
        Binding("left_square_bracket", "tab(-1)", N_("Previous tab"), group=_TAB_GROUP, id="server.previous_tab"),
        Binding("right_square_bracket", "tab(1)", N_("Next tab"), group=_TAB_GROUP, id="server.next_tab"),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="server.reload"),
        Binding("escape", "back", N_("Back"), id="server.back"),
    ]

    def __init__(self, server_id: int, order_number: str, *, on_changed=None) -> None:  # noqa: ANN001
        super().__init__()
        self.server_id = server_id
        self.order_number = order_number
        self.on_changed = on_changed
        self.detail: ServerDetail | None = None
        self.job: ServerJob | None = None
        self._poll_timer: Timer | None = None
        self._asking = False  # a get_job call is on its way

    # -- what the frame needs

    def selected(self) -> ServerDetail | None:
        return self.detail

    def describe(self, row: ServerDetail) -> str:
        return title_line(row).plain

    @cached_property
    def handlers(self):  # noqa: ANN201 - ServerHandlers
        from hostui.screens.orders.server_handlers import ServerHandlers

        return ServerHandlers(self)

    # -- layout

    def compose(self) -> ComposeResult:
        yield SectionHeader(self.SECTION)
        yield Static(Text(_("Order {order_number} · loading the server…").format(order_number=self.order_number)), id="title")
        with Container(id="job"):
            yield Static("", id="job-text")
            yield ProgressBar(total=100, show_eta=False, id="job-progress")
        with TabbedContent(id="tabs", initial="details-tab"):
            with TabPane(_("Details"), id="details-tab"):
                with VerticalScroll(id="details-scroll"):
                    yield Static("", id="details")
            with TabPane(_("Network"), id="network-tab"):
                yield DataTable(id="addresses", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Traffic"), id="traffic-tab"):
                yield Container(id="traffic")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#addresses", DataTable)
        for title in (_("Address"), _("IP"), _("Netmask / prefix"), _("Gateway"), _("MAC"), _("Reverse DNS")):
            table.add_column(title)
        self.reload()

    # -- loading and following jobs

    @work(exclusive=True, group="server-load")
    async def reload(self) -> None:
        try:
            detail = await host_app(self).service.get_server(self.server_id)
        except Exception as error:  # noqa: BLE001 - reported once, never a traceback
            self.query_one("#title", Static).update(Text(_("Order {order_number} · {error_line}").format(order_number=self.order_number, error_line=error_line(error))))
            host_app(self).errors.report(error, retry=_("ctrl+r reloads."))
            return
        self._show(detail)

    def _show(self, detail: ServerDetail) -> None:
        self.detail = detail
        self.query_one("#title", Static).update(title_line(detail))
        self.query_one("#details", Static).update(render_details(detail, None))
        table = self.query_one("#addresses", DataTable)
        row = table.cursor_row
        table.clear()
        for address in detail.addresses:
            table.add_row(*address_cells(address), key=address.address)
        if detail.addresses:
            table.move_cursor(row=min(row, len(detail.addresses) - 1), animate=False)
        if detail.active_job is not None:
            self.track(detail.active_job)
        self.refresh_bindings()

    def highlighted_address(self) -> NetworkAddress | None:
        if self.detail is None or not self.detail.addresses:
            return None
        row = self.query_one("#addresses", DataTable).cursor_row
        return self.detail.addresses[row] if 0 <= row < len(self.detail.addresses) else None

    def track(self, job: ServerJob) -> None:
        """Show ``job`` and follow it until it ends."""
        self._show_job(job)
        if job.state in (JobState.QUEUED, JobState.RUNNING) and self._poll_timer is None:
            self._poll_timer = self.set_interval(JOB_POLL, self._poll)

    def _show_job(self, job: ServerJob) -> None:
        self.job = job
        self.add_class("-job")
        self.query_one("#job-text", Static).update(job_line(job))
        self.query_one("#job-progress", ProgressBar).update(progress=job.progress)

    def _poll(self) -> None:
        # One question at a time: with a portal slower than JOB_POLL, each poll would cancel
        # the answer on its way (the worker is exclusive) and the job would never move on screen.
        if self.job is not None and not self._asking:
            self._fetch_job(self.job.id)

    @work(exclusive=True, group="server-job")
    async def _fetch_job(self, job_id: int) -> None:
        self._asking = True
        try:
            job = await host_app(self).service.get_job(job_id)
        except Exception as error:  # noqa: BLE001 - one toast; polling goes on
            host_app(self).errors.report(error)
            return
        finally:
            self._asking = False
        previous = self.job
        try:
            self._show_job(job)
        except NoMatches:
            return  # the screen is being taken down (Escape, or hostui quitting) under this answer
        if job.state in (JobState.SUCCEEDED, JobState.FAILED):
            self._job_ended(job)
        elif previous is None or previous.step != job.step:
            self.reload()  # each step may move the power state ("rebooting…")

    def _job_ended(self, job: ServerJob) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None
        name = self.detail.hostname if self.detail is not None else f"server {self.server_id}"
        if job.state == JobState.SUCCEEDED:
            self.notify(_("{capitalize} of {name} finished.").format(capitalize=_(JOB_KINDS[job.kind]).capitalize(), name=name), markup=False)
        else:
            self.notify(
                _("{capitalize} of {name} failed: {value}").format(capitalize=_(JOB_KINDS[job.kind]).capitalize(), name=name, value=job.error or job.step),
                severity="error",
                timeout=10,
                markup=False,
            )
        self.reload()
        if self.on_changed is not None:
            self.on_changed()

    def on_unmount(self) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()

    # -- tabs

    @on(TabbedContent.TabActivated, "#tabs")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        # The tab's keys work at once: the arrows move between addresses (R acts on the
        # highlighted one), f/F are the traffic panel's and need its focus.
        if event.pane.id == "traffic-tab":
            self._open_traffic()
        elif event.pane.id == "network-tab":
            self.query_one("#addresses", DataTable).focus()
        self.refresh_bindings()

    def _open_traffic(self) -> None:
        pane = self.query_one("#traffic", Container)
        if pane.children:
            pane.children[0].focus()
            return
        # Imported on first use: the chart library is not needed to manage a server.
        from hostui.screens.orders.traffic import TrafficPanel

        pane.mount(TrafficPanel(self.server_id))

    def action_tab(self, step: int) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        current = _TABS.index(tabs.active.removesuffix("-tab")) if tabs.active else 0
        tabs.active = f"{_TABS[(current + step) % len(_TABS)]}-tab"

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == OBJECT_ACTION:
            return self.object_action_enabled(parameters)
        return True
