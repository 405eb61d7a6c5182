"""The outbox and its sender against a real SMTP server (aiosmtpd on 127.0.0.1): every ticket
message is copied once, with headers that thread, through temporary refusals, permanent ones,
a server that goes away mid-drain, and two senders on one database."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from random import Random

import pytest
from sqlmodel import select

from backend import server as hostui_server
from backend.contract import Department, MailboxCategory, MailboxRequest, TicketReply
from backend.db import make_engine, read_session, write_session
from backend.domain import mailboxes, ticket_staff
from backend.domain.accounts import customer_id_for_login
from backend.mail.sender import MailSender, retry_delay
from backend.mail.status import outbox_status
from backend.mail.routing import routed_addresses
from backend.models import Customer
from backend.portal import Portal
from tests.conftest import ACME_LOGIN, DEMO_LOGIN, _open_seeded
from tests.mail_helpers import (
    SmtpServer,
    mail_settings,
    mark_demo_mail_sent,
    new_ticket,
    outbox,
    reply,
    use_mail_settings,
)


class TurnedClock:
    """The sender's wall clock, turned by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def turn(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def portal(sqlite_portal, smtp):  # noqa: ANN001 - SMTP behaviour is the same on either database
    use_mail_settings(sqlite_portal, mail_settings(smtp.port))
    mark_demo_mail_sent(sqlite_portal)
    return sqlite_portal


@pytest.fixture
def demo(portal: Portal) -> int:
    return customer_id_for_login(portal, DEMO_LOGIN)


def _sender(portal: Portal, clock: TurnedClock, name: str = "sender-a") -> MailSender:
    return MailSender(portal, name=name, clock=clock, rng=Random(7))


def test_a_temporary_refusal_is_retried_and_the_message_arrives_once(portal, smtp, demo):
    ticket = new_ticket(portal, demo)
    [row] = outbox(portal, ticket_id=ticket.id)
    smtp.handler.answers.append("451 4.3.0 Mailbox busy, try later")
    clock = TurnedClock()
    sender = _sender(portal, clock)

    first = sender.drain()
    assert (first.sent, first.retrying, first.failed) == (0, 1, 0)
    waiting = outbox(portal, id=row.id)[0]
    assert waiting.state == "queued" and waiting.attempts == 1 and "451" in waiting.last_error
    wait = waiting.next_attempt_at - clock.now
    assert timedelta(seconds=5) <= wait <= timedelta(seconds=10)  # half to all of retry_base
    assert sender.drain().handled == 0  # not due yet

    clock.turn(wait)
    assert sender.drain().sent == 1
    [delivered] = smtp.handler.wait_accepted(1)
    assert len(smtp.handler.offered) == 2
    assert {offer["Message-ID"] for offer in smtp.handler.offered} == {row.message_id}
    done = outbox(portal, id=row.id)[0]
    assert done.state == "sent" and done.attempts == 2 and done.claimed_by is None
    clock.turn(timedelta(days=1))
    assert sender.drain().handled == 0
    assert len(smtp.handler.accepted) == 1


def test_a_permanent_refusal_fails_the_message_without_retrying(portal, smtp, demo):
    ticket = new_ticket(portal, demo)
    smtp.handler.answers.append("550 5.1.1 No such user here")
    clock = TurnedClock()
    sender = _sender(portal, clock)

    assert sender.drain().failed == 1
    [row] = outbox(portal, ticket_id=ticket.id)
    assert row.state == "failed" and row.attempts == 1 and "550 5.1.1 No such user here" in row.last_error
    clock.turn(timedelta(days=1))
    assert sender.drain().handled == 0
    assert smtp.handler.accepted == [] and len(smtp.handler.offered) == 1
    status = outbox_status(portal)
    assert status.counts["failed"] == 1 and status.failed[0].id == row.id


def test_the_last_attempt_fails_the_message(portal, smtp, demo):
    new_ticket(portal, demo)
    smtp.handler.answers.extend(["421 4.7.0 Try again later"] * 4)  # max_attempts is 4
    clock = TurnedClock()
    sender = _sender(portal, clock)
    outcomes = []
    for _ in range(4):
        outcomes.append(sender.drain())
        clock.turn(timedelta(hours=1))
    assert [(o.retrying, o.failed) for o in outcomes] == [(1, 0), (1, 0), (1, 0), (0, 1)]
    [row] = outbox(portal, state="failed")
    assert row.attempts == 4 and row.last_error.startswith("gave up after 4 attempts") and "421" in row.last_error


def test_backoff_doubles_up_to_the_cap_with_jitter():
    settings = mail_settings(25)
    rng = Random(1)
    for attempts, ceiling in [(1, 10), (2, 20), (3, 40), (5, 160), (6, 300), (30, 300)]:
        delays = {retry_delay(settings, attempts, rng).total_seconds() for _ in range(20)}
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays), (attempts, delays)
        assert len(delays) > 1  # jittered


