"""The steps each kind of job takes, in terms of the data centre's interface.

A step gives an order (``act``) and/or waits until the data centre sees the machine in the
state it should reach (``reach``), so a job ends only when the server is really there: a
reboot when it is up again, a disable when it is off. Every plan starts by checking the
machine is still where the request found it (the customer may have shut it down from
inside since): that failure is the customer's, not the provider's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from backend.domain import server_rules
from backend.provisioning.interface import Machine, Provisioning, ProvisioningError


@dataclass(frozen=True)
class Step:
    name: str
    act: Callable[[Provisioning, Machine], None] | None = None
    reach: str | None = None


def _check_starts_from(kind: str) -> Callable[[Provisioning, Machine], None]:
    allowed = server_rules.starts_from(kind)

    def check(provider: Provisioning, machine: Machine) -> None:
        state = provider.observe(machine)
        if state not in allowed:
            raise ProvisioningError(
                f"cannot {kind} {machine.hostname}: the server is {state} now", code="wrong_state", source="customer"
            )

    return check


def _bring_back(provider: Provisioning, machine: Machine) -> None:
    if provider.observe(machine) == "blocked":
        provider.unblock_network(machine)
    else:
        provider.power_on(machine)


def plan(kind: str, provider: Provisioning, *, os_image: str | None = None, root_password: str | None = None) -> list[Step]:
    check = Step("Checking the server", _check_starts_from(kind))
    if kind == server_rules.REBOOT:
        return [check, Step("Rebooting", lambda p, m: p.reboot(m)), Step("Waiting for the server to come up", reach="on")]
    if kind == server_rules.DISABLE:
        return [check, Step("Shutting down", lambda p, m: p.power_off(m)), Step("Waiting for the power to go off", reach="off")]
    if kind == server_rules.BLOCK:
        return [
            check,
            Step("Taking the server off the network", lambda p, m: p.block_network(m)),
            Step("Checking the server is off the network", reach="blocked"),
        ]
    if kind == server_rules.ENABLE:
        return [check, Step("Bringing the server back", _bring_back), Step("Waiting for the server to come up", reach="on")]
    if kind == server_rules.REINSTALL:
        if os_image is None or root_password is None:
            raise ValueError("a reinstall needs its image and root password")
        steps = [check]
        for index, name in enumerate(provider.reinstall_steps(os_image)):
            steps.append(Step(name, _reinstall_step(os_image, index, root_password)))
        steps.append(Step("Waiting for the new system to come up", reach="on"))
        return steps
    raise ValueError(f"no plan for a {kind} job")


def _reinstall_step(os_image: str, index: int, root_password: str) -> Callable[[Provisioning, Machine], None]:
    return lambda provider, machine: provider.reinstall_step(machine, os_image, index, root_password)
