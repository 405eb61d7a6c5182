"""The Traffic tab: in, out and total for a day, a week, a month or a year, as a chart.

The portal rolls the five-minute samples up (hourly for a day, daily for a week or a month,
monthly for a year); this panel draws what it gets with plotext (textual-plotext), squeezed
to the chart's width, with tick labels formatted here (one unit for the whole axis), and says
the totals, the month's 95th percentile and the usage against the included traffic.
This module is imported only when the tab first opens.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Static, Tab, Tabs
from textual_plotext import PlotextPlot

from backend.contract import TrafficBucket, TrafficPeriod, TrafficReport
from backend.formatting import BYTE_UNITS, bytes_unit
from backend.formatting import format_bitrate as _format_bitrate
from backend.formatting import format_bytes as _format_bytes
from hostui.frame.errors import error_line
from hostui.frame.host import host_app
from hostui.widgets.formatting import locale
from hostui.i18n import _
from hostui.screens.orders.actions import TRAFFIC_KEYS

__all__ = ["TrafficPanel", "downsample", "tick_label"]


def format_bytes(value: int, *, unit: str | None = None) -> str:
    """Bytes in the UI's language ("1.23 GB", "1,23 GB")."""
    return _format_bytes(value, locale(), unit=unit)


def format_bitrate(bits_per_second: int) -> str:
    return _format_bitrate(bits_per_second, locale())

PERIODS = (TrafficPeriod.DAY, TrafficPeriod.WEEK, TrafficPeriod.MONTH, TrafficPeriod.YEAR)
# Columns per bucket at least, so bars or points do not run together.
COLUMNS_PER_POINT = 2
TICKS = 6


def downsample(buckets: list[TrafficBucket], points: int) -> list[TrafficBucket]:
    """At most ``points`` buckets: neighbours merged (summed), each named by its first start."""
    if points <= 0 or len(buckets) <= points:
        return list(buckets)
    size = -(-len(buckets) // points)
    merged = []
    for start in range(0, len(buckets), size):
        group = buckets[start : start + size]
        merged.append(
            TrafficBucket(
                start=group[0].start,
                rx_bytes=sum(b.rx_bytes for b in group),
                tx_bytes=sum(b.tx_bytes for b in group),
            )
        )
    return merged


def tick_label(moment: datetime, bucket: str) -> str:
    """How a bucket is named on the axis (UTC): "14:00", "Nov 24", "Nov 2026"."""
    if bucket == "hour":
        return moment.strftime("%H:%M")
    if bucket == "day":
        return moment.strftime("%b %d")
    return moment.strftime("%b %Y")


def summary(report: TrafficReport) -> Text:
    text = Text()
    text.append(_("In "), style="bold")
    text.append(format_bytes(report.rx_total))
    text.append(_("   Out "), style="bold")
    text.append(format_bytes(report.tx_total))
    text.append(_("   Total "), style="bold")
    text.append(format_bytes(report.rx_total + report.tx_total))
    text.append(_("\n95th percentile this month "), style="bold")
    text.append(format_bitrate(report.percentile95_bps))
    text.append(_("   Used this month "), style="bold")
    text.append(_("{used} of {included}").format(used=format_bytes(report.month_used_bytes), included=format_bytes(report.included_bytes)))
    if report.included_bytes:
        share = report.month_used_bytes * 100 // report.included_bytes
        text.append(_(" ({share}%)").format(share=share), style="bold red" if share >= 100 else "")
    text.append(_("   (UTC)"), style="dim")
    return text


class TrafficPanel(Vertical):
    DEFAULT_CSS = """
    TrafficPanel {
        height: 1fr;
    }
    TrafficPanel #periods {
        height: 2;
    }
    TrafficPanel #summary {
        height: 2;
        padding: 0 1;
    }
    TrafficPanel PlotextPlot {
        height: 1fr;
        min-height: 6;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = TRAFFIC_KEYS

    period: reactive[TrafficPeriod] = reactive(TrafficPeriod.DAY, init=False)

    def __init__(self, server_id: int) -> None:
        super().__init__(id="traffic-panel")
        self.can_focus = True
        self.server_id = server_id
        self.report: TrafficReport | None = None
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield Tabs(*(Tab(period.value.capitalize(), id=f"period-{period.value}") for period in PERIODS), id="periods")
        yield Static(_("Loading traffic…"), id="summary")
        yield PlotextPlot(id="chart")

    def on_mount(self) -> None:
        self.query_one(Tabs).can_focus = False
        self.focus()
        self._load()

    @on(Tabs.TabActivated, "#periods")
    def _tab(self, event: Tabs.TabActivated) -> None:
        if event.tab is not None and event.tab.id:
            self.period = TrafficPeriod(event.tab.id.removeprefix("period-"))

    def action_period(self, step: int) -> None:
        self.period = PERIODS[(PERIODS.index(self.period) + step) % len(PERIODS)]

    def watch_period(self, period: TrafficPeriod) -> None:
        tabs = self.query_one(Tabs)
        with tabs.prevent(Tabs.TabActivated):
            tabs.active = f"period-{period.value}"
        self._load()

    def _load(self) -> None:
        self._generation += 1
        self.query_one("#summary", Static).update(Text(_("Loading the {value}'s traffic…").format(value=self.period.value), style="dim"))
        self._fetch(self._generation, self.period)

    @work(exclusive=True, group="traffic")
    async def _fetch(self, generation: int, period: TrafficPeriod) -> None:
        try:
            report = await host_app(self).service.traffic(self.server_id, period)
        except Exception as error:  # noqa: BLE001 - said in the panel, never a traceback
            if generation == self._generation:
                self.query_one("#summary", Static).update(Text(_("No traffic: {error_line}").format(error_line=error_line(error)), style="red"))
            return
        if generation != self._generation:
            return  # the user switched period meanwhile
        self.report = report
        self.query_one("#summary", Static).update(summary(report))
        self._draw()

    def on_resize(self) -> None:
        if self.report is not None:
            self._draw()

    def _draw(self) -> None:
        report = self.report
        assert report is not None
        chart = self.query_one(PlotextPlot)
        plt = chart.plt
        plt.clear_figure()
        width = max(10, chart.size.width - 10)  # the y labels take some columns
        buckets = downsample(report.buckets, width // COLUMNS_PER_POINT)
        if not buckets:
            chart.refresh()
            return
        largest = max(max(b.rx_bytes, b.tx_bytes) for b in buckets) or 1
        unit = bytes_unit(largest)
        scale = 1000 ** BYTE_UNITS.index(unit)  # decimal units, as format_bytes
        xs = list(range(len(buckets)))
        # Floats only for drawing; every number the user reads is formatted from the integers.
        plt.plot(xs, [b.rx_bytes / scale for b in buckets], label="in", marker="hd")
        plt.plot(xs, [b.tx_bytes / scale for b in buckets], label="out", marker="dot")
        step = max(1, len(xs) // TICKS)
        plt.xticks(xs[::step], [tick_label(b.start, report.bucket) for b in buckets[::step]])
        top = largest / scale
        ticks = [top * i / 4 for i in range(5)]
        plt.yticks(ticks, [format_bytes(int(t * scale), unit=unit) for t in ticks])
        plt.ylim(0, top * 1.05)
        chart.refresh()