def test_an_unreachable_server_is_a_temporary_failure(portal, smtp, demo):
    smtp.stop()
    new_ticket(portal, demo)
    clock = TurnedClock()
    sender = _sender(portal, clock)
    assert sender.drain().retrying == 1
    [row] = outbox(portal, ticket_id=outbox(portal)[-1].ticket_id)
    assert row.state == "queued" and "cannot talk to the SMTP server" in row.last_error
    smtp.start()
    clock.turn(timedelta(minutes=5))
    assert sender.drain().sent == 1
    assert [m["Message-ID"] for m in smtp.handler.wait_accepted(1)] == [row.message_id]


def test_a_server_stopped_and_restarted_mid_drain_gets_every_message_exactly_once(portal, smtp, demo):
    ticket = new_ticket(portal, demo)
    for number in range(7):
        reply(portal, demo, ticket.id, f"More details, part {number + 1}.")
    rows = outbox(portal, ticket_id=ticket.id)
    assert len(rows) == 8
    # The sender below runs in the background on the wall clock: retries come quickly.
    use_mail_settings(portal, mail_settings(smtp.port, retry_base=timedelta(milliseconds=20),
                                            retry_cap=timedelta(milliseconds=50), max_attempts=1000))
    sender = MailSender(portal, name="background").start()
    try:
        smtp.handler.wait_accepted(3)
        smtp.handler.hold_at_rcpt.set()  # the next message stops half-way ...
        assert smtp.handler.held.wait(15)
        smtp.stop()  # ... when the server goes away under it
        smtp.handler.hold_at_rcpt.clear()
        deadline = datetime.now(timezone.utc) + timedelta(seconds=15)
        while not any(row.last_error for row in outbox(portal, ticket_id=ticket.id)):
            assert datetime.now(timezone.utc) < deadline, "the sender never noticed the server was gone"
            sender._stopping.wait(0.01)  # noqa: SLF001 - a short wait on a condition, not a sleep
        smtp.start()
        delivered = smtp.handler.wait_accepted(8)
    finally:
        sender.stop()
    ids = [message["Message-ID"] for message in delivered]
    assert sorted(ids) == sorted(row.message_id for row in rows)  # each once, none twice
    assert {row.state for row in outbox(portal, ticket_id=ticket.id)} == {"sent"}


def test_headers_thread_the_copies(portal, smtp, demo):
    ticket = new_ticket(portal, demo, subject="Reverse DNS for 192.0.2.10")
    ticket_staff.staff_reply(portal, ticket.id, TicketReply(message="Which name should it have?"), "Tobias")
    reply(portal, demo, ticket.id, "mail.hoffmann-systemhaus.example, please.")
    first, second, third = outbox(portal, ticket_id=ticket.id)
    assert _sender(portal, TurnedClock()).drain().sent == 3
    delivered = {m["Message-ID"]: m for m in smtp.handler.wait_accepted(3)}
    one, two, three = (delivered[row.message_id] for row in (first, second, third))

    assert first.message_id == f"<t{ticket.id}.m{ticket.messages[0].id}@nordlicht.example>"
    for message in (one, two, three):
        assert message["Subject"] == f"[Ticket #{ticket.number}] Reverse DNS for 192.0.2.10"
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["From"] == "support@nordlicht.example"
    assert one["In-Reply-To"] is None and one["References"] is None
    assert two["In-Reply-To"] == first.message_id and two["References"] == first.message_id
    assert three["In-Reply-To"] == second.message_id
    assert three["References"].split() == [first.message_id, second.message_id]
    assert "Which name should it have?" in two.get_content() and "Tobias (Support)" in two.get_content()


def test_a_long_thread_keeps_its_first_and_latest_references(portal, demo):
    ticket = new_ticket(portal, demo)
    for number in range(25):
        reply(portal, demo, ticket.id, f"Reply {number}")
    rows = outbox(portal, ticket_id=ticket.id)
    last = rows[-1].thread_references.split()
    assert len(last) == 20 and last[0] == rows[0].message_id and last[-19:] == [r.message_id for r in rows[-20:-1]]


def test_copies_go_to_the_mailbox_routed_to_the_department(portal, demo):
    with read_session(portal.engine) as session:
        customer = session.get(Customer, demo)
        routed = routed_addresses(session, demo)
    technical = new_ticket(portal, demo)
    finance_before = new_ticket(portal, demo, department=Department.FINANCE, subject="VAT on NH-000012")
    request = MailboxRequest(address="finance@hoffmann-systemhaus.example", categories=[MailboxCategory.FINANCE])
    mailboxes.add_mailbox(portal, demo, request, "test", "127.0.0.1")
    finance_after = new_ticket(portal, demo, department=Department.FINANCE, subject="Refund")
    assert outbox(portal, ticket_id=technical.id)[0].to_address == routed["technical"]
    assert outbox(portal, ticket_id=finance_before.id)[0].to_address == customer.email  # nothing routed yet
    assert outbox(portal, ticket_id=finance_after.id)[0].to_address == "finance@hoffmann-systemhaus.example"


