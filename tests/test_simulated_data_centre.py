"""The simulated data centre on its own: moves take their time, the portal's view wins over a
stale memory, and failures come when asked for. Time is a clock the test turns."""

from __future__ import annotations

import pytest

from backend.jobs.settings import JobSettings
from backend.provisioning import Machine, ProvisioningError
from backend.provisioning.simulated import REINSTALL_STEPS, SimulatedDataCentre


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def centre(clock: Clock, **settings) -> SimulatedDataCentre:  # noqa: ANN003
    return SimulatedDataCentre(
        JobSettings(step_seconds=2.0, failure_rate=0.0, **settings), monotonic=clock, sleep=lambda _s: None,
        chance=lambda: 0.5,
    )


WEB = Machine(server_id=1, hostname="web1.example.com", last_seen="on")


def test_a_reboot_is_seen_rebooting_until_it_settles_on():
    clock = Clock()
    dc = centre(clock)
    dc.reboot(WEB)
    assert dc.observe(WEB) == "rebooting"
    seen = Machine(1, WEB.hostname, "rebooting")
    clock.now += 1.9
    assert dc.observe(seen) == "rebooting"
    clock.now += 0.2
    assert dc.observe(seen) == "on"
    assert dc.observe(Machine(1, WEB.hostname, "on")) == "on"


@pytest.mark.parametrize(("order", "moving", "settled"), [("power_off", "stopping", "off"), ("power_on", "starting", "on")])
def test_power_orders_move_through_their_in_between_state(order, moving, settled):
    clock = Clock()
    dc = centre(clock)
    getattr(dc, order)(WEB)
    assert dc.observe(WEB) == moving
    clock.now += 2.0
    assert dc.observe(Machine(1, WEB.hostname, moving)) == settled


def test_blocking_is_at_once_and_the_portal_catching_up_ends_the_memory():
    dc = centre(Clock())
    dc.block_network(WEB)
    assert dc.observe(WEB) == "blocked"
    blocked = Machine(1, WEB.hostname, "blocked")
    assert dc.observe(blocked) == "blocked"
    dc.unblock_network(blocked)
    assert dc.observe(blocked) == "on"


def test_a_change_made_elsewhere_voids_what_it_remembers():
    clock = Clock()
    dc = centre(clock)
    dc.block_network(WEB)
    # Another process switched the machine off since: the portal's row says so.
    assert dc.observe(Machine(1, WEB.hostname, "off")) == "off"
    dc.reboot(WEB)
    assert dc.observe(Machine(1, WEB.hostname, "blocked")) == "blocked"


def test_a_machine_caught_mid_move_by_a_new_process_has_settled():
    dc = centre(Clock())
    for moving, settled in (("rebooting", "on"), ("stopping", "off"), ("starting", "on"), ("reinstalling", "on")):
        assert dc.observe(Machine(7, "x.example.com", moving)) == settled


def test_fail_hostnames_fail_power_orders_and_the_middle_of_a_reinstall():
    dc = centre(Clock(), fail_hostnames=frozenset({WEB.hostname}))
    with pytest.raises(ProvisioningError) as failed:
        dc.reboot(WEB)
    assert failed.value.source == "provider" and failed.value.code == "controller_timeout"
    assert dc.observe(WEB) == "on"
    half_way = len(REINSTALL_STEPS) // 2
    for index in range(half_way):
        dc.reinstall_step(WEB, "debian-13", index, "secret")
    with pytest.raises(ProvisioningError, match="disk error"):
        dc.reinstall_step(Machine(1, WEB.hostname, "reinstalling"), "debian-13", half_way, "secret")
    assert dc.observe(Machine(1, WEB.hostname, "reinstalling")) == "off"


def test_the_failure_rate_is_a_chance_per_order():
    clock = Clock()
    unlucky = SimulatedDataCentre(JobSettings(failure_rate=0.6), monotonic=clock, sleep=lambda _s: None, chance=lambda: 0.5)
    with pytest.raises(ProvisioningError):
        unlucky.power_off(WEB)
    lucky = SimulatedDataCentre(JobSettings(failure_rate=0.4), monotonic=clock, sleep=lambda _s: None, chance=lambda: 0.5)
    lucky.power_off(WEB)


def test_resuming_depends_on_where_the_machine_is():
    dc = centre(Clock())
    assert dc.can_resume(Machine(1, "a", "rebooting"), "reboot", 2)
    assert not dc.can_resume(Machine(1, "a", "off"), "reboot", 2)
    assert dc.can_resume(Machine(1, "a", "reinstalling"), "reinstall", 4)
    assert not dc.can_resume(Machine(1, "a", "blocked"), "reinstall", 1)


def test_the_demo_failure_rate_comes_from_the_environment(monkeypatch):
    from backend.environment import EnvironmentVariableError

    monkeypatch.delenv("HOSTUI_SIMULATED_FAILURE_RATE", raising=False)
    assert JobSettings().failure_rate == 0.0
    monkeypatch.setenv("HOSTUI_SIMULATED_FAILURE_RATE", "0.05")
    assert JobSettings().failure_rate == 0.05
    monkeypatch.setenv("HOSTUI_SIMULATED_FAILURE_RATE", "5")
    with pytest.raises(EnvironmentVariableError, match="HOSTUI_SIMULATED_FAILURE_RATE"):
        JobSettings()
