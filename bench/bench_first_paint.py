"""Benchmark: warm start to the first invoice row on screen, through tmux, against the floor.

Each case runs hostui in a detached tmux session (120x40) and times from starting the command
until the newest unpaid invoice's number (the list's first row, asked of hostui's command line
beforehand) is on screen: the local profile on copies of the demo, 1k, 100k and 1M invoice
databases, and the remote profile against ``hostui-server`` serving a copy of the demo
database. The floor, ``bench/floor_app.py`` (Header, a 100-row DataTable, Footer), runs in the
same rounds, interleaved with the cases, so both see the same machine. One untimed round warms
the page cache and the bytecode (not at the smoke size); the figures are medians of the timed
rounds.

Two bounds run in the same rounds: the floor app with a profile's data path
(``bench/floor_with_data.py``: the local one reads the first page in-process, the remote one
asks the server with hostui's HTTP client) on the demo database. Each is the floor plus the
least work that profile's first page costs, with none of hostui's screens; each hostui case
is also shown against its bound.

RSS is the program's VmRSS the moment its first row is on screen, against the floor app's.
A run whose list is drawn without that row (a clipped or wrong first cell) is counted in a
figure of its own instead of ending the benchmark.
Growth is first paint at 1M invoices against the same at 1k (the local profile).

    .venv/bin/python -m bench.bench_first_paint [--smoke] [--runs 9]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from bench.datasets import sqlite_copy
from bench.floor_app import FIRST_CELL
from bench.hostui_process import hostui_command, local_env, newest_invoice, newest_served_invoice, remote_env
from bench.report import Figure, Scale, print_table
from bench.server_process import hostui_server, log_in, url_of
from bench.terminal import ScreenTimeout, Terminal, status_line

FLOOR_LABEL = "bare Textual app (Header, 100-row DataTable, Footer)"
BOUND_LOCAL = "bound, local: the floor app + the in-process data path"
BOUND_REMOTE = "bound, remote: the floor app + the HTTP client's data path"
FIRST_SCREEN_S = 60.0
ROW_AFTER_LIST_S = 5.0
RUNS = {Scale.SMOKE: 1, Scale.FULL: 9}
SIZES: dict[Scale, list[int | None]] = {Scale.SMOKE: [None], Scale.FULL: [None, 1_000, 100_000, 1_000_000]}


def size_label(invoices: int | None) -> str:
    if invoices is None:
        return "demo database"
    if invoices >= 1_000_000:
        return f"{invoices // 1_000_000}M invoices"
    return f"{invoices // 1_000}k invoices"


@dataclass
class Case:
    label: str
    command: list[str]
    env: dict[str, str]
    wanted: str
    paint_ms: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    missed: int = 0
    """Timed runs whose list was drawn without the expected first row (a wrong or clipped
    cell): reported as a figure, not hidden in a timeout."""

    def measure(self, timed: bool) -> None:
        terminal = Terminal(self.command, env=self.env)
        try:
            started = terminal.start()
            # hostui draws its status line with the list's rows; once it is there, the first
            # row must be the newest invoice, soon.
            terminal.wait_for(lambda screen: self.wanted in screen or status_line(screen) is not None,
                              timeout=FIRST_SCREEN_S, what=f"{self.wanted!r} (or the invoice list)")
            try:
                terminal.wait_for(self.wanted, timeout=ROW_AFTER_LIST_S)
            except ScreenTimeout as error:
                print(f"first paint, {self.label}: the list is drawn without its first row. {error}",
                      file=sys.stderr, flush=True)
                self.missed += timed
                return
            ms = (time.perf_counter() - started) * 1000
            rss = terminal.rss_mib()
        finally:
            terminal.close()
        if timed:
            self.paint_ms.append(ms)
            self.rss_mib.append(rss)


def _floor_case() -> Case:
    return Case("floor", [sys.executable, "-m", "bench.floor_app"], {}, FIRST_CELL)


def _bound_case(label: str, option: str, value: str, env: dict[str, str], wanted: str) -> Case:
    """The floor app with a profile's data path (``bench/floor_with_data.py``)."""
    return Case(label, [sys.executable, "-m", "bench.floor_with_data", option, value], env, wanted)


