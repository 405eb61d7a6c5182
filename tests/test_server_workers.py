"""``hostui-server serve --workers 2``: two processes answer on one port, on SQLite and on
PostgreSQL, and what one of them does (a logout) holds in the other at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from backend.portal import Portal
from tests.conftest import DEMO_LOGIN, DEMO_PASSWORD, _free_port

START_SECONDS = 90
REQUESTS = 12


def _worker_processes(supervisor: int) -> list[int]:
    """The children uvicorn's supervisor spawned (multiprocessing's spawn entry point)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == supervisor and b"spawn_main" in command:
            children.append(int(entry.name))
    return children


@pytest.fixture
def two_workers(portal: Portal) -> Iterator[tuple[str, subprocess.Popen]]:
    port = _free_port()
    env = dict(os.environ, HOSTUI_DATA_DIR=str(Path(portal.settings.secret_key_file).parent))
    server = subprocess.Popen(
        [sys.executable, "-m", "backend.server", "serve", "--port", str(port),
         "--database", portal.settings.database_url, "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    try:
        while len(_worker_processes(server.pid)) < 2 or not _answers(base):
            assert server.poll() is None, server.stderr.read().decode()
            assert time.monotonic() < deadline, "hostui-server --workers 2 did not start"
            time.sleep(0.2)
        yield base, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stderr.close()


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _fresh_connection_get(base: str, path: str, token: str) -> httpx.Response:
    # A new connection each time, so the kernel hands the requests to either worker.
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        return client.get(path)


def test_two_workers_serve_one_port_and_share_a_logout(two_workers) -> None:  # noqa: ANN001
    base, server = two_workers
    assert len(_worker_processes(server.pid)) == 2

    login = httpx.post(f"{base}/api/v1/auth/login", json={"login": DEMO_LOGIN, "password": DEMO_PASSWORD})
    assert login.status_code == 200, login.text
    token = login.json()["token"]
    pages = [_fresh_connection_get(base, "/api/v1/invoices", token) for _ in range(REQUESTS)]
    assert {page.status_code for page in pages} == {200}
    assert len({page.text for page in pages}) == 1
    assert all(page.headers["cache-control"] == "no-store" for page in pages)

    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        assert client.post("/api/v1/auth/logout").status_code == 204
    after = [_fresh_connection_get(base, "/api/v1/invoices", token) for _ in range(REQUESTS)]
    assert {answer.status_code for answer in after} == {401}

    server.terminate()
    assert server.wait(timeout=30) == 0
