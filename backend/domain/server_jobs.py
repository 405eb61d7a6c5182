"""Starting server jobs (power actions, reinstalls) and reading them back.

A request only queues the job; the job runner (``backend.jobs.runner``) carries it out. The
request is checked against ``server_rules`` (the same rule the server screen's hints come
from), twice: once before the code word is checked, so nobody types it for an action that
cannot happen, and again with the server row locked, where it counts. A server holds at
most one queued or running job; the partial unique index on ``server_job`` makes that true
even for two requests that pass the check at the same moment, and the loser is told which
job is in the way (409 ``server_busy``).

Each request carries an idempotency key: the same key again replays the job it started
(as it is now), whatever happened to the server since.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Iterable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from backend.contract import (
    CODE_WORD_MAX,
    InvalidInput,
    JobKind,
    JobState,
    NotFound,
    PowerAction,
    ReinstallStarted,
    ServerBusy,
)
from backend.contract import ServerJob as JobView
from backend.db import read_session, write_session
from backend.domain import audit, code_word, idempotency, server_rules, servers
from backend.models import ACTIVE_JOB_STATES, OsImage, Server, ServerJob, ServiceOrder
from backend.portal import Portal

# Actions that cannot be taken back from the keyboard: they ask for the code word, if set.
NEEDS_CODE_WORD = frozenset({server_rules.DISABLE, server_rules.BLOCK, server_rules.REINSTALL})
ROOT_PASSWORD_LENGTH = 20
_PASSWORD_ALPHABET = string.ascii_letters + string.digits


# --- reading jobs ----------------------------------------------------------------------------


def _image_names(session: Session, rows: Iterable[ServerJob]) -> dict[int, str]:
    ids = {row.os_image_id for row in rows if row.os_image_id is not None}
    if not ids:
        return {}
    return dict(session.exec(select(OsImage.id, OsImage.name).where(col(OsImage.id).in_(ids))).all())


def _view(row: ServerJob, image_names: dict[int, str]) -> JobView:
    return JobView(
        id=row.id,
        server_id=row.server_id,
        kind=JobKind(row.kind),
        state=JobState(row.state),
        progress=row.progress,
        step=row.step,
        error=row.error,
        error_source=row.error_source,
        error_code=row.error_code,
        started_by=row.started_by,
        started_from=row.started_from,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        os_image=image_names.get(row.os_image_id) if row.os_image_id is not None else None,
    )


def job_views(session: Session, rows: list[ServerJob]) -> list[JobView]:
    names = _image_names(session, rows)
    return [_view(row, names) for row in rows]


def active_job_view(session: Session, server_id: int) -> JobView | None:
    """The server's queued or running job, for ``ServerDetail.active_job``."""
    row = servers.active_job(session, server_id)
    return job_views(session, [row])[0] if row is not None else None


def recent_job_views(session: Session, server_id: int, limit: int) -> list[JobView]:
    """The server's latest finished jobs, newest first, for ``ServerDetail.recent_jobs``."""
    rows = session.exec(
        select(ServerJob)
        .where(ServerJob.server_id == server_id, col(ServerJob.state).not_in(ACTIVE_JOB_STATES))
        .order_by(col(ServerJob.id).desc())
        .limit(limit)
    ).all()
    return job_views(session, list(rows))


def _owned_job(session: Session, customer_id: int, job_id: int) -> ServerJob:
    row = session.exec(
        select(ServerJob)
        .join(Server, ServerJob.server_id == Server.id)
        .join(ServiceOrder, Server.order_id == ServiceOrder.id)
        .where(ServerJob.id == job_id, ServiceOrder.customer_id == customer_id)
    ).first()
    if row is None:
        raise NotFound(f"job {job_id} not found")
    return row


def get_job(portal: Portal, customer_id: int, job_id: int) -> JobView:
    with read_session(portal.engine) as session:
        return job_views(session, [_owned_job(session, customer_id, job_id)])[0]


# --- starting jobs ---------------------------------------------------------------------------


def _replayed(session: Session, customer_id: int, key: str, fingerprint: str) -> ServerJob | None:
    """The job an earlier request with this key started, or None when the key is new."""
    stored = idempotency.replay(session, customer_id, key, fingerprint, JobView)
    return session.get(ServerJob, stored.id) if stored is not None else None


