"""What the job runner asks of a data centre, whichever one is behind the portal.

Every call acts on one machine and returns once the data centre has taken the order; it
does not wait for the machine to get there. The runner watches ``observe`` for that, so a
job succeeds only when the server is seen in the state it should reach (a reboot ends when
the server is up again, not when the reset was sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

# Who is to blame for a failure: the request could not be met as asked ("customer"), or
# something broke on the provider's side ("provider"). Shown apart, as OVH does.
ErrorSource = Literal["customer", "provider"]


@dataclass(frozen=True)
class Machine:
    server_id: int
    hostname: str
    # The power state the portal last saw (``server.power_state``): where a data centre that
    # keeps no memory of its own (the simulation, after a restart) picks the machine up.
    last_seen: str


class ProvisioningError(Exception):
    """The data centre could not do it; ``str()`` is fit for the customer."""

    def __init__(self, message: str, *, code: str, source: ErrorSource = "provider") -> None:
        super().__init__(message)
        self.code = code
        self.source = source


class Provisioning(Protocol):
    def power_on(self, machine: Machine) -> None: ...

    def power_off(self, machine: Machine) -> None: ...

    def reboot(self, machine: Machine) -> None: ...

    def block_network(self, machine: Machine) -> None:
        """Take the machine off the network; it keeps running."""
        ...

    def unblock_network(self, machine: Machine) -> None: ...

    def reinstall_steps(self, os_image: str) -> list[str]:
        """The names of the steps installing ``os_image`` takes, in order."""
        ...

    def reinstall_step(self, machine: Machine, os_image: str, index: int, root_password: str) -> None:
        """Carry out step ``index`` (0-based) of the reinstall; the last one boots the new
        system, which then comes up with ``root_password``. Running a step again is harmless."""
        ...

    def observe(self, machine: Machine) -> str:
        """The machine's power state as the data centre sees it now (a PowerState value)."""
        ...

    def can_resume(self, machine: Machine, kind: str, steps_done: int) -> bool:
        """Whether a job of ``kind`` whose runner died after ``steps_done`` steps can carry on
        from there, given where the machine is now."""
        ...
