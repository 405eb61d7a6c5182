"""The contract of the Orders section: orders, their servers, server jobs, network, traffic.

Every row carries what can be done with it now (``actions``, decided by the domain, the same
``ActionState`` as invoices). Order action ids: ``invoices``, ``ticket``, ``manage``,
``renew``. Server action ids: ``reboot``, ``disable``, ``block``, ``enable``, ``reinstall``,
``kvm``, ``credentials``, ``rdns``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from backend.contract.models import IDEMPOTENCY_KEY_PATTERN, ActionState, Money, WithActions, _Model, _Request

__all__ = [
    "OrderStatus",
    "OrderFilter",
    "PowerState",
    "PowerAction",
    "JobKind",
    "JobState",
    "OrderQuery",
    "OrderRow",
    "ServerConfiguration",
    "NetworkAddress",
    "ServerJob",
    "ServerDetail",
    "ServerCredentials",
    "KvmSession",
    "OsImageOption",
    "PowerRequest",
    "ReinstallRequest",
    "ReinstallStarted",
    "ReverseDnsRequest",
    "TrafficPeriod",
    "TrafficBucket",
    "TrafficReport",
    "CODE_WORD_MAX",
]

CODE_WORD_MAX = 128


class OrderStatus(StrEnum):
    NEW = "new"
    """Ordered, awaiting its first payment."""
    ACTIVE = "active"
    SUSPENDED = "suspended"
    """Suspended by the provider for non-payment: no server actions until it is paid."""
    BLOCKED = "blocked"
    """Blocked by the provider (abuse, security): no server actions, ask support."""
    CANCELLED = "cancelled"


class OrderFilter(StrEnum):
    ALL = "all"
    ACTIVE = "active"
    NEW = "new"
    INACTIVE = "inactive"
    """Suspended, blocked or cancelled."""


class PowerState(StrEnum):
    """What the data centre observes; the -ing states while a job moves the server."""

    ON = "on"
    OFF = "off"
    BLOCKED = "blocked"
    """Running, but off the network."""
    STARTING = "starting"
    STOPPING = "stopping"
    REBOOTING = "rebooting"
    REINSTALLING = "reinstalling"


class PowerAction(StrEnum):
    REBOOT = "reboot"
    DISABLE = "disable"
    """Power the server off."""
    BLOCK = "block"
    """Take the server off the network; it keeps running (a compromised server)."""
    ENABLE = "enable"
    """Bring a disabled or blocked server back."""


class JobKind(StrEnum):
    REBOOT = "reboot"
    DISABLE = "disable"
    BLOCK = "block"
    ENABLE = "enable"
    REINSTALL = "reinstall"


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class OrderQuery(_Model):
    filter: OrderFilter = OrderFilter.ALL
    search: str | None = Field(default=None, min_length=1, max_length=64)
    """Part of the order number, an IP address, the hostname or the tariff, case-insensitive."""
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=50, ge=1, le=500)


class OrderRow(WithActions, _Model):
    id: int
    number: str
    tariff: str
    """The tariff plan's name ("Dedicated AX52")."""
    kind: str
    """dedicated | vps"""
    hostname: str | None
    main_ip: str | None
    period_end: datetime
    """The end of the paid billing period."""
    price: Money
    """Net, per billing period, every recurring item included."""
    currency: str
    billing_period_months: int
    status: OrderStatus
    server_id: int | None
    power_state: PowerState | None
    actions: list[ActionState]



class ServerConfiguration(_Model):
    cpu: str
    ram_gb: int
    disks: str
    bandwidth: str
    """The port speed ("1 Gbit/s")."""
    traffic_included_tb: int
    location: str
    os: str | None


class NetworkAddress(_Model):
    address: str
    version: int
    """4 or 6."""
    netmask: str
    """The netmask for IPv4 ("255.255.255.192"), the prefix for IPv6 ("/64")."""
    gateway: str
    mac: str
    reverse_dns: str | None
    """None: the provider's default name."""
    default_reverse_dns: str


