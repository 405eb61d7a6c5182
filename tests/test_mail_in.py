"""Replies by e-mail: real RFC 5322 messages fed to ``hostui-server mail-in`` become customer
replies on the ticket they answer, or are refused with a clear status and change nothing."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from sqlalchemy import func
from sqlmodel import select

from backend import server as hostui_server
from backend.contract import TicketReply
from backend.db import read_session
from backend.domain import ticket_staff, tickets
from backend.domain.accounts import customer_id_for_login
from backend.mail import mail_in
from backend.mail.sender import build_message
from backend.mail.routing import routed_addresses
from backend.models import AuditLog, Customer, OutboundMail, TicketMessage
from backend.portal import Portal
from tests.conftest import DEMO_LOGIN
from tests.mail_helpers import mail_settings, new_ticket, outbox, use_mail_settings


@pytest.fixture
def portal(sqlite_portal):  # noqa: ANN001 - parsing and placing mail is the same on either database
    use_mail_settings(sqlite_portal, mail_settings(25))
    return sqlite_portal


@pytest.fixture
def demo(portal: Portal) -> int:
    return customer_id_for_login(portal, DEMO_LOGIN)


@pytest.fixture
def addresses(portal: Portal, demo: int) -> dict[str, str]:
    """The demo customer's registration address and routed mailboxes, by purpose."""
    with read_session(portal.engine) as session:
        found = routed_addresses(session, demo)
        found["registration"] = session.get(Customer, demo).email
    return found


@pytest.fixture
def answered(portal: Portal, demo: int):  # noqa: ANN201
    """A technical ticket support answered: (ticket, the copy of support's answer)."""
    ticket = new_ticket(portal, demo, subject="Disk errors on backup01")
    ticket_staff.staff_reply(portal, ticket.id, TicketReply(message="Please send the smartctl output."), "Tobias")
    return ticket, outbox(portal, ticket_id=ticket.id)[-1]


def mail(sender: str, subject: str, body: str, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Anna Hoffmann <{sender}>"
    message["To"] = "support@nordlicht.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc))
    message["Message-ID"] = headers.pop("message_id", f"<{abs(hash((sender, subject, body)))}@mail.example>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return bytes(message)


def answer_to(copy: OutboundMail, sender: str, body: str, *, subject: str | None = None, **headers: str) -> bytes:
    """A reply as a mail client writes it: Re: subject, In-Reply-To/References, the quote."""
    quoted = "\n".join(f"> {line}" for line in copy.body.splitlines())
    return mail(
        sender,
        subject if subject is not None else f"Re: {copy.subject}",
        f"{body}\n\nOn Wed, 25 Nov 2026 at 11:00, Support <support@nordlicht.example> wrote:\n{quoted}\n",
        In_Reply_To=copy.message_id,
        References=" ".join(filter(None, [copy.thread_references, copy.message_id])),
        **headers,
    )


def state(portal: Portal) -> tuple[int, int, int]:
    with read_session(portal.engine) as session:
        return tuple(
            session.exec(select(func.count()).select_from(table)).one()
            for table in (TicketMessage, OutboundMail, AuditLog)
        )


def newest_message(portal: Portal, demo: int, ticket_id: int):  # noqa: ANN201
    return tickets.get_ticket(portal, demo, ticket_id).messages[-1]


def test_a_reply_is_placed_by_the_subject_and_loses_its_quote(portal, demo, answered, addresses):
    ticket, copy = answered
    verdict = mail_in.receive(portal, answer_to(copy, addresses["registration"], "Here it is:\nReallocated_Sector_Ct 12"))
    assert verdict == mail_in.Verdict(0, f"added to ticket {ticket.number} as a reply from {addresses['registration']}")
    message = newest_message(portal, demo, ticket.id)
    assert message.author == "customer" and message.body == "Here it is:\nReallocated_Sector_Ct 12"
    own_copy = outbox(portal, ticket_id=ticket.id)[-1]
    assert own_copy.ticket_message_id == message.id and own_copy.in_reply_to == copy.message_id


def test_a_reply_is_placed_by_references_when_the_subject_lost_its_tag(portal, demo, answered, addresses):
    ticket, copy = answered
    raw = answer_to(copy, addresses["technical"], "Sent from the ops mailbox.", subject="Re: disk errors")
    assert mail_in.receive(portal, raw).status == 0
    assert newest_message(portal, demo, ticket.id).body == "Sent from the ops mailbox."


def test_an_unknown_sender_is_refused_and_nothing_changes(portal, answered):
    _ticket, copy = answered
    before = state(portal)
    verdict = mail_in.receive(portal, answer_to(copy, "mallory@attacker.example", "Close my ticket"))
    assert verdict.status == mail_in.EX_NOUSER == 67
    assert verdict.reason.startswith("unknown sender: mallory@attacker.example is not an address of ticket")
    assert state(portal) == before


def test_another_customers_address_is_an_unknown_sender(portal, answered):
    _ticket, copy = answered
    with read_session(portal.engine) as session:
        other = session.exec(select(Customer.email).where(Customer.login == "acme")).one()
    before = state(portal)
    assert mail_in.receive(portal, answer_to(copy, other, "Not my ticket")).status == 67
    assert state(portal) == before


@pytest.mark.parametrize(
    "header",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"X_Loop": "support@nordlicht.example"},
        {"Return_Path": "<>"},
    ],
)
def test_machine_made_mail_is_ignored_and_never_answered(portal, answered, addresses, header):
    _ticket, copy = answered
    before = state(portal)
    verdict = mail_in.receive(portal, answer_to(copy, addresses["registration"], "I am out of office.", **header))
    assert verdict.status == 0 and verdict.reason.startswith("ignored: machine-made mail")
    assert state(portal) == before  # no message, so no copy to answer with: no loop


