"""The mail sender: drains the outbox through the configured SMTP server.

Each message is claimed (backend/claims.py, like server jobs), so several ``hostui-server``
processes on one database never send one message twice, and handed to the SMTP server
with the headers stored in its row. Then:

* accepted (2xx): sent;
* a temporary refusal (4xx) or no server to talk to (refused connection, time-out, a
  connection dropped mid-message): tried again later, the wait doubling from
  ``retry_base`` up to ``retry_cap`` with jitter, until ``max_attempts`` — then failed;
* a permanent refusal (5xx): failed at once, with the server's answer as the error.

A sender that dies mid-message leaves the row claimed; once the claim runs out any sender
(this one restarted, or another) takes it over, so nothing is lost. Sending is at least
once: a process killed after the server accepted a message but before the row said so
sends it again, with the same Message-ID, by which receivers drop the duplicate.

Claims and retry times use the wall clock, not the portal's (which tests freeze).
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import or_, update
from sqlmodel import col

from backend.background import BackgroundWorker
from backend.claims import claim_next
from backend.db import read_session, write_session
from backend.mail.settings import MailSettings
from backend.models import OutboundMail
from backend.portal import Portal

log = logging.getLogger(__name__)

# Rows a sender may take: waiting and due, or left "sending" by a sender whose claim ran out.
CLAIMABLE_STATES = ("queued", "sending")


def wall_clock() -> datetime:
    return datetime.now(timezone.utc)


class TemporaryFailure(Exception):
    """Try this message again later."""


class PermanentFailure(Exception):
    """The server will never take this message: fail it now."""


@dataclass
class DrainReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed


def retry_delay(settings: MailSettings, attempts: int, rng: random.Random) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: doubling, capped, and between half
    and all of that (jitter, so messages refused together do not come back together)."""
    ceiling = min(settings.retry_cap, settings.retry_base * (2 ** max(0, attempts - 1)))
    return ceiling * (0.5 + rng.random() / 2)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]


def _classify(error: Exception) -> Exception:
    """A temporary or permanent failure, worded for the operator."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()))
        return _by_code(code, reply, "recipient refused")
    if isinstance(error, (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError)):
        # Our configuration, not the message: every message would fail alike, so none is
        # given up on before its last attempt.
        return TemporaryFailure(f"SMTP server refused our login or STARTTLS: {_reply(error)}")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return TemporaryFailure(f"SMTP connection lost: {_one_line(str(error)) or 'disconnected'}")
    if isinstance(error, smtplib.SMTPResponseException):
        return _by_code(error.smtp_code, error.smtp_error, "SMTP server answered")
    if isinstance(error, (OSError, smtplib.SMTPException)):
        return TemporaryFailure(f"cannot talk to the SMTP server: {_one_line(str(error)) or type(error).__name__}")
    raise error


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
    return f"{error.smtp_code} {_one_line(text)}"


def _by_code(code: int, reply: bytes | str, what: str) -> Exception:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    described = f"{what}: {code} {_one_line(text)}"
    return PermanentFailure(described) if 500 <= code < 600 else TemporaryFailure(described)


def build_message(row: OutboundMail, settings: MailSettings) -> EmailMessage:
    """The e-mail of an outbox row: the same bytes' worth of headers on every attempt."""
    message = EmailMessage()
    message["From"] = settings.from_address
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    if row.in_reply_to:
        message["In-Reply-To"] = row.in_reply_to
    if row.thread_references:
        message["References"] = row.thread_references
    # RFC 3834: a machine wrote this; vacation responders and our own mail-in stay quiet.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(row.body)
    return message


