"""How a server looks on its Details and Network tabs (Rich renderables, no I/O)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from backend.contract import JobState, NetworkAddress, ServerDetail, ServerJob
from hostui.screens.orders.actions import SERVER_ACTIONS, order_status_text, power_text
from hostui.widgets.formatting import day_time

__all__ = ["render_details", "job_line", "address_cells", "title_line", "MASKED"]

MASKED = "••••••••  (p shows it)"


def title_line(server: ServerDetail) -> Text:
    """"power on · active · 203.0.113.10 · web01.example.com · order ORD-1": the state first,
    so a narrow terminal cuts the name, not what matters now."""
    text = Text()
    text.append("power ")
    text.append_text(power_text(server.power_state))
    text.append("  ·  ")
    text.append_text(order_status_text(server.order_status))
    main = next((a.address for a in server.addresses if a.version == 4), None)
    if main:
        text.append(f"  ·  {main}")
    text.append("  ·  ")
    text.append(server.hostname, style="bold")
    text.append(f"  ·  order {server.order_number}")
    return text


def job_line(job: ServerJob) -> Text:
    """"reboot · running 40% · 2/4 Waiting for the server to come up"."""
    text = Text()
    text.append(f"{job.kind.value} ", style="bold")
    if job.state == JobState.FAILED:
        text.append(f"failed: {job.error or job.step}", style="bold red")
    elif job.state == JobState.SUCCEEDED:
        text.append("done", style="green")
    else:
        text.append(f"{job.state.value} {job.progress}%", style="yellow")
        if job.step:
            text.append(f" · {job.step}")
    return text


def _not_now(server: ServerDetail) -> Text:
    refused = [
        f"{SERVER_ACTIONS[state.id].title}: {state.reason}"
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
    facts.add_row("CPU", config.cpu)
    facts.add_row("Memory", f"{config.ram_gb} GB")
    facts.add_row("Disks", config.disks)
    facts.add_row("Network", f"{config.bandwidth}, {config.traffic_included_tb} TB included")
    facts.add_row("Location", config.location)
    facts.add_row("OS", config.os or "—")

    access = Table.grid(padding=(0, 2))
    access.add_column(style="bold", no_wrap=True)
    access.add_column()
    access.add_row("Login", server.login_user)
    access.add_row("Password", Text(password, style="bold") if password is not None else Text(MASKED, style="dim"))
    access.add_row("IP-KVM", "available (K opens a session)" if server.ipkvm else Text("not available", style="dim"))
    if server.code_word_required:
        access.add_row("Code word", "asked for disable, block and reinstall")

    jobs = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold", expand=True)
    jobs.add_column("Job", no_wrap=True)
    jobs.add_column("State", no_wrap=True)
    jobs.add_column("Started", no_wrap=True)
    jobs.add_column("By", ratio=1, overflow="ellipsis")
    for job in server.recent_jobs[:5]:
        state = Text(job.state.value, style={"failed": "red", "succeeded": "green"}.get(job.state.value, "yellow"))
        jobs.add_row(job.kind.value, state, day_time(job.created_at), f"{job.started_by} from {job.started_from}")

    parts: list = [Text("Configuration", style="bold underline"), facts, Text(""),
                   Text("Access", style="bold underline"), access, Text("")]
    if server.recent_jobs:
        parts += [Text("Recent jobs", style="bold underline"), jobs, Text("")]
    parts.append(_not_now(server))
    return Group(*parts)


def address_cells(address: NetworkAddress) -> tuple[Text, ...]:
    rdns = Text(address.reverse_dns) if address.reverse_dns else Text(f"{address.default_reverse_dns} (default)",
                                                                      style="dim")
    return (
        Text(address.address),
        Text(f"IPv{address.version}"),
        Text(address.netmask),
        Text(address.gateway),
        Text(address.mac),
        rdns,
    )
