"""The support side's commands of ``hostui-server``, for staff on the server's machine:

    hostui-server staff-reply TICKET -m TEXT [--as NAME] [--database URL]
    hostui-server staff-reply TICKET [--as NAME] < text      (or -m -: the text from stdin)
    hostui-server staff-close TICKET [--as NAME] [--database URL]

TICKET is the number as printed (``T-58123``). Whoever can run these can open the database
anyway, so they need no staff token (the HTTP staff routes do). Exit statuses: 0 done, 1
refused (no such ticket, already closed, an empty or too long text), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from backend.domain.ticket_staff import DEFAULT_STAFF_NAME

EXIT_REFUSED = 1
EXIT_USAGE = 2


def _parser(prog: str, description: str, add_database: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"hostui-server {prog}", description=description)
    parser.add_argument("ticket", metavar="TICKET", help="the ticket number, e.g. T-58123")
    parser.add_argument("--as", dest="author", default=DEFAULT_STAFF_NAME,
                        help=f"the name the customer sees (default: {DEFAULT_STAFF_NAME!r})")
    add_database(parser)
    return parser


def _message(given: str | None) -> str | None:
    """The text of ``-m``, or stdin for ``-m -`` or no ``-m`` when stdin is not a terminal."""
    if given is not None and given != "-":
        return given
    if given is None and sys.stdin.isatty():
        return None
    return sys.stdin.read()


def _run(action: Callable[[], str]) -> int:
    from pydantic import ValidationError

    from backend.contract import ServiceError

    try:
        print(action())
    except ServiceError as exc:
        print(f"hostui-server: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except ValidationError as exc:
        reasons = "; ".join(error["msg"].removeprefix("Value error, ") for error in exc.errors())
        print(f"hostui-server: {reasons}", file=sys.stderr)
        return EXIT_REFUSED
    return 0


def staff_reply(argv: list[str], open_portal: Callable, add_database: Callable) -> int:
    parser = _parser("staff-reply", "Answer a customer's ticket as support: the customer sees it "
                     "unread and gets the e-mail copy.", add_database)
    parser.add_argument("-m", "--message", help="the answer; '-' (or leaving it out with a pipe) reads stdin")
    args = parser.parse_args(argv)
    text = _message(args.message)
    if text is None:
        parser.print_usage(sys.stderr)
        print("hostui-server staff-reply: give the answer with -m TEXT or on stdin", file=sys.stderr)
        return EXIT_USAGE
    portal = open_portal(args.database, must_exist=True)
    try:
        from backend.contract import TicketReply
        from backend.domain import ticket_staff

        def reply() -> str:
            ticket_id = ticket_staff.ticket_id_for_number(portal, args.ticket)
            detail = ticket_staff.staff_reply(portal, ticket_id, TicketReply(message=text), args.author)
            return f"answered {detail.number} as {args.author} (message {detail.messages[-1].id})"

        return _run(reply)
    finally:
        portal.dispose()


def staff_close(argv: list[str], open_portal: Callable, add_database: Callable) -> int:
    args = _parser("staff-close", "Close a customer's ticket as support.", add_database).parse_args(argv)
    portal = open_portal(args.database, must_exist=True)
    try:
        from backend.domain import ticket_staff

        def close() -> str:
            row = ticket_staff.staff_close(portal, ticket_staff.ticket_id_for_number(portal, args.ticket), args.author)
            return f"closed {row.number}"

        return _run(close)
    finally:
        portal.dispose()
