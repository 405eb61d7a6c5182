"""Creates the demo's rows: customers, orders and their items, servers, invoices and payments,
tickets, mailboxes, logins, audit log and traffic.

Everything is derived from ``DemoSize.seed`` (through private ``random.Random`` instances, one
per concern, so changing the amount of traffic does not change the invoices) and from the
``now`` argument; neither the global random module nor the real clock is used. Seeding the
same size and seed twice gives the same invoice numbers, amounts, dates and traffic; only
password hashes and Fernet ciphertexts differ, because they are salted by design.
"""

from __future__ import annotations

import bisect
import json
import math
import random
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from backend.db import is_sqlite, read_session, write_session
from backend.demo.bulk import TrafficWriter, bulk_insert, ids_since, max_id
from backend.demo.history import HistoryOrder, HistoryWriter, Ledger
from backend.demo.catalogue import (
    AUTHOR_CUSTOMER,
    AUTHOR_STAFF,
    CustomerSpec,
    DEMO_CUSTOMER,
    DEMO_LOGIN,
    DEMO_NOW,
    DEMO_PASSWORD,
    DEPRECATED_OS_IMAGES,
    ORDERS,
    OS_IMAGES,
    OTHER_CUSTOMER,
    OTHER_LOGIN,
    OTHER_PASSWORD,
    OrderSpec,
    PAYMENT_METHODS,
    RENEWAL_LEAD,
    RESERVED_IPS,
    SAMPLES_PER_DAY,
    SAMPLE_STEP,
    SEQUENCE_PREFIX,
    TARIFFS,
    TARIFF_BY_CODE,
    LONG_THREAD,
    TICKETS,
    TariffSpec,
    TicketSpec,
)
from backend.domain.billing import (
    DEFAULT_SEQUENCE,
    LineItem,
    invoice_amounts,
    issue_invoice,
    order_lines,
    tax_rate_bp_for,
)
from backend.domain.periods import add_months
from backend.domain.ticket_reads import CUSTOMER_READER, staff_reader
from backend.domain.tickets import TICKET_SEQUENCE
from backend.models import (
    AuditLog,
    BalanceEntry,
    Customer,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    LoginEvent,
    Mailbox,
    MailboxRoute,
    OrderItem,
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
)
from backend.portal import Portal
from backend.security import hash_password


# What a customer's password hash is until its Argon2 hash, made meanwhile, is set (before the
# commit): no password verifies against it.
HASH_PENDING = "!"
HOUR = timedelta(hours=1)
INTERVALS_PER_HOUR = HOUR // SAMPLE_STEP


@dataclass(frozen=True)
class DemoSize:
    # None: the natural ~3 years of monthly invoices for the demo customer's orders.
    # N: exactly N invoices for the demo customer; extra ones are older paid history.
    invoices: int | None = None
    traffic_days: int = 365  # days of traffic per server
    # The most recent days at five-minute resolution (the month's 95th percentile and the
    # day, week and month charts need them); older days as one sample per hour holding that
    # hour's bytes, which the yearly chart sums the same. A year of five-minute samples for
    # every server is about a million rows, which would make the first start take seconds more.
    five_minute_days: int = 35
    seed: int = 20261120


