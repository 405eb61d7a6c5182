"""Every benchmark, one table: ``.venv/bin/python -m bench [--smoke] [--only NAME,...]``.

Runs each ``bench/bench_<name>.py``'s ``run(scale)`` in turn and prints one table of figures
with their floors, ratios and the issue's targets. A benchmark that is missing or fails gets
one line saying so and the others still run. Says first what it measured on: the figures
are only comparable on the same machine, and the ratios against floors measured in the same
run are what carry over.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version

from bench.report import Figure, Scale, print_table

# In the order the table shows them: the user's view first, then the service layer.
BENCHMARKS = (
    "first_paint",
    "keys",
    "api",
    "invoice_list",
    "orders",
    "tickets",
    "traffic",
    "startup",
    "demo_generator",
)


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def machine() -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} CPUs (load {load}) · "
        f"Python {platform.python_version()} · Textual {_version('textual')} · {platform.platform()}"
    )


def _name(text: str) -> str:
    return text.strip().removeprefix("bench_").removesuffix(".py")


def _failed(name: str, error: BaseException) -> None:
    print(f"{name}: failed, {type(error).__name__}: {error}".splitlines()[0], flush=True)
    traceback.print_exception(error, file=sys.stderr)


def run_all(names: list[str], scale: Scale) -> list[Figure]:
    figures: list[Figure] = []
    for name in names:
        module_name = f"bench.bench_{name}"
        started = time.perf_counter()
        print(f"{name}: running…", file=sys.stderr, flush=True)
        try:
            found = importlib.import_module(module_name).run(scale)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                _failed(name, error)
            else:
                print(f"{name}: skipped, bench/bench_{name}.py is not there yet", flush=True)
            continue
        except Exception as error:  # noqa: BLE001 - one benchmark's failure must not hide the others'
            _failed(name, error)
            continue
        figures += found
        print(f"{name}: {len(found)} figures in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="the tiny sizes the smoke test uses (proves they run)")
    parser.add_argument("--only", metavar="NAME,...", help=f"run only these ({', '.join(BENCHMARKS)})")
    args = parser.parse_args(argv)
    names = list(BENCHMARKS)
    if args.only:
        names = [_name(name) for name in args.only.split(",") if name.strip()]
        unknown = [name for name in names if name not in BENCHMARKS]
        if unknown:
            parser.error(f"no benchmark {', '.join(unknown)} (there are: {', '.join(BENCHMARKS)})")
    scale = Scale.SMOKE if args.smoke else Scale.FULL
    print(f"measured on: {machine()}; scale: {scale}", flush=True)
    figures = run_all(names, scale)
    print()
    print_table(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
