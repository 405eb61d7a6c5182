"""Server jobs under contention, on SQLite and PostgreSQL: many requests for one server make
one job; several runners on one database never run a job twice; a job whose runner was
killed (SIGKILL, mid-job, in another process) is resumed or failed by the next runner.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from backend.contract import JobState, PowerAction, ServerBusy
from backend.db import read_session, write_session
from backend.jobs.runner import JobRunner
from backend.models import AuditLog, Server, ServerJob, ServiceOrder
from backend.portal import Portal, open_portal
from tests.server_jobs_helpers import FAST_JOBS, job_row, key, server_of, use_job_settings, wait_for_row

REQUESTS = 20
ROOT = Path(__file__).resolve().parent.parent


def _jobs_of(portal: Portal, server_id: int) -> int:
    with read_session(portal.engine) as session:
        return session.exec(select(func.count()).select_from(ServerJob).where(ServerJob.server_id == server_id)).one()


async def test_twenty_concurrent_power_requests_make_exactly_one_job(service, portal, demo_customer_id):
    use_job_settings(portal)
    server = server_of(portal, demo_customer_id, power_state="on")
    outcomes = await asyncio.gather(
        *(service.power(server.id, PowerAction.REBOOT, key()) for _ in range(REQUESTS)), return_exceptions=True
    )
    jobs = [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]
    refusals = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert len(jobs) == 1, refusals
    assert all(isinstance(refusal, ServerBusy) for refusal in refusals), refusals
    assert all(f"reboot job {jobs[0].id} is " in str(refusal) for refusal in refusals)
    assert _jobs_of(portal, server.id) == 1


async def test_twenty_concurrent_retries_of_one_request_replay_one_job(service, portal, demo_customer_id):
    use_job_settings(portal)
    server = server_of(portal, demo_customer_id, power_state="on")
    request_key = key()
    jobs = await asyncio.gather(*(service.power(server.id, PowerAction.DISABLE, request_key) for _ in range(REQUESTS)))
    assert len({job.id for job in jobs}) == 1
    assert _jobs_of(portal, server.id) == 1


def test_the_database_refuses_a_second_active_job_for_a_server(portal, demo_customer_id):
    """The last line of defence, below the checks: the partial unique index itself."""
    from sqlalchemy.exc import IntegrityError

    server = server_of(portal, demo_customer_id, power_state="on")

    def job(state: str) -> ServerJob:
        return ServerJob(server_id=server.id, kind="reboot", state=state, idempotency_key=key(),
                         started_by="demo", started_from="127.0.0.1")

    with write_session(portal.engine) as session:
        session.add_all([job("succeeded"), job("failed"), job("queued")])
    with pytest.raises(IntegrityError):
        with write_session(portal.engine) as session:
            session.add(job("running"))
    assert _jobs_of(portal, server.id) == 3


def _demo_servers(portal: Portal, customer_id: int) -> list[int]:
    with write_session(portal.engine) as session:
        rows = session.exec(
            select(Server, ServiceOrder).join(ServiceOrder, Server.order_id == ServiceOrder.id)
            .where(ServiceOrder.customer_id == customer_id).order_by(Server.id)
        ).all()
        for server, order in rows:
            server.power_state, order.status = "on", "active"
        return [server.id for server, _order in rows]


def test_two_runners_on_one_database_never_run_a_job_twice(portal, demo_customer_id):
    from backend.domain import server_jobs

    jobs = dataclasses.replace(FAST_JOBS, step_seconds=0.05)
    use_job_settings(portal, jobs)
    server_ids = _demo_servers(portal, demo_customer_id)
    assert len(server_ids) >= 6
    job_ids = [
        server_jobs.power(portal, demo_customer_id, server_id, "reboot", key(), None, "test", "127.0.0.1").id
        for server_id in server_ids
    ]
    # A second portal: its own engine and connections, as a second process would have.
    other = open_portal(portal.settings, clock=portal.clock)
    runners = [JobRunner(portal, name="runner-a", max_parallel=1), JobRunner(other, name="runner-b", max_parallel=1)]
    try:
        for runner in runners:
            runner.start()
        for job_id in job_ids:
            wait_for_row(portal, job_id, lambda row: row.state in ("succeeded", "failed"))
    finally:
        for runner in runners:
            runner.stop()
        other.dispose()
    with read_session(portal.engine) as session:
        states = session.exec(select(ServerJob.state).where(col(ServerJob.id).in_(job_ids))).all()
        starts = session.exec(
            select(AuditLog.entity_id, AuditLog.detail)
            .where(AuditLog.entity == "server_job", col(AuditLog.action).endswith(".start"))
        ).all()
        resumes = session.exec(
            select(func.count()).select_from(AuditLog).where(col(AuditLog.action).endswith(".resume"))
        ).one()
    assert states == ["succeeded"] * len(job_ids)
    started = [entity_id for entity_id, _detail in starts]
    assert sorted(started) == sorted(job_ids), "every job started exactly once"
    assert resumes == 0
    # Both runners took part, so the claims were really contested.
    assert {"runner-a" in detail for _id, detail in starts} == {True, False}


def _start_runner_process(portal: Portal, data_dir: Path, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, HOSTUI_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    env.pop("HOSTUI_SECRET_KEY", None)
    url = portal.engine.url.render_as_string(hide_password=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "backend.jobs", "--database", url, "--step-seconds", "0.4", "--claim-seconds", "1", *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout.readline().strip() == "ready", process.stderr.read()
    return process


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    process.stdout.close()
    process.stderr.close()


def _audited(portal: Portal, job_id: int) -> list[str]:
    with read_session(portal.engine) as session:
        return list(session.exec(
            select(AuditLog.action).where(AuditLog.entity == "server_job", AuditLog.entity_id == job_id).order_by(AuditLog.id)
        ).all())


def test_a_job_whose_runner_was_killed_is_resumed_by_the_next_runner(portal, demo_customer_id, tmp_path):
    from backend.domain import server_jobs

    server = server_of(portal, demo_customer_id, power_state="on")
    started = server_jobs.reinstall(
        portal, demo_customer_id, server.id, "debian-13", server.hostname, key(), None, "test", "127.0.0.1"
    )
    process = _start_runner_process(portal, tmp_path)
    try:
        row = wait_for_row(portal, started.job.id, lambda row: row.steps_done >= 2)
    finally:
        _kill(process)
    assert row.state == "running" and row.claimed_by is not None
    assert job_row(portal, started.job.id).state == "running"  # the dead process left it so

    use_job_settings(portal, dataclasses.replace(FAST_JOBS, claim_ttl=timedelta(seconds=1)))
    runner = JobRunner(portal).start()
    try:
        done = wait_for_row(portal, started.job.id, lambda row: row.state in ("succeeded", "failed"))
    finally:
        runner.stop()
    assert done.state == JobState.SUCCEEDED.value, done.error
    assert done.claimed_by is None
    assert _audited(portal, started.job.id) == [
        "server_job.reinstall.request", "server_job.reinstall.start",
        "server_job.reinstall.resume", "server_job.reinstall.succeeded",
    ]
    with read_session(portal.engine) as session:
        server_now = session.get(Server, server.id)
        assert server_now.power_state == "on"
        assert portal.secrets.decrypt(server_now.password_encrypted) == started.root_password


def test_a_killed_job_that_cannot_carry_on_is_failed_not_left_running(portal, demo_customer_id, tmp_path):
    from backend.domain import server_jobs

    server = server_of(portal, demo_customer_id, power_state="on")
    job = server_jobs.power(portal, demo_customer_id, server.id, "reboot", key(), None, "test", "127.0.0.1")
    process = _start_runner_process(portal, tmp_path)
    try:
        wait_for_row(portal, job.id, lambda row: row.steps_done >= 1)
    finally:
        _kill(process)
    # While nobody watched, the server lost power: a reboot cannot carry on from there.
    with write_session(portal.engine) as session:
        session.get(Server, server.id).power_state = "off"

    use_job_settings(portal, dataclasses.replace(FAST_JOBS, claim_ttl=timedelta(seconds=1)))
    runner = JobRunner(portal).start()
    try:
        done = wait_for_row(portal, job.id, lambda row: row.state in ("succeeded", "failed"))
    finally:
        runner.stop()
    assert done.state == "failed"
    assert done.error_code == "interrupted" and done.error_source == "provider"
    assert "interrupted" in done.error and "the server is off" in done.error
    assert _audited(portal, job.id)[-1] == "server_job.reboot.failed"
