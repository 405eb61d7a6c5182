"""Benchmark: what a remote profile saves at start-up by never importing the database stack.

Times, in fresh interpreters, importing what each profile needs before the first screen:
the TUI with the remote service (httpx only) against the TUI with the local service
(SQLAlchemy, SQLModel, alembic, the domain core). The floor is a bare interpreter, measured
in the same rounds, interleaved with the cases. Prints figures; asserts nothing.

    .venv/bin/python -m bench.bench_startup [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.report import Figure, Scale, print_table

ROOT = Path(__file__).resolve().parents[1]
REPEAT = {Scale.SMOKE: 1, Scale.FULL: 7}
FLOOR = "pass"
CASES = {
    "imports of the TUI + remote service": "import hostui.app, hostui.services.remote",
    "imports of the TUI + local service": "import hostui.app, hostui.services.local, backend.portal, backend.demo",
}


def _time_ms(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return (time.perf_counter() - started) * 1000


def run(scale: Scale, repeat: int | None = None) -> list[Figure]:
    repeat = repeat or REPEAT[scale]
    floor: list[float] = []
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(repeat):
        floor.append(_time_ms(FLOOR))
        for name, code in CASES.items():
            times[name].append(_time_ms(code))
    floor_ms = statistics.median(floor)
    return [
        Figure("start-up", name, statistics.median(values), "ms", floor_ms, "bare interpreter")
        for name, values in times.items()
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=REPEAT[Scale.FULL])
    args = parser.parse_args(argv)
    figures = run(Scale.FULL, args.repeat)
    print_table(figures)
    remote, local = figures[0].value, figures[1].value
    print(f"\nremote profile starts {local - remote:.0f} ms sooner ({local / remote:.2f}x) than local")
    return 0


if __name__ == "__main__":
    sys.exit(main())