@dataclass
class DemoReport:
    """What a seeding run wrote (row counts per table) and how long it took."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, table: str, rows: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + rows


# --- small helpers ------------------------------------------------------------------------------


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


# --- the generator --------------------------------------------------------------------------------


@dataclass
class _Order:
    spec: OrderSpec
    customer: CustomerSpec
    tariff: TariffSpec
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

    customer: CustomerSpec
    order: _Order
    issued_at: datetime
    period_start: date
    period_end: date
    lines: list[LineItem]
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
                 password_hashes: dict[str, Future[str]]) -> None:
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
        self.rng_tickets = random.Random(f"{seed}:tickets")
        self.rng_logins = random.Random(f"{seed}:logins")
        self.methods: dict[str, int] = {}
        self.os_images: dict[str, int] = {}
        self.tariffs: dict[str, int] = {}
        self.customers: dict[str, int] = {}
        self.orders: list[_Order] = []
        self.invoices: list[_Invoice] = []
        # Synthetic older history (DemoSize.invoices beyond the natural ones): how many, issued
        # before when; written in a stream by HistoryWriter, never held here.
        self.history_count = 0
        self.history_before = now
        self.history_ledger: Ledger | None = None
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
                row = OsImage(code=code, name=name, family=family, deprecated=code in DEPRECATED_OS_IMAGES)
                s.add(row)
                s.flush()
                self.report.add("os_image", 1)
            self.os_images[code] = row.id
        for t in TARIFFS:
            row = s.exec(select(Tariff).where(Tariff.code == t.code)).first()
            if row is None:
                row = Tariff(code=t.code, name=t.name, kind=t.kind, cpu=t.cpu, ram_gb=t.ram_gb,
                             disk=t.disk, traffic_tb=t.traffic_tb, price_minor=t.price_minor,
                             bandwidth=t.port)
                s.add(row)
                s.flush()
                self.report.add("tariff", 1)
            self.tariffs[t.code] = row.id

    # customers --------------------------------------------------------------------------------------

    def customer(self, spec: CustomerSpec) -> None:
        created = self.now - timedelta(days=round(spec.years * 365.25), hours=3, minutes=17)
        row = Customer(
            login=spec.login, password_hash=HASH_PENDING, email=spec.email, name=spec.name,
            company=spec.company, address=spec.address, country=spec.country, vat_id=spec.vat_id,
            phone=spec.phone, profile_type="business", balance_minor=0, currency=spec.currency,
            language="en", auto_renew=False, created_at=created,
        )
        self.session.add(row)
        self.session.flush()
        self.customers[spec.login] = row.id
        self.report.add("customer", 1)

    # orders and servers ------------------------------------------------------------------------------

    def orders_and_servers(self, specs: Sequence[OrderSpec]) -> None:
        rng = self.rng_orders
        today = self.now.date()
        pool = {
            "dedicated": [f"203.0.113.{n}" for n in range(10, 251)],
            "vps": [f"192.0.2.{n}" for n in range(10, 251)],
            "extra": [f"198.51.100.{n}" for n in range(40, 251)],
        }
        for addresses in pool.values():
            addresses[:] = [a for a in addresses if a not in RESERVED_IPS]
            rng.shuffle(addresses)
        customers = {DEMO_LOGIN: DEMO_CUSTOMER, OTHER_LOGIN: OTHER_CUSTOMER}
        planned: list[_Order] = []
        for spec in specs:
            order = _Order(spec=spec, customer=customers[spec.customer], tariff=TARIFF_BY_CODE[spec.tariff])
            if spec.status == "new":
                created_day = today + timedelta(days=spec.renews_in_days)
                order.next_start = add_months(created_day, spec.period_months)
            else:
                order.next_start = today + timedelta(days=spec.renews_in_days)
                created_day = add_months(order.next_start, -spec.periods * spec.period_months)
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
            self.session.add_all(
                OrderItem(order_id=order.id, position=position, description=addon.description,
                          quantity=addon.quantity, unit_price_minor=addon.unit_price_minor,
                          recurring=addon.recurring)
                for position, addon in enumerate(spec.addons, start=1)
            )
            self.report.add("order_item", len(spec.addons))
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
        if dedicated and spec.ipkvm:
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

    @staticmethod
    def _lines(order: _Order, start: date, end: date, periods_left: int, *, first: bool) -> list[LineItem]:
        """Billing's own lines for the period, with the add-ons the order had by then."""
        items = [addon for addon in order.spec.addons if periods_left <= addon.since_periods]
        return order_lines(order.tariff.name, order.price_minor, items, (_at(start), _end_of(end)), first=first)

    def natural_invoices(self, order: _Order) -> list[_Invoice]:
        """Every invoice of an order from its creation up to ``now``."""
        rng = self.rng_invoices
        spec = order.spec
        months = spec.period_months
        # Period starts are counted back from the next renewal, so they keep its day of month
        # even where an earlier month was too short for it; index ``periods`` is the renewal.
        starts = [order.created_at.date()] + [
            add_months(order.next_start, -(spec.periods - k) * months) for k in range(1, spec.periods + 1)
        ]
        starts.append(add_months(order.next_start, months))
        invoices = []
        # A cancelled order ended with the period before ``next_start``: nothing renewed it.
        billed = spec.periods if spec.status == "cancelled" else spec.periods + 1
        for k in range(billed):
            start, end = starts[k], starts[k + 1] - timedelta(days=1)
            if k == 0:
                issued = order.created_at + timedelta(minutes=2, seconds=rng.randint(0, 59))
            else:
                issued = _at(start - RENEWAL_LEAD, 3, rng.randint(0, 59), rng.randint(0, 59))
            if issued > self.now:
                break
            invoices.append(
                _Invoice(customer=order.customer, order=order, issued_at=issued, period_start=start,
                         period_end=end, lines=self._lines(order, start, end, spec.periods - k, first=k == 0))
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
            # Unpaid: renewals for periods that have not started yet, new orders, and the current
            # period of an order suspended for not paying it.
            if invoice.order.spec.status == "new" or _at(invoice.period_start) > self.now:
                continue
            if invoice.order.spec.status == "suspended" and invoice.period_start == invoice.order.next_start:
                continue
            self._pay(invoice, rng)
        demo.extend(self._deleted_and_reissued(demo))
        demo.sort(key=lambda i: i.issued_at)
        if self.size.invoices is not None:
            wanted = self.size.invoices
            if wanted < len(demo):
                demo = demo[len(demo) - wanted :]  # keep the newest
            elif wanted > len(demo):
                self.history_count = wanted - len(demo)
                self.history_before = demo[0].issued_at if demo else self.now - timedelta(days=30)
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

    def write_invoices(self) -> None:
        """Every invoice in issue order, numbered from billing's gapless sequence: the synthetic
        history (the oldest) streamed in bulk, the rest one by one through ``billing.issue_invoice``."""
        s = self.session
        if s.get(InvoiceSequence, DEFAULT_SEQUENCE) is None:
            s.add(InvoiceSequence(name=DEFAULT_SEQUENCE, prefix=SEQUENCE_PREFIX, next_value=1))
            s.flush()
            self.report.add("invoice_sequence", 1)
        customers = {login: s.get(Customer, customer_id) for login, customer_id in self.customers.items()}
        if self.history_count:
            self._write_history(customers[DEMO_LOGIN])
        due_days = self.portal.settings.invoice_due_days
        issued = self.invoices
        for invoice in issued:
            row = issue_invoice(
                s, customer=customers[invoice.customer.login], order_id=invoice.order.id,
                currency=invoice.customer.currency, items=invoice.lines, issued_at=invoice.issued_at,
                due_days=due_days, period=(_at(invoice.period_start), _end_of(invoice.period_end)),
            )
            # What happened to it later: paid (and how), or deleted to be paid another way.
            row.status = invoice.status
            row.payment_method_id = self.methods[invoice.method] if invoice.method else None
            row.paid_at, row.deleted_at = invoice.paid_at, invoice.deleted_at
            invoice.number, invoice.id, invoice.total_minor = row.number, row.id, row.total_minor
        s.flush()
        self.report.add("invoice", len(issued))
        self.report.add("invoice_line", sum(len(i.lines) for i in issued))
        self._payments()

    def _write_history(self, customer: Customer) -> None:
        """Benchmark volumes, by billing's numbering and amounts but streamed through the driver."""
        provisioned = [o for o in self.orders if o.customer is DEMO_CUSTOMER and o.spec.status != "new"]
        orders = [
            # billed as in the order's oldest natural period: the add-ons it had then, recurring ones only
            HistoryOrder(id=o.id, tariff_name=o.tariff.name, price_minor=o.price_minor,
                         period_months=o.spec.period_months,
                         items=tuple(a for a in o.spec.addons if o.spec.periods <= a.since_periods))
            for o in provisioned
        ]
        writer = HistoryWriter(self.session, customer_id=customer.id, customer=DEMO_CUSTOMER,
                               tax_rate_bp=tax_rate_bp_for(customer), orders=orders, methods=self.methods,
                               due_days=self.portal.settings.invoice_due_days, seed=self.size.seed)
        counts, self.history_ledger = writer.write(self.history_count, self.history_before,
                                                   opened=customer.created_at)
        for table, rows in counts.items():
            self.report.add(table, rows)

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
        before = max_id(self.session, table)
        bulk_insert(self.session, table, rows)
        self.report.add("payment", len(rows))
        # Each paid invoice has exactly one completed payment (a deleted one only a failed one).
        ids = ids_since(self.session, table, before, "invoice_id")
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
            if spec is DEMO_CUSTOMER and self.history_ledger is not None:
                # the synthetic history's ledger came first: go on from where it ended
                running = self.history_ledger.running
                last_at = max(last_at, self.history_ledger.last_at)
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
                                    "currency": spec.currency,
                                    "reason": f"Top-up by {spec.top_up_by}", "at": at})
                    running += top_up
                entries.append({"customer_id": customer_id, "amount_minor": -amount, "payment_id": payment_id,
                                "currency": spec.currency,
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
                                "currency": spec.currency,
                                "reason": reason, "at": at})
                running += difference
            self.session.get(Customer, customer_id).balance_minor = running
        bulk_insert(self.session, BalanceEntry.__table__, entries)
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
            self._write_ticket(spec, order, fields, opened, number, rng)
        if DEMO_LOGIN in self.customers:
            # Its own generator, so the other tickets stay as they were before it existed.
            long_rng = random.Random(f"{self.size.seed}:long-thread")
            order = orders.get(LONG_THREAD.order)
            fields = {"hostname": order.spec.hostname if order else ""}
            number += long_rng.randint(3, 60)
            opened = self.now - timedelta(days=LONG_THREAD.days_ago, minutes=long_rng.randint(5, 90))
            self._write_ticket(LONG_THREAD, order, fields, opened, number, long_rng)
        sequence = self.session.get(InvoiceSequence, TICKET_SEQUENCE)
        if sequence is None:
            sequence = InvoiceSequence(name=TICKET_SEQUENCE, prefix="T-")
            self.session.add(sequence)
        sequence.next_value = max(sequence.next_value, number + 1)

    def _write_ticket(self, spec: TicketSpec, order: _Order | None, fields: dict[str, str], opened: datetime,
                      number: int, rng: random.Random) -> None:
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
        self.session.flush()
        self.report.add("ticket_message", len(messages))
        row.last_message_id = messages[-1].id
        row.change_seq = row.id  # as migration 0007 numbers existing tickets
        if spec.unread:
            # Read up to the customer's own last message: the staff reply after it is new.
            read = max(m.id for m in messages if m.author_kind == AUTHOR_CUSTOMER)
        else:
            read = messages[-1].id
        self.session.add(TicketReadState(ticket_id=row.id, reader=CUSTOMER_READER, last_read_message_id=read))
        self.report.add("ticket_read_state", 1)
        if spec.messages[-1][0] == AUTHOR_STAFF and not spec.unread:
            # The staff member who answered last has seen everything.
            self.session.add(TicketReadState(ticket_id=row.id, reader=staff_reader(spec.messages[-1][1]),
                                             last_read_message_id=messages[-1].id))
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
        routed = [
            ("buchhaltung@hoffmann-systemhaus.example", ("billing",), opened),
            ("ops@hoffmann-systemhaus.example", ("technical",), opened - timedelta(days=200)),
        ]
        for address, purposes, created_at in routed:
            mailbox = Mailbox(customer_id=customer_id, address=address, created_at=created_at)
            self.session.add(mailbox)
            self.session.flush()
            self.session.add_all(
                MailboxRoute(customer_id=customer_id, purpose=purpose, mailbox_id=mailbox.id) for purpose in purposes
            )
        self.report.add("mailbox", len(routed))

    def logins(self, spec: CustomerSpec) -> None:
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
        bulk_insert(self.session, LoginEvent.__table__, rows)
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
        bulk_insert(self.session, AuditLog.__table__, rows)
        self.report.add("audit_log", len(rows))

    def _backdate_demo_customer(self) -> None:
        """With a large DemoSize.invoices the history starts before the account was opened."""
        if self.history_count:
            first = HistoryWriter.first_issued(self.history_count, self.history_before)
        else:
            first = next((i.issued_at for i in self.invoices if i.customer is DEMO_CUSTOMER), None)
        if first is None:
            return
        customer = self.session.get(Customer, self.customers[DEMO_LOGIN])
        if first < customer.created_at:
            customer.created_at = first - timedelta(days=1)

    # traffic ---------------------------------------------------------------------------------------------

    def traffic(self) -> None:
        days = self.size.traffic_days
        if days <= 0:
            return
        # Samples cover [at, at + 5 min); the last one ends at ``now`` rounded down to 5 minutes.
        end = self.now.replace(second=0, microsecond=0)
        end -= timedelta(minutes=end.minute % 5)
        fine_first = end - timedelta(days=min(days, self.size.five_minute_days))
        hours: list[datetime] = []
        if days > self.size.five_minute_days:
            # Hourly rows cover whole hours, so the five-minute part starts on the hour.
            fine_first = fine_first.replace(minute=0)
            hour = (end - timedelta(days=days)).replace(minute=0)
            while hour < fine_first:
                hours.append(hour)
                hour += HOUR
        fine = [fine_first + SAMPLE_STEP * i for i in range((end - fine_first) // SAMPLE_STEP)]
        resolutions = [(stamps, intervals, TrafficWriter(self.session, stamps))
                       for stamps, intervals in ((hours, INTERVALS_PER_HOUR), (fine, 1)) if stamps]
        for order in self.orders:
            if order.spec.status in ("new", "cancelled"):
                continue  # not provisioned yet, or long gone: no traffic
            for stamps, intervals, writer in resolutions:
                start = bisect.bisect_left(stamps, order.created_at)  # nothing before the order existed
                rx, tx = self._server_traffic(order, stamps, start, intervals)
                self.report.add("traffic_sample", writer.write(order.server_id, start, rx, tx))

    def _server_traffic(self, order: _Order, stamps: list[datetime], start: int,
                        intervals: int) -> tuple[list[int], list[int]]:
        """(rx, tx) bytes per sample from ``start``, each holding ``intervals`` five-minute
        intervals: a daily wave, quieter weekends, noise, spikes."""
        rng = random.Random(f"{self.size.seed}:traffic:{order.spec.key}:{intervals}")
        rx_mbit, tx_mbit, peak, amplitude, weekend_factor = order.spec.traffic
        bytes_per_mbit = 1_000_000 / 8 * 300 * intervals  # one Mbit/s sustained over the sample
        daily = [1 + amplitude * math.cos(2 * math.pi * (slot / SAMPLES_PER_DAY - peak / 24))
                 for slot in range(SAMPLES_PER_DAY)]
        middle = intervals // 2  # an hour's shape is its middle five minutes'
        slots = [((t.hour * 60 + t.minute) // 5 + middle) % SAMPLES_PER_DAY for t in stamps]
        weekend = [t.weekday() >= 5 for t in stamps]
        rx_base = rx_mbit * bytes_per_mbit
        tx_base = tx_mbit * bytes_per_mbit
        # Noise of 12 five-minute samples partly cancels out in their hour.
        spread = 0.5 / math.sqrt(intervals)
        low = 1 - spread / 2
        spike_chance = 0.0004 * intervals  # a few times a month: a restore, a flood, a release day
        random_ = rng.random
        rx: list[int] = []
        tx: list[int] = []
        spike_left = 0
        spike = 1.0
        for i in range(start, len(stamps)):
            factor = daily[slots[i]] * (weekend_factor if weekend[i] else 1.0)
            if spike_left:
                spike_left -= 1
                rx_factor = factor * spike
            else:
                rx_factor = factor
                if random_() < spike_chance:
                    length = rng.randint(2, 30)  # five-minute intervals
                    spike_left = max(1, length // intervals)
                    spike = 1 + (2 + random_() * 25) * min(length, intervals) / intervals
            rx.append(int(rx_base * rx_factor * (low + spread * random_())))
            tx.append(int(tx_base * factor * (low + spread * random_())))
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
        for login, password_hash in self.hashes.items():
            self.session.get(Customer, self.customers[login]).password_hash = password_hash.result()
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
    # Argon2 is deliberately slow (half a second a hash) and releases the GIL: the customers'
    # hashes are made in threads while the rows are written.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="demo-password") as hasher:
        hashes = {DEMO_LOGIN: hasher.submit(hash_password, DEMO_PASSWORD)}
        if not _customer_exists(portal, OTHER_LOGIN):
            hashes[OTHER_LOGIN] = hasher.submit(hash_password, OTHER_PASSWORD)
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
