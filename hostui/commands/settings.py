"""``hostui settings``: the account's settings on the command line.

    hostui settings show [--json]
    hostui settings set auto-renew on|off [ORDER]    ORDER: an order number, or the
                                                     account when left out; with ORDER,
                                                     ``default`` follows the account again
    hostui settings set currency CODE                EUR, USD, CHF (what the portal offers)
    hostui settings set language en|de
    hostui settings ip-ranges add|remove CIDR [--code-word-stdin] [--yes]
                                                     the addresses allowed to log in
    hostui logins [--page N] [--json]                the account's last logins, newest first

``--json`` prints the contract's ``AccountSettings`` exactly; ``set`` prints the settings as
they are afterwards (the same JSON with ``--json``).
"""

from __future__ import annotations

import argparse
import sys

from backend.contract import (
    AccountSettings,
    AutoRenewRequest,
    IpRangesRequest,
    LoginOutcome,
    LoginQuery,
    PortalService,
)
from backend.formatting import format_date, format_datetime
from hostui.commands._common import EXIT_OK, EXIT_REFUSED, CommandError, profile_option, run_with_service
from hostui.commands._output import Column, key_values, page_footer, print_json, table

__all__ = ["register"]

# What ``auto-renew`` takes, and what the request carries for it.
AUTO_RENEW_WORDS = {"on": True, "off": False, "default": None}


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``settings`` to the ``hostui`` parser's subcommands."""
    profile = profile_option()
    settings = commands.add_parser("settings", help="the account's settings (hostui settings --help)")
    actions = settings.add_subparsers(dest="action", metavar="ACTION", required=True)

    show = actions.add_parser("show", parents=[profile], help="renewal, currency, language, mailboxes, security")
    show.add_argument("--json", action="store_true", help="print the settings as JSON")
    show.set_defaults(run=show_settings)

    set_ = actions.add_parser("set", help="change a setting")
    what = set_.add_subparsers(dest="setting", metavar="SETTING", required=True)
    auto_renew = what.add_parser("auto-renew", parents=[profile],
                                 help="automatic renewal for the account, or for one order")
    auto_renew.add_argument("value", choices=list(AUTO_RENEW_WORDS), metavar="on|off|default",
                            help="on or off; default (with ORDER) follows the account's setting again")
    auto_renew.add_argument("order", nargs="?", metavar="ORDER", help="an order number, e.g. ORD-104825")
    auto_renew.add_argument("--json", action="store_true", help="print the settings afterwards as JSON")
    auto_renew.set_defaults(run=set_auto_renew)

    currency = what.add_parser("currency", parents=[profile],
                               help="bill the account in this currency (the balance is converted)")
    currency.add_argument("code", metavar="CODE", help="e.g. EUR, USD, CHF")
    currency.add_argument("--json", action="store_true", help="print the settings afterwards as JSON")
    currency.set_defaults(run=set_currency)

    language = what.add_parser("language", parents=[profile], help="the language of the portal's mail and PDFs")
    language.add_argument("code", metavar="en|de")
    language.add_argument("--json", action="store_true", help="print the settings afterwards as JSON")
    language.set_defaults(run=set_language)

    ranges = actions.add_parser("ip-ranges", parents=[profile],
                                help="add or remove an address or CIDR range allowed to log in")
    ranges.add_argument("change", choices=("add", "remove"))
    ranges.add_argument("cidr", metavar="CIDR", help="e.g. 203.0.113.0/24, 2001:db8::/48 or one address")
    ranges.add_argument("--code-word-stdin", action="store_true",
                        help="read the account's code word from the first line of stdin (needed once one is set)")
    ranges.add_argument("--yes", action="store_true",
                        help="save even if the list leaves out the address this command comes from")
    ranges.add_argument("--json", action="store_true", help="print the settings afterwards as JSON")
    ranges.set_defaults(run=change_ip_ranges)

    logins = commands.add_parser("logins", parents=[profile], help="the account's last logins, newest first")
    logins.add_argument("--page", type=int, default=1, metavar="N")
    logins.add_argument("--json", action="store_true", help="print the page as JSON")
    logins.set_defaults(run=show_logins)


def _on_off(value: bool) -> str:
    return "on" if value else "off"


