"""What can be done to a server now, and why not: decided here, once.

The server screen shows these states as hints (``ServerDetail.actions``), and every domain
call that acts on a server (a power job, a reinstall) asks the same function before acting
and refuses with its reason, so a hint and a refusal can never disagree.

Pure: the facts come in as arguments, so the rule reads no database and is tested on every
combination of them.
"""

from __future__ import annotations

from typing import Protocol

from backend.contract import ActionState, Conflict, ServerBusy

REBOOT, DISABLE, BLOCK, ENABLE = "reboot", "disable", "block", "enable"
REINSTALL, KVM, CREDENTIALS, RDNS = "reinstall", "kvm", "credentials", "rdns"
SERVER_ACTIONS = (REBOOT, DISABLE, BLOCK, ENABLE, REINSTALL, KVM, CREDENTIALS, RDNS)
POWER_ACTIONS = (REBOOT, DISABLE, BLOCK, ENABLE)
# The actions that run as a job on the server: at most one of them at a time.
JOB_ACTIONS = (*POWER_ACTIONS, REINSTALL)
# The actions that touch the machine: none while the provider holds the order.
MACHINE_ACTIONS = (*JOB_ACTIONS, KVM)

# Why the state of an order rules out touching its server. A new order is not paid yet, so
# its server is not handed over.
_ORDER_HOLDS = {
    "new": "awaiting its first payment: pay the order's invoice",
    "suspended": "suspended for non-payment: pay the open invoice",
    "blocked": "blocked by the provider: contact support",
    "cancelled": "order cancelled",
}

# Which power states each job action starts from; the reason when the server is elsewhere.
_STARTS_FROM = {
    REBOOT: ("on",),
    DISABLE: ("on", "blocked"),
    BLOCK: ("on",),
    ENABLE: ("off", "blocked"),
    REINSTALL: ("on", "off"),
}
_NOT_FROM = {
    (REBOOT, "off"): "the server is off: enable it first",
    (REBOOT, "blocked"): "the server is blocked: enable it first",
    (DISABLE, "off"): "the server is already off",
    (BLOCK, "off"): "the server is off: nothing to block",
    (BLOCK, "blocked"): "the server is already blocked",
    (ENABLE, "on"): "the server is already on",
    (REINSTALL, "blocked"): "the server is blocked: enable it first",
}


def starts_from(action_id: str) -> tuple[str, ...]:
    """The power states a job action may start from (the job checks again when it starts)."""
    return _STARTS_FROM[action_id]


class ActiveJob(Protocol):
    """What the rule reads of a server's queued or running job (a ``server_job`` row)."""

    id: int | None
    kind: str
    state: str
    progress: int


def busy_reason(job: ActiveJob) -> str:
    """"reboot job 12 is running (40%): wait for it"."""
    if job.state == "running":
        return f"{job.kind} job {job.id} is running ({job.progress}%): wait for it"
    return f"{job.kind} job {job.id} is queued: wait for it"


def _allowed(action_id: str) -> ActionState:
    return ActionState(id=action_id, enabled=True)


def _refused(action_id: str, reason: str) -> ActionState:
    return ActionState(id=action_id, enabled=False, reason=reason)


def _job_action_state(action_id: str, power_state: str, active_job: ActiveJob | None) -> ActionState:
    if active_job is not None:
        return _refused(action_id, busy_reason(active_job))
    if power_state in _STARTS_FROM[action_id]:
        return _allowed(action_id)
    # An in-between state with no job moving it: the data centre has not settled yet.
    reason = _NOT_FROM.get((action_id, power_state), f"the server is {power_state}")
    return _refused(action_id, reason)


def server_action_states(
    *, order_status: str, power_state: str, active_job: ActiveJob | None, has_ipkvm: bool
) -> list[ActionState]:
    """Every server action, in SERVER_ACTIONS order, enabled or with the reason it is not."""
    hold = _ORDER_HOLDS.get(order_status)
    states: list[ActionState] = []
    for action_id in SERVER_ACTIONS:
        if order_status == "cancelled":
            states.append(_refused(action_id, _ORDER_HOLDS["cancelled"]))
        elif hold is not None and action_id in MACHINE_ACTIONS:
            states.append(_refused(action_id, hold))
        elif action_id in JOB_ACTIONS:
            states.append(_job_action_state(action_id, power_state, active_job))
        elif action_id == KVM and not has_ipkvm:
            states.append(_refused(KVM, "this server has no IP-KVM"))
        else:
            states.append(_allowed(action_id))
    return states


def action_state(action_id: str, **facts) -> ActionState:  # noqa: ANN003
    """The state of one action; ``facts`` are server_action_states' arguments."""
    return next(state for state in server_action_states(**facts) if state.id == action_id)


def require(hostname: str, action_id: str, **facts) -> None:  # noqa: ANN003
    """Raise unless ``action_id`` is possible on the server now, with the rule's reason.

    A refusal because another job holds the server is ``ServerBusy`` (409 server_busy), so
    a client can tell "wait for it" from "not in this state".
    """
    state = action_state(action_id, **facts)
    if state.enabled:
        return
    message = f"cannot {action_id} {hostname}: {state.reason}"
    job = facts.get("active_job")
    if job is not None and state.reason == busy_reason(job):
        raise ServerBusy(message)
    raise Conflict(message)