class ServerJob(_Model):
    id: int
    server_id: int
    kind: JobKind
    state: JobState
    progress: int = Field(ge=0, le=100)
    step: str
    """What happens now, for people: "3/7 Partitioning disks"."""
    error: str | None
    started_by: str
    """The login that asked for it."""
    started_from: str
    """The address it was asked from."""
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    os_image: str | None = None
    """For a reinstall: the image's name."""
    error_source: str | None = None
    """Who a failure is down to: "customer" (the server was not in a state to do it) or
    "provider" (something broke in the data centre: worth a ticket)."""
    error_code: str | None = None
    """A short code for the failure ("controller_timeout", "interrupted", ...)."""


class ServerDetail(WithActions, _Model):
    id: int
    order_id: int
    order_number: str
    order_status: OrderStatus
    hostname: str
    power_state: PowerState
    configuration: ServerConfiguration
    login_user: str
    """The password is never in here: ``reveal_credentials`` fetches it on request."""
    addresses: list[NetworkAddress]
    ipkvm: bool
    """Whether the server is reached through an IP-KVM at all."""
    active_job: ServerJob | None
    recent_jobs: list[ServerJob]
    code_word_required: bool
    """Disable, block and reinstall ask for the customer's code word."""
    actions: list[ActionState]



class ServerCredentials(_Model):
    login_user: str
    password: str


class KvmSession(_Model):
    url: str
    user: str
    password: str
    expires_at: datetime


class OsImageOption(_Model):
    code: str
    name: str
    family: str
    deprecated: bool = False


class PowerRequest(_Request):
    action: PowerAction
    code_word: str | None = Field(default=None, max_length=CODE_WORD_MAX)


class ReinstallRequest(_Request):
    os_image: str = Field(min_length=1, max_length=32)
    hostname_confirmation: str = Field(max_length=253)
    """The server's hostname, typed by the user: all data on the server is erased."""
    code_word: str | None = Field(default=None, max_length=CODE_WORD_MAX)


class ReinstallStarted(_Model):
    job: ServerJob
    root_password: str
    """Shown once; the portal keeps it only encrypted (``reveal_credentials``)."""


class ReverseDnsRequest(_Request):
    name: str = Field(max_length=300)
    """Empty resets the address to the provider's default name."""


class TrafficPeriod(StrEnum):
    """What a traffic report covers, in UTC, always ending with the bucket that holds now."""

    DAY = "day"
    """The last 24 hours: 24 hourly buckets."""
    WEEK = "week"
    """The last 7 days: 7 daily buckets."""
    MONTH = "month"
    """The last 30 days (a rolling window, not the calendar month): 30 daily buckets."""
    YEAR = "year"
    """The last 12 calendar months: 12 monthly buckets."""


class TrafficBucket(_Model):
    start: datetime
    """UTC; an hour (day), a day (week, month) or a month (year)."""
    rx_bytes: int = Field(ge=0)
    """Inbound, into the server."""
    tx_bytes: int = Field(ge=0)
    """Outbound, from the server."""


class TrafficReport(_Model):
    """A server's traffic over a period, plus this calendar month's billing figures.

    Byte counts are exact integers; units for people are ``backend.formatting.format_bytes``
    and ``format_bitrate`` (decimal: 1 TB = 10**12 bytes, as ``included_bytes`` counts).
    """

    server_id: int
    period: TrafficPeriod
    bucket: Literal["hour", "day", "month"]
    start: datetime
    """The first bucket's start."""
    end: datetime
    """The last bucket's end (exclusive): the buckets cover [start, end) without gaps."""
    buckets: list[TrafficBucket]
    """Every bucket of the period, oldest first; one without samples is zero."""
    rx_total: int
    tx_total: int
    percentile95_bps: int
    """The current calendar month's 95th percentile in bit/s, of the higher direction: its
    five-minute samples ordered descending, the top 5 % dropped, the next one taken."""
    percentile95_rx_bps: int
    percentile95_tx_bps: int
    """Each direction's 95th percentile; ``percentile95_bps`` is the higher one (billed)."""
    month_used_bytes: int
    """In and out this calendar month (UTC), against the tariff's included traffic."""
    included_bytes: int
    """The tariff's included traffic per month (``traffic_tb`` * 10**12)."""


IdempotencyKey = Annotated[str, Field(pattern=IDEMPOTENCY_KEY_PATTERN)]
