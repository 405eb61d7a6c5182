"""Benchmark: the demo generator, ``python -m backend.demo``, at a million invoices and at first start.

Each case is the whole command in a fresh child process on a fresh database (interpreter,
imports, migrations, seeding), timed from outside; its peak RSS is that child's own, read
from ``wait4``'s resource usage. Cases: a million invoices for the demo customer with one day
of traffic on SQLite, and on PostgreSQL when ``HOSTUI_TEST_POSTGRES_URL`` is set (not at the
smoke size: the tests cover that path); and the default demo into a fresh SQLite file, which
is what the first start of the local profile writes. Prints figures; asserts nothing.

    .venv/bin/python -m bench.bench_demo_generator [--invoices 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.report import Figure, Scale, print_table
from bench.timing import POSTGRES_ENV, postgres_database

ROOT = Path(__file__).resolve().parents[1]
GROUP = "demo generator"
INVOICES = {Scale.SMOKE: 2_000, Scale.FULL: 1_000_000}
FIRST_START_REPEAT = {Scale.SMOKE: 1, Scale.FULL: 3}


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mib: float


def generate(database_url: str, directory: Path, *args: str) -> Run:
    """One ``python -m backend.demo`` into ``database_url``: its wall time and its own peak RSS."""
    command = [sys.executable, "-m", "backend.demo", "--database", database_url,
               "--secret-key-file", str(directory / "secret.key"), *args]
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)
        # wait4: this child's own resource usage (RUSAGE_CHILDREN is the largest of all children)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed ({child.returncode}):\n"
                               f"{errors.read().decode(errors='replace')}")
    return Run(seconds, usage.ru_maxrss / 1024)  # Linux reports kilobytes


def _label(invoices: int) -> str:
    return f"{invoices // 1_000_000}M" if invoices % 1_000_000 == 0 else f"{invoices:,}"


def _large(run: Run, invoices: int, database: str) -> list[Figure]:
    case = f"{_label(invoices)} invoices, {database}"
    full = invoices == INVOICES[Scale.FULL]
    return [
        Figure(GROUP, case, run.seconds, "s", target="< 60 s" if full and database == "SQLite" else ""),
        Figure(GROUP, f"{case}, peak RSS", run.peak_rss_mib, "MiB", target="< 500 MiB" if full else ""),
    ]


def run(scale: Scale, invoices: int | None = None, repeat: int | None = None) -> list[Figure]:
    invoices = invoices or INVOICES[scale]
    repeat = repeat or FIRST_START_REPEAT[scale]
    large = ["--invoices", str(invoices), "--traffic-days", "1"]
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="hostui-bench-demo-") as name:
        directory = Path(name)
        figures += _large(generate(f"sqlite:///{directory / 'large.sqlite3'}", directory, *large),
                          invoices, "SQLite")
        postgres = os.environ.get(POSTGRES_ENV) or None
        if scale is Scale.FULL and postgres is None:
            print(f"PostgreSQL: skipped ({POSTGRES_ENV} is not set)")
        if scale is Scale.FULL and postgres is not None:
            with postgres_database(postgres) as url:
                figures += _large(generate(url, directory, *large), invoices, "PostgreSQL")
        first_starts = [generate(f"sqlite:///{directory / f'first-{n}.sqlite3'}", directory)
                        for n in range(repeat)]
    figures.append(Figure(GROUP, "first start (default demo), SQLite",
                          statistics.median(r.seconds for r in first_starts), "s", target="< 5 s"))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=INVOICES[Scale.FULL])
    parser.add_argument("--repeat", type=int, default=FIRST_START_REPEAT[Scale.FULL],
                        help="first-start runs, the median reported (default: %(default)s)")
    args = parser.parse_args(argv)
    print_table(run(Scale.FULL, args.invoices, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
