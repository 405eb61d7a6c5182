"""``hostui orders list``, ``hostui server show``, ``hostui rdns set``: orders and servers on the
command line.

    hostui orders list [--status all|active|new|inactive] [--search TEXT] [--page N]
                       [--page-size N] [--json]
    hostui server show ORDER [--json]
    hostui rdns set IP NAME [--json]

ORDER is the order number as printed (``ORD-104825``). IP is one of your servers' addresses,
IPv4 or IPv6 in any spelling; NAME is the reverse DNS name to set, and ``""`` resets the
address to the provider's default name. ``--json`` prints the contract's model exactly
(``Page`` of ``OrderRow``, ``ServerDetail``, ``NetworkAddress``).
"""

from __future__ import annotations

import argparse
import ipaddress

from backend.contract import (
    Conflict,
    NetworkAddress,
    NotFound,
    OrderFilter,
    OrderQuery,
    OrderRow,
    Page,
    PortalService,
    ServerDetail,
)
from backend.formatting import format_date, format_money
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

# What ``--status`` says, for people: the list's filter words.
STATUS_WORDS = {
    OrderFilter.ALL: "",
    OrderFilter.ACTIVE: "active ",
    OrderFilter.NEW: "new ",
    OrderFilter.INACTIVE: "suspended, blocked or cancelled ",
}


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``orders``, ``server`` and ``rdns`` to the ``hostui`` parser's subcommands."""
    profile = profile_option()

    orders = commands.add_parser("orders", help="list orders (hostui orders list --help)")
    orders_actions = orders.add_subparsers(dest="action", metavar="ACTION", required=True)
    list_ = orders_actions.add_parser("list", parents=[profile], help="list orders, active ones first")
    list_.add_argument("--status", choices=[f.value for f in OrderFilter], default=OrderFilter.ALL.value,
                       help="which orders (default: all; inactive = suspended, blocked or cancelled)")
    list_.add_argument("--search", "-s", metavar="TEXT",
                       help="part of the order number, an IP address, the hostname or the tariff")
    list_.add_argument("--page", type=positive_number, default=1, metavar="N", help="the page to show (default: 1)")
    list_.add_argument("--page-size", type=rows_per_page, default=50, metavar="N",
                       help=f"orders per page, 1 to {MAX_PAGE_SIZE} (default: 50)")
    list_.add_argument("--json", action="store_true", help="print the page as JSON")
    list_.set_defaults(run=list_orders)

    server = commands.add_parser("server", help="a server: configuration, addresses, what it allows now")
    server_actions = server.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = server_actions.add_parser("show", parents=[profile], help="the server of an order")
    show.add_argument("number", metavar="ORDER", help="the order number as printed, e.g. ORD-104825")
    show.add_argument("--json", action="store_true", help="print it as JSON")
    show.set_defaults(run=show_server)

    rdns = commands.add_parser("rdns", help="reverse DNS of your servers' addresses")
    rdns_actions = rdns.add_subparsers(dest="action", metavar="ACTION", required=True)
    set_ = rdns_actions.add_parser("set", parents=[profile], help="set (or with \"\" reset) an address's name")
    set_.add_argument("address", metavar="IP", help="one of your servers' addresses, IPv4 or IPv6")
    set_.add_argument("name", metavar="NAME", help='the name, e.g. mail.example.com; "" resets to the default')
    set_.add_argument("--json", action="store_true", help="print the address as JSON")
    set_.set_defaults(run=set_reverse_dns)


# --- hostui orders list -------------------------------------------------------------------------

# Only the tariff may be cut to fit: a cut address or amount would be wrong, not short.
LIST_COLUMNS = (
    Column("Number"),
    Column("Tariff", shrink=True, minimum=8),
    Column("Main IP"),
    Column("Paid until"),
    Column("Price", right=True),
    Column("Status"),
    Column("Power"),
)


def _per_period(months: int) -> str:
    return "/mo" if months == 1 else "/yr" if months == 12 else f"/{months} mo"


def list_lines(rows: list[OrderRow]) -> list[str]:
    cells = [
        [
            row.number,
            row.tariff,
            row.main_ip or "—",
            format_date(row.period_end),
            format_money(row.price, row.currency) + _per_period(row.billing_period_months),
            row.status.value,
            row.power_state.value if row.power_state else "—",
        ]
        for row in rows
    ]
    return table(LIST_COLUMNS, cells)


