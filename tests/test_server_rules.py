"""The server action rule, walked over every order status × power state × busy × IP-KVM.

The expectations are written from the issue's wording, not from the rule's tables, so a
slip in either shows up here.
"""

from __future__ import annotations

import itertools

import pytest

from backend.contract import Conflict, OrderStatus, PowerState, ServerBusy
from backend.domain import server_rules
from backend.models import ServerJob

# The power states each job action may start from, as the issue states them.
STARTS_FROM = {
    "reboot": {"on"},
    "disable": {"on", "blocked"},
    "block": {"on"},
    "enable": {"off", "blocked"},
    "reinstall": {"on", "off"},
}
HELD = {
    "new": "awaiting its first payment",
    "suspended": "suspended for non-payment",
    "blocked": "blocked by the provider",
    "cancelled": "cancelled",
}


def _job(state: str) -> ServerJob:
    return ServerJob(id=12, server_id=1, kind="reboot", state=state, progress=40,
                     idempotency_key="k" * 16, started_by="demo", started_from="127.0.0.1")


JOBS = {"idle": None, "queued": _job("queued"), "running": _job("running")}


def _expected(action: str, order: str, power: str, busy: str, ipkvm: bool) -> str | None:
    """None when the action is allowed, else a fragment its reason must contain."""
    if order == "cancelled":
        return "cancelled"
    if action in ("credentials", "rdns"):
        return None
    if order in HELD:
        return HELD[order]
    if action == "kvm":
        return None if ipkvm else "no IP-KVM"
    if busy == "running":
        return "reboot job 12 is running (40%)"
    if busy == "queued":
        return "reboot job 12 is queued"
    return None if power in STARTS_FROM[action] else power


COMBINATIONS = list(itertools.product(OrderStatus, PowerState, JOBS, (True, False)))


@pytest.mark.parametrize(("order", "power", "busy", "ipkvm"), COMBINATIONS)
def test_every_action_in_every_situation(order, power, busy, ipkvm):
    states = server_rules.server_action_states(
        order_status=order.value, power_state=power.value, active_job=JOBS[busy], has_ipkvm=ipkvm
    )
    assert [state.id for state in states] == list(server_rules.SERVER_ACTIONS)
    for state in states:
        expected = _expected(state.id, order.value, power.value, busy, ipkvm)
        if expected is None:
            assert state.enabled and state.reason is None, (state, order, power, busy, ipkvm)
        else:
            assert not state.enabled, (state, order, power, busy, ipkvm)
            assert expected in state.reason, (state, order, power, busy, ipkvm)


def test_an_idle_active_server_on_offers_reboot_disable_block_reinstall():
    states = server_rules.server_action_states(order_status="active", power_state="on", active_job=None, has_ipkvm=True)
    assert {s.id for s in states if s.enabled} == {"reboot", "disable", "block", "reinstall", "kvm", "credentials", "rdns"}


@pytest.mark.parametrize(("order", "power", "busy", "ipkvm"), COMBINATIONS)
def test_a_refusal_carries_the_same_reason_as_the_hint(order, power, busy, ipkvm):
    facts = dict(order_status=order.value, power_state=power.value, active_job=JOBS[busy], has_ipkvm=ipkvm)
    for action in server_rules.JOB_ACTIONS:
        state = server_rules.action_state(action, **facts)
        if state.enabled:
            server_rules.require("web1.example.com", action, **facts)
            continue
        with pytest.raises(Conflict) as refused:
            server_rules.require("web1.example.com", action, **facts)
        assert str(refused.value) == f"cannot {action} web1.example.com: {state.reason}"
        # Busy is told apart only when the job, not the order or the power state, is in the way.
        busy_only = order.value not in HELD and busy != "idle"
        assert isinstance(refused.value, ServerBusy) == busy_only
