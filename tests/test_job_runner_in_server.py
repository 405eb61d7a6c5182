"""hostui-server carries out jobs itself: its app's lifespan runs a job runner, and stopping
the server hands unfinished jobs back instead of leaving them claimed."""

from __future__ import annotations

import dataclasses
import time

from fastapi.testclient import TestClient

from backend.api.app import create_app
from backend.domain.accounts import customer_id_for_login
from tests.conftest import DEMO_LOGIN, DEMO_PASSWORD
from tests.server_jobs_helpers import FAST_JOBS, job_row, key, server_of, use_job_settings


def _log_in(client: TestClient) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"login": DEMO_LOGIN, "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_the_server_runs_jobs_while_it_serves(sqlite_portal):
    portal = sqlite_portal
    demo_customer_id = customer_id_for_login(portal, DEMO_LOGIN)
    use_job_settings(portal)
    server = server_of(portal, demo_customer_id, power_state="on")
    with TestClient(create_app(portal, run_jobs=True)) as client:
        headers = _log_in(client)
        started = client.post(f"/api/v1/servers/{server.id}/power", json={"action": "reboot"},
                              headers={**headers, "Idempotency-Key": key()})
        assert started.status_code == 202, started.text
        job_id = started.json()["id"]
        deadline = time.monotonic() + 20
        while (job := client.get(f"/api/v1/jobs/{job_id}", headers=headers).json())["state"] not in ("succeeded", "failed"):
            assert time.monotonic() < deadline, job
            time.sleep(0.01)
    assert job["state"] == "succeeded" and job["progress"] == 100


def test_stopping_the_server_hands_a_running_job_back(sqlite_portal):
    portal = sqlite_portal
    demo_customer_id = customer_id_for_login(portal, DEMO_LOGIN)
    use_job_settings(portal, dataclasses.replace(FAST_JOBS, step_seconds=0.5))
    server = server_of(portal, demo_customer_id, power_state="on")
    with TestClient(create_app(portal, run_jobs=True)) as client:
        headers = _log_in(client)
        job_id = client.post(f"/api/v1/servers/{server.id}/power", json={"action": "reboot"},
                             headers={**headers, "Idempotency-Key": key()}).json()["id"]
        deadline = time.monotonic() + 20
        while job_row(portal, job_id).steps_done < 2:
            assert time.monotonic() < deadline
            time.sleep(0.01)
    row = job_row(portal, job_id)
    assert row.state == "running" and row.claimed_by is None and row.claimed_until is None
