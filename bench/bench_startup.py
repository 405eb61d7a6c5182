"""What a remote profile saves at start-up by never importing the database stack.

Times, in fresh interpreters, importing what each profile needs before the first screen:
the TUI with the remote service (httpx only) against the TUI with the local service
(SQLAlchemy, SQLModel, alembic, the domain core). The baseline is a bare interpreter
measured in the same run. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "bare interpreter (baseline)": "pass",
    "TUI + remote service": "import hostui.app, hostui.services.remote",
    "TUI + local service": "import hostui.app, hostui.services.local, backend.portal, backend.demo",
}


def _time(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    results = {name: statistics.median(_time(code) for _ in range(args.repeat)) for name, code in CASES.items()}
    baseline = results["bare interpreter (baseline)"]
    print(f"{'start-up imports':32} {'ms (median)':>12} {'x baseline':>11}")
    print(f"{'-' * 32} {'-' * 12} {'-' * 11}")
    for name, ms in results.items():
        print(f"{name:32} {ms:12.1f} {ms / baseline:11.1f}")
    remote, local = results["TUI + remote service"], results["TUI + local service"]
    print(f"\nremote profile starts {local - remote:.0f} ms sooner ({local / remote:.2f}x) than local")


if __name__ == "__main__":
    main()
