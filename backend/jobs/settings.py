"""How server jobs run: the pace of the simulated data centre, the runner's polling and claims."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from backend.environment import environment


@dataclass(frozen=True)
class JobSettings:
    # How long one step of the simulated data centre takes (a reboot is three of them,
    # a reinstall seven); tests make it tiny.
    step_seconds: float = 1.0
    # The chance that a simulated job breaks down on the provider's side
    # (HOSTUI_SIMULATED_FAILURE_RATE, default 0: failures in the demo only when asked for).
    failure_rate: float = field(default_factory=lambda: environment().simulated_failure_rate)
    # Servers whose every job fails half-way, with a provider error: the tests' way to make
    # a failure happen on purpose, in any process.
    fail_hostnames: frozenset[str] = frozenset()
    # How often an idle runner looks for queued jobs.
    poll_seconds: float = 0.5
    # A runner owns a job this long after its last sign of life; a job whose claim ran out
    # belonged to a process that died, and another runner resumes or fails it.
    claim_ttl: timedelta = timedelta(seconds=30)
    # How long a step may wait for the server to reach the state it should (up, off).
    settle_timeout: timedelta = timedelta(minutes=5)
