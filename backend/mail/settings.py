"""How the portal sends mail: the SMTP server (``HOSTUI_SMTP_*``), the sender's address, the
domain of Message-IDs, and the sender's retry schedule."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from pydantic import SecretStr

from backend.environment import environment


@dataclass(frozen=True)
class MailSettings:
    # The SMTP server the sender delivers through; no host means no mail is sent (the outbox
    # keeps filling and is drained once one is configured).
    smtp_host: str | None = field(default_factory=lambda: environment().smtp_host)
    smtp_port: int = field(default_factory=lambda: environment().smtp_port)
    smtp_starttls: bool = field(default_factory=lambda: environment().smtp_starttls)
    smtp_user: str | None = field(default_factory=lambda: environment().smtp_user)
    smtp_password: SecretStr | None = field(default_factory=lambda: environment().smtp_password, repr=False)
    smtp_timeout_seconds: float = 30.0
    # From: of every copy; replies come back to it, and the mail server pipes them into
    # ``hostui-server mail-in``.
    from_address: str = field(default_factory=lambda: environment().mail_from)
    # The right-hand side of the Message-IDs the portal makes.
    message_id_domain: str = field(default_factory=lambda: _message_id_domain())
    # Attempts per message before it is marked failed; between them the wait doubles from
    # ``retry_base`` up to ``retry_cap``, each wait shortened by a random part (jitter) so
    # messages refused together are not retried together.
    max_attempts: int = 8
    retry_base: timedelta = timedelta(seconds=30)
    retry_cap: timedelta = timedelta(hours=1)
    # A sender owns a message this long; a claim that ran out belonged to a sender that died.
    claim_ttl: timedelta = timedelta(minutes=2)
    # How often an idle sender looks for mail that is due.
    poll_seconds: float = 5.0

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host)


def _message_id_domain() -> str:
    env = environment()
    return env.mail_domain or env.mail_from.rpartition("@")[2]
