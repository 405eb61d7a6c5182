"""How a server looks on its Details and Network tabs (Rich renderables, no I/O)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from backend.contract import JobKind, JobState, NetworkAddress, ServerDetail, ServerJob
from hostui.i18n import N_, _
from hostui.screens.orders.actions import SERVER_ACTIONS, order_status_text, power_text
from hostui.widgets.formatting import day_time

__all__ = ["render_details", "job_line", "address_cells", "title_line", "MASKED", "JOB_KINDS", "JOB_STATES"]

MASKED = N_("••••••••  (p shows it)")


def title_line(server: ServerDetail) -> Text:
    """"power on · active · 203.0.113.10 · web01.example.com · order ORD-1": the state first,
    so a narrow terminal cuts the name, not what matters now."""
    text = Text()
    text.append(_("power "))
    text.append_text(power_text(server.power_state))
    text.append("  ·  ")
    text.append_text(order_status_text(server.order_status))
    main = next((a.address for a in server.addresses if a.version == 4), None)
    if main:
        text.append(f"  ·  {main}")
    text.append("  ·  ")
    text.append(server.hostname, style="bold")
    text.append(_("  ·  order {order_number}").format(order_number=server.order_number))
    return text


# The portal's job words, as the user reads them.
JOB_KINDS = {
    JobKind.REBOOT: N_("reboot"),
    JobKind.DISABLE: N_("disable"),
    JobKind.ENABLE: N_("enable"),
    JobKind.BLOCK: N_("block"),
    JobKind.REINSTALL: N_("reinstall"),
}
JOB_STATES = {JobState.QUEUED: N_("queued"), JobState.RUNNING: N_("running")}


def job_line(job: ServerJob) -> Text:
    """"reboot · running 40% · 2/4 Waiting for the server to come up"."""
    text = Text()
    text.append(f"{_(JOB_KINDS[job.kind])} ", style="bold")
    if job.state == JobState.FAILED:
        text.append(_("failed: {value}").format(value=job.error or job.step), style="bold red")
    elif job.state == JobState.SUCCEEDED:
        text.append(_("done"), style="green")
    else:
        text.append(f"{_(JOB_STATES[job.state])} {job.progress}%", style="yellow")
        if job.step:
            text.append(f" · {job.step}")
    return text


def _not_now(server: ServerDetail) -> Text:
    refused = [
        _("{title}: {reason}").format(title=_(SERVER_ACTIONS[state.id].title), reason=state.reason)
        for state in server.actions
        if not state.enabled and state.id in SERVER_ACTIONS and state.reason
    ]
    # One line per distinct reason keeps "busy" from being said seven times.
    seen: dict[str, list[str]] = {}
    for line in refused:
        title, reason = line.split(": ", 1)
        seen.setdefault(reason, []).append(title)
    text = Text()
    for reason, titles in seen.items():
        text.append(f"{', '.join(titles)}: {reason}\n", style="italic dim")
    return text


def render_details(server: ServerDetail, password: str | None) -> Group:
    config = server.configuration
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column()
    facts.add_row(_("CPU"), config.cpu)
    facts.add_row(_("Memory"), f"{config.ram_gb} GB")
    facts.add_row(_("Disks"), config.disks)
    facts.add_row(_("Network"), _("{bandwidth}, {traffic_included_tb} TB included").format(bandwidth=config.bandwidth, traffic_included_tb=config.traffic_included_tb))
    facts.add_row(_("Location"), config.location)
    facts.add_row(_("OS"), config.os or "—")

    access = Table.grid(padding=(0, 2))
    access.add_column(style="bold", no_wrap=True)
    access.add_column()
    access.add_row(_("Login"), server.login_user)
    access.add_row(_("Password"), Text(password, style="bold") if password is not None else Text(_(MASKED), style="dim"))
    access.add_row(_("IP-KVM"), _("available (K opens a session)") if server.ipkvm else Text(_("not available"), style="dim"))
    if server.code_word_required:
        access.add_row(_("Code word"), _("asked for disable, block and reinstall"))

    jobs = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold", expand=True)
    jobs.add_column(_("Job"), no_wrap=True)
    jobs.add_column(_("State"), no_wrap=True)
    jobs.add_column(_("Started"), no_wrap=True)
    jobs.add_column(_("By"), ratio=1, overflow="ellipsis")
    for job in server.recent_jobs[:5]:
        state = Text(job.state.value, style={"failed": "red", "succeeded": "green"}.get(job.state.value, "yellow"))
        jobs.add_row(_(JOB_KINDS[job.kind]), state, day_time(job.created_at), _("{started_by} from {started_from}").format(started_by=job.started_by, started_from=job.started_from))

    parts: list = [Text(_("Configuration"), style="bold underline"), facts, Text(""),
                   Text(_("Access"), style="bold underline"), access, Text("")]
    if server.recent_jobs:
        parts += [Text(_("Recent jobs"), style="bold underline"), jobs, Text("")]
    parts.append(_not_now(server))
    return Group(*parts)


def address_cells(address: NetworkAddress) -> tuple[Text, ...]:
    rdns = Text(address.reverse_dns) if address.reverse_dns else Text(_("{default_reverse_dns} (default)").format(default_reverse_dns=address.default_reverse_dns),
                                                                      style="dim")
    return (
        Text(address.address),
        Text(f"IPv{address.version}"),
        Text(address.netmask),
        Text(address.gateway),
        Text(address.mac),
        rdns,
    )
