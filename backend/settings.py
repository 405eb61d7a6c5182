"""What the portal calls itself and how long things last; where it keeps its data comes from
``backend.environment`` unless the caller says otherwise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from pydantic import SecretStr

from backend.environment import environment
from backend.jobs.settings import JobSettings
from backend.mail.settings import MailSettings

# Where hostui-server listens by default, so a pay link made by a local profile works once
# the server serves that same database.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8080"


@dataclass(frozen=True)
class Provider:
    """The hosting provider as it appears on invoices, quotes and transfer instructions."""

    name: str = "Nordlicht Hosting GmbH"
    address: str = "Hafenstrasse 12\n20457 Hamburg\nGermany"
    vat_id: str = "DE000000000"
    email: str = "billing@nordlicht.example"
    bank: str = "Example Bank AG"
    iban: str = "DE89 3704 0044 0532 0130 00"
    bic: str = "EXAMPLEXXX"


@dataclass(frozen=True)
class LoginThrottle:
    """How many failed logins are let through before further attempts are refused unchecked.

    A failure counts for ``window``; once the failures inside the window reach a limit, logins
    for that user name (or from that address) answer 429 until enough of them have aged out,
    so every lock-out ends on its own. The per-address limit is higher: several people may
    share one address (an office behind NAT), while one user name has one owner.
    """

    window: timedelta = timedelta(minutes=15)
    failures_per_login: int = 5
    failures_per_address: int = 20


@dataclass(frozen=True)
class Renewal:
    """When the renewal job renews and warns (backend/domain/auto_renew.py).

    An order with automatic renewal is renewed once its paid period ends within ``lead``:
    the invoice is issued then and paid from the balance if the balance covers it. Unpaid, the
    customer is mailed on each of ``notice_days`` before the end (0: the last day, and after
    it while unpaid), at most once per order, period and day. ``lead`` exceeds the first
    notice day, so there is an invoice to warn about; the job runs every ``interval``
    (hostui-server), or once from cron (``hostui-server renew --once``).
    """

    lead: timedelta = timedelta(days=14)
    notice_days: tuple[int, ...] = (10, 5, 3, 1, 0)
    interval: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: environment().database_url)
    # Encrypts server passwords at rest; created (mode 0600) beside the data on first use.
    secret_key_file: Path = field(default_factory=lambda: environment().secret_key_file)
    # The key itself, given instead of the file (HOSTUI_SECRET_KEY).
    secret_key: SecretStr | None = field(default_factory=lambda: environment().secret_key, repr=False)
    # Base of links handed to people outside the TUI: pay links and the card checkout.
    public_url: str = field(default_factory=lambda: environment().public_url or DEFAULT_PUBLIC_URL)
    provider: Provider = field(default_factory=Provider)
    pay_link_ttl: timedelta = timedelta(days=14)
    api_token_ttl: timedelta = timedelta(days=30)
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    renewal: Renewal = field(default_factory=Renewal)
    invoice_due_days: int = 14
    jobs: JobSettings = field(default_factory=JobSettings)
    # How long IP-KVM credentials issued on request stay valid.
    kvm_session_ttl: timedelta = timedelta(minutes=15)
    mail: MailSettings = field(default_factory=MailSettings)
    # The bearer secret of the staff routes (HOSTUI_STAFF_TOKEN); None: no staff route answers.
    staff_token: SecretStr | None = field(default_factory=lambda: environment().staff_token, repr=False)
    # The reverse proxies whose X-Forwarded-For is believed (HOSTUI_TRUSTED_PROXIES; CIDRs).
    trusted_proxies: tuple[str, ...] = field(default_factory=lambda: environment().trusted_proxy_networks)
