"""``hostui-server`` in a child process on a given database, for benchmarks that need the
remote profile, and a logged-in token for the demo customer."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def hostui_server(data_dir: Path, timeout: float = 30.0) -> Iterator[str]:
    """Serve ``data_dir/portal.sqlite3`` (key ``data_dir/secret.key``); yields the base URL once
    ``/healthz`` answers. The server's output goes to ``data_dir/server.log``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {"PATH": str(BIN), "HOSTUI_DATA_DIR": str(data_dir)}
    with open(data_dir / "server.log", "wb") as log:
        process = subprocess.Popen(
            [str(BIN / "hostui-server"), "--host", "127.0.0.1", "--port", str(port),
             "--database", f"sqlite:///{data_dir / 'portal.sqlite3'}"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.perf_counter() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"hostui-server exited ({process.returncode}): {(data_dir / 'server.log').read_text()}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.perf_counter() > deadline:
                raise RuntimeError(f"hostui-server did not answer in {timeout:.0f} s")
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def log_in(url: str, login: str = "demo", password: str = "demo") -> str:
    """A token for ``login`` at the server, as ``hostui login`` gets it."""
    from hostui.services.remote import login as remote_login

    return asyncio.run(remote_login(url, login, password)).token
