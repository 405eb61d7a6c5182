"""Server jobs through the contract: power actions and reinstalls, on LocalService and
RemoteService, SQLite and PostgreSQL, carried out by a real job runner on the simulated data
centre (with steps of a few milliseconds).

Every transition the issue names ends in the observed state; every transition the rule
forbids is refused with the same reason the server's action hint gives; a busy server names
its job; a key replays its job; the code word is asked for, checked and throttled; a reinstall
checks the hostname and the image and hands over a new root password.
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from sqlmodel import select

from backend.contract import (
    CodeWordRequired,
    Conflict,
    Forbidden,
    InvalidInput,
    JobState,
    NotFound,
    PowerAction,
    ServerBusy,
    TooManyRequests,
)
from backend.db import read_session, write_session
from backend.domain import server_rules
from backend.jobs.runner import JobRunner
from backend.models import AuditLog, OsImage, Server
from tests.server_jobs_helpers import (
    FAST_JOBS,
    key,
    power_state_of,
    server_of,
    set_code_word,
    use_job_settings,
    wait_for_job,
)


@pytest.fixture
def runner(portal):  # noqa: ANN001, ANN201
    use_job_settings(portal)
    job_runner = JobRunner(portal).start()
    yield job_runner
    job_runner.stop()


@pytest.fixture
def idle(portal):  # noqa: ANN001, ANN201
    """No runner: jobs stay queued (so the server stays busy)."""
    use_job_settings(portal)


TRANSITIONS = [
    ("on", PowerAction.REBOOT, "on"),
    ("on", PowerAction.DISABLE, "off"),
    ("blocked", PowerAction.DISABLE, "off"),
    ("on", PowerAction.BLOCK, "blocked"),
    ("off", PowerAction.ENABLE, "on"),
    ("blocked", PowerAction.ENABLE, "on"),
]


async def test_every_transition_ends_in_the_observed_state(service, portal, runner, demo_customer_id):
    for start, action, end in TRANSITIONS:
        server = server_of(portal, demo_customer_id, power_state=start)
        job = await service.power(server.id, action, key())
        # The answer is the job as it stands once queued: a runner already at work may have
        # picked it up by then (seen once in a full suite: running).
        assert job.kind.value == action.value and job.state in (JobState.QUEUED, JobState.RUNNING)
        assert job.started_by == "demo" and job.started_from
        done = await wait_for_job(service, job.id)
        assert done.state == JobState.SUCCEEDED, (start, action, done.error)
        assert done.progress == 100 and done.step == "Done" and done.error is None
        assert done.started_at is not None and done.finished_at is not None
        assert power_state_of(portal, server.id) == end, (start, action)
        detail = await service.get_server(server.id)
        assert detail.power_state.value == end and detail.active_job is None
        assert detail.recent_jobs[0].id == job.id
        with read_session(portal.engine) as session:
            trail = session.exec(
                select(AuditLog.action).where(AuditLog.entity_id == job.id, AuditLog.entity == "server_job")
            ).all()
        assert sorted(trail) == sorted(f"server_job.{action.value}.{what}" for what in ("request", "start", "succeeded"))


FORBIDDEN = [
    (power, action)
    for power, action in itertools.product(("on", "off", "blocked"), PowerAction)
    if power not in server_rules.starts_from(action.value)
]


async def test_every_invalid_transition_is_refused_with_the_hints_reason(service, portal, idle, demo_customer_id):
    assert len(FORBIDDEN) == 6
    for power_state, action in FORBIDDEN:
        server = server_of(portal, demo_customer_id, power_state=power_state)
        hint = (await service.get_server(server.id)).action(action.value)
        assert not hint.enabled and hint.reason
        with pytest.raises(Conflict) as refused:
            await service.power(server.id, action, key())
        assert not isinstance(refused.value, ServerBusy)
        assert str(refused.value) == f"cannot {action.value} {server.hostname}: {hint.reason}"
        assert power_state_of(portal, server.id) == power_state


@pytest.mark.parametrize("order_status", ["suspended", "blocked", "cancelled", "new"])
async def test_a_held_order_offers_no_power_action(service, portal, idle, demo_customer_id, order_status):
    server = server_of(portal, demo_customer_id, power_state="on", order_status=order_status)
    detail = await service.get_server(server.id)
    for action in PowerAction:
        hint = detail.action(action.value)
        with pytest.raises(Conflict, match=hint.reason):
            await service.power(server.id, action, key())
    with pytest.raises(Conflict, match=detail.action("reinstall").reason):
        await service.reinstall(server.id, "debian-12", server.hostname, key())


async def test_a_busy_server_names_its_job(service, portal, idle, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="on")
    first = await service.power(server.id, PowerAction.REBOOT, key())
    with pytest.raises(ServerBusy) as busy:
        await service.power(server.id, PowerAction.DISABLE, key())
    assert str(busy.value) == f"cannot disable {server.hostname}: reboot job {first.id} is queued: wait for it"
    detail = await service.get_server(server.id)
    assert detail.action("disable").reason == f"reboot job {first.id} is queued: wait for it"
    assert detail.active_job is not None and detail.active_job.id == first.id
    with pytest.raises(ServerBusy):
        await service.reinstall(server.id, "debian-12", server.hostname, key())


async def test_the_same_key_replays_the_same_job(service, portal, runner, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="on")
    request_key = key()
    first = await service.power(server.id, PowerAction.REBOOT, request_key)
    again = await service.power(server.id, PowerAction.REBOOT, request_key)
    assert again.id == first.id
    done = await wait_for_job(service, first.id)
    replayed = await service.power(server.id, PowerAction.REBOOT, request_key)
    assert replayed == done  # the job as it is now, not a new one
    with pytest.raises(Conflict, match="already used for a different request"):
        await service.power(server.id, PowerAction.DISABLE, request_key)


async def test_a_failing_data_centre_fails_the_job_with_a_provider_error(service, portal, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="on")
    use_job_settings(portal, dataclasses.replace(FAST_JOBS, fail_hostnames=frozenset({server.hostname})))
    job_runner = JobRunner(portal).start()
    try:
        job = await service.power(server.id, PowerAction.REBOOT, key())
        done = await wait_for_job(service, job.id)
    finally:
        job_runner.stop()
    assert done.state == JobState.FAILED
    assert done.error_source == "provider" and done.error_code == "controller_timeout"
    assert "did not answer" in done.error and done.progress < 100
    assert power_state_of(portal, server.id) == "on"
    # Failed, so the server is free again.
    assert (await service.get_server(server.id)).action("reboot").enabled


async def test_disable_block_and_reinstall_ask_for_the_code_word(service, portal, runner, demo_customer_id):
    set_code_word(portal, demo_customer_id, "Blue Whale")
    server = server_of(portal, demo_customer_id, power_state="on")
    assert (await service.get_server(server.id)).code_word_required
    for action in (PowerAction.DISABLE, PowerAction.BLOCK):
        with pytest.raises(CodeWordRequired):
            await service.power(server.id, action, key())
    with pytest.raises(CodeWordRequired):
        await service.reinstall(server.id, "debian-12", server.hostname, key())
    with pytest.raises(Forbidden, match="wrong code word") as wrong:
        await service.power(server.id, PowerAction.BLOCK, key(), code_word="red whale")
    assert not isinstance(wrong.value, CodeWordRequired)
    # A reboot loses nothing: no code word needed.
    reboot = await service.power(server.id, PowerAction.REBOOT, key())
    assert (await wait_for_job(service, reboot.id)).state == JobState.SUCCEEDED
    # Trimmed and lower-cased like the stored answer.
    job = await service.power(server.id, PowerAction.BLOCK, key(), code_word="  blue WHALE ")
    assert (await wait_for_job(service, job.id)).state == JobState.SUCCEEDED
    assert power_state_of(portal, server.id) == "blocked"


async def test_wrong_code_words_are_throttled_like_failed_logins(service, portal, idle, demo_customer_id):
    set_code_word(portal, demo_customer_id, "Blue Whale")
    server = server_of(portal, demo_customer_id, power_state="on")
    limit = portal.settings.login_throttle.failures_per_login
    for _ in range(limit):
        with pytest.raises(Forbidden):
            await service.power(server.id, PowerAction.DISABLE, key(), code_word="guess")
    # Locked out now: even the right answer is not checked.
    with pytest.raises(TooManyRequests):
        await service.power(server.id, PowerAction.DISABLE, key(), code_word="blue whale")


async def test_reinstall_checks_the_hostname_and_the_image(service, portal, idle, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="on")
    with pytest.raises(InvalidInput, match="hostname typed does not match"):
        await service.reinstall(server.id, "debian-12", "web01", key())
    with pytest.raises(InvalidInput, match="no OS image"):
        await service.reinstall(server.id, "beos-5", server.hostname, key())
    with write_session(portal.engine) as session:
        image = session.exec(select(OsImage).where(OsImage.code == "ubuntu-22.04")).one()
        image.deprecated = True
    with pytest.raises(InvalidInput, match="deprecated"):
        await service.reinstall(server.id, "ubuntu-22.04", server.hostname, key())
    assert (await service.get_server(server.id)).active_job is None


async def test_reinstall_runs_its_steps_and_hands_over_the_new_password(service, portal, runner, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="off")
    old_password = (await service.reveal_credentials(server.id)).password
    request_key = key()
    started = await service.reinstall(server.id, "debian-13", f"  {server.hostname.upper()}. ", request_key)
    assert started.job.kind.value == "reinstall" and started.job.os_image == "Debian 13 (trixie)"
    assert len(started.root_password) >= 16 and started.root_password != old_password
    done = await wait_for_job(service, started.job.id)
    assert done.state == JobState.SUCCEEDED, done.error
    assert power_state_of(portal, server.id) == "on"
    assert (await service.reveal_credentials(server.id)).password == started.root_password
    detail = await service.get_server(server.id)
    assert detail.configuration.os == "Debian 13 (trixie)"
    assert [job.id for job in detail.recent_jobs][:1] == [done.id]
    # A retry of the same request gets the same answer, password included.
    again = await service.reinstall(server.id, "debian-13", server.hostname, request_key)
    assert again.job.id == done.id and again.root_password == started.root_password
    with read_session(portal.engine) as session:
        trail = session.exec(select(AuditLog.detail).where(AuditLog.entity == "server_job")).all()
    assert all(started.root_password not in detail for detail in trail)


async def test_a_job_of_another_customer_is_not_found(service, other_service, portal, idle, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="on")
    job = await service.power(server.id, PowerAction.REBOOT, key())
    with pytest.raises(NotFound, match=f"job {job.id} not found"):
        await other_service.get_job(job.id)
    with pytest.raises(NotFound, match=f"server {server.id} not found"):
        await other_service.power(server.id, PowerAction.REBOOT, key())
    with pytest.raises(NotFound):
        await service.get_job(10**9)


async def test_a_running_job_shows_its_step_and_the_in_between_state(service, portal, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="on")
    use_job_settings(portal, dataclasses.replace(FAST_JOBS, step_seconds=0.3))
    job_runner = JobRunner(portal).start()
    try:
        job = await service.power(server.id, PowerAction.REBOOT, key())
        seen_steps, seen_states = set(), set()
        while (current := await service.get_job(job.id)).state.value not in ("succeeded", "failed"):
            seen_steps.add(current.step)
            seen_states.add(power_state_of(portal, server.id))
    finally:
        job_runner.stop()
    assert current.state == JobState.SUCCEEDED
    assert "3/3 Waiting for the server to come up" in seen_steps
    assert "rebooting" in seen_states


async def test_an_unknown_power_action_is_invalid_input(service, portal, idle, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="on")
    with pytest.raises(InvalidInput):
        await service.power(server.id, "explode", key())
    with pytest.raises(InvalidInput):
        await service.power(server.id, PowerAction.REBOOT, "short")
    with read_session(portal.engine) as session:
        assert session.get(Server, server.id).power_state == "on"
