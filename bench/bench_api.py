"""Benchmark: the HTTP API under load, against a bare FastAPI endpoint served the same way.

Starts the real ``hostui-server serve`` (1 and 2 worker processes) on a copy of a demo
database, logs in as demo/demo and loads ``GET /api/v1/invoices?status=all`` (a page of 50 rows) and
``GET /api/v1/invoices/{id}`` (cycling through the first page's ids) from a separate process
(``bench.load``) with 1, 16 and 64 keep-alive clients. The floor of every figure is a bare
FastAPI endpoint returning the same JSON body (parsed once, returned as a dict, as a minimal
endpoint does), served by uvicorn with the same options and worker count, loaded the same way
right after. Beside them, on SQLite with one worker, the list's query alone
(``bench/query_endpoint.py``, in the threadpool and on the event loop) bounds what any list
endpoint over this database stack could serve. On PostgreSQL too when ``HOSTUI_TEST_POSTGRES_URL`` is set. The growth series
loads the list at 16 clients on 100k and 1M invoices against the default demo.

    .venv/bin/python -m bench.bench_api [--smoke] [--seconds 4.5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.datasets import generate, sqlite_copy
from bench.load import LoadResult, measure
from bench.query_endpoint import DATABASE_VARIABLE as QUERY_DATABASE_VARIABLE, PATHS as QUERY_PATHS
from bench.report import Figure, Scale, print_table
from bench.hostui_process import inherited_env
from bench.server_process import free_port, hostui_server, log_in, running
from bench.timing import POSTGRES_ENV, postgres_database

GROUP = "API"
FLOOR = "bare FastAPI endpoint"
BARE_BODY_VARIABLE = "HOSTUI_BENCH_BARE_BODIES"
# The "all" filter: issue 8's list is a page of 50 rows. The default filter (unpaid) holds a
# handful of rows on the demo database, and a bench of it measured a list a tenth that size.
LIST = "/api/v1/invoices?status=all"
PAGE_ROWS = 50
# Each case alternates hostui and the bare endpoint this many times, so that both see the
# same load from whatever else runs on the machine; a figure sums (req/s) or takes the median
# (p99) of its rounds.
ROUNDS = 3
BOUND_VARIANTS = {"threadpool": "in the threadpool", "loop": "on the event loop"}


def _bare_app():  # noqa: ANN202 - a FastAPI app, built in the server process
    """``GET /bare/{name}``: the JSON body saved under that name, as a plain endpoint returns it."""
    from fastapi import FastAPI

    bodies = {name: json.loads(Path(path).read_bytes())
              for name, path in json.loads(os.environ[BARE_BODY_VARIABLE]).items()}
    app = FastAPI()

    @app.get("/bare/{name}")
    async def bare(name: str) -> dict:
        return bodies[name]

    return app


@contextmanager
def query_server(database_url: str, log: Path) -> Iterator[int]:
    """``bench/query_endpoint.py`` on the database under uvicorn with hostui-server's options."""
    port = free_port()
    code = ("import uvicorn, sys; from backend.server import uvicorn_options; "
            "uvicorn.run('bench.query_endpoint:create_app', factory=True, host='127.0.0.1', "
            f"port={port}, **uvicorn_options())")
    env = {**inherited_env(), QUERY_DATABASE_VARIABLE: database_url}
    with running([sys.executable, "-c", code], env, port, QUERY_PATHS["loop"], log) as served:
        yield served


@contextmanager
def bare_server(bodies: dict[str, Path], workers: int) -> Iterator[int]:
    """The bare endpoint under uvicorn with hostui-server's options and worker count."""
    port = free_port()
    code = ("import uvicorn, sys; from backend.server import uvicorn_options; "
            "uvicorn.run('bench.bench_api:_bare_app', factory=True, host='127.0.0.1', "
            f"port={port}, workers={workers}, **uvicorn_options())")
    env = {**inherited_env(), BARE_BODY_VARIABLE: json.dumps({k: str(v) for k, v in bodies.items()})}
    log = next(iter(bodies.values())).parent / "bare.log"
    with running([sys.executable, "-c", code], env, port, f"/bare/{next(iter(bodies))}", log) as served:
        yield served


def _get(port: int, path: str, token: str) -> bytes:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.read()


def _combined(rounds: list[LoadResult]) -> LoadResult:
    return LoadResult(
        requests=sum(result.requests for result in rounds),
        errors=sum(result.errors for result in rounds),
        seconds=sum(result.seconds for result in rounds),
        p50_ms=statistics.median(result.p50_ms for result in rounds),
        p99_ms=statistics.median(result.p99_ms for result in rounds),
    )


