"""Deterministic demo data: a believable customer portal to look at, test against and benchmark.

Everything is derived from ``DemoSize.seed`` (through private ``random.Random`` instances, one
per concern, so changing the amount of traffic does not change the invoices) and from the
``now`` argument; neither the global random module nor the real clock is used. Seeding the
same size and seed twice gives the same invoice numbers, amounts, dates and traffic; only
password hashes and Fernet ciphertexts differ, because they are salted by design.

Two customers are created:

* ``demo`` / ``demo``: a German small business with eight orders (dedicated servers and
  VPS), about three years of monthly invoices, tickets, mailboxes and login history;
* ``acme`` / ``acme``: a small US customer, there to prove customers never see each other.

Large volumes (``DemoSize.invoices``, a year of 5-minute traffic) are written in one
transaction straight through the driver (executemany on SQLite, COPY on PostgreSQL), never one
ORM object at a time.

    python -m backend.demo --database sqlite:///portal.sqlite3 [--invoices N] [--traffic-days D]
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import dataclasses
import json
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func
from sqlmodel import Session, select

from backend import money
from backend.db import is_sqlite, read_session, write_session
from backend.db_types import UTCDateTime
from backend.models import (
    AuditLog,
    BalanceEntry,
    Customer,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    LoginEvent,
    Mailbox,
    OsImage,
    Payment,
    PaymentMethod,
    Server,
    ServerIp,
    ServiceOrder,
    Tariff,
    Ticket,
    TicketMessage,
    TicketReadState,
    TrafficSample,
)
from backend.portal import Portal, open_portal
from backend.security import hash_password
from backend.settings import Settings

DEMO_NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
DEMO_LOGIN = "demo"
DEMO_PASSWORD = "demo"
OTHER_LOGIN = "acme"
OTHER_PASSWORD = "acme"

SEQUENCE_NAME = "default"
SEQUENCE_PREFIX = "NH-"
# Renewal invoices are issued this long before the period they bill starts.
RENEWAL_LEAD = timedelta(days=10)
SAMPLE_STEP = timedelta(minutes=5)
SAMPLES_PER_DAY = 288
BULK_CHUNK = 10_000


@dataclass(frozen=True)
class DemoSize:
    # None: the natural ~3 years of monthly invoices for the demo customer's orders.
    # N: exactly N invoices for the demo customer; extra ones are older paid history.
    invoices: int | None = None
    traffic_days: int = 365  # days of 5-minute traffic samples per server
    seed: int = 20261120


@dataclass
class DemoReport:
    """What a seeding run wrote (row counts per table) and how long it took."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, table: str, rows: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + rows


# --- reference data -------------------------------------------------------------------------

PAYMENT_METHODS = (("balance", "Account balance"), ("bank_transfer", "Bank transfer"), ("card", "Card"))

OS_IMAGES = (
    ("debian-12", "Debian 12 (bookworm)", "linux"),
    ("debian-13", "Debian 13 (trixie)", "linux"),
    ("ubuntu-24.04", "Ubuntu 24.04 LTS", "linux"),
    ("ubuntu-22.04", "Ubuntu 22.04 LTS", "linux"),
    ("almalinux-9", "AlmaLinux 9", "linux"),
    ("rocky-9", "Rocky Linux 9", "linux"),
    ("freebsd-14", "FreeBSD 14.3", "bsd"),
    ("windows-2022", "Windows Server 2022 Standard", "windows"),
)


@dataclass(frozen=True)
class _Tariff:
    code: str
    name: str
    kind: str
    cpu: str
    ram_gb: int
    disk: str
    traffic_tb: int
    price_minor: int  # EUR per month, net
    port: str


TARIFFS = (
    _Tariff("ds-7950x", "DS-Ryzen 7950X", "dedicated", "AMD Ryzen 9 7950X, 16 cores / 32 threads",
            128, "2 x 1.92 TB NVMe SSD", 20, 10900, "1 Gbit/s"),
    _Tariff("ds-9354p", "DS-EPYC 9354P", "dedicated", "AMD EPYC 9354P, 32 cores / 64 threads",
            256, "2 x 3.84 TB NVMe SSD", 20, 23900, "1 Gbit/s"),
    _Tariff("ds-e2388g", "DS-Xeon E-2388G", "dedicated", "Intel Xeon E-2388G, 8 cores / 16 threads",
            64, "2 x 16 TB SATA HDD", 20, 7900, "1 Gbit/s"),
    _Tariff("vps-s", "VPS S", "vps", "2 vCPU (AMD EPYC)", 4, "80 GB NVMe", 20, 549, "shared 1 Gbit/s"),
    _Tariff("vps-m", "VPS M", "vps", "4 vCPU (AMD EPYC)", 8, "160 GB NVMe", 20, 1099, "shared 1 Gbit/s"),
    _Tariff("vps-l", "VPS L", "vps", "8 vCPU (AMD EPYC)", 16, "320 GB NVMe", 20, 2199, "shared 1 Gbit/s"),
)
_TARIFF_BY_CODE = {t.code: t for t in TARIFFS}

# --- the two customers ------------------------------------------------------------------------


@dataclass(frozen=True)
class _CustomerSpec:
    login: str
    password: str
    name: str
    company: str
    email: str
    address: str
    country: str
    vat_id: str | None
    phone: str
    currency: str
    tax_rate_bp: int
    balance_minor: int  # the ledger is built so that it ends exactly here
    years: float  # how long ago the account was opened
    method_weights: tuple[tuple[str, int], ...]  # how this customer usually pays
    login_ips: tuple[str, ...]
    clients: tuple[str, ...]
    logins: int
    top_up_by: str  # how the customer tops up the account balance


DEMO_CUSTOMER = _CustomerSpec(
    login=DEMO_LOGIN,
    password=DEMO_PASSWORD,
    name="Jana Hoffmann",
    company="Hoffmann Systemhaus GmbH",
    email="jana.hoffmann@hoffmann-systemhaus.example",
    address="Hoffmann Systemhaus GmbH\nz. Hd. Jana Hoffmann\nSpeicherstadtweg 7\n28195 Bremen\nGermany",
    country="DE",
    vat_id="DE123456789",
    phone="+49 421 5550173",
    currency="EUR",
    tax_rate_bp=1900,
    balance_minor=25_000,
    years=3.05,
    method_weights=(("bank_transfer", 45), ("card", 30), ("balance", 25)),
    login_ips=("198.51.100.23", "198.51.100.23", "198.51.100.23", "203.0.113.201", "192.0.2.213"),
    clients=("hostui 0.1.0 (Linux; xterm-256color)", "hostui 0.1.0 (macOS; iTerm2)", "hostui-api/0.1 (curl)"),
    logins=40,
    top_up_by="bank transfer",
)

OTHER_CUSTOMER = _CustomerSpec(
    login=OTHER_LOGIN,
    password=OTHER_PASSWORD,
    name="Sam Rivera",
    company="Acme Cloud Labs Inc.",
    email="sam.rivera@acme-cloudlabs.example",
    address="Acme Cloud Labs Inc.\n1200 Harbor Blvd, Suite 400\nOakland, CA 94607\nUnited States",
    country="US",
    vat_id=None,
    phone="+1 510 555 0142",
    currency="USD",
    # Services to a business outside the EU are not subject to German VAT.
    tax_rate_bp=0,
    balance_minor=10_000,
    years=0.5,
    method_weights=(("card", 80), ("bank_transfer", 20)),
    login_ips=("192.0.2.222", "192.0.2.222", "203.0.113.230"),
    clients=("hostui 0.1.0 (Linux; tmux-256color)",),
    logins=8,
    top_up_by="card",
)

# Addresses that must never be handed to a server (they are the customers' own offices).
_RESERVED_IPS = frozenset(DEMO_CUSTOMER.login_ips + OTHER_CUSTOMER.login_ips)


