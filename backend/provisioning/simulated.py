"""The simulated data centre hostui ships: machines that take time to move and sometimes fail.

A power order puts the machine into its in-between state (rebooting, stopping, ...) for
``step_seconds``, after which ``observe`` sees it settled; a reinstall step takes that long
too; the network is blocked and unblocked at once. It keeps no records: what it is doing now lives in memory, and a machine it knows
nothing of is where the portal last saw it (``Machine.last_seen``) — caught mid-move, it has
settled by now, as a real machine would have while nobody watched.

Failures: every job on a server named in ``fail_hostnames`` breaks down half-way (the tests'
trigger, deterministic in any process), and any job breaks down with ``failure_rate``.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from backend.jobs.settings import JobSettings
from backend.provisioning.interface import Machine, ProvisioningError

# Where each in-between state ends up.
SETTLES_TO = {"starting": "on", "stopping": "off", "rebooting": "on", "reinstalling": "on"}

REINSTALL_STEPS = (
    "Powering off",
    "Partitioning disks",
    "Writing the image",
    "Configuring the network and the root password",
    "Booting the new system",
)

# The states from which a job of each kind can carry on after its runner died.
_RESUMABLE = {
    "reboot": {"on", "rebooting"},
    "disable": {"on", "blocked", "stopping", "off"},
    "block": {"on", "blocked"},
    "enable": {"off", "blocked", "starting", "on"},
    "reinstall": {"on", "off", "reinstalling"},
}


@dataclass
class _Move:
    # Where the portal saw the machine when the move began: if the portal sees it anywhere
    # but there or in the move's own state, someone else moved it and the move is void.
    from_state: str
    state: str
    settles_at: float
    settles_to: str


class SimulatedDataCentre:
    def __init__(
        self,
        settings: JobSettings,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        chance: Callable[[], float] = random.random,
    ) -> None:
        self._settings = settings
        self._monotonic = monotonic
        self._sleep = sleep
        self._chance = chance
        self._lock = threading.Lock()
        self._moves: dict[int, _Move] = {}
        # A change the portal has not seen yet: (where the portal saw the machine, where it is).
        self._settled: dict[int, tuple[str, str]] = {}

    # -- what the machine does

    def _fails(self, machine: Machine, odds: float) -> bool:
        return machine.hostname in self._settings.fail_hostnames or self._chance() < odds

    def _order(self, machine: Machine, what: str, moving: str, settles_to: str, *, at_once: bool = False) -> None:
        if self._fails(machine, self._settings.failure_rate):
            raise ProvisioningError(
                f"the data centre did not carry out the {what}: the power controller of "
                f"{machine.hostname} did not answer (simulated fault)",
                code="controller_timeout",
            )
        with self._lock:
            if at_once:
                self._moves.pop(machine.server_id, None)
                self._settled[machine.server_id] = (machine.last_seen, settles_to)
                return
            self._moves[machine.server_id] = _Move(
                machine.last_seen, moving, self._monotonic() + self._settings.step_seconds, settles_to
            )

    def power_on(self, machine: Machine) -> None:
        self._order(machine, "power-on", "starting", "on")

    def power_off(self, machine: Machine) -> None:
        self._order(machine, "shutdown", "stopping", "off")

    def reboot(self, machine: Machine) -> None:
        self._order(machine, "reboot", "rebooting", "on")

    def block_network(self, machine: Machine) -> None:
        # The switch port goes down at once; the machine keeps running.
        self._order(machine, "network block", "blocked", "blocked", at_once=True)

    def unblock_network(self, machine: Machine) -> None:
        self._order(machine, "network unblock", "on", "on", at_once=True)

    def reinstall_steps(self, os_image: str) -> list[str]:
        return list(REINSTALL_STEPS)

    def reinstall_step(self, machine: Machine, os_image: str, index: int, root_password: str) -> None:
        odds = self._settings.failure_rate / len(REINSTALL_STEPS)
        half_way = len(REINSTALL_STEPS) // 2
        if (machine.hostname in self._settings.fail_hostnames and index == half_way) or (
            self._chance() < odds
        ):
            with self._lock:
                # The installer gave up; the machine halts with half-written disks.
                self._moves.pop(machine.server_id, None)
                self._settled[machine.server_id] = (machine.last_seen, "off")
            raise ProvisioningError(
                f"{REINSTALL_STEPS[index].lower()} failed on {machine.hostname}: the installer "
                f"stopped with a disk error (simulated fault); the server is off",
                code="installer_failed",
            )
        last = index == len(REINSTALL_STEPS) - 1
        with self._lock:
            self._moves[machine.server_id] = _Move(
                machine.last_seen,
                "reinstalling",
                self._monotonic() + (self._settings.step_seconds if last else float("inf")),
                "on",
            )
        if not last:
            self._sleep(self._settings.step_seconds)

    # -- what the data centre sees

    def observe(self, machine: Machine) -> str:
        with self._lock:
            move = self._moves.get(machine.server_id)
            if move is not None and machine.last_seen not in (move.from_state, move.state):
                del self._moves[machine.server_id]
                move = None
            if move is not None:
                if self._monotonic() < move.settles_at:
                    return move.state
                del self._moves[machine.server_id]
                self._settled[machine.server_id] = (machine.last_seen, move.settles_to)
            settled = self._settled.get(machine.server_id)
            if settled is not None:
                seen_at, now_at = settled
                if machine.last_seen == seen_at:
                    return now_at
                # The portal has caught up, or someone else moved the machine since: from now
                # on the portal's word counts.
                del self._settled[machine.server_id]
            return SETTLES_TO.get(machine.last_seen, machine.last_seen)

    def can_resume(self, machine: Machine, kind: str, steps_done: int) -> bool:
        return self.observe(machine) in _RESUMABLE[kind]
