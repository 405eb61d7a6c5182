"""Servers in child processes for benchmarks: ``hostui-server`` on a given database (any
number of workers) and a logged-in token for the demo customer; the same start-and-wait for
any other server command (the API benchmark's bare endpoint)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.datasets import ROOT
from bench.hostui_process import inherited_env

START_TIMEOUT_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def url_of(port: int) -> str:
    return f"http://127.0.0.1:{port}"


@contextmanager
def running(command: list[str], env: dict[str, str], port: int, ready_path: str, log: Path) -> Iterator[int]:
    """Run a server command until the block ends; yields ``port`` once ``ready_path`` answers
    there. Its output goes to ``log``, quoted when it exits before answering."""
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[2:4]} exited with {process.returncode}: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url_of(port) + ready_path, timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server on port {port} did not answer {ready_path}") from None
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def hostui_server(data_dir: Path, database_url: str | None = None, workers: int = 1) -> Iterator[int]:
    """``hostui-server serve`` on ``database_url`` (default: ``data_dir/portal.sqlite3``, key
    ``data_dir/secret.key``) with ``workers`` processes; yields its port. Its output goes to
    ``data_dir/server.log``."""
    port = free_port()
    database_url = database_url or f"sqlite:///{data_dir / 'portal.sqlite3'}"
    command = [sys.executable, "-m", "backend.server", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--database", database_url, "--workers", str(workers)]
    env = {**inherited_env(), "HOSTUI_DATA_DIR": str(data_dir)}
    with running(command, env, port, "/healthz", data_dir / "server.log") as served:
        yield served


def log_in(port: int, login: str = "demo", password: str = "demo") -> str:
    """A token for ``login`` at the server, as ``hostui login`` gets it."""
    from hostui.services.remote import login as remote_login

    return asyncio.run(remote_login(url_of(port), login, password)).token
