"""``hostui-server``: serve the portal over HTTP, or book an incoming bank transfer.

    hostui-server [serve] [--host 127.0.0.1] [--port 8080] [--database URL]
                          [--public-url URL] [--seed-demo] [--workers N] [--access-log]
    hostui-server book-transfer --reference NH-000123 --amount 12.34 --currency EUR
                                [--database URL]

While it serves, it also carries out the server jobs (power actions, reinstalls) queued in its
database, with a job runner in the app's lifespan; several servers on one PostgreSQL share
the work and never run one job twice. When an SMTP server is configured (HOSTUI_SMTP_HOST)
it sends the mail outbox the same way.

``--workers N`` serves from N processes on one listening socket (uvicorn's supervisor starts
them and restarts one that dies); each runs the job runner, the mail sender and the renewal
scheduler too, which claim their work row by row, so no job, message or renewal is done twice.
On PostgreSQL the workers scale reads and writes; on one SQLite file they read in parallel
(WAL) while their writes take turns on the database's write lock (waiting up to its busy
timeout), which suits a read-mostly portal.

The mail commands (backend/mail/commands.py):

    hostui-server send-mail --once [--database URL]
    hostui-server mail-status [--database URL]
    hostui-server mail-in [--database URL] < message

It runs the renewal job every hour too (orders with automatic renewal, see
backend/domain/auto_renew.py); for cron, or to run it now:

    hostui-server renew --once [--database URL]

The exchange rates new invoices and currency changes use (units of a currency per EUR):

    hostui-server set-rate USD 1.0832 [--name "US dollar"] [--database URL]

Staff answer and close tickets with (backend/staff_commands.py):

    hostui-server staff-reply TICKET -m TEXT [--as NAME] [--database URL]
    hostui-server staff-close TICKET [--as NAME] [--database URL]

The operator lets a customer locked out by their allowed IP ranges in again with
(backend/account_commands.py):

    hostui-server clear-ip-ranges LOGIN [--database URL]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from decimal import Decimal, InvalidOperation

EXIT_USAGE = 2
EXIT_DATABASE = 2
EXIT_REFUSED = 1

# What the parent of ``--workers N`` hands each worker process: its database, public URL and
# whether it sends mail (JSON). Set only by ``serve`` for its own children.
WORKER_CONFIG_VARIABLE = "HOSTUI_SERVER_WORKER_CONFIG"


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as given minus nothing secret
        return "<unparsable URL>"


def _reason(exc: BaseException) -> str:
    """The root cause in one line (a driver's message, without SQLAlchemy's SQL and links)."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _fail(database_url: str, reason: str) -> None:
    print(f"hostui-server: cannot open the database {_redacted(database_url)}: {reason}", file=sys.stderr)
    raise SystemExit(EXIT_DATABASE)