def _start(
    portal: Portal,
    customer_id: int,
    server_id: int,
    kind: str,
    idempotency_key: str,
    given_code_word: str | None,
    actor: str,
    client_address: str,
    *,
    fingerprint_parts: tuple = (),
    check: Callable[[Session, servers.OwnedServer], dict] = lambda _session, _owned: {},
) -> ServerJob:
    """Queue a ``kind`` job on the server, or return the one this key queued before.

    ``check`` refuses what the rule does not cover (a reinstall's image and hostname) and
    returns extra columns for the new row.
    """
    idempotency.check_key(idempotency_key)
    if given_code_word is not None and len(given_code_word) > CODE_WORD_MAX:
        raise InvalidInput(f"code_word: at most {CODE_WORD_MAX} characters")
    fingerprint = idempotency.fingerprint(f"server.{kind}", server_id, *fingerprint_parts)
    with read_session(portal.engine) as session:
        owned = servers.owned_server(session, customer_id, server_id)
        earlier = _replayed(session, customer_id, idempotency_key, fingerprint)
        if earlier is not None:
            return earlier
        try:
            servers.require(session, owned, kind)
        except ServerBusy:
            # The job in the way may be this very request's, queued by a twin that committed
            # between our two reads (PostgreSQL gives each statement a fresh snapshot).
            earlier = _replayed(session, customer_id, idempotency_key, fingerprint)
            if earlier is not None:
                return earlier
            raise
        check(session, owned)
        customer = owned.customer
    if kind in NEEDS_CODE_WORD:
        code_word.check(
            portal, customer_id=customer_id, login=customer.login, code_word_hash=customer.code_word_hash,
            given=given_code_word, ip=client_address, what=f"{kind} of {owned.server.hostname}",
        )

    now = portal.now()
    with write_session(portal.engine) as session:
        owned = servers.owned_server(session, customer_id, server_id, lock=True)
        # A twin request that waited for the lock finds the job the first one queued.
        earlier = _replayed(session, customer_id, idempotency_key, fingerprint)
        if earlier is not None:
            return earlier
        servers.require(session, owned, kind)
        extra = check(session, owned)
        job = ServerJob(
            server_id=server_id, kind=kind, state=JobState.QUEUED.value, progress=0, step="Queued",
            idempotency_key=idempotency_key, started_by=owned.customer.login,
            started_from=client_address[:45], created_at=now, **extra,
        )
        try:
            with session.begin_nested():
                session.add(job)
                session.flush()
        except IntegrityError:
            # Another request queued a job between our check and our insert (the index said no).
            running = servers.active_job(session, server_id)
            reason = server_rules.busy_reason(running) if running else "another job has just started: wait for it"
            raise ServerBusy(f"cannot {kind} {owned.server.hostname}: {reason}") from None
        if kind == server_rules.REINSTALL:
            owned.server.reinstall_requested_at = now
        idempotency.remember(
            session, customer_id, idempotency_key, f"server.{kind}", fingerprint,
            job_views(session, [job])[0], now,
        )
        audit.record(
            session, at=now, customer_id=customer_id, actor=actor, action=f"server_job.{kind}.request",
            entity="server_job", entity_id=job.id, server_id=server_id, login=owned.customer.login,
            client_address=client_address, os_image_id=job.os_image_id,
        )
        return job


def _power_kind(action: PowerAction | str) -> str:
    try:
        return PowerAction(action).value
    except ValueError:
        raise InvalidInput(f"unknown power action {action!r}: use reboot, disable, block or enable") from None


def power(
    portal: Portal,
    customer_id: int,
    server_id: int,
    action: PowerAction | str,
    idempotency_key: str,
    given_code_word: str | None,
    actor: str,
    client_address: str,
) -> JobView:
    """Queue a reboot, disable (power off), block (off the network) or enable job."""
    kind = _power_kind(action)
    job = _start(portal, customer_id, server_id, kind, idempotency_key, given_code_word, actor, client_address)
    with read_session(portal.engine) as session:
        return job_views(session, [session.get(ServerJob, job.id)])[0]


def _new_root_password() -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(ROOT_PASSWORD_LENGTH))


def _hostname(name: str) -> str:
    return name.strip().rstrip(".").lower()


def reinstall(
    portal: Portal,
    customer_id: int,
    server_id: int,
    os_image: str,
    hostname_confirmation: str,
    idempotency_key: str,
    given_code_word: str | None,
    actor: str,
    client_address: str,
) -> ReinstallStarted:
    """Queue a reinstall with ``os_image``, erasing the server; the new root password is in
    the answer (and, encrypted, on the job until it becomes the server's password)."""

    def check(session: Session, owned: servers.OwnedServer) -> dict:
        image = session.exec(select(OsImage).where(OsImage.code == os_image, OsImage.active.is_(True))).first()
        if image is None:
            raise InvalidInput(f"no OS image {os_image!r}: choose one from the list")
        if image.deprecated:
            raise InvalidInput(f"{image.name} is deprecated and no longer installed: choose another image")
        if _hostname(hostname_confirmation) != _hostname(owned.server.hostname):
            raise InvalidInput(
                f"the hostname typed does not match: type {owned.server.hostname} to confirm "
                "that all data on it is erased"
            )
        return {
            "os_image_id": image.id,
            "root_password_encrypted": portal.secrets.encrypt(_new_root_password()),
        }

    job = _start(
        portal, customer_id, server_id, server_rules.REINSTALL, idempotency_key, given_code_word, actor,
        client_address, fingerprint_parts=(os_image,), check=check,
    )
    with read_session(portal.engine) as session:
        row = session.get(ServerJob, job.id)
        return ReinstallStarted(
            job=job_views(session, [row])[0],
            root_password=portal.secrets.decrypt(row.root_password_encrypted),
        )
