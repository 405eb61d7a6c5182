"""``hostui tickets …`` and ``hostui ticket …``: the Tickets section on the command line.

    hostui tickets list [--status open|closed|unread|all] [--search TEXT] [--page N]
                        [--page-size N] [--json]
    hostui ticket show NUMBER [--json]
    hostui ticket reply NUMBER [-m TEXT|-m -]      (no -m with a pipe: the text from stdin)
    hostui ticket new --department technical|finance --subject TEXT [--importance high]
                      [--order ORD-…] -m TEXT|-m - [--json]
    hostui ticket close NUMBER [--json]

NUMBER is the ticket number as printed (``T-58123``). ``show`` marks the ticket read, as
opening it in the TUI does. Each ``reply`` and ``new`` sends a fresh idempotency key.
"""

from __future__ import annotations

import argparse
import sys
from uuid import uuid4

from pydantic import ValidationError

from backend.contract import (
    Department,
    Importance,
    NewTicket,
    PortalService,
    TicketDetail,
    TicketFilter,
    TicketQuery,
    TicketReply,
    TicketRow,
)
from hostui.commands._common import (
    EXIT_OK,
    MAX_PAGE_SIZE,
    CommandError,
    positive_number,
    profile_option,
    rows_per_page,
    run_with_service,
)
from hostui.commands._output import Column, key_values, page_footer, print_json, table

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``tickets`` and ``ticket`` to the ``hostui`` parser's subcommands."""
    profile = profile_option()

    listing = commands.add_parser("tickets", help="list tickets (hostui tickets list --help)")
    listing_actions = listing.add_subparsers(dest="action", metavar="ACTION", required=True)
    list_ = listing_actions.add_parser("list", parents=[profile], help="list tickets, newest activity first")
    list_.add_argument("--status", choices=[f.value for f in TicketFilter], default=TicketFilter.OPEN.value,
                       help="which tickets (default: open)")
    list_.add_argument("--unread", dest="status", action="store_const", const=TicketFilter.UNREAD.value,
                       help="the unread ones (same as --status unread)")
    list_.add_argument("--search", metavar="TEXT", help="part of the number or the subject")
    list_.add_argument("--page", type=positive_number, default=1, metavar="N", help="the page to show (default: 1)")
    list_.add_argument("--page-size", type=rows_per_page, default=50, metavar="N",
                       help=f"tickets per page, 1 to {MAX_PAGE_SIZE} (default: 50)")
    list_.add_argument("--json", action="store_true", help="print the page as JSON")
    list_.set_defaults(run=list_tickets)

    ticket = commands.add_parser("ticket", help="show, answer, open or close one ticket")
    actions = ticket.add_subparsers(dest="action", metavar="ACTION", required=True)

    def one(name: str, help_: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, parents=[profile], help=help_)
        parser.add_argument("number", metavar="NUMBER", help="the ticket number as printed, e.g. T-58123")
        return parser

    show = one("show", "the ticket with all its messages (marks it read)")
    show.add_argument("--json", action="store_true", help="print it as JSON")
    show.set_defaults(run=show_ticket)

    reply = one("reply", "answer a ticket (a closed one opens again)")
    reply.add_argument("-m", "--message", help="the text; '-' (or leaving it out with a pipe) reads stdin")
    reply.add_argument("--json", action="store_true", help="print the ticket as JSON")
    reply.set_defaults(run=reply_ticket)

    new = actions.add_parser("new", parents=[profile], help="open a ticket")
    new.add_argument("--department", required=True, choices=[d.value for d in Department])
    new.add_argument("--subject", required=True, help="one line")
    new.add_argument("--importance", choices=[i.value for i in Importance], default=Importance.NORMAL.value)
    new.add_argument("--order", metavar="ORD-…", help="the order it is about (required for technical)")
    new.add_argument("-m", "--message", help="the text; '-' (or leaving it out with a pipe) reads stdin")
    new.add_argument("--json", action="store_true", help="print the new ticket as JSON")
    new.set_defaults(run=new_ticket)

    close = one("close", "close a ticket")
    close.add_argument("--json", action="store_true", help="print the ticket as JSON")
    close.set_defaults(run=close_ticket)


# --- formatting ---------------------------------------------------------------------------------


def _formatting():  # noqa: ANN202 - hostui.widgets loads Textual: only when text is printed
    from hostui.widgets import formatting

    return formatting


LIST_COLUMNS = (
    Column("Number"),
    Column(" "),
    Column("Subject", shrink=True, minimum=12),
    Column("Dept"),
    Column("Order", shrink=True),
    Column("Last activity"),
    Column("By"),
    Column("Status"),
)