def _open(database_url: str, public_url: str | None = None, *, must_exist: bool = False):  # noqa: ANN202
    """The portal on ``database_url``, or exit with one line on stderr when it cannot open.

    ``must_exist``: refuse a SQLite file that is not there (instead of creating an empty one).
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from backend.portal import open_portal
    from backend.settings import Settings

    if must_exist:
        try:
            parsed = make_url(database_url)
        except SQLAlchemyError:
            parsed = None
        if (
            parsed is not None
            and parsed.get_backend_name() == "sqlite"
            and parsed.database not in (None, "", ":memory:")
            and not os.path.exists(parsed.database)
        ):
            _fail(database_url, "no such file")
    kwargs = {"database_url": database_url}
    if public_url:
        kwargs["public_url"] = public_url
    try:
        return open_portal(Settings(**kwargs))
    except (SQLAlchemyError, ValueError, OSError, ImportError) as exc:
        _fail(database_url, _reason(exc))


def _amount(value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount: {value!r}") from None
    if not amount.is_finite() or amount <= 0:
        raise argparse.ArgumentTypeError(f"not a positive amount: {value!r}")
    return amount


def _add_database(parser: argparse.ArgumentParser) -> None:
    from backend.environment import environment

    parser.add_argument(
        "--database",
        metavar="URL",
        default=environment().database_url,
        help="sqlite:///path or postgresql+psycopg://user:password@host/db "
        "(default: the demo database in the data directory)",
    )


def _serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hostui-server",
        description="Serve the hosting customer portal over HTTP (the API hostui talks to, "
        "plus the pay-link pages and the test card gateway). "
        "Other command: 'hostui-server book-transfer --help'.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    _add_database(parser)
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="base URL of pay links and card checkouts "
        "(default: $HOSTUI_PUBLIC_URL, else http://HOST:PORT)",
    )
    parser.add_argument(
        "--seed-demo", action="store_true", help="create the demo customers and data if the database has none"
    )
    parser.add_argument(
        "--workers", type=_worker_count, default=1, metavar="N",
        help="serve from N processes (default 1; about one per CPU core)",
    )
    parser.add_argument(
        "--access-log", action="store_true",
        help="log every request on stderr (off by default: it costs about as much as a small request)",
    )
    return parser


def _worker_count(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of processes: {value!r}") from None
    if not 1 <= count <= 64:
        raise argparse.ArgumentTypeError(f"between 1 and 64 processes, not {count}")
    return count


def _book_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hostui-server book-transfer",
        description="Book an incoming bank transfer against the invoice it quotes (for the provider's staff).",
    )
    parser.add_argument("--reference", required=True, help="the invoice number the payer quoted, e.g. NH-000123")
    parser.add_argument("--amount", required=True, type=_amount, help="amount received, e.g. 119.00")
    parser.add_argument("--currency", required=True, help="ISO currency code, e.g. EUR")
    _add_database(parser)
    return parser


def _public_url(args: argparse.Namespace) -> str:
    if args.public_url:
        return args.public_url.rstrip("/")
    from backend.environment import environment

    configured = environment().public_url
    if configured:
        return configured
    host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{args.port}"


def uvicorn_options(*, access_log: bool = False) -> dict:
    """How hostui-server runs uvicorn (the API benchmark serves its bare endpoint the same way).

    proxy_headers off: the app reads X-Forwarded-For itself, from HOSTUI_TRUSTED_PROXIES only
    (backend/api/client_address.py); uvicorn's default would trust 127.0.0.1. The loop and the
    HTTP parser are uvicorn's "auto" choice: uvloop and httptools, which hostui depends on.
    """
    return {"log_level": "info", "proxy_headers": False, "access_log": access_log}


def served_app(portal, *, send_mail: bool):  # noqa: ANN001, ANN201 - Portal and FastAPI, imported lazily
    """The app a ``hostui-server`` process serves: every background worker (the mail sender
    when SMTP is configured), start-up frozen out of the collector's way (the process serves
    nothing else)."""
    from backend.api.app import create_app

    return create_app(portal, run_jobs=True, send_mail=send_mail, renew=True, freeze_start_up=True)


def worker_app():  # noqa: ANN201 - the FastAPI app, imported lazily
    """The app of one ``--workers`` process (uvicorn calls this factory in each child): its
    own portal, connection pool and background workers, on the database its parent checked
    and migrated."""
    config = json.loads(os.environ[WORKER_CONFIG_VARIABLE])
    portal = _open(config["database"], config["public_url"])
    return served_app(portal, send_mail=config["send_mail"])


def serve(args: argparse.Namespace) -> int:
    portal = _open(args.database, _public_url(args))  # first: a bad database fails fast
    try:
        import uvicorn

        if args.seed_demo:
            from backend import demo

            demo.ensure_demo(portal, now=portal.now())  # demo dates around today, as in the TUI
        processes = "" if args.workers == 1 else f", {args.workers} worker processes"
        print(
            f"hostui-server: serving {_redacted(args.database)} on http://{args.host}:{args.port} "
            f"(public URL {portal.settings.public_url}{processes})",
            file=sys.stderr,
        )
        send_mail = portal.settings.mail.smtp_configured
        options = uvicorn_options(access_log=args.access_log)
        if args.workers == 1:
            uvicorn.run(served_app(portal, send_mail=send_mail), host=args.host, port=args.port, **options)
            return 0
        config = {"database": args.database, "public_url": portal.settings.public_url, "send_mail": send_mail}
        # The parent only supervises; each worker opens its own pool.
        portal.dispose()
        os.environ[WORKER_CONFIG_VARIABLE] = json.dumps(config)
        uvicorn.run("backend.server:worker_app", factory=True, workers=args.workers,
                    host=args.host, port=args.port, **options)
    finally:
        portal.dispose()
    return 0


def book_transfer(args: argparse.Namespace) -> int:
    from backend.contract import ServiceError
    from backend.domain import payments
    from backend.formatting import format_money
    from backend.money import CurrencyError, exponent, quantize

    currency = args.currency.strip().upper()
    try:
        if quantize(args.amount, currency) != args.amount:
            # Bank transfers move whole minor units; rounding such an amount would book money
            # that never arrived.
            print(f"hostui-server: transfer not booked: {args.amount} has more places than "
                  f"{currency} has ({exponent(currency)})", file=sys.stderr)
            return EXIT_REFUSED
    except CurrencyError as exc:
        print(f"hostui-server: transfer not booked: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    portal = _open(args.database, must_exist=True)
    try:
        try:
            record = payments.book_bank_transfer(portal, args.reference.strip(), args.amount, currency)
        except (ServiceError, CurrencyError) as exc:
            print(f"hostui-server: transfer not booked: {exc}", file=sys.stderr)
            return EXIT_REFUSED
    finally:
        portal.dispose()
    print(
        f"booked: {format_money(record.amount, record.currency)} for invoice {record.reference} "
        f"(payment {record.id}, {record.status.value})"
    )
    return 0


_MAIL_COMMANDS = {"send-mail": "send_mail", "mail-status": "mail_status", "mail-in": "receive_mail"}
_STAFF_COMMANDS = {"staff-reply": "staff_reply", "staff-close": "staff_close"}
_ACCOUNT_COMMANDS = {"clear-ip-ranges": "clear_ip_ranges"}


def renew(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="hostui-server renew",
        description="Run the renewal job: renew the orders with automatic renewal whose period ends "
        "soon, paying from the balance where it covers the invoice and mailing the customer where "
        "not. hostui-server runs it every hour while it serves; this is for cron.",
    )
    parser.add_argument("--once", action="store_true", required=True,
                        help="renew what is due now and stop (the only mode: the server runs it on a schedule)")
    _add_database(parser)
    args = parser.parse_args(argv)
    from backend.domain.auto_renew import run_renewals

    portal = _open(args.database, must_exist=True)
    try:
        report = run_renewals(portal)
    finally:
        portal.dispose()
    print(f"due {report.due}: paid {report.paid}, unpaid {report.unpaid} ({report.notices} notices queued), "
          f"skipped {report.skipped}, failed {report.failed}")
    return EXIT_REFUSED if report.failed else 0


def set_rate(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="hostui-server set-rate",
        description="Set the exchange rate of a currency the portal bills in: how many units of it "
        "one EUR buys, from now on (invoices already issued keep theirs). A new currency needs --name.",
    )
    parser.add_argument("code", help="ISO 4217 code, e.g. USD")
    parser.add_argument("rate", help="units per EUR, e.g. 1.0832")
    parser.add_argument("--name", help="the currency's name, e.g. 'US dollar'")
    _add_database(parser)
    args = parser.parse_args(argv)
    from backend.contract import ServiceError
    from backend.domain.currencies import set_rate as store_rate

    portal = _open(args.database, must_exist=True)
    try:
        row = store_rate(portal, args.code, args.rate, args.name)
    except ServiceError as error:
        print(f"hostui-server: rate not set: {error}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        portal.dispose()
    print(f"1 EUR = {row.rate} {row.code} ({row.name}) as of {row.as_of:%Y-%m-%d %H:%M} UTC")
    return 0


def main(argv: list[str] | None = None) -> int:
    from backend.environment import EnvironmentVariableError

    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "book-transfer":
            return book_transfer(_book_parser().parse_args(argv[1:]))
        if argv and argv[0] in _MAIL_COMMANDS:
            from backend.mail import commands

            return getattr(commands, _MAIL_COMMANDS[argv[0]])(argv[1:], _open, _add_database)
        if argv and argv[0] in _STAFF_COMMANDS:
            from backend import staff_commands

            return getattr(staff_commands, _STAFF_COMMANDS[argv[0]])(argv[1:], _open, _add_database)
        if argv and argv[0] in _ACCOUNT_COMMANDS:
            from backend import account_commands

            return getattr(account_commands, _ACCOUNT_COMMANDS[argv[0]])(argv[1:], _open, _add_database)
        if argv and argv[0] == "renew":
            return renew(argv[1:])
        if argv and argv[0] == "set-rate":
            return set_rate(argv[1:])
        if argv and argv[0] == "serve":
            argv = argv[1:]
        return serve(_serve_parser().parse_args(argv))
    except EnvironmentVariableError as error:
        print(f"hostui-server: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