def run(scale: Scale, runs: int | None = None) -> list[Figure]:
    runs = runs or RUNS[scale]
    with tempfile.TemporaryDirectory(prefix="hostui-bench-paint-") as scratch, ExitStack() as stack:
        root = Path(scratch)
        server_dir = stack.enter_context(sqlite_copy(None, root / "server"))
        port = stack.enter_context(hostui_server(server_dir))
        url, token = url_of(port), log_in(port)
        # The server serves a copy of the demo database: its first row is the demo's too.
        demo_newest = newest_served_invoice(url, token)
        remote = Case("remote, demo database", hostui_command(), remote_env(root / "client", url, token), demo_newest)
        local: dict[int | None, Case] = {}
        data_dirs: dict[int | None, Path] = {}
        for invoices in SIZES[scale]:
            data_dir = data_dirs[invoices] = stack.enter_context(
                sqlite_copy(invoices, root / f"local-{invoices or 'demo'}"))
            env = local_env(data_dir)
            wanted = demo_newest if invoices is None else newest_invoice(env)
            local[invoices] = Case(f"local, {size_label(invoices)}", hostui_command(), env, wanted)
        floor = _floor_case()
        # What no UI over the same data path could beat: the demo database, as the local and
        # remote cases have it.
        bounds = [
            (local[None], _bound_case(BOUND_LOCAL, "--local", f"sqlite:///{data_dirs[None] / 'portal.sqlite3'}",
                                      local[None].env, demo_newest)),
            (remote, _bound_case(BOUND_REMOTE, "--remote", url, remote.env, demo_newest)),
        ]

        cases = [floor, *local.values(), remote, *(bound for _case, bound in bounds)]
        warm_up = 0 if scale is Scale.SMOKE else 1
        for round_ in range(warm_up + runs):
            for case in cases:
                case.measure(timed=round_ >= warm_up)

    floor_ms = statistics.median(floor.paint_ms)
    floor_rss = statistics.median(floor.rss_mib)
    figures = []
    for case in [*local.values(), remote]:
        if case.paint_ms:
            figures.append(Figure("first paint", case.label, statistics.median(case.paint_ms), "ms", floor_ms,
                                  FLOOR_LABEL, "≤ 1.3x" if case is remote else "≤ 1.5x"))
        if case.missed:
            figures.append(Figure("first paint", f"{case.label}: runs drawn without the first row", case.missed,
                                  "", target="0"))
    for case, bound in bounds:
        if bound.paint_ms:
            figures.append(Figure("first paint", bound.label, statistics.median(bound.paint_ms), "ms", floor_ms,
                                  FLOOR_LABEL))
        if bound.paint_ms and case.paint_ms:
            figures.append(Figure("first paint", f"{case.label}, against its bound", statistics.median(case.paint_ms),
                                  "ms", statistics.median(bound.paint_ms), bound.label))
    demo = local[None]
    for case, what, target in ((demo, "local", "≤ 80 MiB"), (remote, "remote", "≤ 60 MiB")):
        if case.rss_mib:
            figures.append(Figure("RSS", f"{what}, after first paint (demo database)",
                                  statistics.median(case.rss_mib), "MiB", floor_rss, FLOOR_LABEL, target))
    if local.get(1_000) and local.get(1_000_000) and local[1_000].paint_ms and local[1_000_000].paint_ms:
        figures.append(Figure(
            "growth", "first paint, local, 1M vs 1k invoices", statistics.median(local[1_000_000].paint_ms), "ms",
            statistics.median(local[1_000].paint_ms), "the same at 1k invoices", "≤ 1.15x",
        ))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="one round on the demo database only")
    parser.add_argument("--runs", type=int, default=None, help="timed rounds (default: 9, smoke 1)")
    args = parser.parse_args(argv)
    print_table(run(Scale.SMOKE if args.smoke else Scale.FULL, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