class _Connection:
    """One SMTP session, opened on first use and reused for the messages of a drain."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        # Could not even connect: the rest of the drain would wait out the same failure.
        self.unreachable = False

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            try:
                self._smtp = self._open()
            except (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, OSError):
                self.unreachable = True
                raise
        try:
            self._smtp.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise

    def _open(self) -> smtplib.SMTP:
        settings = self.settings
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds)
        try:
            smtp.ehlo()
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.smtp_user:
                password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
                smtp.login(settings.smtp_user, password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
        self._smtp = None


class MailSender(BackgroundWorker):
    def __init__(
        self,
        portal: Portal,
        *,
        name: str | None = None,
        settings: MailSettings | None = None,
        clock: Callable[[], datetime] = wall_clock,
        rng: random.Random | None = None,
    ) -> None:
        self.portal = portal
        self.settings = settings or portal.settings.mail
        self.name = (name or f"mail:{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}")[:64]
        self._clock = clock
        self._rng = rng or random.Random()
        super().__init__(f"mail-sender {self.name}")

    # -- as a background worker of hostui-server (started and stopped like the job runner)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                report = self.drain()
            except Exception:  # noqa: BLE001 - a database hiccup must not end the sender
                log.exception("mail sender %s could not drain the outbox", self.name)
                report = DrainReport()
            if not report.handled:
                self._stopping.wait(self.settings.poll_seconds)

    # -- draining

    def drain(self) -> DrainReport:
        """Send every message that is due now, once each; what became of them."""
        report = DrainReport()
        connection = _Connection(self.settings)
        try:
            while not self._stopping.is_set():
                row_id = self._claim()
                if row_id is None:
                    break
                outcome = self._deliver(row_id, connection)
                setattr(report, outcome, getattr(report, outcome) + 1)
                if connection.unreachable:
                    break
        finally:
            connection.close()
        return report

    def _claimable(self, now: datetime) -> tuple:
        return (
            col(OutboundMail.state).in_(CLAIMABLE_STATES),
            col(OutboundMail.next_attempt_at) <= now,
            or_(col(OutboundMail.claimed_until).is_(None), col(OutboundMail.claimed_until) < now),
        )

    def _claim(self) -> int | None:
        now = self._clock()
        return claim_next(
            self.portal.engine,
            OutboundMail,
            self._claimable(now),
            {
                "state": "sending",
                "claimed_by": self.name,
                "claimed_until": now + self.settings.claim_ttl,
                "attempts": OutboundMail.attempts + 1,
            },
        )

    def _deliver(self, row_id: int, connection: _Connection) -> str:
        with read_session(self.portal.engine) as session:
            row = session.get(OutboundMail, row_id)
        try:
            try:
                connection.send(build_message(row, self.settings))
            except Exception as error:  # noqa: BLE001 - sorted into temporary and permanent
                raise _classify(error) from error
        except PermanentFailure as failure:
            self._finish(row_id, state="failed", last_error=str(failure))
            log.warning("mail %s to %s failed: %s", row.message_id, row.to_address, failure)
            return "failed"
        except TemporaryFailure as failure:
            if row.attempts >= self.settings.max_attempts:
                self._finish(row_id, state="failed", last_error=f"gave up after {row.attempts} attempts: {failure}")
                log.warning("mail %s to %s failed after %s attempts: %s", row.message_id, row.to_address,
                            row.attempts, failure)
                return "failed"
            wait = retry_delay(self.settings, row.attempts, self._rng)
            self._finish(row_id, state="queued", last_error=str(failure), next_attempt_at=self._clock() + wait)
            log.info("mail %s to %s: %s; next attempt in %.0f s", row.message_id, row.to_address, failure,
                     wait.total_seconds())
            return "retrying"
        self._finish(row_id, state="sent", sent_at=self._clock())
        return "sent"

    def _finish(self, row_id: int, **values: object) -> None:
        """Record the attempt and let the claim go, only as the claim's holder (a sender that
        stalled past its claim must not overwrite what the one that took over did)."""
        with write_session(self.portal.engine) as session:
            saved = session.execute(
                update(OutboundMail)
                .where(OutboundMail.id == row_id, OutboundMail.claimed_by == self.name)
                .values(claimed_by=None, claimed_until=None, **values)
            )
        if saved.rowcount != 1:
            log.warning("mail %s was taken over by another sender; %s let it go", row_id, self.name)