class _Run:
    """One database, one worker count: the figures of each case against the bare endpoint."""

    def __init__(self, database_url: str, data_dir: Path, label: str, workers: int, seconds: float,
                 rounds: int = ROUNDS, bounds: bool = False) -> None:
        self.database_url = database_url
        self.data_dir = data_dir
        self.label = label
        self.workers = workers
        self.seconds = seconds
        self.rounds = rounds
        self.results: dict[tuple[str, int], tuple[LoadResult, LoadResult]] = {}
        # With ``bounds``: the list's query alone (``bench/query_endpoint.py``), loaded in the
        # list's rounds: (variant, clients) -> result.
        self.bounds = bounds
        self.bound_results: dict[tuple[str, int], LoadResult] = {}

    def measure(self, endpoints: tuple[str, ...], client_counts: tuple[int, ...]) -> None:
        with hostui_server(self.data_dir, self.database_url, self.workers) as port:
            token = log_in(port)
            header = [f"Authorization: Bearer {token}"]
            list_body = _get(port, LIST, token)
            ids = [row["id"] for row in json.loads(list_body)["items"]]
            if len(ids) != PAGE_ROWS:
                raise RuntimeError(f"{LIST} answered {len(ids)} rows, not a page of {PAGE_ROWS}")
            paths = {"list": [LIST], "detail": [f"/api/v1/invoices/{invoice_id}" for invoice_id in ids]}
            bodies = {"list": self.data_dir / "bare-list.json", "detail": self.data_dir / "bare-detail.json"}
            bodies["list"].write_bytes(list_body)
            bodies["detail"].write_bytes(_get(port, paths["detail"][0], token))
            with ExitStack() as servers:
                bare_port = servers.enter_context(bare_server(bodies, self.workers))
                query_port = (servers.enter_context(query_server(self.database_url, self.data_dir / "query.log"))
                              if self.bounds else None)
                for clients in client_counts:
                    for endpoint in endpoints:
                        hostui, bare = [], []
                        bound: dict[str, list[LoadResult]] = {variant: [] for variant in QUERY_PATHS}
                        for _round in range(self.rounds):
                            hostui.append(measure(port, paths[endpoint], headers=header, clients=clients,
                                                  seconds=self.seconds / self.rounds))
                            bare.append(measure(bare_port, [f"/bare/{endpoint}"], clients=clients,
                                                seconds=self.seconds / self.rounds))
                            if query_port is not None and endpoint == "list":
                                for variant, path in QUERY_PATHS.items():
                                    bound[variant].append(measure(query_port, [path], clients=clients,
                                                                  seconds=self.seconds / self.rounds))
                        self.results[endpoint, clients] = (_combined(hostui), _combined(bare))
                        for variant, results in bound.items():
                            if results:
                                self.bound_results[variant, clients] = _combined(results)

    def figures(self, target_case: tuple[str, int] | None) -> list[Figure]:
        workers = "1 worker" if self.workers == 1 else f"{self.workers} workers"
        figures = []
        for (endpoint, clients), (hostui, bare) in self.results.items():
            case = f"{endpoint}, {clients} client{'s' if clients > 1 else ''}, {self.label}, {workers}"
            primary = (endpoint, clients) == target_case
            figures.append(Figure(GROUP, case, hostui.per_second, "req/s", bare.per_second, FLOOR,
                                  "≥ 0.25x" if primary else ""))
            figures.append(Figure(GROUP, f"{case}, p99", hostui.p99_ms, "ms", bare.p99_ms, FLOOR,
                                  "< 50 ms" if primary else ""))
        for (variant, clients), bound in self.bound_results.items():
            bare = self.results["list", clients][1]
            case = (f"bound: the list's query alone ({BOUND_VARIANTS[variant]}), {clients} "
                    f"client{'s' if clients > 1 else ''}, {self.label}, {workers}")
            figures.append(Figure(GROUP, case, bound.per_second, "req/s", bare.per_second, FLOOR))
            figures.append(Figure(GROUP, f"{case}, p99", bound.p99_ms, "ms", bare.p99_ms, FLOOR))
        errors = sum(hostui.errors for hostui, _bare in self.results.values())
        figures.append(Figure(GROUP, f"errors, {self.label}, {workers}", errors, "", target="0"))
        return figures


def _sqlite(invoices: int | None, workers: int, seconds: float, endpoints: tuple[str, ...],
            client_counts: tuple[int, ...], label: str, rounds: int = ROUNDS, bounds: bool = False) -> _Run:
    with tempfile.TemporaryDirectory(prefix="hostui-bench-api-") as directory:
        with sqlite_copy(invoices, Path(directory)) as copy:
            run = _Run(f"sqlite:///{copy / 'portal.sqlite3'}", copy, label, workers, seconds, rounds, bounds)
            run.measure(endpoints, client_counts)
    return run


