"""The server screen from the keyboard: Details (configuration, masked password, reveal, IP-KVM),
the tabs, Network (addresses, reverse DNS), power actions followed live, the code word, held
orders, reinstall, Traffic (chart, periods, stale answers), help and palette.

The real ``HostUIApp`` on a real ``LocalService`` over a fresh copy of the seeded demo
database. Server jobs run on the real job runner, started in-process for the test
(``LocalService.start_jobs``) with the simulated data centre's steps made tiny; tests that need
a server to stay busy leave the runner off, so their job stays queued. Servers are found by
what they are (on, off, with an IP-KVM, of a held order…), never by their ids.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys

import pytest
import pytest_asyncio
from sqlmodel import select
from textual.widgets import DataTable, Input, OptionList, TabbedContent

from backend.contract import JobState, OrderStatus, PowerAction, PowerState, TrafficPeriod
from backend.db import read_session
from backend.demo import DEMO_NOW
from backend.domain.accounts import customer_id_for_login
from backend.formatting import format_bitrate, format_bytes
from backend.models import KvmSession as KvmSessionRow
from backend.security import token_digest
from hostui.frame.help import HelpScreen
from hostui.screens.dialogs.secret import SecretScreen
from hostui.screens.orders import server as server_module
from hostui.screens.orders.actions import SERVER_ACTIONS
from hostui.screens.orders.server import ServerScreen
from hostui.screens.orders.server_dialogs import PowerDialog, ReinstallDialog, ReverseDnsDialog, server_name
from hostui.screens.orders.server_view import MASKED
from hostui.services.local import LocalService
from hostui.widgets.formatting import day_time
from orders_helpers import faulty_orders_service, first_server, open_orders, open_server, wait_until
from tests.server_jobs_helpers import FAST_JOBS, key, set_code_word, use_job_settings
from tui_helpers import key_bar_text, notifications, screen_text, settle, wait_for, widget_text

SIZE = (80, 24)
WIDE = (200, 50)
POWER_KEYS = {"reboot": "r", "disable": "D", "enable": "e", "block": "B", "reinstall": "I"}


def _flat(app, selector: str | None = None) -> str:  # noqa: ANN001
    """The screen's (or one widget's) text with box borders and line breaks folded away, so
    wrapped sentences read whole."""
    text = screen_text(app) if selector is None else widget_text(app, selector)
    return " ".join(text.replace("│", " ").split())


def _idle_and_on(row, detail) -> bool:  # noqa: ANN001
    return (row.status == OrderStatus.ACTIVE and detail.power_state == PowerState.ON and detail.active_job is None
            and detail.action("reboot").enabled)


# Steps of a few milliseconds. The idle runner looks for jobs every 0.2 s, not the contract
# tests' 0.01 s: a thread polling that often starves the app's event loop of the GIL.
TUI_JOBS = dataclasses.replace(FAST_JOBS, poll_seconds=0.2)


@pytest.fixture
def fast_jobs(sqlite_portal, monkeypatch):  # noqa: ANN001, ANN201
    """Quick jobs, and the screen asking for a running job often."""
    use_job_settings(sqlite_portal, TUI_JOBS)
    monkeypatch.setattr(server_module, "JOB_POLL", 0.05)


@pytest_asyncio.fixture
async def start_runner(demo_service, sqlite_portal, fast_jobs):  # noqa: ANN001, ANN201
    """``start_runner(jobs=TUI_JOBS)``: the job runner, in this process, for ``demo_service``'s
    database, with these job settings (read when it starts); stopped after the test."""

    def start(jobs=TUI_JOBS) -> None:  # noqa: ANN001
        use_job_settings(sqlite_portal, jobs)
        demo_service.start_jobs()
        assert demo_service.runs_jobs

    yield start
    await demo_service.stop_jobs()


@pytest_asyncio.fixture
async def runner(start_runner):  # noqa: ANN001, ANN201
    start_runner()


async def _server_screen(pilot, row) -> ServerScreen:  # noqa: ANN001
    await open_orders(pilot)
    return await open_server(pilot, row)


# --- details, password, IP-KVM -----------------------------------------------------------------------


async def test_details_show_the_configuration_and_a_masked_password_p_reveals_and_c_copies(
    make_app, demo_service
) -> None:
    row, detail = await first_server(demo_service, lambda r, d: d.action("credentials").enabled)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _server_screen(pilot, row)
        config = detail.configuration
        text = _flat(app)
        for fact in (config.cpu, f"{config.ram_gb} GB", config.disks, config.location, config.os or "—",
                     f"{config.bandwidth}, {config.traffic_included_tb} TB included", detail.login_user):
            assert fact in text, fact
        assert MASKED in screen_text(app)
        assert f"order {row.number}" in widget_text(app, "#title") or row.main_ip in widget_text(app, "#title")
        await pilot.press("p")
        await settle(pilot, lambda: isinstance(app.screen, SecretScreen) and app.screen.secrets is not None)
        dialog = app.screen
        credentials = await demo_service.reveal_credentials(detail.id)
        assert [(line.label, line.value) for line in dialog.secrets.lines] == [
            ("Login", credentials.login_user), ("Password", credentials.password)
        ]
        assert credentials.password in screen_text(app)
        assert detail.hostname in dialog.title_text
        await pilot.press("c")
        assert app.clipboard == credentials.password
        assert "Password copied to the clipboard." in notifications(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        # Nothing kept: the details are masked again.
        assert credentials.password not in screen_text(app) and MASKED in screen_text(app)


async def test_k_opens_an_ip_kvm_session_on_a_server_that_has_one(make_app, demo_service, sqlite_portal) -> None:
    row, detail = await first_server(demo_service, lambda r, d: d.ipkvm and d.action("kvm").enabled)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await _server_screen(pilot, row)
        assert "available (K opens a session)" in screen_text(app)
        await pilot.press("K")
        await settle(pilot, lambda: isinstance(app.screen, SecretScreen) and app.screen.secrets is not None)
        lines = {line.label: line.value for line in app.screen.secrets.lines}
        assert set(lines) == {"Console", "User", "Password", "Valid until"}
        # The session the portal issued: its user, the password whose digest it stored, its expiry.
        with read_session(sqlite_portal.engine) as session:
            issued = session.exec(
                select(KvmSessionRow).where(KvmSessionRow.server_id == detail.id).order_by(KvmSessionRow.id.desc())
            ).first()
        assert issued is not None and issued.user == lines["User"]
        assert issued.password_hash == token_digest(lines["Password"])
        assert lines["Valid until"] == day_time(DEMO_NOW + sqlite_portal.settings.kvm_session_ttl)
        assert lines["Console"].startswith("http")
        text = screen_text(app)
        for value in lines.values():
            assert value in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_k_is_dimmed_with_the_reason_on_a_server_without_ip_kvm(make_app, demo_service) -> None:
    row, detail = await first_server(demo_service, lambda r, d: not d.ipkvm and r.status == OrderStatus.ACTIVE)
    reason = detail.action("kvm").reason
    assert reason
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await _server_screen(pilot, row)
        assert "K IP-KVM (off)" in key_bar_text(app)
        assert "not available" in screen_text(app)
        await pilot.press("K")
        await settle(pilot)
        assert app.screen is screen
        assert notifications(app, "warning") == [f"IP-KVM: {reason}."]


# --- tabs and the network ---------------------------------------------------------------------------------


async def test_brackets_switch_tabs_round(make_app, demo_service) -> None:
    row, _ = await first_server(demo_service, lambda r, d: len(d.addresses) >= 2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _server_screen(pilot, row)
        tabs = screen.query_one("#tabs", TabbedContent)
        assert tabs.active == "details-tab"
        seen = []
        for _ in range(3):
            await pilot.press("right_square_bracket")
            await settle(pilot)
            seen.append(tabs.active)
        assert seen == ["network-tab", "traffic-tab", "details-tab"]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert tabs.active == "traffic-tab"
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert tabs.active == "network-tab"
        # Each tab's keys work as soon as it shows: the arrows on Network move between addresses…
        assert app.focused is screen.query_one("#addresses", DataTable)
        await pilot.press("down")
        assert screen.highlighted_address() == screen.detail.addresses[1]
        # …and f/F on Traffic, also when it is shown again.
        await pilot.press("right_square_bracket")
        await settle(pilot)
        panel = screen.query_one("#traffic-panel")
        assert app.focused is panel and "fF Period" in key_bar_text(app)
        await pilot.press("f")
        await settle(pilot, lambda: panel.report is not None and panel.report.period == TrafficPeriod.WEEK)


async def test_network_lists_every_address_with_netmask_gateway_mac_and_reverse_dns(make_app, demo_service) -> None:
    row, detail = await first_server(demo_service, lambda r, d: len(d.addresses) >= 3)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await _server_screen(pilot, row)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        table = screen.query_one("#addresses", DataTable)
        assert table.row_count == len(detail.addresses)
        lines = screen_text(app).splitlines()
        for index, address in enumerate(detail.addresses):
            cells = [str(cell) for cell in table.get_row_at(index)]
            rdns = address.reverse_dns or f"{address.default_reverse_dns} (default)"
            assert cells == [address.address, f"IPv{address.version}", address.netmask, address.gateway,
                             address.mac, rdns]
            line = next(line for line in lines if f" {address.address} " in line and address.mac in line)
            for value in (address.netmask, address.gateway, address.mac, rdns):
                assert value in line, (value, line)


async def test_R_sets_the_reverse_dns_of_the_highlighted_address_refuses_a_bad_name_and_resets(
    make_app, demo_service
) -> None:
    # A server whose second address has the provider's default name: the cursor must move to it.
    row, detail = await first_server(
        demo_service, lambda r, d: len(d.addresses) >= 2 and d.addresses[1].reverse_dns is None and d.action("rdns").enabled
    )
    address = detail.addresses[1]
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await _server_screen(pilot, row)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        assert screen.highlighted_address() == address
        await pilot.press("R")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReverseDnsDialog) and dialog.address == address
        text = _flat(app)
        assert f"Reverse DNS of {address.address}" in text and address.default_reverse_dns in text
        name = dialog.query_one("#name", Input)
        assert name.value == ""
        # A name the portal refuses: its reason inline, the text kept, nothing saved.
        await pilot.press(*"bad_name.example.com", "enter")
        await settle(pilot)
        assert app.screen is dialog
        assert widget_text(app, "#error") == "Label 'bad_name' has a character that is not a letter, digit or hyphen."
        assert name.value == "bad_name.example.com"
        assert (await demo_service.get_server(detail.id)).addresses[1].reverse_dns is None
        # A good one is saved (normalised by the portal) and shown.
        await pilot.press("ctrl+u", *"MX.Example.COM", "enter")
        await settle(pilot, lambda: app.screen is screen)
        saved = (await demo_service.get_server(detail.id)).addresses[1]
        assert saved.reverse_dns == "mx.example.com"
        assert f"Reverse DNS of {address.address}: mx.example.com" in notifications(app)
        await settle(pilot, lambda: str(screen.query_one("#addresses", DataTable).get_row_at(1)[5]) == "mx.example.com")
        assert screen.highlighted_address().address == address.address  # the cursor stayed
        # Empty resets it to the default name.
        await pilot.press("R")
        await settle(pilot)
        assert app.screen.query_one("#name", Input).value == "mx.example.com"
        await pilot.press("ctrl+u", "enter")
        await settle(pilot, lambda: app.screen is screen)
        assert (await demo_service.get_server(detail.id)).addresses[1].reverse_dns is None
        assert f"Reverse DNS of {address.address}: {address.default_reverse_dns} (default)" in notifications(app)


# --- power --------------------------------------------------------------------------------------------


async def test_reboot_names_the_server_runs_the_job_live_and_says_it_finished(
    make_app, demo_service, start_runner
) -> None:
    # Steps long enough to see the job running on screen even on a busy 2-core machine (with
    # 0.6 s steps, a full suite beside other work once saw only "reboot done"), short enough
    # for a quick test.
    start_runner(dataclasses.replace(TUI_JOBS, step_seconds=1.0))  # a reboot of about two seconds
    row, detail = await first_server(demo_service, _idle_and_on)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await _server_screen(pilot, row)
        assert "power on" in widget_text(app, "#title")
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PowerDialog) and dialog.action == PowerAction.REBOOT
        text = _flat(app)
        main_ip = next(a.address for a in detail.addresses if a.version == 4)
        assert f"Reboot {detail.hostname} ({main_ip})?" in text
        assert not dialog.query_one("#code-word", Input).display  # a reboot needs no code word
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        assert screen.job is not None and screen.job.kind.value == "reboot"
        lines: list[str] = []

        def finished() -> bool:
            lines.append(widget_text(app, "#job-text"))
            return f"Reboot of {detail.hostname} finished." in notifications(app)

        await wait_until(pilot, finished)
        assert lines[0].startswith("reboot ")
        assert any("running" in line and "%" in line for line in lines), lines
        await settle(pilot, lambda: "power on" in widget_text(app, "#title") and screen.detail.active_job is None)
        job = await demo_service.get_job(screen.job.id)
        assert job.state == JobState.SUCCEEDED
        assert widget_text(app, "#job-text") == "reboot done"
        assert screen.detail.recent_jobs[0].id == job.id
        assert (await demo_service.get_server(detail.id)).power_state == PowerState.ON
        # Reboot is possible again.
        assert "r Reboot (off)" not in key_bar_text(app)


class SlowJobAnswers(LocalService):
    """The real LocalService, answering ``get_job`` slower than the screen asks (a slow link)."""

    async def get_job(self, job_id: int):  # noqa: ANN201
        await asyncio.sleep(0.25)
        return await super().get_job(job_id)


async def test_a_job_is_followed_to_its_end_even_when_the_portal_answers_slower_than_the_screen_asks(
    make_app, sqlite_portal, fast_jobs
) -> None:
    service = SlowJobAnswers(sqlite_portal, customer_id_for_login(sqlite_portal, "demo"))
    row, detail = await first_server(service, _idle_and_on)
    service.start_jobs()
    try:
        app = make_app(service)
        async with app.run_test(size=WIDE) as pilot:
            screen = await _server_screen(pilot, row)
            await pilot.press("r")
            await settle(pilot)
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.screen is screen and screen.job is not None)
            await wait_until(pilot, lambda: f"Reboot of {detail.hostname} finished." in notifications(app))
            assert screen.job.state == JobState.SUCCEEDED
    finally:
        await service.stop_jobs()


async def test_a_second_reboot_while_the_first_is_queued_is_dimmed_with_the_busy_reason(
    make_app, demo_service, fast_jobs
) -> None:
    # No runner: the job stays queued, the server busy.
    row, detail = await first_server(demo_service, _idle_and_on)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await _server_screen(pilot, row)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen and screen.job is not None)
        job = screen.job
        reason = f"reboot job {job.id} is queued: wait for it"
        assert (await demo_service.get_server(detail.id)).action("reboot").reason == reason
        await settle(pilot, lambda: screen.detail.active_job is not None)
        assert "r Reboot (off)" in key_bar_text(app)
        app.clear_notifications()
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is screen
        assert notifications(app, "warning") == [f"Reboot: {reason}."]
        assert f"{reason}" in _flat(app)  # the details say it too


async def test_a_reboot_raced_by_another_session_shows_the_portals_busy_refusal(
    make_app, demo_service, fast_jobs
) -> None:
    row, detail = await first_server(demo_service, _idle_and_on)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await _server_screen(pilot, row)
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PowerDialog)
        # Meanwhile another session reboots it.
        other = await demo_service.power(detail.id, PowerAction.REBOOT, key())
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog  # kept open, with the portal's 409 text
        assert widget_text(app, "#error") == f"Cannot reboot {detail.hostname}: reboot job {other.id} is queued: wait for it."
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_disable_asks_for_the_code_word_refuses_a_wrong_one_and_starts_with_the_right_one(
    make_app, demo_service, sqlite_portal, demo_customer_id, runner
) -> None:
    set_code_word(sqlite_portal, demo_customer_id, "Blue Whale")
    row, detail = await first_server(demo_service, lambda r, d: _idle_and_on(r, d) and d.action("disable").enabled)
    assert detail.code_word_required
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await _server_screen(pilot, row)
        assert "asked for disable, block and reinstall" in screen_text(app)
        await pilot.press("D")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PowerDialog) and dialog.action == PowerAction.DISABLE
        field = dialog.query_one("#code-word", Input)
        assert field.display and app.focused is field
        assert detail.hostname in _flat(app)
        # Nothing typed: asked for, before the portal is.
        await pilot.press("enter")
        await settle(pilot)
        assert "Type your code word" in widget_text(app, "#error")
        # A wrong one: the portal's refusal, the dialog stays, nothing starts.
        await pilot.press(*"red whale", "enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "wrong code word" in widget_text(app, "#error").lower()
        assert (await demo_service.get_server(detail.id)).active_job is None
        # The right one starts the job; the server goes off.
        await pilot.press("ctrl+u", *"blue whale", "enter")
        await wait_for(pilot, lambda: app.screen is screen)
        assert screen.job is not None and screen.job.kind.value == "disable"
        await wait_until(pilot, lambda: f"Disable of {detail.hostname} finished." in notifications(app))
        await settle(pilot, lambda: "power off" in widget_text(app, "#title"))
        assert (await demo_service.get_server(detail.id)).power_state == PowerState.OFF
        assert "e Enable" in key_bar_text(app) and "e Enable (off)" not in key_bar_text(app)


@pytest.mark.parametrize("status", [OrderStatus.SUSPENDED, OrderStatus.BLOCKED, OrderStatus.CANCELLED])
async def test_a_held_orders_server_offers_no_power_action(make_app, demo_service, status) -> None:
    row, detail = await first_server(demo_service, lambda r, d: r.status == status)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await _server_screen(pilot, row)
        bar = key_bar_text(app)
        details = _flat(app)
        for action_id, key_name in POWER_KEYS.items():
            reason = detail.action(action_id).reason
            assert not detail.action(action_id).enabled and reason
            assert f"{key_name} {SERVER_ACTIONS[action_id].title} (off)" in bar
            assert reason in details
            app.clear_notifications()
            await pilot.press(key_name)
            await settle(pilot)
            assert app.screen is screen, action_id
            assert notifications(app, "warning") == [f"{SERVER_ACTIONS[action_id].title}: {reason}."]
        assert screen.job is None and (await demo_service.get_server(detail.id)).active_job is None


# --- reinstall ------------------------------------------------------------------------------------------


async def test_reinstall_checks_the_hostname_then_starts_and_shows_the_new_root_password_once(
    make_app, demo_service, runner
) -> None:
    row, detail = await first_server(demo_service, lambda r, d: _idle_and_on(r, d) and d.action("reinstall").enabled)
    assert not detail.code_word_required
    images = [image for image in await demo_service.os_images() if not image.deprecated]
    assert len(images) >= 2
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await _server_screen(pilot, row)
        await pilot.press("I")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReinstallDialog)
        assert f"All data on {server_name(detail)} is erased." in _flat(app)
        options = dialog.query_one("#images", OptionList)
        await wait_for(pilot, lambda: dialog.images and app.focused is options)
        # The second image, then the hostname field.
        await pilot.press("down")
        chosen = dialog._chosen()
        assert chosen is not None and chosen.code == images[1].code
        await pilot.press("tab")
        assert app.focused is dialog.query_one("#hostname", Input)
        # A wrong hostname: the reason inline, nothing starts.
        await pilot.press(*"www.example.com", "enter")
        await settle(pilot)
        assert app.screen is dialog
        assert f"Type the hostname {detail.hostname} exactly" in widget_text(app, "#error")
        assert (await demo_service.get_server(detail.id)).active_job is None
        # The right one: the job starts, and the new root password is shown once.
        await pilot.press("ctrl+u", *detail.hostname, "enter")
        await settle(pilot, lambda: isinstance(app.screen, SecretScreen) and app.screen.secrets is not None)
        secret = app.screen
        assert screen.job is not None and screen.job.kind.value == "reinstall"
        lines = {line.label: line.value for line in secret.secrets.lines}
        credentials = await demo_service.reveal_credentials(detail.id)
        assert lines == {"Login": detail.login_user, "Root password": credentials.password}
        assert credentials.password in screen_text(app)
        job = await demo_service.get_job(screen.job.id)
        assert job.os_image == images[1].name
        await pilot.press("c")
        assert app.clipboard == credentials.password
        # The job is followed meanwhile, under the dialog.
        await wait_until(pilot, lambda: f"Reinstall of {detail.hostname} finished." in notifications(app))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert widget_text(app, "#job-text") == "reinstall done"
        # Nothing kept: the password is not on the screen any more.
        assert credentials.password not in screen_text(app)


# --- traffic --------------------------------------------------------------------------------------------


async def test_traffic_tab_loads_the_chart_library_only_when_opened_and_names_the_figures(
    make_app, demo_service, monkeypatch
) -> None:
    for name in [m for m in sys.modules if m.startswith(("textual_plotext", "hostui.screens.orders.traffic"))]:
        monkeypatch.delitem(sys.modules, name)
    row, detail = await first_server(demo_service, lambda r, d: r.status == OrderStatus.ACTIVE)
    report = await demo_service.traffic(detail.id, TrafficPeriod.DAY)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await _server_screen(pilot, row)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "textual_plotext" not in sys.modules
        assert "hostui.screens.orders.traffic" not in sys.modules
        await pilot.press("right_square_bracket")
        await settle(pilot, lambda: screen.query("#traffic-panel") and screen.query_one("#traffic-panel").report)
        assert "textual_plotext" in sys.modules
        panel = screen.query_one("#traffic-panel")
        assert panel.report == report
        summary = widget_text(app, "#summary")
        assert f"In {format_bytes(report.rx_total)}" in summary
        assert f"Out {format_bytes(report.tx_total)}" in summary
        assert f"Total {format_bytes(report.rx_total + report.tx_total)}" in summary
        assert f"95th percentile this month {format_bitrate(report.percentile95_bps)}" in summary
        assert f"Used this month {format_bytes(report.month_used_bytes)} of {format_bytes(report.included_bytes)}" in summary
        chart = widget_text(app, "#chart")
        assert "in" in chart and "out" in chart and len(chart) > 100


async def test_f_switches_the_period_and_a_stale_answer_is_not_painted(make_app, sqlite_portal) -> None:
    service = faulty_orders_service(sqlite_portal, customer_id_for_login(sqlite_portal, "demo"))
    row, detail = await first_server(service, lambda r, d: r.status == OrderStatus.ACTIVE)
    week = await service.traffic(detail.id, TrafficPeriod.WEEK)
    day = await service.traffic(detail.id, TrafficPeriod.DAY)
    assert week.rx_total != day.rx_total
    service.log.clear()
    app = make_app(service)
    async with app.run_test(size=WIDE) as pilot:
        screen = await _server_screen(pilot, row)
        # The day's answer comes late, after the user has moved on to the week.
        service.hold("traffic", lambda server_id, period: period == TrafficPeriod.DAY, stubborn=True)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await wait_for(pilot, lambda: service.held == 1)
        panel = screen.query_one("#traffic-panel")
        await pilot.press("f")
        await wait_for(pilot, lambda: panel.report is not None)
        assert panel.period == TrafficPeriod.WEEK and panel.report.period == TrafficPeriod.WEEK
        assert service.calls("traffic") == [(detail.id, TrafficPeriod.DAY), (detail.id, TrafficPeriod.WEEK)]
        service.release()
        await wait_for(pilot, lambda: service.answered == 1)
        await settle(pilot)
        assert panel.report.period == TrafficPeriod.WEEK
        assert f"In {format_bytes(week.rx_total)}" in widget_text(app, "#summary")
        assert panel.query_one("#periods").active == "period-week"
        # F goes back to the day, with a fresh call.
        await pilot.press("F")
        await settle(pilot, lambda: panel.report.period == TrafficPeriod.DAY)
        assert f"In {format_bytes(day.rx_total)}" in widget_text(app, "#summary")
        assert service.calls("traffic")[-1] == (detail.id, TrafficPeriod.DAY)
        # Round the periods: month, then year; F from day is the year.
        await pilot.press("F")
        await settle(pilot, lambda: panel.report.period == TrafficPeriod.YEAR)
        await pilot.press("f", "f")
        await settle(pilot, lambda: panel.report.period == TrafficPeriod.WEEK)


# --- help and palette -------------------------------------------------------------------------------------


async def test_help_lists_the_server_actions_with_the_reasons_they_are_off(make_app, demo_service) -> None:
    row, detail = await first_server(
        demo_service, lambda r, d: any(not d.action(a.id).enabled for a in SERVER_ACTIONS)
        and any(d.action(a.id).enabled for a in SERVER_ACTIONS)
    )
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await _server_screen(pilot, row)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        group = app.screen.groups[0]
        assert group.title == f"Server {detail.hostname}"
        assert [entry.description for entry in group.entries] == [action.help for action in SERVER_ACTIONS]
        text = _flat(app, "#dialog")
        for action, entry in zip(SERVER_ACTIONS, group.entries):
            state = detail.action(action.id)
            assert entry.keys == [action.key]
            assert entry.enabled == state.enabled, action.id
            if not state.enabled:
                assert entry.reason == state.reason
                assert f"{action.help} (not now: {state.reason})" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ServerScreen)


def _palette_commands(app) -> list[str]:  # noqa: ANN001
    from textual.command import CommandList

    commands = app.screen.query(CommandList)
    if not commands:
        return []
    return [str(getattr(option.prompt, "plain", option.prompt)) for option in commands.first().options]


async def test_palette_offers_the_servers_actions_by_name(make_app, demo_service) -> None:
    row, detail = await first_server(demo_service, _idle_and_on)
    assert not detail.action("enable").enabled
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await _server_screen(pilot, row)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"server")
        title = f"Reboot server {detail.hostname}"
        await wait_for(pilot, lambda: any(command.startswith(title) for command in _palette_commands(app)))
        commands = _palette_commands(app)
        assert any(command.startswith(f"Show the password of server {detail.hostname}") for command in commands)
        # What the portal refuses now is not offered.
        assert not any(command.startswith(f"Enable server {detail.hostname}") for command in commands)
        await pilot.press("ctrl+a", *"reboot")
        await wait_for(pilot, lambda: (_palette_commands(app) or [""])[0].startswith(title))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PowerDialog) and app.screen.action == PowerAction.REBOOT
        assert app.screen.server.id == detail.id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
