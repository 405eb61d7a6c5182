"""The operator's account commands of ``hostui-server``, run on the server's machine:

    hostui-server clear-ip-ranges LOGIN [--database URL]

``clear-ip-ranges`` lets a customer in again who locked themselves out with their allowed IP
ranges: the list is emptied (every address may log in) and the change audited as the
operator's. Whoever can run it can open the database anyway, so it needs no token. Exit
statuses: 0 done (also when there was nothing to clear), 1 no such customer, 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

EXIT_REFUSED = 1


def clear_ip_ranges(argv: list[str], open_portal: Callable, add_database: Callable) -> int:
    from backend.contract import NotFound
    from backend.domain import account_security

    parser = argparse.ArgumentParser(
        prog="hostui-server clear-ip-ranges",
        description="Allow logins from every address again for a customer locked out by their allowed IP ranges.",
    )
    parser.add_argument("login", metavar="LOGIN", help="the customer's login")
    add_database(parser)
    args = parser.parse_args(argv)
    portal = open_portal(args.database, must_exist=True)
    try:
        cleared = account_security.clear_ip_ranges(portal, args.login)
    except NotFound as exc:
        print(f"hostui-server: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        portal.dispose()
    if cleared:
        print(f"cleared {len(cleared)} allowed IP range{'s' if len(cleared) != 1 else ''} of {args.login}: "
              f"{', '.join(cleared)}; every address may log in again")
    else:
        print(f"{args.login} had no allowed IP ranges: every address may log in")
    return 0
