"""The mail commands of ``hostui-server``:

    hostui-server send-mail --once [--database URL]   drain the outbox once (for cron)
    hostui-server mail-status [--database URL]        queued/sending/sent/failed counts and
                                                      each failed message's error
    hostui-server mail-in [--database URL] < message  a reply by e-mail (see mail_in.py)

Exit statuses: send-mail 0 when nothing is left failing in this run, 1 when a message failed
in it, 2 when no SMTP server is configured (HOSTUI_SMTP_HOST); mail-status 0, or 1 when
failed messages exist (so a monitoring check can alert on it); mail-in 0 added or ignored as
machine-made, 65 cannot place, 67 unknown sender, 75 database unreachable (the mail server
retries).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from backend.mail import mail_in

EXIT_REFUSED = 1
EXIT_USAGE = 2
# A message bigger than this is no reply a person typed; refusing it keeps memory bounded.
MAIL_IN_MAX_BYTES = 10 * 1024 * 1024


def _parser(prog: str, description: str, add_database: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"hostui-server {prog}", description=description)
    add_database(parser)
    return parser


def send_mail(argv: list[str], open_portal: Callable, add_database: Callable) -> int:  # noqa: ANN001
    parser = _parser("send-mail", "Send the mail waiting in the outbox through the SMTP server "
                     "(HOSTUI_SMTP_HOST, _PORT, _STARTTLS, _USER, _PASSWORD). hostui-server does "
                     "this all along while it serves; this is for cron.", add_database)
    parser.add_argument("--once", action="store_true", required=True,
                        help="send what is due now and stop (the only mode: the server sends continuously)")
    args = parser.parse_args(argv)
    portal = open_portal(args.database, must_exist=True)
    try:
        if not portal.settings.mail.smtp_configured:
            print("hostui-server: no SMTP server configured: set HOSTUI_SMTP_HOST", file=sys.stderr)
            return EXIT_USAGE
        from backend.mail.sender import MailSender

        report = MailSender(portal).drain()
    finally:
        portal.dispose()
    print(f"sent {report.sent}, to retry {report.retrying}, failed {report.failed}")
    return EXIT_REFUSED if report.failed else 0


def mail_status(argv: list[str], open_portal: Callable, add_database: Callable) -> int:  # noqa: ANN001
    args = _parser("mail-status", "Show the outbox: how many messages are queued, being sent, "
                   "sent and failed, and why each failed one failed.", add_database).parse_args(argv)
    from backend.mail.status import format_status, outbox_status

    portal = open_portal(args.database, must_exist=True)
    try:
        status = outbox_status(portal)
    finally:
        portal.dispose()
    print(format_status(status))
    return EXIT_REFUSED if status.counts["failed"] else 0


def receive_mail(argv: list[str], open_portal: Callable, add_database: Callable) -> int:  # noqa: ANN001
    args = _parser("mail-in", "Read one e-mail on stdin (as a mail server's pipe delivers it) and "
                   "add it as the customer's reply to the ticket it answers. Exit status: 0 added "
                   "or ignored as machine-made, 65 cannot place, 67 unknown sender, 75 try again "
                   "later.", add_database).parse_args(argv)
    raw = sys.stdin.buffer.read(MAIL_IN_MAX_BYTES + 1)
    if len(raw) > MAIL_IN_MAX_BYTES:
        print(f"hostui-server mail-in: cannot use: larger than {MAIL_IN_MAX_BYTES // 2**20} MiB", file=sys.stderr)
        return mail_in.EX_DATAERR
    try:
        portal = open_portal(args.database, must_exist=True)
    except SystemExit:
        return mail_in.EX_TEMPFAIL  # the line saying why is printed; the mail server retries
    try:
        verdict = _receive(portal, raw)
    finally:
        portal.dispose()
    print(f"hostui-server mail-in: {verdict.reason}", file=sys.stderr)
    return verdict.status


def _receive(portal, raw: bytes) -> mail_in.Verdict:  # noqa: ANN001
    from sqlalchemy.exc import OperationalError

    try:
        return mail_in.receive(portal, raw)
    except OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        return mail_in.Verdict(mail_in.EX_TEMPFAIL, f"try again later: the database cannot be reached ({reason})")