def test_send_mail_once_and_mail_status_from_the_command_line(portal, smtp, demo, monkeypatch, capsys):
    monkeypatch.setenv("HOSTUI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HOSTUI_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("HOSTUI_SMTP_STARTTLS", "false")
    monkeypatch.setenv("HOSTUI_SMTP_PASSWORD", "hunter2-secret")
    monkeypatch.setenv("HOSTUI_SMTP_USER", "")
    new_ticket(portal, demo, subject="Fails")
    new_ticket(portal, demo, subject="Arrives")
    smtp.handler.answers.append("554 5.7.1 Rejected by policy")
    database = ["--database", portal.settings.database_url]

    assert hostui_server.main(["send-mail", "--once", *database]) == 1
    assert capsys.readouterr().out.strip() == "sent 1, to retry 0, failed 1"
    assert hostui_server.main(["mail-status", *database]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("0 queued, 0 sending, ") and out.splitlines()[0].endswith(", 1 failed")
    assert "554 5.7.1 Rejected by policy" in out and "Fails" in out and "hunter2" not in out

    monkeypatch.delenv("HOSTUI_SMTP_HOST")
    assert hostui_server.main(["send-mail", "--once", *database]) == 2
    assert "HOSTUI_SMTP_HOST" in capsys.readouterr().err


@pytest.mark.postgres
def test_two_senders_on_one_postgresql_never_send_a_message_twice(portal_on_postgres, smtp):
    pg_portal = portal_on_postgres
    demo = customer_id_for_login(pg_portal, DEMO_LOGIN)
    acme = customer_id_for_login(pg_portal, ACME_LOGIN)
    for customer in (demo, acme):
        for number in range(3):
            ticket = new_ticket(pg_portal, customer, subject=f"Question {number}")
            for part in range(4):
                reply(pg_portal, customer, ticket.id, f"Part {part}")
    expected = {row.message_id for row in outbox(pg_portal, state="queued")}
    assert len(expected) == 30
    # Two portals: two engines, two connection pools, as two hostui-server processes have.
    twin = Portal(engine=make_engine(pg_portal.settings.database_url), settings=pg_portal.settings)
    senders = [MailSender(pg_portal, name="one"), MailSender(twin, name="two")]
    start = threading.Barrier(2)
    reports = []

    def drain(sender: MailSender) -> None:
        start.wait()
        reports.append(sender.drain())

    threads = [threading.Thread(target=drain, args=(sender,)) for sender in senders]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        twin.dispose()
    delivered = [message["Message-ID"] for message in smtp.handler.wait_accepted(30)]
    assert sorted(delivered) == sorted(expected)
    assert sum(report.sent for report in reports) == 30
    assert {row.state for row in outbox(pg_portal)} == {"sent"}


@pytest.fixture
def portal_on_postgres(tmp_path, _seeded_templates, server_url, smtp):  # noqa: ANN001, ANN201
    for pg_portal in _open_seeded("postgres", tmp_path, _seeded_templates, server_url):
        use_mail_settings(pg_portal, mail_settings(smtp.port))
        mark_demo_mail_sent(pg_portal)
        yield pg_portal


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_sender_logs_in_with_the_configured_user_and_password(portal, demo):
    from aiosmtpd.smtp import AuthResult
    from pydantic import SecretStr

    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN202
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret-pass", handled=False)

    guarded = SmtpServer(authenticator=authenticator, auth_required=True, auth_require_tls=False,
                         auth_exclude_mechanism=["LOGIN"])  # one mechanism: one try per login
    guarded.start()
    try:
        new_ticket(portal, demo)
        wrong = mail_settings(guarded.port, smtp_user="portal", smtp_password=SecretStr("wrong"))
        right = mail_settings(guarded.port, smtp_user="portal", smtp_password=SecretStr("s3cret-pass"))
        clock = TurnedClock()
        assert MailSender(portal, settings=wrong, clock=clock).drain().retrying == 1
        [row] = outbox(portal, state="queued")
        assert "refused our login" in row.last_error and "wrong" not in row.last_error
        clock.turn(timedelta(hours=1))
        assert MailSender(portal, settings=right, clock=clock).drain().sent == 1
        guarded.handler.wait_accepted(1)
        assert logins == [(b"portal", b"wrong"), (b"portal", b"s3cret-pass")]
    finally:
        guarded.stop()


def test_hostui_server_sends_mail_while_it_serves(portal, smtp, demo):
    from fastapi.testclient import TestClient

    from backend.api.app import create_app

    ticket = new_ticket(portal, demo)
    [row] = outbox(portal, ticket_id=ticket.id)
    with TestClient(create_app(portal, send_mail=True)):
        [delivered] = smtp.handler.wait_accepted(1)
    assert delivered["Message-ID"] == row.message_id
    assert outbox(portal, id=row.id)[0].state == "sent"
