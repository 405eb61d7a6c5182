"""``hostui power ACTION ORDER``: a server's power on the command line.

    hostui power {reboot,disable,enable,block} ORDER [--wait] [--timeout S] [--yes]
                 [--code-word-stdin] [--json]

ORDER is the order number as printed (``ORD-104825``). The action is a job on the portal:
the command queues it and prints it; ``--wait`` follows it until it ends, with its progress
on stderr, and exits 1 if it failed (or is still running after ``--timeout`` seconds).
A local profile has no server to carry the job out, so this process does and always waits.

The confirmation names the server and its address. Disable and block need the customer's
code word when one is set: ``--code-word-stdin`` reads it from stdin (one line), and on a
terminal the command asks for it when the portal says it is needed.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
import time
from uuid import uuid4

from backend.contract import CodeWordRequired, JobState, PortalService, PowerAction, ServerDetail, ServerJob
from hostui.commands._common import (
    EXIT_OK,
    EXIT_REFUSED,
    CommandError,
    confirm,
    positive_number,
    profile_option,
    require_confirmation_possible,
    run_with_service,
)
from hostui.commands._output import key_values, print_json
from hostui.commands.orders import server_of_order

__all__ = ["register"]

DEFAULT_TIMEOUT = 600
POLL_SECONDS = 0.5
FINISHED = (JobState.SUCCEEDED, JobState.FAILED)

# What the confirmation says each action does to the server.
CONSEQUENCES = {
    PowerAction.REBOOT: "It restarts; everything running on it stops for a while.",
    PowerAction.DISABLE: "It is powered off until you enable it.",
    PowerAction.BLOCK: "It keeps running but is taken off the network until you enable it.",
    PowerAction.ENABLE: "It is powered on, or put back on the network.",
}


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``power`` to the ``hostui`` parser's subcommands."""
    parser = commands.add_parser("power", parents=[profile_option()],
                                 help="reboot, disable (power off), block (off the network) or enable a server")
    parser.add_argument("action", choices=[action.value for action in PowerAction], metavar="ACTION",
                        help="reboot | disable | block | enable")
    parser.add_argument("number", metavar="ORDER", help="the order number as printed, e.g. ORD-104825")
    parser.add_argument("--wait", action="store_true", help="follow the job until it ends (progress on stderr)")
    parser.add_argument("--timeout", type=positive_number, default=DEFAULT_TIMEOUT, metavar="S",
                        help=f"with --wait: give up waiting after S seconds (default: {DEFAULT_TIMEOUT})")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--code-word-stdin", action="store_true",
                        help="read the customer's code word from stdin (disable and block need it when set)")
    parser.add_argument("--json", action="store_true", help="print the job as JSON")
    parser.set_defaults(run=power)


def _read_code_word() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Code word: ")
    line = sys.stdin.readline()
    if not line:
        raise CommandError("--code-word-stdin: stdin is empty")
    return line.rstrip("\r\n")


def _address(detail: ServerDetail) -> str:
    return detail.addresses[0].address if detail.addresses else "no address"


def _progress_line(job: ServerJob) -> str:
    return f"  [{job.progress:3d}%] {job.step}"


async def _follow(service: PortalService, job: ServerJob, timeout: int) -> ServerJob:
    """The job once it has ended; its steps on stderr as they change."""
    deadline = time.monotonic() + timeout
    shown = None
    while True:
        if (job.step, job.progress) != shown:
            print(_progress_line(job), file=sys.stderr, flush=True)
            shown = (job.step, job.progress)
        if job.state in FINISHED:
            return job
        if time.monotonic() > deadline:
            raise CommandError(
                f"job {job.id} is still {job.state.value} after {timeout} s ({job.step}); it goes on without us",
                EXIT_REFUSED,
            )
        await asyncio.sleep(POLL_SECONDS)
        job = await service.get_job(job.id)


def _job_lines(job: ServerJob, hostname: str) -> list[str]:
    pairs = [("Job", str(job.id)), ("Action", f"{job.kind.value} {hostname}"), ("State", job.state.value),
             ("Step", job.step)]
    if job.error:
        pairs.append(("Error", f"{job.error} ({job.error_source or 'provider'} error)"))
    return key_values(pairs)


def power(args: argparse.Namespace) -> int:
    action = PowerAction(args.action)
    require_confirmation_possible(args.yes, f"power {action.value}")
    code_word = _read_code_word() if args.code_word_stdin else None

    async def run(service: PortalService) -> int:
        detail = await server_of_order(service, args.number)
        state = detail.action(action.value)
        if not state.enabled:
            raise CommandError(f"cannot {action.value} {detail.hostname}: {state.reason}", EXIT_REFUSED)
        confirm(f"{action.value.capitalize()} {detail.hostname} ({_address(detail)})? {CONSEQUENCES[action]}", args.yes)
        key = uuid4().hex
        try:
            job = await service.power(detail.id, action, key, code_word)
        except CodeWordRequired:
            if code_word is not None or not sys.stdin.isatty():
                raise CommandError(f"{action.value} needs your code word: pass --code-word-stdin", EXIT_REFUSED) from None
            job = await service.power(detail.id, action, key, getpass.getpass("Code word: "))
        start_jobs = getattr(service, "start_jobs", None)
        if start_jobs is not None:
            # No hostui-server carries the job out for a local profile: this process does.
            print(f"hostui: the local profile runs job {job.id} here; waiting for it", file=sys.stderr)
            start_jobs()
        if args.wait or start_jobs is not None:
            job = await _follow(service, job, args.timeout)
        if args.json:
            print_json(job)
        else:
            print("\n".join(_job_lines(job, detail.hostname)))
        if job.state == JobState.FAILED:
            raise CommandError(f"job {job.id} failed: {job.error}", EXIT_REFUSED)
        return EXIT_OK

    return run_with_service(args, run)