@dataclass(frozen=True)
class _Addon:
    description: str
    unit_price_minor: int
    quantity: int
    since_periods: int  # billed on the last N periods (a large number: from the start)
    extra_ipv4: bool = False


@dataclass(frozen=True)
class _OrderSpec:
    key: str
    customer: str
    tariff: str
    hostname: str
    os: str
    datacenter: str
    periods: int  # billing periods that started before the next renewal
    # The next period starts this many days after ``now``; for a "new" order (not paid, not
    # provisioned) it is the day the order was placed, relative to ``now``.
    renews_in_days: int
    period_months: int = 1
    status: str = "active"
    power_state: str = "on"
    price_minor: int | None = None  # per billing period; the tariff's monthly price if None
    addons: tuple[_Addon, ...] = ()
    traffic: tuple[float, float, float, float, float] = (2.0, 2.0, 14.0, 0.5, 1.0)
    # traffic: (rx Mbit/s, tx Mbit/s, peak hour UTC, daily amplitude 0..1, weekend factor)


_IPV4_ADDON = "Additional IPv4 address"

ORDERS = (
    _OrderSpec("web01", DEMO_LOGIN, "ds-7950x", "web01.hoffmann-systemhaus.example", "debian-12",
               "FSN1-DC14", periods=36, renews_in_days=4,
               addons=(_Addon("Backup space 500 GB", 490, 1, since_periods=20),),
               traffic=(4.0, 38.0, 19.0, 0.6, 0.8)),
    _OrderSpec("db01", DEMO_LOGIN, "ds-9354p", "db01.hoffmann-systemhaus.example", "debian-12",
               "FSN1-DC14", periods=35, renews_in_days=19, traffic=(11.0, 8.0, 13.0, 0.4, 0.7)),
    _OrderSpec("backup01", DEMO_LOGIN, "ds-e2388g", "backup01.hoffmann-systemhaus.example", "freebsd-14",
               "NBG1-DC3", periods=36, renews_in_days=24, traffic=(55.0, 1.5, 2.0, 0.9, 1.0)),
    _OrderSpec("mail", DEMO_LOGIN, "vps-l", "mail.hoffmann-systemhaus.example", "ubuntu-24.04",
               "FSN1-DC14", periods=32, renews_in_days=2,
               addons=(_Addon(_IPV4_ADDON, 170, 1, since_periods=999, extra_ipv4=True),),
               traffic=(1.6, 1.1, 9.0, 0.5, 0.4)),
    _OrderSpec("monitoring", DEMO_LOGIN, "vps-m", "monitoring.hoffmann-systemhaus.example", "ubuntu-22.04",
               "HEL1-DC2", periods=3, renews_in_days=78, period_months=12, price_minor=11_869,
               traffic=(0.6, 0.3, 12.0, 0.1, 1.0)),
    _OrderSpec("vpn", DEMO_LOGIN, "vps-s", "vpn.hoffmann-systemhaus.example", "debian-13",
               "FSN1-DC14", periods=19, renews_in_days=7, traffic=(3.0, 2.5, 10.0, 0.7, 0.3)),
    _OrderSpec("ci", DEMO_LOGIN, "ds-7950x", "ci-runner.hoffmann-systemhaus.example", "ubuntu-24.04",
               "NBG1-DC3", periods=14, renews_in_days=8,
               addons=(_Addon(_IPV4_ADDON, 170, 2, since_periods=6, extra_ipv4=True),),
               traffic=(24.0, 5.0, 13.0, 0.8, 0.2)),
    _OrderSpec("staging", DEMO_LOGIN, "vps-m", "staging.hoffmann-systemhaus.example", "almalinux-9",
               "FSN1-DC14", periods=1, renews_in_days=-2, status="new", power_state="off"),
    _OrderSpec("acme-web", OTHER_LOGIN, "vps-l", "web.acme-cloudlabs.example", "rocky-9",
               "HEL1-DC2", periods=5, renews_in_days=5, price_minor=2399,
               traffic=(3.0, 20.0, 17.0, 0.6, 0.7)),
    _OrderSpec("acme-build", OTHER_LOGIN, "ds-e2388g", "build.acme-cloudlabs.example", "windows-2022",
               "HEL1-DC2", periods=4, renews_in_days=21, price_minor=8500,
               traffic=(9.0, 2.0, 18.0, 0.7, 0.4)),
)

# --- tickets ------------------------------------------------------------------------------------

_STAFF_LUKAS = "Support — Lukas"
_STAFF_MIRA = "Support — Mira"
_STAFF_TOBIAS = "Billing — Tobias"
_STAFF_AYLIN = "Network Ops — Aylin"
_STAFF_JONAS = "DC Team — Jonas"


@dataclass(frozen=True)
class _TicketSpec:
    customer: str
    order: str | None
    department: str
    importance: str
    status: str
    subject: str
    days_ago: float
    # (author kind, author name or "" for the customer, hours after opening, body)
    messages: tuple[tuple[str, str, float, str], ...]
    unread: bool = False  # the customer has not read the last staff reply yet


_C = "customer"
_S = "staff"

