"""What every command of a section shares: the profile's service, exit codes, confirmation.

A command is a function ``(args) -> int`` that calls ``run_with_service(args, action)``;
``action`` is a coroutine function given the connected ``PortalService``. Everything that can
go wrong on the way becomes one line on stderr and an exit code:

=== ====================================================================================
0   done
1   refused by the portal: not found, conflict (already paid, deleted…), insufficient funds
2   usage or config error: bad arguments or config, unknown profile, a file that exists,
    a confirmation needed without a terminal (pass --yes)
3   cannot connect or not logged in: server down, token missing or expired, database
    cannot be opened or has no such customer
4   cancelled: you answered no when asked to confirm
70  a bug in hostui (the message names the exception)
130 interrupted (ctrl+c)
141 the reader of stdout went away (``| head``): stopped quietly
=== ====================================================================================

Imports stay lazy: the local service (SQLAlchemy) and the remote one (httpx) load only when
a command connects with a profile of that kind.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from backend.contract import AuthenticationFailed, ServiceError, ServiceUnavailable
from hostui.config import config_path, load_config

if TYPE_CHECKING:
    from backend.contract import PortalService
    from hostui.connect import LocalConnector, RemoteConnector

__all__ = [
    "EXIT_OK",
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "EXIT_UNREACHABLE",
    "EXIT_CANCELLED",
    "EXIT_BUG",
    "EXIT_INTERRUPTED",
    "EXIT_BROKEN_PIPE",
    "CommandError",
    "MAX_PAGE_SIZE",
    "positive_number",
    "rows_per_page",
    "profile_option",
    "run_with_service",
    "require_confirmation_possible",
    "confirm",
    "one_line",
]

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_CANCELLED = 4
EXIT_BUG = 70
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # what a shell reports for a writer killed by SIGPIPE


class CommandError(Exception):
    """A failure to report as ``hostui: <message>`` with ``exit_code``."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def one_line(error: BaseException | str) -> str:
    """The first line of an error, whitespace tidied (database errors span several lines)."""
    text = str(error).strip()
    first = text.splitlines()[0] if text else ""
    return " ".join(first.split()) or (type(error).__name__ if isinstance(error, BaseException) else "")


MAX_PAGE_SIZE = 500  # the largest page the service serves


def positive_number(text: str) -> int:
    """An argparse type: a whole number, 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {value}")
    return value


def rows_per_page(text: str) -> int:
    """An argparse type: rows per page, 1 to MAX_PAGE_SIZE."""
    value = positive_number(text)
    if value > MAX_PAGE_SIZE:
        raise argparse.ArgumentTypeError(f"at most {MAX_PAGE_SIZE}: {value}")
    return value


def profile_option() -> argparse.ArgumentParser:
    """A parent parser giving a subcommand ``--profile`` too (``hostui invoices list -p work``).

    SUPPRESS keeps the global ``hostui --profile NAME`` when the subcommand is given none.
    """
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--profile", "-p", metavar="NAME", default=argparse.SUPPRESS,
                        help="the profile to use (default: default_profile)")
    return parent


# --- confirmation ---------------------------------------------------------------------------


def require_confirmation_possible(yes: bool, what: str) -> None:
    """Refuse before connecting when we could not ask (no terminal) and --yes is missing."""
    if not yes and not sys.stdin.isatty():
        raise CommandError(f"{what} needs confirmation and stdin is not a terminal: pass --yes")


def confirm(question: str, yes: bool) -> None:
    """Ask ``question [y/N]`` on the terminal unless ``yes``; CommandError (4) on anything but y.

    The question goes to stderr so that stdout stays clean for ``--json``.
    """
    if yes:
        return
    require_confirmation_possible(yes, "this")
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    if answer.strip().lower() not in ("y", "yes"):
        if not answer:
            sys.stderr.write("\n")
        raise CommandError("cancelled; nothing was changed", EXIT_CANCELLED)


# --- connecting and running -------------------------------------------------------------------


def _cannot_connect(connector: LocalConnector | RemoteConnector, error: BaseException) -> CommandError:
    from hostui.connect import LocalConnector

    if isinstance(connector, LocalConnector):
        return CommandError(
            f"cannot open the {connector.description}: {one_line(error)} — {connector.advice(error)}",
            EXIT_UNREACHABLE,
        )
    return _remote_failure(connector, error)


def _remote_failure(connector: RemoteConnector, error: BaseException) -> CommandError:
    if isinstance(error, AuthenticationFailed):
        return CommandError(f"{one_line(error)} — log in again:  {connector.login_command}", EXIT_UNREACHABLE)
    return CommandError(one_line(error), EXIT_UNREACHABLE)


def _refused(connector: LocalConnector | RemoteConnector, error: ServiceError) -> CommandError:
    from hostui.connect import RemoteConnector

    if isinstance(error, (AuthenticationFailed, ServiceUnavailable)):
        if isinstance(connector, RemoteConnector):
            return _remote_failure(connector, error)
        return CommandError(one_line(error), EXIT_UNREACHABLE)
    return CommandError(one_line(error), EXIT_REFUSED)


async def _session(
    connector: LocalConnector | RemoteConnector, action: Callable[[PortalService], Awaitable[int]]
) -> int:
    from hostui.connect import PREPARING_DEMO

    def progress(message: str) -> None:
        # Only the slow first start is worth a word; scripts get a quiet stderr otherwise.
        if message == PREPARING_DEMO:
            print(message, file=sys.stderr, flush=True)

    try:
        service = await connector.connect(progress)
    except Exception as error:  # noqa: BLE001 - any failure to connect is one line, exit 3
        raise _cannot_connect(connector, error) from None
    try:
        return await action(service)
    except ServiceError as error:
        raise _refused(connector, error) from None
    finally:
        await service.aclose()


def run_with_service(args: argparse.Namespace, action: Callable[[PortalService], Awaitable[int]]) -> int:
    """Connect with the profile of ``args`` (``--profile`` or the default), run ``action``.

    Raises CommandError for failures of the command; ConfigError for the config file (the
    dispatcher reports both).
    """
    from hostui.connect import connector_for

    path = config_path()
    config = load_config(path)  # first use writes the default config, as the TUI does
    name, profile = config.profile(getattr(args, "profile", None), path)
    connector = connector_for(name, profile, config_file=path)
    return asyncio.run(_session(connector, action))