def _postgres_runs(base: str, seconds: float) -> tuple[list[_Run], Figure]:
    runs = []
    with tempfile.TemporaryDirectory(prefix="hostui-bench-api-") as directory, postgres_database(base) as url:
        generate(url, Path(directory), None)
        for workers in (1, 2):
            run = _Run(url, Path(directory), "PostgreSQL", workers, seconds)
            run.measure(("list", "detail"), (1, 16, 64))
            runs.append(run)
        scaling = _worker_scaling(url, Path(directory), seconds)
    return runs, scaling


def _worker_scaling(database_url: str, data_dir: Path, seconds: float) -> Figure:
    """The list at 16 clients from two worker processes against one, both servers up together
    and loaded in alternating rounds: runs minutes apart differed by more than the target's
    margin while the machine's own pace moved."""
    with hostui_server(data_dir, database_url, 1) as one_port, hostui_server(data_dir, database_url, 2) as two_port:
        one, two = _list_in_turns(one_port, two_port, seconds)
    return Figure(GROUP, "list, 16 clients, PostgreSQL: 2 workers against 1, alternating rounds",
                  two.per_second, "req/s", one.per_second, "1 worker", "≥ 1.6x")


def _list_in_turns(first_port: int, second_port: int, seconds: float) -> tuple[LoadResult, LoadResult]:
    """The list at 16 clients from two running servers, each logged in to and loaded in
    alternating rounds, so that both see the same machine."""
    headers = [[f"Authorization: Bearer {log_in(port)}"] for port in (first_port, second_port)]
    first, second = [], []
    for _round in range(ROUNDS):
        first.append(measure(first_port, [LIST], headers=headers[0], clients=16, seconds=seconds / ROUNDS))
        second.append(measure(second_port, [LIST], headers=headers[1], clients=16, seconds=seconds / ROUNDS))
    return _combined(first), _combined(second)


def _growth(seconds: float) -> list[Figure]:
    """The list at 16 clients on larger accounts against the same on the default demo, the two
    servers up together and loaded in alternating rounds."""
    figures = []
    with tempfile.TemporaryDirectory(prefix="hostui-bench-api-") as directory:
        demo = sqlite_copy(None, Path(directory) / "demo")
        with demo as demo_dir, hostui_server(demo_dir) as demo_port:
            for invoices, name in ((100_000, "100k"), (1_000_000, "1M")):
                with sqlite_copy(invoices, Path(directory) / name) as big_dir, \
                        hostui_server(big_dir) as big_port:
                    base, grown = _list_in_turns(demo_port, big_port, seconds)
                floor = "the same, demo database"
                figures.append(Figure("growth", f"API list, 16 clients, {name} invoices", grown.per_second, "req/s",
                                      base.per_second, floor, "≥ 0.87x (flat)"))
                figures.append(Figure("growth", f"API list, 16 clients, {name} invoices, p99", grown.p99_ms, "ms",
                                      base.p99_ms, floor, "< 50 ms"))
                figures.append(Figure("growth", f"API errors, {name} invoices", grown.errors, "", target="0"))
    return figures


def run(scale: Scale, seconds: float | None = None) -> list[Figure]:
    if scale is Scale.SMOKE:
        smoke = _sqlite(None, 1, seconds or 1.0, ("list",), (2,), "SQLite", rounds=1, bounds=True)
        return smoke.figures(None)
    seconds = seconds or 4.5
    figures: list[Figure] = []
    sqlite_runs = [_sqlite(None, workers, seconds, ("list", "detail"), (1, 16, 64), "SQLite", bounds=workers == 1)
                   for workers in (1, 2)]
    for sqlite_run in sqlite_runs:
        figures += sqlite_run.figures(("list", 16) if sqlite_run.workers == 1 else None)
    postgres = os.environ.get(POSTGRES_ENV) or None
    if postgres is None:
        print(f"PostgreSQL: skipped ({POSTGRES_ENV} is not set)", file=sys.stderr)
    else:
        (one, two), scaling = _postgres_runs(postgres, seconds)
        figures += one.figures(None) + two.figures(None)
        figures.append(scaling)
    figures += _growth(seconds)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_api", description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="one short run: the list at 2 clients, SQLite")
    parser.add_argument("--seconds", type=float,
                        help=f"seconds of load per case and server, over {ROUNDS} rounds (default: 4.5; smoke: 1)")
    args = parser.parse_args(argv)
    print_table(run(Scale.SMOKE if args.smoke else Scale.FULL, args.seconds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
