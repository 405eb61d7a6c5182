"""The job runner: claims queued server jobs and drives them through their steps.

Several runners may share one database (several ``hostui-server`` processes, a TUI on the
same SQLite file), and none may run a job another is running. A runner *claims* a job by
writing its name and a deadline (``claimed_until``) into the row — on PostgreSQL after
picking it with ``SELECT … FOR UPDATE SKIP LOCKED``, on SQLite (which has no row locks)
with a conditional ``UPDATE … WHERE claimed_until IS NULL OR claimed_until < now`` whose row
count says who won. While working, it pushes the deadline on with every write, each write
conditional on still holding the claim; a runner that finds it lost the claim stops at once.

A job whose claim ran out was left by a process that died (or stalled past its deadline).
The next runner to look — any runner, including one just starting — claims it like a queued
one and asks the data centre whether the job can carry on from its last finished step; if
not, the job fails with a clear error. No job stays "running" for ever.

Claims use the wall clock, not the portal's (which tests freeze): they are about processes
being alive, not about business time.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone

from sqlalchemy import or_, update
from sqlmodel import col, select

from backend.background import BackgroundWorker
from backend.claims import claim_next
from backend.db import read_session, write_session
from backend.domain import audit
from backend.jobs import plans
from backend.models import ACTIVE_JOB_STATES, OsImage, Server, ServerJob, ServiceOrder
from backend.portal import Portal
from backend.provisioning.interface import Machine, Provisioning, ProvisioningError

log = logging.getLogger(__name__)

ACTOR = "system"
DONE = "Done"


def wall_clock() -> datetime:
    return datetime.now(timezone.utc)


class ClaimLost(Exception):
    """Another runner took the job over (ours ran out): stop touching it."""


class Stopping(Exception):
    """The runner is shutting down: hand the job back for the next runner to resume."""


class JobRunner(BackgroundWorker):
    def __init__(
        self,
        portal: Portal,
        provider: Provisioning | None = None,
        *,
        name: str | None = None,
        max_parallel: int = 4,
        clock: Callable[[], datetime] = wall_clock,
    ) -> None:
        from backend.provisioning.simulated import SimulatedDataCentre

        self.portal = portal
        self.settings = portal.settings.jobs
        self.provider = provider or SimulatedDataCentre(self.settings)
        self.name = (name or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}")[:64]
        self._clock = clock
        self._max_parallel = max_parallel
        super().__init__(f"job-runner {self.name}")
        self._pool: ThreadPoolExecutor | None = None
        self._busy: set[int] = set()
        self._busy_lock = threading.Lock()

    # -- starting and stopping

    def _started(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self._max_parallel, thread_name_prefix="server-job")

    def stop(self, timeout: float = 30.0) -> None:
        """Stop claiming, and hand the jobs in progress back at their next step (their claims
        are released, so the next runner resumes them at once instead of waiting them out)."""
        super().stop(timeout)

    def _stopped(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                claimed = self._claim_next() if self._free_slots() else None
            except Exception:  # noqa: BLE001 - a database hiccup must not end the runner
                log.exception("job runner %s could not look for jobs", self.name)
                claimed = None
            if claimed is None:
                self._stopping.wait(self.settings.poll_seconds)
                continue
            with self._busy_lock:
                self._busy.add(claimed)
            self._pool.submit(self._run, claimed)

    def _free_slots(self) -> bool:
        with self._busy_lock:
            return len(self._busy) < self._max_parallel

    # -- claiming

    def _claimable(self, now: datetime):  # noqa: ANN202
        return (
            col(ServerJob.state).in_(ACTIVE_JOB_STATES),
            or_(col(ServerJob.claimed_until).is_(None), col(ServerJob.claimed_until) < now),
        )

    def _claim_next(self) -> int | None:
        """Claim the oldest job nobody holds; its id, or None when there is none to take."""
        now = self._clock()
        return claim_next(
            self.portal.engine,
            ServerJob,
            self._claimable(now),
            {"claimed_by": self.name, "claimed_until": now + self.settings.claim_ttl},
        )

    # -- saving progress, always as the claim's holder

    def _save(self, job_id: int, *, power_state: str | None = None, **values: object) -> None:
        """Write ``values`` to the job (and the observed power state to its server), renewing
        the claim; raise ClaimLost if the job is no longer ours."""
        with write_session(self.portal.engine) as session:
            self._save_in(session, job_id, power_state=power_state, **values)

    def _save_in(self, session, job_id: int, *, power_state: str | None = None, **values: object) -> ServerJob:  # noqa: ANN001
        values.setdefault("claimed_until", self._clock() + self.settings.claim_ttl)
        saved = session.execute(
            update(ServerJob).where(ServerJob.id == job_id, ServerJob.claimed_by == self.name).values(**values)
        )
        if saved.rowcount != 1:
            raise ClaimLost(job_id)
        job = session.get(ServerJob, job_id)
        if power_state is not None:
            server = session.get(Server, job.server_id)
            server.power_state = power_state
        return job

    # -- running one job

    def _run(self, job_id: int) -> None:
        try:
            self._drive(job_id)
        except ClaimLost:
            log.warning("job %s was taken over by another runner; %s let it go", job_id, self.name)
        except Stopping:
            self._hand_back(job_id)
        except Exception as error:  # noqa: BLE001 - whatever broke, the job must not hang
            log.exception("job %s failed in runner %s", job_id, self.name)
            try:
                self._finish(job_id, None, ProvisioningError(
                    "the job stopped on an internal error; the provider has been told", code="internal_error"
                ))
            except Exception:  # noqa: BLE001 - e.g. the database is gone: the claim runs out instead
                log.exception("job %s could not be marked failed (%s)", job_id, type(error).__name__)
        finally:
            with self._busy_lock:
                self._busy.discard(job_id)

    def _load(self, job_id: int) -> tuple[ServerJob, Machine, str | None, str | None]:
        with read_session(self.portal.engine) as session:
            job = session.get(ServerJob, job_id)
            server = session.get(Server, job.server_id)
            image = session.get(OsImage, job.os_image_id) if job.os_image_id is not None else None
        password = (
            self.portal.secrets.decrypt(job.root_password_encrypted) if job.root_password_encrypted else None
        )
        machine = Machine(server_id=server.id, hostname=server.hostname, last_seen=server.power_state)
        return job, machine, image.code if image else None, password

    def _drive(self, job_id: int) -> None:
        job, machine, os_image, root_password = self._load(job_id)
        steps = plans.plan(job.kind, self.provider, os_image=os_image, root_password=root_password)
        if job.state == "running":
            if not self.provider.can_resume(machine, job.kind, job.steps_done):
                state = self.provider.observe(machine)
                self._finish(job_id, machine, ProvisioningError(
                    f"the job was interrupted (its runner stopped) and cannot carry on: the server is "
                    f"{state} now; start it again if it is still needed", code="interrupted",
                ))
                return
            self._record(job_id, "resume", steps_done=job.steps_done)
        else:
            self._save(job_id, state="running", started_at=self.portal.now())
            self._record(job_id, "start")
        for index in range(job.steps_done, len(steps)):
            if self._stopping.is_set():
                raise Stopping
            step = steps[index]
            self._save(job_id, step=f"{index + 1}/{len(steps)} {step.name}")
            try:
                if step.act is not None:
                    step.act(self.provider, machine)
                machine = self._observe(job_id, machine)
                if step.reach is not None:
                    machine = self._await(job_id, machine, step.reach)
            except ProvisioningError as error:
                self._finish(job_id, machine, error)
                return
            # Never 100 before the job is done: the last write says so.
            self._save(job_id, steps_done=index + 1, progress=min(99, (index + 1) * 100 // len(steps)))
        self._finish(job_id, machine, None)

    def _observe(self, job_id: int, machine: Machine) -> Machine:
        """What the data centre sees now, written to the server row when it changed."""
        seen = self.provider.observe(machine)
        if seen != machine.last_seen:
            self._save(job_id, power_state=seen)
            machine = replace(machine, last_seen=seen)
        return machine

    def _await(self, job_id: int, machine: Machine, wanted: str) -> Machine:
        deadline = time.monotonic() + self.settings.settle_timeout.total_seconds()
        pause = max(0.005, min(0.25, self.settings.step_seconds / 5))
        while machine.last_seen != wanted:
            if time.monotonic() > deadline:
                raise ProvisioningError(
                    f"{machine.hostname} did not become {wanted} within "
                    f"{int(self.settings.settle_timeout.total_seconds())} s (it is {machine.last_seen})",
                    code="state_timeout",
                )
            if self._stopping.wait(pause):
                raise Stopping
            self._save(job_id)  # still alive: renew the claim
            machine = self._observe(job_id, machine)
        return machine

    def _finish(self, job_id: int, machine: Machine | None, error: ProvisioningError | None) -> None:
        now = self.portal.now()
        seen = self.provider.observe(machine) if machine is not None else None
        values: dict[str, object] = {
            "state": "failed" if error else "succeeded",
            "finished_at": now,
            "claimed_by": None,
            "claimed_until": None,
        }
        if error is None:
            values.update(progress=100, step=DONE)
        else:
            values.update(error=str(error)[:500], error_code=error.code[:32], error_source=error.source)
        with write_session(self.portal.engine) as session:
            job = self._save_in(session, job_id, power_state=seen, **values)
            if error is None and job.kind == "reinstall":
                server = session.get(Server, job.server_id)
                # The new system is up with the new password: from now on it is the server's.
                server.password_encrypted = job.root_password_encrypted
                server.os_image_id = job.os_image_id
                server.reinstall_requested_at = None
            self._record_in(session, job, "failed" if error else "succeeded", error_code=values.get("error_code"))

    def _hand_back(self, job_id: int) -> None:
        try:
            self._save(job_id, claimed_by=None, claimed_until=None)
        except ClaimLost:
            pass

    # -- the audit trail

    def _record(self, job_id: int, what: str, **detail: object) -> None:
        with write_session(self.portal.engine) as session:
            self._record_in(session, session.get(ServerJob, job_id), what, **detail)

    def _record_in(self, session, job: ServerJob, what: str, **detail: object) -> None:  # noqa: ANN001
        server = session.get(Server, job.server_id)
        order = session.get(ServiceOrder, server.order_id)
        audit.record(
            session, at=self.portal.now(), customer_id=order.customer_id, actor=ACTOR,
            action=f"server_job.{job.kind}.{what}", entity="server_job", entity_id=job.id,
            server_id=server.id, runner=self.name, **detail,
        )