TICKETS = (
    _TicketSpec(
        DEMO_LOGIN, "web01", "technical", "high", "open",
        "SMART warnings on second NVMe of {hostname}", 3.2,
        (
            (_C, "", 0, "Hello,\n\nsince last night smartd on {hostname} ({ip}) reports errors on "
             "/dev/nvme1n1:\n\n  Critical Warning: 0x04\n  Percentage Used: 97%\n  Media and Data "
             "Integrity Errors: 14\n\nThe RAID 1 is still clean. Can you replace the drive? We can "
             "accept a short downtime tonight after 22:00 CET.\n\nBest regards\nJana Hoffmann"),
            (_S, _STAFF_LUKAS, 0.6, "Hello Ms Hoffmann,\n\nthank you for the SMART output; the drive "
             "is clearly worn out. Please send us the serial number of the failing drive "
             "(smartctl -i /dev/nvme1n1) and confirm the time window, then our datacenter team "
             "schedules the swap.\n\nKind regards\nLukas"),
            (_C, "", 1.4, "Serial number: S64ANS0T512345. 22:00 CET tonight is fine, please go ahead."),
            (_S, _STAFF_JONAS, 14.5, "The drive was replaced at 22:14 CET and the server is back "
             "online. Please add the new drive to the array again, for example:\n\n  sgdisk -R "
             "/dev/nvme1n1 /dev/nvme0n1\n  sgdisk -G /dev/nvme1n1\n  mdadm --manage /dev/md0 --add "
             "/dev/nvme1n1p2\n\nand watch the resync in /proc/mdstat.\n\nJonas, {datacenter}"),
        ),
        unread=True,
    ),
    _TicketSpec(
        DEMO_LOGIN, "mail", "technical", "normal", "closed",
        "Reverse DNS for {ip}", 410,
        (
            (_C, "", 0, "Hi, please set the PTR record of {ip} to {hostname}. Some receivers reject "
             "our mail because the rDNS still points to the generic static name."),
            (_S, _STAFF_MIRA, 2.5, "Hello,\n\nyou can change reverse DNS yourself under Servers -> "
             "IP addresses; we have set it for you this time:\n\n  {ip} -> {hostname}\n  {ipv6} -> "
             "{hostname}\n\nThe change may take up to an hour to be visible everywhere.\n\nMira"),
            (_C, "", 5, "Thanks, dig -x {ip} shows the new name now."),
        ),
    ),
    _TicketSpec(
        DEMO_LOGIN, "db01", "finance", "normal", "closed",
        "Two invoices for the same period of db01", 0,  # dated after the deleted invoice
        (
            (_C, "", 0, "Hello,\n\nwe received invoice {deleted_invoice} and later "
             "{replacement_invoice}, both for db01 and the same month. Which one should we pay?"),
            (_S, _STAFF_TOBIAS, 3, "Hello Ms Hoffmann,\n\n{deleted_invoice} was deleted when your "
             "colleague switched the payment method from bank transfer to card, and the renewal "
             "was issued again as {replacement_invoice}. Only {replacement_invoice} is payable; it "
             "has already been paid. You can find deleted invoices in Invoices under the "
             "\"Deleted\" filter.\n\nBest regards\nTobias"),
            (_C, "", 20, "Understood, thank you."),
        ),
    ),
    _TicketSpec(
        DEMO_LOGIN, "db01", "technical", "high", "closed",
        "{ip} unreachable - null route?", 156,
        (
            (_C, "", 0, "Our database server {hostname} ({ip}) has been unreachable from outside "
             "for ten minutes; the KVM console shows the machine is fine. Is the IP blocked?"),
            (_S, _STAFF_AYLIN, 0.3, "Hello,\n\nyes: at 14:02 UTC our DDoS mitigation saw about "
             "38 Gbit/s of UDP reflection traffic (source port 11211, memcached) towards {ip}, more "
             "than the filters could absorb, so the address was null-routed for 30 minutes. The "
             "null route has been lifted at 14:32 UTC and the attack is over.\n\nAylin, Network "
             "Operations"),
            (_C, "", 1.1, "Thanks. Can we avoid a null route next time? The database only needs "
             "TCP 5432 from our office and the web servers."),
            (_S, _STAFF_AYLIN, 2.4, "We have enabled the stricter filter profile for {ip}: UDP "
             "is dropped upstream except DNS replies and NTP, so reflection attacks no longer reach "
             "the port. Please also restrict 5432 in your host firewall.\n\nAylin"),
            (_C, "", 3.0, "Perfect, thank you for the quick help."),
        ),
    ),
    _TicketSpec(
        DEMO_LOGIN, "ci", "technical", "normal", "open",
        "IP-KVM console of {hostname} does not load", 1.1,
        (
            (_C, "", 0, "The IP-KVM session for {hostname} opens, but the HTML5 console stays black "
             "with 'connecting...'. Tried Firefox and Chromium."),
            (_S, _STAFF_LUKAS, 2.2, "Hello,\n\nthe BMC of this server had hung; we have reset it. "
             "Please request a new KVM session in the portal (the old link is invalid now) and "
             "try again. The KVM user and password are shown under Servers -> IP-KVM.\n\nLukas"),
        ),
        unread=True,
    ),
    _TicketSpec(
        DEMO_LOGIN, "vpn", "finance", "normal", "open",
        "Annual billing for {hostname}?", 9,
        (
            (_C, "", 0, "Hello, can we switch {hostname} to annual billing like the monitoring "
             "VPS? The small monthly invoices create a lot of bookkeeping for us."),
            (_S, _STAFF_TOBIAS, 26, "Hello Ms Hoffmann,\n\nyes, annual billing is possible with a "
             "10 % discount. We will switch the order at its next renewal, so the current monthly "
             "invoice stays as it is. Please confirm and we will do the rest.\n\nTobias"),
        ),
    ),
    _TicketSpec(
        DEMO_LOGIN, "vpn", "technical", "normal", "closed",
        "Reinstall with Debian 13 fails", 230,
        (
            (_C, "", 0, "I requested a reinstall of {hostname} with Debian 13 twice; both times the "
             "installer stops with 'Release file is not valid yet'."),
            (_S, _STAFF_MIRA, 4, "Hello,\n\none of our install mirrors had a wrong system clock "
             "after maintenance, so the Release file looked like it came from the future. The "
             "mirror is fixed; please request the reinstall once more.\n\nMira"),
            (_C, "", 6, "Worked this time, thank you."),
        ),
    ),
    _TicketSpec(
        DEMO_LOGIN, None, "finance", "high", "closed",
        "Card payment declined, amount still reserved", 300,
        (
            (_C, "", 0, "Our card payment for an invoice was declined, but our bank shows the "
             "amount as reserved. Please do not charge it twice."),
            (_S, _STAFF_TOBIAS, 5, "Hello,\n\nthe declined attempt was never captured; what you "
             "see is an authorization hold that your bank releases within 5 to 7 business days. "
             "The invoice is still unpaid and can be paid by card again or by bank transfer.\n\n"
             "Best regards\nTobias"),
            (_C, "", 30, "The hold is gone now. Thanks for the explanation."),
        ),
    ),
    _TicketSpec(
        DEMO_LOGIN, "ci", "technical", "normal", "closed",
        "Two additional IPv4 addresses for {hostname}", 190,
        (
            (_C, "", 0, "We need two more IPv4 addresses on {hostname} for separate runner "
             "networks. Justification: isolated build VMs with their own public address."),
            (_S, _STAFF_LUKAS, 6, "Hello,\n\nwe have routed {extra_ips} to {hostname}. Configure "
             "them as /32 with the server's main gateway {gateway}. They are billed as add-ons on "
             "the order from the next renewal.\n\nLukas"),
        ),
    ),
    _TicketSpec(
        DEMO_LOGIN, "web01", "technical", "normal", "open",
        "Packet loss to {datacenter} in the evenings", 0.4,
        (
            (_C, "", 0, "Between 19:00 and 22:00 we see 3-5 % packet loss from Deutsche Telekom "
             "lines to {hostname} ({ip}). mtr from our office:\n\n  4. 62.154.x.x   0.0%\n  7. "
             "core-fra.nordlicht.example  4.1%\n  8. {ip}  4.3%\n\nDuring the day it is clean."),
        ),
    ),
    _TicketSpec(
        DEMO_LOGIN, None, "finance", "normal", "closed",
        "Invoices to our accounting mailbox", 520,
        (
            (_C, "", 0, "Please send invoices to buchhaltung@hoffmann-systemhaus.example instead "
             "of my personal address."),
            (_S, _STAFF_TOBIAS, 3, "Hello Ms Hoffmann,\n\nwe have added "
             "buchhaltung@hoffmann-systemhaus.example as your billing mailbox. You can manage "
             "alternative mailboxes yourself under Account -> Mailboxes.\n\nTobias"),
        ),
    ),
    _TicketSpec(
        DEMO_LOGIN, "backup01", "technical", "normal", "closed",
        "Two more HDDs for {hostname}?", 640,
        (
            (_C, "", 0, "Could you add two more 16 TB drives to {hostname}, and what would it cost?"),
            (_S, _STAFF_MIRA, 5, "Hello,\n\nthe chassis of this model takes exactly two drives. "
             "For four drives we can offer a migration to a 4-bay system for 119.00 EUR per month "
             "(net); we would install it in parallel so you can copy the ZFS pool with zfs send."
             "\n\nMira"),
            (_C, "", 50, "Thanks, we will stay with the current server for now."),
        ),
    ),
    _TicketSpec(
        OTHER_LOGIN, "acme-build", "technical", "normal", "open",
        "Windows activation on {hostname}", 2,
        (
            (_C, "", 0, "{hostname} says Windows is not activated. Is the license included?"),
            (_S, _STAFF_LUKAS, 3, "Hello Sam,\n\nthe license is included. The server could not "
             "reach our KMS host after the reinstall; we have fixed the route. Please run "
             "slmgr /ato as Administrator.\n\nLukas"),
        ),
        unread=True,
    ),
    _TicketSpec(
        OTHER_LOGIN, None, "finance", "normal", "closed",
        "W-9 / tax form", 60,
        (
            (_C, "", 0, "Our accounts payable team asks for a tax form for your company."),
            (_S, _STAFF_TOBIAS, 20, "Hello Sam,\n\nwe are a German company, so instead of a W-9 "
             "we send a W-8BEN-E; it is attached to the copy of this reply sent to your e-mail "
             "address.\n\nTobias"),
        ),
    ),
)


# --- small helpers ------------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    """The same day of month ``months`` later (clamped to the month's end, like billing does)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _at(day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=timezone.utc)