def settings_lines(settings: AccountSettings) -> list[str]:
    currency = next((option for option in settings.currencies if option.code == settings.currency), None)
    rate = f" (1 EUR = {currency.rate} {currency.code})" if currency is not None and currency.code != "EUR" else ""
    language = next((option.name for option in settings.languages if option.code == settings.language), "")
    lines = key_values([
        ("Automatic renewal", _on_off(settings.auto_renew)),
        ("Currency", settings.currency + rate),
        ("Language", f"{settings.language} ({language})" if language else settings.language),
        ("Code word", "set" if settings.code_word_set else "not set"),
        ("Allowed IP ranges", ", ".join(settings.allowed_ip_ranges) or "any address"),
        ("Your address", settings.client_address),
    ])
    if settings.orders:
        lines += ["", "Renewal per order:"]
        lines += ["  " + line for line in table(
            (Column("Order"), Column("Service", shrink=True, minimum=10), Column("Paid until"), Column("Renews")),
            [
                [
                    row.order_number,
                    row.label,
                    format_date(row.period_end),
                    _on_off(row.effective) + (" (account)" if row.auto_renew is None else ""),
                ]
                for row in settings.orders
            ],
            width=78,
        )]
    if settings.mailboxes:
        lines += ["", "Mailboxes:"]
        lines += [f"  {box.address}: {', '.join(c.value for c in box.categories)}" for box in settings.mailboxes]
    return lines


def _print(settings: AccountSettings, as_json: bool) -> int:
    if as_json:
        print_json(settings)
    else:
        print("\n".join(settings_lines(settings)))
    return EXIT_OK


def show_settings(args: argparse.Namespace) -> int:
    async def action(service: PortalService) -> int:
        return _print(await service.get_settings(), args.json)

    return run_with_service(args, action)


def set_auto_renew(args: argparse.Namespace) -> int:
    enabled = AUTO_RENEW_WORDS[args.value]
    if args.order is None and enabled is None:
        raise CommandError("the account's automatic renewal is on or off; 'default' is for an ORDER")

    async def action(service: PortalService) -> int:
        order_id = (await service.find_order(args.order)).id if args.order is not None else None
        return _print(await service.set_auto_renew(AutoRenewRequest(enabled=enabled, order_id=order_id)), args.json)

    return run_with_service(args, action)


def set_currency(args: argparse.Namespace) -> int:
    async def action(service: PortalService) -> int:
        return _print(await service.set_currency(args.code.strip().upper()), args.json)

    return run_with_service(args, action)


def set_language(args: argparse.Namespace) -> int:
    async def action(service: PortalService) -> int:
        return _print(await service.set_language(args.code.strip().lower()), args.json)

    return run_with_service(args, action)


def change_ip_ranges(args: argparse.Namespace) -> int:
    code_word = sys.stdin.readline().rstrip("\n") if args.code_word_stdin else None

    async def action(service: PortalService) -> int:
        current = (await service.get_settings()).allowed_ip_ranges
        cidr = args.cidr.strip()
        if args.change == "add":
            ranges = [*current, cidr]
        else:
            # The portal stores ranges normalised ("203.0.113.5" as "203.0.113.5/32"): compare both.
            ranges = [r for r in current if r not in (cidr, f"{cidr}/32", f"{cidr}/128")]
            if len(ranges) == len(current):
                raise CommandError(f"{cidr} is not in the allowed ranges ({', '.join(current) or 'none'})",
                                   EXIT_REFUSED)
        request = IpRangesRequest(ranges=ranges, confirm_lockout=args.yes, code_word=code_word)
        return _print(await service.set_ip_ranges(request), args.json)

    return run_with_service(args, action)


_OUTCOME_WORDS = {
    LoginOutcome.SUCCESS: "logged in",
    LoginOutcome.WRONG_PASSWORD: "wrong password",
    LoginOutcome.UNKNOWN_USER: "unknown user",
    LoginOutcome.THROTTLED: "throttled",
    LoginOutcome.REFUSED_IP: "refused: IP not allowed",
    LoginOutcome.WRONG_CODE_WORD: "wrong code word",
}


def show_logins(args: argparse.Namespace) -> int:
    if args.page < 1:
        raise CommandError("--page counts from 1")

    async def action(service: PortalService) -> int:
        page = await service.login_history(LoginQuery(page=args.page))
        if args.json:
            print_json(page)
            return EXIT_OK
        rows = [[format_datetime(r.at), r.address, _OUTCOME_WORDS[r.outcome], r.client or "—"] for r in page.items]
        columns = [Column("When"), Column("Address"), Column("Result"), Column("Client", shrink=True)]
        print("\n".join(table(columns, rows)))
        print(page_footer(page, "login", "logins"))
        return EXIT_OK

    return run_with_service(args, action)
