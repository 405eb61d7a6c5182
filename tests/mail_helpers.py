"""A real SMTP server for the mail tests (aiosmtpd on 127.0.0.1) whose answers a test
scripts, and tickets made through the tickets core so their copies are queued for real."""

from __future__ import annotations

import dataclasses
import secrets
import socket
import threading
import time
from collections import deque
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller
from sqlmodel import select

from backend.contract import Department, NewTicket, TicketReply
from backend.db import read_session
from backend.domain import tickets
from backend.mail.settings import MailSettings
from backend.models import OutboundMail, ServiceOrder
from backend.portal import Portal

WAIT_SECONDS = 15


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScriptedHandler:
    """Answers DATA with the next scripted reply ("451 …", "550 …"), then with 250; keeps
    every message it accepted, and every one it was offered."""

    def __init__(self) -> None:
        self.answers: deque[str] = deque()
        self.accepted: list[EmailMessage] = []
        self.offered: list[EmailMessage] = []
        # While set, a session waits at RCPT until the server stops: a message in flight.
        self.hold_at_rcpt = threading.Event()
        self.held = threading.Event()
        self._changed = threading.Condition()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201
        if self.hold_at_rcpt.is_set():
            import asyncio

            self.held.set()
            await asyncio.Event().wait()  # until the server is stopped under it
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)
        with self._changed:
            self.offered.append(message)
            answer = self.answers.popleft() if self.answers else "250 Message accepted"
            if answer.startswith("250"):
                self.accepted.append(message)
            self._changed.notify_all()
        return answer

    def wait_accepted(self, count: int) -> list[EmailMessage]:
        deadline = time.monotonic() + WAIT_SECONDS
        with self._changed:
            while len(self.accepted) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.accepted)} of {count} messages arrived"
                self._changed.wait(left)
            return list(self.accepted)


class SmtpServer:
    """aiosmtpd on 127.0.0.1 at a fixed port, so it can be stopped and started again there."""

    def __init__(self, **smtp_options: object) -> None:
        self.handler = ScriptedHandler()
        self.port = free_port()
        self._options = smtp_options
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **self._options)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def mail_settings(port: int, **changes: object) -> MailSettings:
    """Settings for the test server: no STARTTLS, retries due at once (the tests turn the
    sender's clock instead of waiting)."""
    base = MailSettings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_user=None,
        smtp_password=None,
        smtp_timeout_seconds=5.0,
        from_address="support@nordlicht.example",
        max_attempts=4,
        retry_base=timedelta(seconds=10),
        retry_cap=timedelta(minutes=5),
        claim_ttl=timedelta(seconds=30),
        poll_seconds=0.02,
    )
    return dataclasses.replace(base, **changes)


def use_mail_settings(portal: Portal, settings: MailSettings) -> None:
    portal.settings = dataclasses.replace(portal.settings, mail=settings)


def key() -> str:
    return secrets.token_hex(12)


def first_order(portal: Portal, customer_id: int) -> int:
    with read_session(portal.engine) as session:
        return session.exec(
            select(ServiceOrder.id).where(ServiceOrder.customer_id == customer_id).order_by(ServiceOrder.id)
        ).first()


def mark_demo_mail_sent(portal: Portal) -> None:
    """The demo's own copies (if it queued any) are not what a test counts."""
    from backend.db import write_session
    from sqlalchemy import update

    with write_session(portal.engine) as session:
        session.execute(update(OutboundMail).where(OutboundMail.state == "queued").values(state="sent"))


def new_ticket(portal: Portal, customer_id: int, *, subject: str = "Disk errors on backup01",
               department: Department = Department.TECHNICAL, message: str = "smartctl shows reallocated sectors."):
    order_id = first_order(portal, customer_id) if department == Department.TECHNICAL else None
    return tickets.create_ticket(
        portal, customer_id,
        NewTicket(department=department, subject=subject, order_id=order_id, message=message),
        key(), "tui",
    )


def reply(portal: Portal, customer_id: int, ticket_id: int, text: str):  # noqa: ANN201
    return tickets.reply_ticket(portal, customer_id, ticket_id, TicketReply(message=text), key(), "tui")


def outbox(portal: Portal, **where: object) -> list[OutboundMail]:
    with read_session(portal.engine) as session:
        statement = select(OutboundMail).order_by(OutboundMail.id)
        for name, value in where.items():
            statement = statement.where(getattr(OutboundMail, name) == value)
        return list(session.exec(statement).all())
