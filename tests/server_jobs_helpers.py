"""Test helpers for server jobs: fast job settings, servers put into a given state, waiting
for a job to end (by polling its state against a deadline, never by sleeping a fixed time)."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from datetime import timedelta

from argon2 import PasswordHasher
from sqlmodel import select

from backend.db import read_session, write_session
from backend.domain.code_word import normalize
from backend.jobs.settings import JobSettings
from backend.models import Customer, Server, ServerJob, ServiceOrder
from backend.portal import Portal

FAST_JOBS = JobSettings(
    step_seconds=0.02, failure_rate=0.0, poll_seconds=0.01, claim_ttl=timedelta(seconds=10),
    settle_timeout=timedelta(seconds=10),
)
FINISHED = ("succeeded", "failed")


def key() -> str:
    return uuid.uuid4().hex


def use_job_settings(portal: Portal, jobs: JobSettings = FAST_JOBS) -> None:
    portal.settings = dataclasses.replace(portal.settings, jobs=jobs)


def server_of(portal: Portal, customer_id: int, *, power_state: str = "on", order_status: str = "active",
              ipkvm: bool | None = None) -> Server:
    """One of the customer's servers, put into this power state and order status."""
    with write_session(portal.engine) as session:
        rows = session.exec(
            select(Server, ServiceOrder)
            .join(ServiceOrder, Server.order_id == ServiceOrder.id)
            .where(ServiceOrder.customer_id == customer_id)
            .order_by(Server.id)
        ).all()
        for server, order in rows:
            if ipkvm is None or (server.ipkvm_url is not None) == ipkvm:
                server.power_state = power_state
                order.status = order_status
                session.flush()
                return server
    raise AssertionError("the demo customer has no such server")


def power_state_of(portal: Portal, server_id: int) -> str:
    with read_session(portal.engine) as session:
        return session.get(Server, server_id).power_state


def job_row(portal: Portal, job_id: int) -> ServerJob:
    with read_session(portal.engine) as session:
        return session.get(ServerJob, job_id)


def set_code_word(portal: Portal, customer_id: int, code_word: str) -> None:
    # Cheap Argon2 costs, so the many checks stay fast; verification reads them from the hash.
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with write_session(portal.engine) as session:
        session.get(Customer, customer_id).code_word_hash = cheap.hash(normalize(code_word))


async def wait_for_job(service, job_id: int, timeout: float = 20.0):  # noqa: ANN001, ANN201
    """The job once it has ended, read through ``service``."""
    deadline = time.monotonic() + timeout
    while True:
        job = await service.get_job(job_id)
        if job.state.value in FINISHED:
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job.state.value} ({job.step})"
        await asyncio.sleep(0.01)


def wait_for_row(portal: Portal, job_id: int, condition, timeout: float = 20.0) -> ServerJob:  # noqa: ANN001
    """The job's row once ``condition(row)`` holds."""
    deadline = time.monotonic() + timeout
    while True:
        row = job_row(portal, job_id)
        if condition(row):
            return row
        assert time.monotonic() < deadline, f"job {job_id} is {row.state} at {row.step!r}"
        time.sleep(0.01)
