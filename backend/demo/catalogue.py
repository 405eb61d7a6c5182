"""The demo's fixed facts: the clock, tariffs, OS images, payment methods, the two customers,
their orders and add-ons, and the support tickets. Data only; generator.py turns it into rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

DEMO_NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
DEMO_LOGIN = "demo"
DEMO_PASSWORD = "demo"
OTHER_LOGIN = "acme"
OTHER_PASSWORD = "acme"

SEQUENCE_PREFIX = "NH-"
# Renewal invoices are issued this long before the period they bill starts.
RENEWAL_LEAD = timedelta(days=10)
SAMPLE_STEP = timedelta(minutes=5)
SAMPLES_PER_DAY = 288


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
    ("ubuntu-20.04", "Ubuntu 20.04 LTS", "linux"),
)
# Past their vendor's standard support: still installable, listed with a warning.
DEPRECATED_OS_IMAGES = frozenset({"ubuntu-20.04"})


@dataclass(frozen=True)
class TariffSpec:
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
    TariffSpec("ds-7950x", "DS-Ryzen 7950X", "dedicated", "AMD Ryzen 9 7950X, 16 cores / 32 threads",
            128, "2 x 1.92 TB NVMe SSD", 20, 10900, "1 Gbit/s"),
    TariffSpec("ds-9354p", "DS-EPYC 9354P", "dedicated", "AMD EPYC 9354P, 32 cores / 64 threads",
            256, "2 x 3.84 TB NVMe SSD", 20, 23900, "1 Gbit/s"),
    TariffSpec("ds-e2388g", "DS-Xeon E-2388G", "dedicated", "Intel Xeon E-2388G, 8 cores / 16 threads",
            64, "2 x 16 TB SATA HDD", 20, 7900, "1 Gbit/s"),
    TariffSpec("vps-s", "VPS S", "vps", "2 vCPU (AMD EPYC)", 4, "80 GB NVMe", 20, 549, "shared 1 Gbit/s"),
    TariffSpec("vps-m", "VPS M", "vps", "4 vCPU (AMD EPYC)", 8, "160 GB NVMe", 20, 1099, "shared 1 Gbit/s"),
    TariffSpec("vps-l", "VPS L", "vps", "8 vCPU (AMD EPYC)", 16, "320 GB NVMe", 20, 2199, "shared 1 Gbit/s"),
)
TARIFF_BY_CODE = {t.code: t for t in TARIFFS}

# --- the two customers ------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerSpec:
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
    balance_minor: int  # the ledger is built so that it ends exactly here
    years: float  # how long ago the account was opened
    method_weights: tuple[tuple[str, int], ...]  # how this customer usually pays
    login_ips: tuple[str, ...]
    clients: tuple[str, ...]
    logins: int
    top_up_by: str  # how the customer tops up the account balance


DEMO_CUSTOMER = CustomerSpec(
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
    balance_minor=25_000,
    years=3.05,
    method_weights=(("bank_transfer", 45), ("card", 30), ("balance", 25)),
    login_ips=("198.51.100.23", "198.51.100.23", "198.51.100.23", "203.0.113.201", "192.0.2.213"),
    clients=("hostui 0.1.0 (Linux; xterm-256color)", "hostui 0.1.0 (macOS; iTerm2)", "hostui-api/0.1 (curl)"),
    logins=40,
    top_up_by="bank transfer",
)

OTHER_CUSTOMER = CustomerSpec(
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
    balance_minor=10_000,
    years=0.5,
    method_weights=(("card", 80), ("bank_transfer", 20)),
    login_ips=("192.0.2.222", "192.0.2.222", "203.0.113.230"),
    clients=("hostui 0.1.0 (Linux; tmux-256color)",),
    logins=8,
    top_up_by="card",
)

# Addresses that must never be handed to a server (they are the customers' own offices).
RESERVED_IPS = frozenset(DEMO_CUSTOMER.login_ips + OTHER_CUSTOMER.login_ips)


@dataclass(frozen=True)
class AddonSpec:
    description: str
    unit_price_minor: int
    quantity: int
    since_periods: int  # billed on the last N periods (a large number: from the start)
    extra_ipv4: bool = False
    recurring: bool = True  # billed every period, like the server (an OrderItem's flag)


@dataclass(frozen=True)
class OrderSpec:
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
    # new | active | suspended (non-payment: its current period's invoice is overdue) | blocked
    # (by the provider) | cancelled (its last period has ended; no renewal invoice)
    status: str = "active"
    power_state: str = "on"  # on | off | blocked (running, off the network)
    ipkvm: bool = True  # dedicated servers only: whether this one has an IP-KVM
    price_minor: int | None = None  # per billing period; the tariff's monthly price if None
    addons: tuple[AddonSpec, ...] = ()
    traffic: tuple[float, float, float, float, float] = (2.0, 2.0, 14.0, 0.5, 1.0)
    # traffic: (rx Mbit/s, tx Mbit/s, peak hour UTC, daily amplitude 0..1, weekend factor)


IPV4_ADDON = "Additional IPv4 address"

ORDERS = (
    OrderSpec("web01", DEMO_LOGIN, "ds-7950x", "web01.hoffmann-systemhaus.example", "debian-12",
               "FSN1-DC14", periods=36, renews_in_days=4,
               addons=(AddonSpec("Backup space 500 GB", 490, 1, since_periods=20),),
               traffic=(4.0, 38.0, 19.0, 0.6, 0.8)),
    OrderSpec("db01", DEMO_LOGIN, "ds-9354p", "db01.hoffmann-systemhaus.example", "debian-12",
               "FSN1-DC14", periods=35, renews_in_days=19, traffic=(11.0, 8.0, 13.0, 0.4, 0.7)),
    OrderSpec("backup01", DEMO_LOGIN, "ds-e2388g", "backup01.hoffmann-systemhaus.example", "freebsd-14",
               "NBG1-DC3", periods=36, renews_in_days=24, ipkvm=False, traffic=(55.0, 1.5, 2.0, 0.9, 1.0)),
    OrderSpec("mail", DEMO_LOGIN, "vps-l", "mail.hoffmann-systemhaus.example", "ubuntu-24.04",
               "FSN1-DC14", periods=32, renews_in_days=2,
               addons=(AddonSpec(IPV4_ADDON, 170, 1, since_periods=999, extra_ipv4=True),),
               traffic=(1.6, 1.1, 9.0, 0.5, 0.4)),
    OrderSpec("monitoring", DEMO_LOGIN, "vps-m", "monitoring.hoffmann-systemhaus.example", "ubuntu-22.04",
               "HEL1-DC2", periods=3, renews_in_days=78, period_months=12, price_minor=11_869,
               traffic=(0.6, 0.3, 12.0, 0.1, 1.0)),
    OrderSpec("vpn", DEMO_LOGIN, "vps-s", "vpn.hoffmann-systemhaus.example", "debian-13",
               "FSN1-DC14", periods=19, renews_in_days=7, traffic=(3.0, 2.5, 10.0, 0.7, 0.3)),
    OrderSpec("ci", DEMO_LOGIN, "ds-7950x", "ci-runner.hoffmann-systemhaus.example", "ubuntu-24.04",
               "NBG1-DC3", periods=14, renews_in_days=8, power_state="off",
               addons=(AddonSpec(IPV4_ADDON, 170, 2, since_periods=6, extra_ipv4=True),),
               traffic=(24.0, 5.0, 13.0, 0.8, 0.2)),
    OrderSpec("staging", DEMO_LOGIN, "vps-m", "staging.hoffmann-systemhaus.example", "almalinux-9",
               "FSN1-DC14", periods=1, renews_in_days=-2, status="new", power_state="off"),
    OrderSpec("shop", DEMO_LOGIN, "vps-m", "shop.hoffmann-systemhaus.example", "debian-12",
               "NBG1-DC3", periods=9, renews_in_days=-12, status="suspended", power_state="off",
               traffic=(1.2, 3.5, 20.0, 0.6, 1.2)),
    OrderSpec("lab", DEMO_LOGIN, "ds-e2388g", "lab.hoffmann-systemhaus.example", "debian-13",
               "HEL1-DC2", periods=6, renews_in_days=12, status="blocked", power_state="blocked",
               traffic=(0.4, 9.0, 3.0, 0.2, 1.0)),
    OrderSpec("legacy", DEMO_LOGIN, "vps-s", "legacy.hoffmann-systemhaus.example", "ubuntu-20.04",
               "FSN1-DC14", periods=12, renews_in_days=-75, status="cancelled", power_state="off"),
    OrderSpec("acme-web", OTHER_LOGIN, "vps-l", "web.acme-cloudlabs.example", "rocky-9",
               "HEL1-DC2", periods=5, renews_in_days=5, price_minor=2399,
               traffic=(3.0, 20.0, 17.0, 0.6, 0.7)),
    OrderSpec("acme-build", OTHER_LOGIN, "ds-e2388g", "build.acme-cloudlabs.example", "windows-2022",
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
class TicketSpec:
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


AUTHOR_CUSTOMER = "customer"
AUTHOR_STAFF = "staff"

TICKETS = (
    TicketSpec(
        DEMO_LOGIN, "web01", "technical", "high", "open",
        "SMART warnings on second NVMe of {hostname}", 3.2,
        (
            (AUTHOR_CUSTOMER, "", 0, "Hello,\n\nsince last night smartd on {hostname} ({ip}) reports errors on "
             "/dev/nvme1n1:\n\n  Critical Warning: 0x04\n  Percentage Used: 97%\n  Media and Data "
             "Integrity Errors: 14\n\nThe RAID 1 is still clean. Can you replace the drive? We can "
             "accept a short downtime tonight after 22:00 CET.\n\nBest regards\nJana Hoffmann"),
            (AUTHOR_STAFF, _STAFF_LUKAS, 0.6, "Hello Ms Hoffmann,\n\nthank you for the SMART output; the drive "
             "is clearly worn out. Please send us the serial number of the failing drive "
             "(smartctl -i /dev/nvme1n1) and confirm the time window, then our datacenter team "
             "schedules the swap.\n\nKind regards\nLukas"),
            (AUTHOR_CUSTOMER, "", 1.4, "Serial number: S64ANS0T512345. 22:00 CET tonight is fine, please go ahead."),
            (AUTHOR_STAFF, _STAFF_JONAS, 14.5, "The drive was replaced at 22:14 CET and the server is back "
             "online. Please add the new drive to the array again, for example:\n\n  sgdisk -R "
             "/dev/nvme1n1 /dev/nvme0n1\n  sgdisk -G /dev/nvme1n1\n  mdadm --manage /dev/md0 --add "
             "/dev/nvme1n1p2\n\nand watch the resync in /proc/mdstat.\n\nJonas, {datacenter}"),
        ),
        unread=True,
    ),
    TicketSpec(
        DEMO_LOGIN, "mail", "technical", "normal", "closed",
        "Reverse DNS for {ip}", 410,
        (
            (AUTHOR_CUSTOMER, "", 0, "Hi, please set the PTR record of {ip} to {hostname}. Some receivers reject "
             "our mail because the rDNS still points to the generic static name."),
            (AUTHOR_STAFF, _STAFF_MIRA, 2.5, "Hello,\n\nyou can change reverse DNS yourself under Servers -> "
             "IP addresses; we have set it for you this time:\n\n  {ip} -> {hostname}\n  {ipv6} -> "
             "{hostname}\n\nThe change may take up to an hour to be visible everywhere.\n\nMira"),
            (AUTHOR_CUSTOMER, "", 5, "Thanks, dig -x {ip} shows the new name now."),
        ),
    ),
    TicketSpec(
        DEMO_LOGIN, "db01", "finance", "normal", "closed",
        "Two invoices for the same period of db01", 0,  # dated after the deleted invoice
        (
            (AUTHOR_CUSTOMER, "", 0, "Hello,\n\nwe received invoice {deleted_invoice} and later "
             "{replacement_invoice}, both for db01 and the same month. Which one should we pay?"),
            (AUTHOR_STAFF, _STAFF_TOBIAS, 3, "Hello Ms Hoffmann,\n\n{deleted_invoice} was deleted when your "
             "colleague switched the payment method from bank transfer to card, and the renewal "
             "was issued again as {replacement_invoice}. Only {replacement_invoice} is payable; it "
             "has already been paid. You can find deleted invoices in Invoices under the "
             "\"Deleted\" filter.\n\nBest regards\nTobias"),
            (AUTHOR_CUSTOMER, "", 20, "Understood, thank you."),
        ),
    ),
    TicketSpec(
        DEMO_LOGIN, "db01", "technical", "high", "closed",
        "{ip} unreachable - null route?", 156,
        (
            (AUTHOR_CUSTOMER, "", 0, "Our database server {hostname} ({ip}) has been unreachable from outside "
             "for ten minutes; the KVM console shows the machine is fine. Is the IP blocked?"),
            (AUTHOR_STAFF, _STAFF_AYLIN, 0.3, "Hello,\n\nyes: at 14:02 UTC our DDoS mitigation saw about "
             "38 Gbit/s of UDP reflection traffic (source port 11211, memcached) towards {ip}, more "
             "than the filters could absorb, so the address was null-routed for 30 minutes. The "
             "null route has been lifted at 14:32 UTC and the attack is over.\n\nAylin, Network "
             "Operations"),
            (AUTHOR_CUSTOMER, "", 1.1, "Thanks. Can we avoid a null route next time? The database only needs "
             "TCP 5432 from our office and the web servers."),
            (AUTHOR_STAFF, _STAFF_AYLIN, 2.4, "We have enabled the stricter filter profile for {ip}: UDP "
             "is dropped upstream except DNS replies and NTP, so reflection attacks no longer reach "
             "the port. Please also restrict 5432 in your host firewall.\n\nAylin"),
            (AUTHOR_CUSTOMER, "", 3.0, "Perfect, thank you for the quick help."),
        ),
    ),
    TicketSpec(
        DEMO_LOGIN, "ci", "technical", "normal", "open",
        "IP-KVM console of {hostname} does not load", 1.1,
        (
            (AUTHOR_CUSTOMER, "", 0, "The IP-KVM session for {hostname} opens, but the HTML5 console stays black "
             "with 'connecting...'. Tried Firefox and Chromium."),
            (AUTHOR_STAFF, _STAFF_LUKAS, 2.2, "Hello,\n\nthe BMC of this server had hung; we have reset it. "
             "Please request a new KVM session in the portal (the old link is invalid now) and "
             "try again. The KVM user and password are shown under Servers -> IP-KVM.\n\nLukas"),
        ),
        unread=True,
    ),
    TicketSpec(
        DEMO_LOGIN, "vpn", "finance", "normal", "open",
        "Annual billing for {hostname}?", 9,
        (
            (AUTHOR_CUSTOMER, "", 0, "Hello, can we switch {hostname} to annual billing like the monitoring "
             "VPS? The small monthly invoices create a lot of bookkeeping for us."),
            (AUTHOR_STAFF, _STAFF_TOBIAS, 26, "Hello Ms Hoffmann,\n\nyes, annual billing is possible with a "
             "10 % discount. We will switch the order at its next renewal, so the current monthly "
             "invoice stays as it is. Please confirm and we will do the rest.\n\nTobias"),
        ),
    ),
    TicketSpec(
        DEMO_LOGIN, "vpn", "technical", "normal", "closed",
        "Reinstall with Debian 13 fails", 230,
        (
            (AUTHOR_CUSTOMER, "", 0, "I requested a reinstall of {hostname} with Debian 13 twice; both times the "
             "installer stops with 'Release file is not valid yet'."),
            (AUTHOR_STAFF, _STAFF_MIRA, 4, "Hello,\n\none of our install mirrors had a wrong system clock "
             "after maintenance, so the Release file looked like it came from the future. The "
             "mirror is fixed; please request the reinstall once more.\n\nMira"),
            (AUTHOR_CUSTOMER, "", 6, "Worked this time, thank you."),
        ),
    ),
    TicketSpec(
        DEMO_LOGIN, None, "finance", "high", "closed",
        "Card payment declined, amount still reserved", 300,
        (
            (AUTHOR_CUSTOMER, "", 0, "Our card payment for an invoice was declined, but our bank shows the "
             "amount as reserved. Please do not charge it twice."),
            (AUTHOR_STAFF, _STAFF_TOBIAS, 5, "Hello,\n\nthe declined attempt was never captured; what you "
             "see is an authorization hold that your bank releases within 5 to 7 business days. "
             "The invoice is still unpaid and can be paid by card again or by bank transfer.\n\n"
             "Best regards\nTobias"),
            (AUTHOR_CUSTOMER, "", 30, "The hold is gone now. Thanks for the explanation."),
        ),
    ),
    TicketSpec(
        DEMO_LOGIN, "ci", "technical", "normal", "closed",
        "Two additional IPv4 addresses for {hostname}", 190,
        (
            (AUTHOR_CUSTOMER, "", 0, "We need two more IPv4 addresses on {hostname} for separate runner "
             "networks. Justification: isolated build VMs with their own public address."),
            (AUTHOR_STAFF, _STAFF_LUKAS, 6, "Hello,\n\nwe have routed {extra_ips} to {hostname}. Configure "
             "them as /32 with the server's main gateway {gateway}. They are billed as add-ons on "
             "the order from the next renewal.\n\nLukas"),
        ),
    ),
    TicketSpec(
        DEMO_LOGIN, "web01", "technical", "normal", "open",
        "Packet loss to {datacenter} in the evenings", 0.4,
        (
            (AUTHOR_CUSTOMER, "", 0, "Between 19:00 and 22:00 we see 3-5 % packet loss from Deutsche Telekom "
             "lines to {hostname} ({ip}). mtr from our office:\n\n  4. 62.154.x.x   0.0%\n  7. "
             "core-fra.nordlicht.example  4.1%\n  8. {ip}  4.3%\n\nDuring the day it is clean."),
        ),
    ),
    TicketSpec(
        DEMO_LOGIN, None, "finance", "normal", "closed",
        "Invoices to our accounting mailbox", 520,
        (
            (AUTHOR_CUSTOMER, "", 0, "Please send invoices to buchhaltung@hoffmann-systemhaus.example instead "
             "of my personal address."),
            (AUTHOR_STAFF, _STAFF_TOBIAS, 3, "Hello Ms Hoffmann,\n\nwe have added "
             "buchhaltung@hoffmann-systemhaus.example as your billing mailbox. You can manage "
             "alternative mailboxes yourself under Account -> Mailboxes.\n\nTobias"),
        ),
    ),
    TicketSpec(
        DEMO_LOGIN, "backup01", "technical", "normal", "closed",
        "Two more HDDs for {hostname}?", 640,
        (
            (AUTHOR_CUSTOMER, "", 0, "Could you add two more 16 TB drives to {hostname}, and what would it cost?"),
            (AUTHOR_STAFF, _STAFF_MIRA, 5, "Hello,\n\nthe chassis of this model takes exactly two drives. "
             "For four drives we can offer a migration to a 4-bay system for 119.00 EUR per month "
             "(net); we would install it in parallel so you can copy the ZFS pool with zfs send."
             "\n\nMira"),
            (AUTHOR_CUSTOMER, "", 50, "Thanks, we will stay with the current server for now."),
        ),
    ),
    TicketSpec(
        OTHER_LOGIN, "acme-build", "technical", "normal", "open",
        "Windows activation on {hostname}", 2,
        (
            (AUTHOR_CUSTOMER, "", 0, "{hostname} says Windows is not activated. Is the license included?"),
            (AUTHOR_STAFF, _STAFF_LUKAS, 3, "Hello Sam,\n\nthe license is included. The server could not "
             "reach our KMS host after the reinstall; we have fixed the route. Please run "
             "slmgr /ato as Administrator.\n\nLukas"),
        ),
        unread=True,
    ),
    TicketSpec(
        OTHER_LOGIN, None, "finance", "normal", "closed",
        "W-9 / tax form", 60,
        (
            (AUTHOR_CUSTOMER, "", 0, "Our accounts payable team asks for a tax form for your company."),
            (AUTHOR_STAFF, _STAFF_TOBIAS, 20, "Hello Sam,\n\nwe are a German company, so instead of a W-9 "
             "we send a W-8BEN-E; it is attached to the copy of this reply sent to your e-mail "
             "address.\n\nTobias"),
        ),
    ),
)


# One long thread (200 messages), for opening and scrolling a big ticket without lag: a web
# server's intermittent 502s worked through over a month, customer and staff taking turns.
LONG_THREAD_MESSAGES = 200
LONG_THREAD_SUBJECT = "Intermittent 502 errors behind the load balancer of {hostname}"
_LONG_THREAD_STEPS = (
    "the 502s came back at {clock}; the upstream log shows 'upstream prematurely closed connection'",
    "keepalive_timeout on the balancer is 75 s now, as you suggested; errors at {clock} again",
    "we see resets on the switch port of {hostname} around {clock}; could you run mtr during the next burst?",
    "mtr attached from {clock}: no loss on the path, only the last hop shows 0.3 %",
    "the NIC firmware of {hostname} is older than the fix for dropped TSO frames; please update it",
    "firmware updated and rebooted at {clock}; watching the error rate",
    "the error rate is down to 0.02 % since {clock}, but not zero",
    "our monitoring shows the remaining errors line up with the backup window at {clock}",
)


def long_thread_messages() -> tuple[tuple[str, str, float, str], ...]:
    """The long thread's messages, made from the steps above in turn (deterministic)."""
    messages = []
    for n in range(LONG_THREAD_MESSAGES):
        kind = AUTHOR_CUSTOMER if n % 2 == 0 else AUTHOR_STAFF
        name = "" if kind == AUTHOR_CUSTOMER else (_STAFF_LUKAS, _STAFF_AYLIN, _STAFF_JONAS)[n // 2 % 3]
        clock = f"{(n * 7) % 24:02d}:{(n * 13) % 60:02d} UTC"
        step = _LONG_THREAD_STEPS[n % len(_LONG_THREAD_STEPS)].format(hostname="{hostname}", clock=clock)
        ending = "" if step.endswith(("?", ".")) else "."  # a question keeps its own mark
        body = f"Update {n + 1}: {step}{ending}\n\nDetails as before; the next check follows."
        messages.append((kind, name, n * 3.5, body))
    return tuple(messages)


LONG_THREAD = TicketSpec(
    DEMO_LOGIN, "web01", "technical", "normal", "open", LONG_THREAD_SUBJECT, 30, long_thread_messages(),
)

