"""A load generator for the HTTP API: N keep-alive clients, each sending its next request as
soon as the previous answer is in, for a fixed time; reports req/s, p50, p99 and errors.

It runs in its own process (``measure`` starts one), so the server's cores are not shared
with the client's event loop inside one interpreter. httpx spends more time per request than
the server under test, so each client here is an asyncio ``Protocol`` on a raw socket that
writes a prepared HTTP/1.1 request and parses only the status line, ``Content-Length`` and
the body length: a few microseconds per request. uvloop runs the loop when it is installed.

    python -m bench.load --port 8080 --path /api/v1/invoices --header "Authorization: Bearer T" \
        --clients 16 --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from dataclasses import asdict, dataclass

WARM_UP_SECONDS = 0.5


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _request_bytes(host: str, path: str, headers: list[str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", *headers, "", ""]
    return "\r\n".join(lines).encode("latin-1")


class _Recorder:
    """Latencies and errors of the answers that arrive inside the measured window."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0
        self.measuring = False


class _Client(asyncio.Protocol):
    """One keep-alive connection: request, wait for the whole answer, next request."""

    def __init__(self, requests: list[bytes], offset: int, recorder: _Recorder, closed: asyncio.Future) -> None:
        self._requests = requests
        self._next = offset
        self._recorder = recorder
        self._closed = closed
        self._buffer = bytearray()
        self._expected: int | None = None  # whole answer length, once its headers are in
        self._status_ok = False
        self._sent_at = 0.0
        self._stopping = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self._send()

    def _send(self) -> None:
        request = self._requests[self._next % len(self._requests)]
        self._next += 1
        self._sent_at = time.perf_counter()
        self.transport.write(request)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while True:
            if self._expected is None:
                end = self._buffer.find(b"\r\n\r\n")
                if end < 0:
                    return
                head = bytes(self._buffer[:end]).lower()
                self._status_ok = head[9:10] == b"2"
                start = head.find(b"\r\ncontent-length:")
                if start < 0:
                    # Every answer of the API has a length; anything else cannot be framed here.
                    self._fail()
                    return
                stop = head.find(b"\r\n", start + 2)
                length = int(head[start + 17 : stop if stop >= 0 else len(head)])
                self._expected = end + 4 + length
            if len(self._buffer) < self._expected:
                return
            del self._buffer[: self._expected]
            self._expected = None
            self._answered(self._status_ok)
            if self._stopping:
                return

    def _answered(self, ok: bool) -> None:
        recorder = self._recorder
        if recorder.measuring:
            recorder.latencies.append(time.perf_counter() - self._sent_at)
            if not ok:
                recorder.errors += 1
        if self._stopping:
            self.transport.close()
        else:
            self._send()

    def _fail(self) -> None:
        if self._recorder.measuring:
            self._recorder.errors += 1
        self.transport.close()

    def stop(self) -> None:
        """Send nothing more; the connection closes after the answer in flight."""
        self._stopping = True

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._stopping and self._recorder.measuring:
            self._recorder.errors += 1
        if not self._closed.done():
            self._closed.set_result(None)


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, int(round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


async def _drive(host: str, port: int, paths: list[str], headers: list[str], clients: int, seconds: float) -> LoadResult:
    loop = asyncio.get_running_loop()
    requests = [_request_bytes(f"{host}:{port}", path, headers) for path in paths]
    recorder = _Recorder()
    connections: list[tuple[_Client, asyncio.Future]] = []
    for index in range(clients):
        closed = loop.create_future()
        _transport, client = await loop.create_connection(
            lambda index=index, closed=closed: _Client(requests, index, recorder, closed), host, port
        )
        connections.append((client, closed))
    await asyncio.sleep(WARM_UP_SECONDS)
    recorder.measuring = True
    started = time.perf_counter()
    await asyncio.sleep(seconds)
    recorder.measuring = False
    elapsed = time.perf_counter() - started
    for client, _closed in connections:
        client.stop()
    await asyncio.wait([closed for _client, closed in connections], timeout=10)
    latencies = sorted(recorder.latencies)
    return LoadResult(
        requests=len(latencies),
        errors=recorder.errors,
        seconds=elapsed,
        p50_ms=_percentile(latencies, 0.50) * 1000,
        p99_ms=_percentile(latencies, 0.99) * 1000,
    )


def run_here(host: str, port: int, paths: list[str], headers: list[str], clients: int, seconds: float) -> LoadResult:
    """The load from this process (``measure`` runs it in another)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(_drive(host, port, paths, headers, clients, seconds))
    return uvloop.run(_drive(host, port, paths, headers, clients, seconds))


def measure(
    port: int,
    paths: list[str],
    *,
    headers: list[str] = (),  # type: ignore[assignment]
    clients: int,
    seconds: float,
    host: str = "127.0.0.1",
) -> LoadResult:
    """The load from a separate process, so the client never shares an interpreter with the server."""
    command = [sys.executable, "-m", "bench.load", "--host", host, "--port", str(port),
               "--clients", str(clients), "--seconds", str(seconds), "--json"]
    for path in paths:
        command += ["--path", path]
    for header in headers:
        command += ["--header", header]
    finished = subprocess.run(command, check=True, capture_output=True, text=True)
    return LoadResult(**json.loads(finished.stdout))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", action="append", required=True,
                        help="a path to GET (repeat: each client cycles through them)")
    parser.add_argument("--header", action="append", default=[], help="'Name: value', sent with every request")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = parser.parse_args(argv)
    result = run_here(args.host, args.port, args.path, args.header, args.clients, args.seconds)
    if args.json:
        print(json.dumps(asdict(result)))
    else:
        print(f"{result.per_second:,.0f} req/s  p50 {result.p50_ms:.1f} ms  p99 {result.p99_ms:.1f} ms  "
              f"errors {result.errors} ({result.requests} requests in {result.seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