def _list_lines(rows: list[TicketRow]) -> list[str]:
    f = _formatting()
    cells = [
        [row.number, "*" if row.unread else "", row.subject + (" (!)" if row.importance == Importance.HIGH else ""),
         row.department.value, row.order_number or "", f.day_time(row.last_activity_at), row.last_author.value,
         row.status.value]
        for row in rows
    ]
    return table(LIST_COLUMNS, cells)


def _detail_lines(detail: TicketDetail) -> list[str]:
    f = _formatting()
    pairs = [("Ticket", detail.number), ("Subject", detail.subject), ("Status", detail.status.value),
             ("Department", detail.department.value), ("Importance", detail.importance.value)]
    if detail.order_number:
        pairs.append(("Order", detail.order_number))
    lines = key_values(pairs)
    for message in detail.messages:
        lines += ["", f"--- {message.author_name} ({message.author.value}), {f.day_time(message.created_at)}"]
        lines += message.body.splitlines()
    return lines


def _print(detail_or_row: TicketDetail | TicketRow, as_json: bool, summary: str) -> None:
    if as_json:
        print_json(detail_or_row)
    else:
        print(summary)


# --- the commands ---------------------------------------------------------------------------


async def _find(service: PortalService, number: str) -> TicketRow:
    return await service.find_ticket(number.strip())


def _text(given: str | None) -> str:
    """The text of ``-m``, or stdin for ``-m -`` or for no ``-m`` when stdin is not a terminal."""
    if given is not None and given != "-":
        return given
    if given is None and sys.stdin.isatty():
        raise CommandError("give the text with -m TEXT, or pipe it in")
    return sys.stdin.read()


def _checked(build):  # noqa: ANN001, ANN202
    """The contract model, or a usage error naming each field and the reason it was refused."""
    try:
        return build()
    except ValidationError as error:
        reasons = []
        for item in error.errors():
            field = ".".join(str(part) for part in item.get("loc", ()))
            reason = str(item.get("msg", "invalid")).removeprefix("Value error, ")
            reasons.append(f"{field}: {reason}" if field and not reason.startswith(f"{field}:") else reason)
        raise CommandError("; ".join(reasons)) from None


def list_tickets(args: argparse.Namespace) -> int:
    query = _checked(lambda: TicketQuery(filter=TicketFilter(args.status), search=args.search, page=args.page,
                                         page_size=args.page_size))

    async def action(service: PortalService) -> int:
        page = await service.list_tickets(query)
        if args.json:
            print_json(page)
            return EXIT_OK
        kind = "" if query.filter == TicketFilter.ALL else f"{query.filter.value} "
        scope = f" matching '{args.search}'" if args.search else ""
        if not page.items:
            print(f"No {kind}tickets{scope}.")
            return EXIT_OK
        print("\n".join(_list_lines(page.items)))
        print(page_footer(page, f"{kind}ticket{scope}", f"{kind}tickets{scope}"))
        return EXIT_OK

    return run_with_service(args, action)


def show_ticket(args: argparse.Namespace) -> int:
    async def action(service: PortalService) -> int:
        row = await _find(service, args.number)
        if row.unread:
            await service.mark_read(row.id)
        detail = await service.get_ticket(row.id)
        if args.json:
            print_json(detail)
        else:
            print("\n".join(_detail_lines(detail)))
        return EXIT_OK

    return run_with_service(args, action)


def reply_ticket(args: argparse.Namespace) -> int:
    reply = _checked(lambda: TicketReply(message=_text(args.message)))

    async def action(service: PortalService) -> int:
        row = await _find(service, args.number)
        detail = await service.reply_ticket(row.id, reply, uuid4().hex)
        reopened = " (opened again)" if row.status != detail.status else ""
        _print(detail, args.json, f"Replied to {detail.number}{reopened}.")
        return EXIT_OK

    return run_with_service(args, action)


def new_ticket(args: argparse.Namespace) -> int:
    message = _text(args.message)

    async def action(service: PortalService) -> int:
        order_id = (await service.find_order(args.order.strip())).id if args.order else None
        new = _checked(lambda: NewTicket(department=args.department, subject=args.subject,
                                         importance=args.importance, order_id=order_id, message=message))
        detail = await service.create_ticket(new, uuid4().hex)
        _print(detail, args.json, f"Opened {detail.number}: {detail.subject}")
        return EXIT_OK

    return run_with_service(args, action)


def close_ticket(args: argparse.Namespace) -> int:
    async def action(service: PortalService) -> int:
        row = await service.close_ticket((await _find(service, args.number)).id)
        _print(row, args.json, f"Closed {row.number}.")
        return EXIT_OK

    return run_with_service(args, action)
