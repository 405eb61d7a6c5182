"""Run a job runner on its own, until SIGTERM or ctrl+c:

    python -m backend.jobs [--database URL] [--step-seconds S] [--claim-seconds S] [--fail-hostname NAME]

``hostui-server`` runs one inside itself, and a local profile inside hostui; this is for a
runner beside them (and for the test that kills one mid-job). It prints "ready" once it is
looking for jobs.
"""

from __future__ import annotations

import argparse
import dataclasses
import signal
import sys
import threading
from datetime import timedelta

from backend.environment import environment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend.jobs", description="Run server jobs.")
    parser.add_argument("--database", default=environment().database_url, metavar="URL")
    parser.add_argument("--step-seconds", type=float, help="how long a simulated step takes")
    parser.add_argument("--claim-seconds", type=float, help="how long a claim lasts without renewal")
    parser.add_argument("--fail-hostname", action="append", default=[], help="a server whose jobs fail")
    args = parser.parse_args(argv)

    from backend.jobs.runner import JobRunner
    from backend.portal import open_portal
    from backend.settings import Settings

    settings = Settings(database_url=args.database)
    jobs = settings.jobs
    if args.step_seconds is not None:
        jobs = dataclasses.replace(jobs, step_seconds=args.step_seconds, poll_seconds=min(jobs.poll_seconds, args.step_seconds))
    if args.claim_seconds is not None:
        jobs = dataclasses.replace(jobs, claim_ttl=timedelta(seconds=args.claim_seconds))
    if args.fail_hostname:
        jobs = dataclasses.replace(jobs, fail_hostnames=frozenset(args.fail_hostname))
    portal = open_portal(dataclasses.replace(settings, jobs=jobs))
    finished = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: finished.set())
    runner = JobRunner(portal).start()
    print("ready", flush=True)
    try:
        finished.wait()
    except KeyboardInterrupt:
        pass
    finally:
        runner.stop()
        portal.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