def _end_of(day: date) -> datetime:
    """The last second of a day: periods are stored inclusive, as they are printed."""
    return _at(day, 23, 59, 59)


def _weighted(rng: random.Random, weights: Sequence[tuple[str, int]]) -> str:
    pick = rng.random() * sum(w for _, w in weights)
    for choice, weight in weights:
        pick -= weight
        if pick < 0:
            return choice
    return weights[-1][0]


def _password(rng: random.Random, length: int = 16) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    return "".join(rng.choice(alphabet) for _ in range(length))


def _chunks(rows: Sequence[Any], size: int = BULK_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _sqlite_utc(value: datetime | None) -> str | None:
    """UTCDateTime's SQLite storage format, without the generic processor's per-value overhead."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    v = value.astimezone(timezone.utc)
    return (f"{v.year:04d}-{v.month:02d}-{v.day:02d} "
            f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}")


def _bind_processor(column: Any, dialect: Any, sample: Any) -> Callable[[Any], Any] | None:
    """The column's bind processor; for UTC timestamps on SQLite a faster twin of it, used
    only after it has given the very same string as the official one for a sample value."""
    official = column.type.dialect_impl(dialect).bind_processor(dialect)
    if isinstance(column.type, UTCDateTime) and dialect.name == "sqlite" and official is not None:
        probe = sample if isinstance(sample, datetime) else DEMO_NOW
        if _sqlite_utc(probe) == official(probe):
            return _sqlite_utc
    return official


def _executemany(connection: Any, table: Table, keys: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert value tuples (already bind-processed) in chunks, as fast as the driver allows:
    COPY on PostgreSQL (psycopg), the DBAPI's executemany elsewhere."""
    dialect = connection.dialect
    preparer = dialect.identifier_preparer
    name = preparer.format_table(table)
    column_list = ", ".join(preparer.quote(key) for key in keys)
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        with connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {name} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {name} ({column_list}) VALUES ({', '.join([marker] * len(keys))})"
    for chunk in _chunks(rows):
        connection.exec_driver_sql(sql, list(chunk))


def _bulk_insert(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows straight through the driver (see _executemany).

    Values are converted with each column's own bind processor, so what is stored is exactly
    what an ORM insert would store; SQLAlchemy's per-row statement machinery, which costs more
    than the database itself at these volumes, is skipped.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    keys = list(rows[0])
    columns = []
    for key in keys:
        process = _bind_processor(table.c[key], dialect, rows[0][key])
        values = [row[key] for row in rows]
        columns.append([process(value) for value in values] if process is not None else values)
    _executemany(connection, table, keys, list(zip(*columns)))


def _max_id(session: Session, table: Table) -> int:
    return session.execute(select(func.max(table.c.id))).scalar() or 0


def _ids_since(session: Session, table: Table, after_id: int, key: str) -> dict[Any, int]:
    """``{row[key]: id}`` for the rows with an id above ``after_id``: the ones just inserted.

    Multi-row ``INSERT ... RETURNING`` in parameter order degrades to one statement per row on
    SQLite, so bulk inserts go without RETURNING and their ids are read back by a unique key.
    """
    rows = session.execute(select(table.c[key], table.c.id).where(table.c.id > after_id))
    return {value: row_id for value, row_id in rows}


def _tax(net_minor: int, rate_bp: int) -> int:
    return money.tax_minor(net_minor, Decimal(rate_bp) / Decimal(100))


class _TrafficWriter:
    """Writes traffic samples straight through the driver (see _executemany).

    The timestamps are converted once with the column's own bind processor (the very value
    an ORM insert would store) and shared by every server.
    """

    KEYS = ("server_id", "at", "rx_bytes", "tx_bytes")

    def __init__(self, session: Session, stamps: list[datetime]) -> None:
        self.connection = session.connection()
        dialect = self.connection.dialect
        process = _bind_processor(TrafficSample.__table__.c.at, dialect, stamps[0] if stamps else None)
        self.at_values = [process(t) for t in stamps] if process else list(stamps)

    def write(self, server_id: int, start: int, rx: list[int], tx: list[int]) -> int:
        rows = list(zip([server_id] * len(rx), self.at_values[start:], rx, tx))
        _executemany(self.connection, TrafficSample.__table__, self.KEYS, rows)
        return len(rows)


# --- the generator --------------------------------------------------------------------------------


@dataclass
class _Order:
    spec: _OrderSpec
    customer: _CustomerSpec
    tariff: _Tariff
    id: int = 0
    number: str = ""
    created_at: datetime | None = None
    next_start: date | None = None
    server_id: int = 0
    ip: str = ""
    ipv6: str = ""
    gateway: str = ""
    extra_ips: tuple[str, ...] = ()

    @property
    def price_minor(self) -> int:
        return self.spec.price_minor if self.spec.price_minor is not None else self.tariff.price_minor


@dataclass
class _Invoice:
    """One invoice before it is numbered and written."""

    customer: _CustomerSpec
    order: _Order
    issued_at: datetime
    period_start: date
    period_end: date
    lines: list[tuple[str, int, int]]  # description, quantity, unit price
    status: str = "unpaid"
    method: str | None = None
    paid_at: datetime | None = None
    deleted_at: datetime | None = None
    replaced_by: _Invoice | None = None
    number: str = ""
    id: int = 0
    total_minor: int = 0


class _Seeder:
    def __init__(self, portal: Portal, session: Session, size: DemoSize, now: datetime,
                 password_hashes: dict[str, str]) -> None:
        self.portal = portal
        self.session = session
        self.size = size
        self.now = now
        self.hashes = password_hashes
        self.report = DemoReport()
        seed = size.seed
        # One generator per concern: more traffic days never changes the invoices, and so on.
        self.rng_orders = random.Random(f"{seed}:orders")
        self.rng_invoices = random.Random(f"{seed}:invoices")
        self.rng_history = random.Random(f"{seed}:history")
        self.rng_tickets = random.Random(f"{seed}:tickets")
        self.rng_logins = random.Random(f"{seed}:logins")
        self.methods: dict[str, int] = {}
        self.os_images: dict[str, int] = {}
        self.tariffs: dict[str, int] = {}
        self.customers: dict[str, int] = {}
        self.orders: list[_Order] = []
        self.invoices: list[_Invoice] = []
        # (at, customer id, actor, action, entity, entity id, detail) for the audit log
        self.audit: list[tuple[datetime, int, str, str, str, int, dict[str, Any]]] = []

    # reference data ---------------------------------------------------------------------------

    def reference_data(self) -> None:
        s = self.session
        for code, name in PAYMENT_METHODS:
            row = s.exec(select(PaymentMethod).where(PaymentMethod.code == code)).first()
            if row is None:
                row = PaymentMethod(code=code, name=name)
                s.add(row)
                s.flush()
                self.report.add("payment_method", 1)
            self.methods[code] = row.id
        for code, name, family in OS_IMAGES:
            row = s.exec(select(OsImage).where(OsImage.code == code)).first()
            if row is None:
                row = OsImage(code=code, name=name, family=family)
                s.add(row)
                s.flush()
                self.report.add("os_image", 1)
            self.os_images[code] = row.id
        for t in TARIFFS:
            row = s.exec(select(Tariff).where(Tariff.code == t.code)).first()
            if row is None:
                row = Tariff(code=t.code, name=t.name, kind=t.kind, cpu=t.cpu, ram_gb=t.ram_gb,
                             disk=t.disk, traffic_tb=t.traffic_tb, price_minor=t.price_minor)
                s.add(row)
                s.flush()
                self.report.add("tariff", 1)
            self.tariffs[t.code] = row.id

    # customers --------------------------------------------------------------------------------------

    def customer(self, spec: _CustomerSpec) -> None:
        created = self.now - timedelta(days=round(spec.years * 365.25), hours=3, minutes=17)
        row = Customer(
            login=spec.login, password_hash=self.hashes[spec.login], email=spec.email, name=spec.name,
            company=spec.company, address=spec.address, country=spec.country, vat_id=spec.vat_id,
            phone=spec.phone, profile_type="business", balance_minor=0, currency=spec.currency,
            language="en", auto_renew=False, created_at=created,
        )
        self.session.add(row)
        self.session.flush()
        self.customers[spec.login] = row.id
        self.report.add("customer", 1)

    # orders and servers ------------------------------------------------------------------------------

    def orders_and_servers(self, specs: Sequence[_OrderSpec]) -> None:
        rng = self.rng_orders
        today = self.now.date()
        pool = {
            "dedicated": [f"203.0.113.{n}" for n in range(10, 251)],
            "vps": [f"192.0.2.{n}" for n in range(10, 251)],
            "extra": [f"198.51.100.{n}" for n in range(40, 251)],
        }
        for addresses in pool.values():
            addresses[:] = [a for a in addresses if a not in _RESERVED_IPS]
            rng.shuffle(addresses)
        customers = {DEMO_LOGIN: DEMO_CUSTOMER, OTHER_LOGIN: OTHER_CUSTOMER}
        planned: list[_Order] = []
        for spec in specs:
            order = _Order(spec=spec, customer=customers[spec.customer], tariff=_TARIFF_BY_CODE[spec.tariff])
            if spec.status == "new":
                created_day = today + timedelta(days=spec.renews_in_days)
                order.next_start = _add_months(created_day, spec.period_months)
            else:
                order.next_start = today + timedelta(days=spec.renews_in_days)
                created_day = _add_months(order.next_start, -spec.periods * spec.period_months)
            order.created_at = _at(created_day, rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))
            if order.created_at > self.now:
                order.created_at = self.now - timedelta(hours=1)
            planned.append(order)
        # Order numbers grow with creation time, across both customers.
        number = 104_000 + rng.randint(100, 400)
        for order in sorted(planned, key=lambda o: (o.created_at, o.spec.key)):
            number += rng.randint(7, 140)
            order.number = f"ORD-{number}"

        for order in planned:
            spec = order.spec
            # period_end is how far the order is paid: a new order's first invoice is still open.
            paid_until = order.created_at.date() if spec.status == "new" else order.next_start
            period_end = _end_of(paid_until - timedelta(days=1))
            row = ServiceOrder(
                customer_id=self.customers[spec.customer], number=order.number,
                tariff_id=self.tariffs[spec.tariff], price_minor=order.price_minor,
                currency=order.customer.currency, billing_period_months=spec.period_months,
                period_end=period_end, status=spec.status, created_at=order.created_at,
            )
            self.session.add(row)
            self.session.flush()
            order.id = row.id
            self.report.add("service_order", 1)
            self._server(order, pool)
            self.orders.append(order)

    def _server(self, order: _Order, pool: dict[str, list[str]]) -> None:
        rng = self.rng_orders
        spec, tariff = order.spec, order.tariff
        dedicated = tariff.kind == "dedicated"
        if dedicated:
            order.ip = pool["dedicated"].pop()
            last = int(order.ip.rsplit(".", 1)[1])
            netmask = "255.255.255.192"  # a /26 per rack
            order.gateway = f"203.0.113.{(last // 64) * 64 + 1}"
        else:
            order.ip = pool["vps"].pop()
            netmask = "255.255.255.0"
            order.gateway = "192.0.2.1"
        order.ipv6 = f"2001:db8:{rng.randrange(0x1000, 0xffff):x}:{rng.randrange(0x100, 0xfff):x}::2"
        extra = sum(a.quantity for a in spec.addons if a.extra_ipv4)
        order.extra_ips = tuple(pool["extra"].pop() for _ in range(extra))
        mac = "02:" + ":".join(f"{rng.randrange(256):02x}" for _ in range(5))
        windows = spec.os.startswith("windows")
        configuration = "\n".join(
            [tariff.cpu, f"{tariff.ram_gb} GB {'DDR5 ECC' if dedicated else 'RAM'}",
             tariff.disk + (" (software RAID 1)" if dedicated else ""),
             f"{tariff.port} port, {tariff.traffic_tb} TB traffic included"]
        )
        secrets = self.portal.secrets
        kvm_url = kvm_user = kvm_password = None
        if dedicated:
            kvm_url = f"https://kvm.nordlicht.example/session/{rng.getrandbits(64):016x}"
            kvm_user = f"kvm-{order.number.lower()}"
            kvm_password = secrets.encrypt(_password(rng, 20))
        row = Server(
            order_id=order.id, hostname=spec.hostname, configuration=configuration,
            datacenter=spec.datacenter, primary_ip=order.ip, netmask=netmask, gateway=order.gateway,
            mac=mac, power_state=spec.power_state, os_image_id=self.os_images[spec.os],
            login_user="Administrator" if windows else "root",
            password_encrypted=secrets.encrypt(_password(rng)),
            ipkvm_url=kvm_url, ipkvm_user=kvm_user, ipkvm_password_encrypted=kvm_password,
        )
        self.session.add(row)
        self.session.flush()
        order.server_id = row.id
        self.report.add("server", 1)
        ips = [
            ServerIp(server_id=row.id, address=order.ip, version=4, netmask=netmask,
                     gateway=order.gateway, reverse_dns=spec.hostname),
            ServerIp(server_id=row.id, address=order.ipv6, version=6, netmask="/64",
                     gateway="fe80::1", reverse_dns=spec.hostname),
        ]
        for address in order.extra_ips:
            ips.append(ServerIp(server_id=row.id, address=address, version=4, netmask="255.255.255.255",
                                gateway=order.gateway, reverse_dns=None))
        self.session.add_all(ips)
        self.report.add("server_ip", len(ips))

    # invoices ---------------------------------------------------------------------------------------

    def _lines(self, order: _Order, start: date, end: date, periods_left: int) -> list[tuple[str, int, int]]:
        lines = [(f"{order.tariff.name} — {start.isoformat()} to {end.isoformat()}", 1, order.price_minor)]
        for addon in order.spec.addons:
            if periods_left <= addon.since_periods:
                lines.append((addon.description, addon.quantity, addon.unit_price_minor))
        return lines

    def natural_invoices(self, order: _Order) -> list[_Invoice]:
        """Every invoice of an order from its creation up to ``now``."""
        rng = self.rng_invoices
        spec = order.spec
        months = spec.period_months
        # Period starts are counted back from the next renewal, so they keep its day of month
        # even where an earlier month was too short for it; index ``periods`` is the renewal.
        starts = [order.created_at.date()] + [
            _add_months(order.next_start, -(spec.periods - k) * months) for k in range(1, spec.periods + 1)
        ]
        starts.append(_add_months(order.next_start, months))
        invoices = []
        for k in range(spec.periods + 1):
            start, end = starts[k], starts[k + 1] - timedelta(days=1)
            if k == 0:
                issued = order.created_at + timedelta(minutes=2, seconds=rng.randint(0, 59))
            else:
                issued = _at(start - RENEWAL_LEAD, 3, rng.randint(0, 59), rng.randint(0, 59))
            if issued > self.now:
                break
            invoices.append(
                _Invoice(customer=order.customer, order=order, issued_at=issued, period_start=start,
                         period_end=end, lines=self._lines(order, start, end, spec.periods - k))
            )
        return invoices

    def _pay(self, invoice: _Invoice, rng: random.Random) -> None:
        invoice.status = "paid"
        invoice.method = _weighted(rng, invoice.customer.method_weights)
        delay = timedelta(minutes=rng.randint(3, 60 * 24 * 9))
        latest = self.now - timedelta(minutes=30)
        invoice.paid_at = min(invoice.issued_at + delay, latest)
        if invoice.paid_at < invoice.issued_at:
            invoice.paid_at = invoice.issued_at + timedelta(minutes=1)

    def plan_invoices(self) -> None:
        rng = self.rng_invoices
        demo: list[_Invoice] = []
        other: list[_Invoice] = []
        for order in self.orders:
            invoices = self.natural_invoices(order)
            (demo if order.customer is DEMO_CUSTOMER else other).extend(invoices)
        for invoice in demo + other:
            # Unpaid: renewals for periods that have not started yet, and new orders.
            if invoice.order.spec.status == "new" or _at(invoice.period_start) > self.now:
                continue
            self._pay(invoice, rng)
        demo.extend(self._deleted_and_reissued(demo))
        demo.sort(key=lambda i: i.issued_at)
        if self.size.invoices is not None:
            wanted = self.size.invoices
            if wanted < len(demo):
                demo = demo[len(demo) - wanted :]  # keep the newest
            elif wanted > len(demo):
                demo = self._history(wanted - len(demo), demo) + demo
        self.invoices = sorted(demo + other, key=lambda i: (i.issued_at, i.customer.login))

    def _deleted_and_reissued(self, demo: list[_Invoice]) -> list[_Invoice]:
        """A few renewals deleted (to pay another way) and issued again, as the portal allows."""
        rng = self.rng_invoices
        low, high = self.now - timedelta(days=900), self.now - timedelta(days=90)
        candidates = [
            i for i in demo
            if i.status == "paid" and low <= i.issued_at <= high and i.order.spec.period_months == 1
            and i.issued_at.time().hour == 3  # a renewal, not an order's first invoice
        ]
        by_order: dict[str, list[_Invoice]] = {}
        for invoice in candidates:
            by_order.setdefault(invoice.order.spec.key, []).append(invoice)
        keys = ["db01"] + rng.sample(sorted(k for k in by_order if k != "db01"), 2)
        deleted = []
        for key in keys:
            if key not in by_order:
                continue
            original = rng.choice(by_order[key])
            twin = _Invoice(
                customer=original.customer, order=original.order, issued_at=original.issued_at,
                period_start=original.period_start, period_end=original.period_end,
                lines=list(original.lines), status="deleted", method="bank_transfer",
            )
            twin.deleted_at = twin.issued_at + timedelta(days=rng.randint(1, 3), hours=rng.randint(1, 8))
            twin.replaced_by = original
            original.issued_at = twin.deleted_at + timedelta(minutes=rng.randint(2, 9))
            original.method = "card"
            original.paid_at = original.issued_at + timedelta(minutes=rng.randint(3, 40))
            deleted.append(twin)
        return deleted

    def _history(self, count: int, demo: list[_Invoice]) -> list[_Invoice]:
        """``count`` older paid invoices for benchmarks, before the earliest natural one."""
        rng = self.rng_history
        provisioned = [o for o in self.orders if o.customer is DEMO_CUSTOMER and o.spec.status != "new"]
        earliest = demo[0].issued_at if demo else self.now - timedelta(days=30)
        step = max(timedelta(minutes=1), min(timedelta(days=4), timedelta(days=3650) / count))
        history = []
        for n in range(count, 0, -1):
            order = provisioned[n % len(provisioned)]
            issued = earliest - step * n - timedelta(seconds=rng.randint(0, 59))
            start = (issued + RENEWAL_LEAD).date()
            end = _add_months(start, order.spec.period_months) - timedelta(days=1)
            invoice = _Invoice(customer=DEMO_CUSTOMER, order=order, issued_at=issued, period_start=start,
                               period_end=end, lines=self._lines(order, start, end, order.spec.periods))
            self._pay(invoice, rng)
            history.append(invoice)
        return history

    def write_invoices(self) -> None:
        s = self.session
        sequence = s.get(InvoiceSequence, SEQUENCE_NAME)
        if sequence is None:
            sequence = InvoiceSequence(name=SEQUENCE_NAME, prefix=SEQUENCE_PREFIX, next_value=1)
            s.add(sequence)
            s.flush()
            self.report.add("invoice_sequence", 1)
        value = sequence.next_value
        for invoice in self.invoices:
            invoice.number = f"{sequence.prefix}{value:06d}"
            value += 1
        sequence.next_value = value
        s.flush()

        due = timedelta(days=self.portal.settings.invoice_due_days)
        rows = []
        for invoice in self.invoices:
            net = sum(quantity * unit for _, quantity, unit in invoice.lines)
            rate = invoice.customer.tax_rate_bp
            tax = _tax(net, rate)
            invoice.total_minor = net + tax
            rows.append({
                "customer_id": self.customers[invoice.customer.login],
                "number": invoice.number,
                "order_id": invoice.order.id,
                "status": invoice.status,
                "currency": invoice.customer.currency,
                "net_minor": net,
                "tax_rate_bp": rate,
                "tax_minor": tax,
                "total_minor": net + tax,
                "issued_at": invoice.issued_at,
                "due_at": invoice.issued_at + due,
                "period_start": _at(invoice.period_start),
                "period_end": _end_of(invoice.period_end),
                "payment_method_id": self.methods[invoice.method] if invoice.method else None,
                "paid_at": invoice.paid_at,
                "deleted_at": invoice.deleted_at,
            })
        table = Invoice.__table__
        before = _max_id(s, table)
        _bulk_insert(s, table, rows)
        ids = _ids_since(s, table, before, "number")
        for invoice in self.invoices:
            invoice.id = ids[invoice.number]
        self.report.add("invoice", len(rows))

        lines = [
            {"invoice_id": invoice.id, "position": position, "description": description,
             "quantity": quantity, "unit_price_minor": unit, "amount_minor": quantity * unit}
            for invoice in self.invoices
            for position, (description, quantity, unit) in enumerate(invoice.lines, start=1)
        ]
        _bulk_insert(s, InvoiceLine.__table__, lines)
        self.report.add("invoice_line", len(lines))
        self._payments()

    def _payments(self) -> None:
        rng = self.rng_invoices
        rows: list[dict[str, Any]] = []
        paid: list[_Invoice] = []
        for invoice in self.invoices:
            if invoice.method is None:
                continue
            customer_id = self.customers[invoice.customer.login]
            common = {"invoice_id": invoice.id, "customer_id": customer_id,
                      "payment_method_id": self.methods[invoice.method], "amount_minor": invoice.total_minor,
                      "currency": invoice.customer.currency, "reference": invoice.number,
                      "provider_ref": None}
            if invoice.status == "deleted":
                # The bank transfer was still pending when the invoice was deleted.
                rows.append({**common, "status": "failed", "created_at": invoice.issued_at
                             + timedelta(hours=2), "completed_at": None})
                continue
            if invoice.method == "card":
                created = invoice.paid_at - timedelta(minutes=2, seconds=rng.randint(0, 59))
                provider_ref = f"chk_{rng.getrandbits(96):024x}"
            elif invoice.method == "bank_transfer":
                created = min(invoice.issued_at + timedelta(hours=rng.randint(1, 30)), invoice.paid_at)
                provider_ref = None
            else:
                created = invoice.paid_at
                provider_ref = None
            rows.append({**common, "provider_ref": provider_ref, "status": "completed",
                         "created_at": created, "completed_at": invoice.paid_at})
            paid.append(invoice)
        table = Payment.__table__
        before = _max_id(self.session, table)
        _bulk_insert(self.session, table, rows)
        self.report.add("payment", len(rows))
        # Each paid invoice has exactly one completed payment (a deleted one only a failed one).
        ids = _ids_since(self.session, table, before, "invoice_id")
        self._ledger([(invoice, ids[invoice.id]) for invoice in paid])

    def _ledger(self, paid: list[tuple[_Invoice, int]]) -> None:
        """Top-ups and balance payments, in order, never negative, ending at the spec's balance."""
        rng = self.rng_invoices
        entries: list[dict[str, Any]] = []
        for spec in (DEMO_CUSTOMER, OTHER_CUSTOMER):
            if spec.login not in self.customers:
                continue
            customer_id = self.customers[spec.login]
            running = 0
            last_at = self.now - timedelta(days=round(spec.years * 365.25) - 1)
            own = sorted(
                ((inv, pid) for inv, pid in paid if inv.customer is spec and inv.method == "balance"),
                key=lambda pair: pair[0].paid_at,
            )
            for invoice, payment_id in own:
                amount = invoice.total_minor
                if running < amount:
                    top_up = -(-(amount - running) // 50_000) * 50_000
                    at = max(last_at, invoice.paid_at - timedelta(days=rng.randint(1, 4)))
                    entries.append({"customer_id": customer_id, "amount_minor": top_up, "payment_id": None,
                                    "reason": f"Top-up by {spec.top_up_by}", "at": at})
                    running += top_up
                entries.append({"customer_id": customer_id, "amount_minor": -amount, "payment_id": payment_id,
                                "reason": f"Payment of invoice {invoice.number}", "at": invoice.paid_at})
                running -= amount
                last_at = invoice.paid_at
            difference = spec.balance_minor - running
            if difference:
                at = min(max(last_at + timedelta(hours=1), self.now - timedelta(days=16)),
                         self.now - timedelta(hours=1))
                if difference > 0:
                    reason = f"Top-up by {spec.top_up_by}" if not own else "Credit note: SLA compensation"
                else:
                    reason = "Payout of balance to bank account"
                entries.append({"customer_id": customer_id, "amount_minor": difference, "payment_id": None,
                                "reason": reason, "at": at})
                running += difference
            self.session.get(Customer, customer_id).balance_minor = running
        _bulk_insert(self.session, BalanceEntry.__table__, entries)
        self.report.add("balance_entry", len(entries))

    # tickets -------------------------------------------------------------------------------------------

    def tickets(self) -> None:
        rng = self.rng_tickets
        orders = {o.spec.key: o for o in self.orders}
        deleted = [i for i in self.invoices if i.status == "deleted" and i.order.spec.key == "db01"]
        if not deleted:
            deleted = [i for i in self.invoices if i.status == "deleted"]
        planned = []
        for spec in TICKETS:
            if spec.customer not in self.customers:
                continue
            order = orders.get(spec.order) if spec.order else None
            fields = {
                "hostname": order.spec.hostname if order else "",
                "ip": order.ip if order else "",
                "ipv6": order.ipv6 if order else "",
                "gateway": order.gateway if order else "",
                "datacenter": order.spec.datacenter if order else "",
                "extra_ips": " and ".join(order.extra_ips) if order else "",
                "deleted_invoice": "",
                "replacement_invoice": "",
            }
            opened = self.now - timedelta(days=spec.days_ago, minutes=rng.randint(5, 90))
            if "{deleted_invoice}" in spec.messages[0][3]:
                if not deleted:
                    continue  # a benchmark size that cut the deleted invoices off
                twin = deleted[0]
                fields["deleted_invoice"] = twin.number
                fields["replacement_invoice"] = twin.replaced_by.number
                opened = twin.replaced_by.issued_at + timedelta(hours=rng.randint(2, 30))
            planned.append((opened, spec, order, fields))
        planned.sort(key=lambda item: item[0])

        number = 58_000 + rng.randint(100, 300)
        for opened, spec, order, fields in planned:
            number += rng.randint(3, 60)
            customer_id = self.customers[spec.customer]
            customer = DEMO_CUSTOMER if spec.customer == DEMO_LOGIN else OTHER_CUSTOMER
            times = [opened + timedelta(hours=hours, minutes=rng.randint(0, 25) if hours else 0)
                     for _, _, hours, _ in spec.messages]
            times = [min(t, self.now - timedelta(minutes=5)) for t in times]
            row = Ticket(
                customer_id=customer_id, number=f"T-{number}", order_id=order.id if order else None,
                department=spec.department, subject=spec.subject.format_map(fields),
                importance=spec.importance, status=spec.status, created_at=times[0], updated_at=times[-1],
            )
            self.session.add(row)
            self.session.flush()
            self.report.add("ticket", 1)
            messages = [
                TicketMessage(ticket_id=row.id, author_kind=kind,
                              author_name=name or customer.name, body=body.format_map(fields), created_at=at)
                for (kind, name, _, body), at in zip(spec.messages, times, strict=True)
            ]
            self.session.add_all(messages)
            self.report.add("ticket_message", len(messages))
            if spec.unread:
                # Read up to the customer's own last message: the staff reply after it is new.
                read = max(t for t, (kind, *_rest) in zip(times, spec.messages) if kind == _C)
                read_at = read + timedelta(minutes=1)
            else:
                read_at = times[-1] + timedelta(minutes=rng.randint(5, 240))
                read_at = min(read_at, self.now - timedelta(minutes=1))
            self.session.add(TicketReadState(ticket_id=row.id, reader="customer", last_read_at=read_at))
            self.report.add("ticket_read_state", 1)
            if spec.messages[-1][0] == _S and not spec.unread:
                # The staff member who answered last has seen everything.
                self.session.add(TicketReadState(ticket_id=row.id, reader=f"staff:{spec.messages[-1][1]}",
                                                 last_read_at=times[-1]))
                self.report.add("ticket_read_state", 1)
            if spec.customer == DEMO_LOGIN:
                self.audit.append((times[0], customer_id, "tui", "ticket.create", "ticket", row.id,
                                   {"number": row.number}))

    # account details ---------------------------------------------------------------------------------

    def mailboxes(self) -> None:
        if DEMO_LOGIN not in self.customers:
            return
        customer_id = self.customers[DEMO_LOGIN]
        opened = self.now - timedelta(days=520)
        rows = [
            Mailbox(customer_id=customer_id, address="buchhaltung@hoffmann-systemhaus.example",
                    purpose="billing", created_at=opened),
            Mailbox(customer_id=customer_id, address="ops@hoffmann-systemhaus.example",
                    purpose="technical", created_at=opened - timedelta(days=200)),
        ]
        self.session.add_all(rows)
        self.report.add("mailbox", len(rows))

    def logins(self, spec: _CustomerSpec) -> None:
        rng = self.rng_logins
        customer_id = self.customers[spec.login]
        at = self.now - timedelta(days=spec.logins * 3)
        rows = []
        for n in range(spec.logins):
            at = at + timedelta(hours=rng.randint(20, 120), minutes=rng.randint(0, 59))
            if at >= self.now:
                at = self.now - timedelta(minutes=spec.logins - n)
            failed = rng.random() < 0.12
            ip = rng.choice(spec.login_ips)
            stranger = failed and rng.random() < 0.5
            if stranger:
                ip = f"203.0.113.{rng.randint(251, 254)}"  # someone guessing the password
            rows.append({"customer_id": customer_id, "at": at, "ip": ip,
                         "client": rng.choice(spec.clients), "success": not failed})
            if failed and not stranger:  # a typo, then the right password
                at = at + timedelta(seconds=rng.randint(8, 40))
                rows.append({"customer_id": customer_id, "at": at, "ip": ip,
                             "client": rows[-1]["client"], "success": True})
        rows.sort(key=lambda r: r["at"])
        _bulk_insert(self.session, LoginEvent.__table__, rows)
        self.report.add("login_event", len(rows))

    def audit_log(self) -> None:
        for invoice in self.invoices:
            customer_id = self.customers[invoice.customer.login]
            if invoice.status == "deleted":
                self.audit.append((invoice.deleted_at, customer_id, "tui", "invoice.delete", "invoice",
                                   invoice.id, {"number": invoice.number}))
        actors = {"balance": "tui", "card": "card-gateway", "bank_transfer": "bank-import"}
        recent_paid = [i for i in self.invoices if i.status == "paid"][-6:]
        for invoice in recent_paid:
            self.audit.append((invoice.paid_at, self.customers[invoice.customer.login], actors[invoice.method],
                               "invoice.paid", "invoice", invoice.id,
                               {"number": invoice.number, "method": invoice.method}))
        for order in self.orders:
            if order.spec.status == "new":
                self.audit.append((order.created_at, self.customers[order.customer.login], "tui",
                                   "order.create", "service_order", order.id, {"number": order.number}))
        rows = [
            {"at": at, "customer_id": customer_id, "actor": actor, "action": action, "entity": entity,
             "entity_id": entity_id, "detail": json.dumps(detail, sort_keys=True)}
            for at, customer_id, actor, action, entity, entity_id, detail in sorted(
                self.audit, key=lambda a: (a[0], a[3], a[5]))
        ]
        _bulk_insert(self.session, AuditLog.__table__, rows)
        self.report.add("audit_log", len(rows))

    def _backdate_demo_customer(self) -> None:
        """With a large DemoSize.invoices the history starts before the account was opened."""
        first = next((i.issued_at for i in self.invoices if i.customer is DEMO_CUSTOMER), None)
        if first is None:
            return
        customer = self.session.get(Customer, self.customers[DEMO_LOGIN])
        if first < customer.created_at:
            customer.created_at = first - timedelta(days=1)

    # traffic ---------------------------------------------------------------------------------------------

    def traffic(self) -> None:
        total_samples = self.size.traffic_days * SAMPLES_PER_DAY
        if total_samples <= 0:
            return
        # Samples cover [at, at + 5 min); the last one ends at ``now`` rounded down to 5 minutes.
        end = self.now.replace(second=0, microsecond=0)
        end -= timedelta(minutes=end.minute % 5)
        first = end - SAMPLE_STEP * total_samples
        stamps = [first + SAMPLE_STEP * i for i in range(total_samples)]
        slots = [(t.hour * 60 + t.minute) // 5 for t in stamps]
        weekend = [t.weekday() >= 5 for t in stamps]
        writer = _TrafficWriter(self.session, stamps)
        for order in self.orders:
            if order.spec.status == "new":
                continue  # not provisioned yet: no traffic
            start = bisect.bisect_left(stamps, order.created_at)  # nothing before the order existed
            rx, tx = self._server_traffic(order, slots, weekend, start)
            self.report.add("traffic_sample", writer.write(order.server_id, start, rx, tx))

    def _server_traffic(self, order: _Order, slots: list[int], weekend: list[bool],
                        start: int) -> tuple[list[int], list[int]]:
        """(rx, tx) bytes per sample from ``start``: a daily wave, quieter weekends, noise, spikes."""
        rng = random.Random(f"{self.size.seed}:traffic:{order.spec.key}")
        rx_mbit, tx_mbit, peak, amplitude, weekend_factor = order.spec.traffic
        bytes_per_mbit = 1_000_000 / 8 * 300  # one Mbit/s sustained over five minutes
        daily = [1 + amplitude * math.cos(2 * math.pi * (slot / SAMPLES_PER_DAY - peak / 24))
                 for slot in range(SAMPLES_PER_DAY)]
        rx_base = rx_mbit * bytes_per_mbit
        tx_base = tx_mbit * bytes_per_mbit
        random_ = rng.random
        rx: list[int] = []
        tx: list[int] = []
        spike_left = 0
        spike = 1.0
        for i in range(start, len(slots)):
            factor = daily[slots[i]] * (weekend_factor if weekend[i] else 1.0)
            if spike_left:
                spike_left -= 1
                rx_factor = factor * spike
            else:
                rx_factor = factor
                if random_() < 0.0004:  # a few times a month: a restore, a flood, a release day
                    spike_left = rng.randint(2, 30)
                    spike = 3 + random_() * 25
            rx.append(int(rx_base * rx_factor * (0.75 + 0.5 * random_())))
            tx.append(int(tx_base * factor * (0.75 + 0.5 * random_())))
        return rx, tx

    # all of it ---------------------------------------------------------------------------------------------

    def run(self) -> DemoReport:
        self.reference_data()
        for spec in (DEMO_CUSTOMER, OTHER_CUSTOMER):
            if spec.login in self.hashes:
                self.customer(spec)
        self.orders_and_servers([o for o in ORDERS if o.customer in self.customers])
        self.plan_invoices()
        self._backdate_demo_customer()
        self.session.flush()
        self.write_invoices()
        self.tickets()
        self.mailboxes()
        for spec in (DEMO_CUSTOMER, OTHER_CUSTOMER):
            if spec.login in self.customers:
                self.logins(spec)
        self.session.flush()
        self.audit_log()
        self.traffic()
        return self.report


# --- public API --------------------------------------------------------------------------------------------


def _customer_exists(portal: Portal, login: str) -> bool:
    with read_session(portal.engine) as session:
        return session.exec(select(Customer.id).where(Customer.login == login)).first() is not None


def _seed(portal: Portal, size: DemoSize, now: datetime) -> DemoReport | None:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(timezone.utc)
    if _customer_exists(portal, DEMO_LOGIN):
        return None
    started = time.perf_counter()
    # Argon2 is deliberately slow: hash once per customer, before the write lock is taken.
    hashes = {DEMO_LOGIN: hash_password(DEMO_PASSWORD)}
    if not _customer_exists(portal, OTHER_LOGIN):
        hashes[OTHER_LOGIN] = hash_password(OTHER_PASSWORD)
    with write_session(portal.engine) as session:
        if session.exec(select(Customer.id).where(Customer.login == DEMO_LOGIN)).first() is not None:
            return None  # seeded by someone else meanwhile
        report = _Seeder(portal, session, size, now, hashes).run()
    if is_sqlite(portal.engine):
        # The bulk load leaves a write-ahead log as large as the database; fold it back in.
        with portal.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    report.seconds = time.perf_counter() - started
    return report


def seed_demo(portal: Portal, size: DemoSize = DemoSize(), now: datetime = DEMO_NOW) -> None:
    """Write the demo data set; does nothing if the customer ``demo`` already exists."""
    _seed(portal, size, now)


def ensure_demo(portal: Portal, size: DemoSize = DemoSize(), now: datetime = DEMO_NOW) -> bool:
    """Seed the demo data if the database has no customers at all; True if it seeded."""
    with read_session(portal.engine) as session:
        if session.exec(select(func.count()).select_from(Customer)).one():
            return False
    return _seed(portal, size, now) is not None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="database URL (default: the portal's own database)")
    parser.add_argument("--secret-key-file", type=Path,
                        help="key that encrypts server passwords (default: beside the portal's data)")
    parser.add_argument("--invoices", type=int, default=None,
                        help="exactly this many invoices for the demo customer (default: ~3 years' worth)")
    parser.add_argument("--traffic-days", type=int, default=DemoSize.traffic_days,
                        help="days of 5-minute traffic samples per server (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DemoSize.seed, help="random seed (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.invoices is not None and args.invoices < 0:
        parser.error("--invoices must not be negative")
    if args.traffic_days < 0:
        parser.error("--traffic-days must not be negative")

    overrides: dict[str, Any] = {}
    if args.database:
        overrides["database_url"] = args.database
    if args.secret_key_file:
        overrides["secret_key_file"] = args.secret_key_file
    settings = dataclasses.replace(Settings(), **overrides)
    portal = open_portal(settings)
    try:
        report = _seed(portal, DemoSize(invoices=args.invoices, traffic_days=args.traffic_days,
                                        seed=args.seed), DEMO_NOW)
    finally:
        portal.dispose()
    if report is None:
        print(f"customer {DEMO_LOGIN!r} already exists in {settings.database_url}; nothing written")
        return 0
    print(f"demo data written to {settings.database_url} in {report.seconds:.1f} s "
          f"(now = {DEMO_NOW.isoformat()}, seed = {args.seed}):")
    for table, rows in report.counts.items():
        print(f"  {table:<20} {rows:>10,}")
    print(f"log in as {DEMO_LOGIN!r} / {DEMO_PASSWORD!r} (or {OTHER_LOGIN!r} / {OTHER_PASSWORD!r})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