def test_our_own_copy_coming_back_is_ignored(portal, answered):
    _ticket, copy = answered
    before = state(portal)
    raw = bytes(build_message(copy, portal.settings.mail))
    verdict = mail_in.receive(portal, raw)
    assert verdict.status == 0 and "Auto-Submitted: auto-generated" in verdict.reason
    assert state(portal) == before


def test_a_mailed_reply_reopens_a_closed_ticket(portal, demo, answered, addresses):
    ticket, copy = answered
    ticket_staff.staff_close(portal, ticket.id, "Tobias")
    assert tickets.get_ticket(portal, demo, ticket.id).status == "closed"
    verdict = mail_in.receive(portal, answer_to(copy, addresses["registration"], "It happened again."))
    assert verdict.status == 0 and "(reopened)" in verdict.reason
    detail = tickets.get_ticket(portal, demo, ticket.id)
    assert detail.status == "open" and detail.messages[-1].body == "It happened again."


def test_mail_that_names_no_ticket_cannot_be_placed(portal, addresses):
    before = state(portal)
    for raw in (
        mail(addresses["registration"], "Question", "Hello?"),
        mail(addresses["registration"], "[Ticket #T-999999999] Question", "Hello?"),
        mail(addresses["registration"], "Re: Question", "Hello?", In_Reply_To="<unknown@elsewhere.example>"),
    ):
        verdict = mail_in.receive(portal, raw)
        assert verdict.status == mail_in.EX_DATAERR == 65 and verdict.reason.startswith("cannot place")
    assert state(portal) == before


def test_a_reply_of_nothing_but_the_quote_is_refused(portal, answered, addresses):
    _ticket, copy = answered
    before = state(portal)
    verdict = mail_in.receive(portal, answer_to(copy, addresses["registration"], ""))
    assert verdict.status == 65 and "write the message" in verdict.reason
    assert state(portal) == before


def test_one_message_delivered_twice_is_added_once(portal, demo, answered, addresses):
    ticket, copy = answered
    raw = answer_to(copy, addresses["registration"], "Only once, please.", message_id="<once@mail.example>")
    assert mail_in.receive(portal, raw).status == 0
    after_first = state(portal)
    assert mail_in.receive(portal, raw).status == 0
    assert state(portal)[:2] == after_first[:2]
    bodies = [m.body for m in tickets.get_ticket(portal, demo, ticket.id).messages]
    assert bodies.count("Only once, please.") == 1


def test_an_html_only_reply_is_read_as_text(portal, demo, answered, addresses):
    ticket, copy = answered
    message = EmailMessage()
    message["From"] = addresses["registration"]
    message["Subject"] = f"Re: {copy.subject}"
    message["Message-ID"] = "<html@mail.example>"
    message.set_content("<p>Output attached&nbsp;below.</p><p>SMART: <b>failing</b></p>", subtype="html")
    assert mail_in.receive(portal, bytes(message)).status == 0
    assert newest_message(portal, demo, ticket.id).body == "Output attached\xa0below.\nSMART: failing"


def test_the_command_reads_stdin_and_answers_with_an_exit_status(portal, demo, answered, addresses, monkeypatch, capsys):
    ticket, copy = answered
    database = ["--database", portal.settings.database_url]
    for raw, status in [
        (answer_to(copy, "mallory@attacker.example", "x"), 67),
        (answer_to(copy, addresses["registration"], "By the command."), 0),
    ]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
        assert hostui_server.main(["mail-in", *database]) == status
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("hostui-server mail-in: unknown sender: mallory@attacker.example")
    assert err[1] == f"hostui-server mail-in: added to ticket {ticket.number} as a reply from {addresses['registration']}"


def test_a_mail_server_pipe_runs_the_installed_command(portal, answered, addresses, tmp_path):
    _ticket, copy = answered
    script = [sys.executable, "-c", "import sys; from backend.server import main; sys.exit(main())"]
    result = subprocess.run(
        [*script, "mail-in", "--database", portal.settings.database_url],
        input=answer_to(copy, addresses["registration"], "Through a real pipe."),
        capture_output=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOSTUI_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode().startswith("hostui-server mail-in: added to ticket")
    missing = subprocess.run([*script, "mail-in", "--database", f"sqlite:///{tmp_path}/nope.sqlite3"],
                             input=b"", capture_output=True, timeout=60, env={"HOSTUI_DATA_DIR": str(tmp_path)})
    assert missing.returncode == 75 and b"no such file" in missing.stderr