def _print_page(page: Page[OrderRow], query: OrderQuery) -> None:
    kind = STATUS_WORDS[query.filter]
    scope = f" matching {query.search!r}" if query.search else ""
    if not page.items:
        print(f"No {kind}orders{scope}." if page.page == 1 else
              f"Page {page.page} is past the end: {page.total} {kind}orders{scope}, {page.pages} pages.")
        return
    print("\n".join(list_lines(page.items)))
    print(page_footer(page, f"{kind}order{scope}", f"{kind}orders{scope}"))


def list_orders(args: argparse.Namespace) -> int:
    if args.search is not None and not 1 <= len(args.search) <= 64:
        raise CommandError("--search takes 1 to 64 characters")
    query = OrderQuery(filter=OrderFilter(args.status), search=args.search, page=args.page, page_size=args.page_size)

    async def action(service: PortalService) -> int:
        page = await service.list_orders(query)
        if args.json:
            print_json(page)
        else:
            _print_page(page, query)
        return EXIT_OK

    return run_with_service(args, action)


# --- hostui server show ---------------------------------------------------------------------------


async def server_of_order(service: PortalService, number: str) -> ServerDetail:
    """The server of the order with this number; refused with the order's own reason if it has none."""
    order = await service.find_order(number)
    manage = order.action("manage")
    if not manage.enabled or order.server_id is None:
        raise Conflict(f"order {order.number}: {manage.reason or 'this order has no server'}")
    return await service.get_server(order.server_id)


def _reverse_dns(address: NetworkAddress) -> str:
    return address.reverse_dns or f"{address.default_reverse_dns} (default)"


def detail_lines(server: ServerDetail) -> list[str]:
    configuration = server.configuration
    pairs = [
        ("Server", server.hostname),
        ("Order", f"{server.order_number} ({server.order_status.value})"),
        ("Power", server.power_state.value),
        ("Location", configuration.location),
        ("OS", configuration.os or "—"),
        ("CPU", configuration.cpu),
        ("RAM", f"{configuration.ram_gb} GB"),
        ("Disks", configuration.disks),
        ("Bandwidth", configuration.bandwidth),
        ("Traffic included", f"{configuration.traffic_included_tb} TB"),
        ("Login", f"{server.login_user} (hostui reveals the password on request, in the TUI)"),
        ("IP-KVM", "yes" if server.ipkvm else "no"),
        ("MAC", server.addresses[0].mac if server.addresses else "—"),
    ]
    if server.code_word_required:
        pairs.append(("Code word", "disable, block and reinstall ask for it"))
    if server.active_job is not None:
        job = server.active_job
        pairs.append(("Running", f"{job.kind.value} job {job.id}: {job.state.value}, {job.progress} %, {job.step}"))
    lines = key_values(pairs)
    lines += ["", "Addresses:"]
    lines += ["  " + line for line in table(
        (Column("Address"), Column("Netmask"), Column("Gateway"), Column("Reverse DNS", shrink=True, minimum=12)),
        [[a.address, a.netmask, a.gateway, _reverse_dns(a)] for a in server.addresses],
        width=78,
    )]
    unavailable = [f"  {state.id}: {state.reason}" for state in server.actions if not state.enabled]
    if unavailable:
        lines += ["", "Not possible now:", *unavailable]
    return lines


def show_server(args: argparse.Namespace) -> int:
    async def action(service: PortalService) -> int:
        server = await server_of_order(service, args.number)
        if args.json:
            print_json(server)
        else:
            print("\n".join(detail_lines(server)))
        return EXIT_OK

    return run_with_service(args, action)


# --- hostui rdns set ------------------------------------------------------------------------------


def _typed_address(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        raise CommandError(f"not an IP address: {text!r}") from None


async def server_with_address(service: PortalService, address: str) -> ServerDetail:
    """The customer's server that has ``address`` (as written by ``ipaddress``)."""
    candidates = await service.list_orders(OrderQuery(search=address, page_size=MAX_PAGE_SIZE))
    for row in candidates.items:
        if row.server_id is None:
            continue
        server = await service.get_server(row.server_id)
        if any(a.address == address for a in server.addresses):
            return server
    raise NotFound(f"address {address} is not one of your servers' addresses")


def set_reverse_dns(args: argparse.Namespace) -> int:
    address = _typed_address(args.address)

    async def action(service: PortalService) -> int:
        server = await server_with_address(service, address)
        changed = await service.set_reverse_dns(server.id, address, args.name)
        if args.json:
            print_json(changed)
        elif changed.reverse_dns is None:
            print(f"{changed.address} ({server.hostname}): reset to {changed.default_reverse_dns}")
        else:
            print(f"{changed.address} ({server.hostname}): {changed.reverse_dns}")
        return EXIT_OK

    return run_with_service(args, action)
