"""The synthetic older invoice history behind ``--invoices N`` (benchmark sizes), streamed.

A batch of history invoices is made with its lines, payments and ledger entries and written
straight through the driver before the next batch is made, so memory stays flat whatever N
is. Ids are reserved up front and written explicitly, so nothing is read back. Amounts and
lines are billing's own (``order_lines``, ``invoice_amounts``, computed once per order and
period), numbers come from billing's gapless sequence, and every invoice is paid with one
completed payment; those paid from the balance are booked in the ledger in payment order,
with top-ups so that it never goes below zero.

Time is whole seconds since the epoch here: a million invoices' worth of datetime objects
and their conversion would cost more than writing them.
"""

from __future__ import annotations

import bisect
import heapq
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlmodel import Session

from backend.demo.bulk import UtcStamps, checked_after_load, insert_tuples, reserve_ids
from backend.demo.catalogue import RENEWAL_LEAD, CustomerSpec
from backend.domain.billing import invoice_amounts, order_lines, take_invoice_numbers
from backend.domain.periods import add_months
from backend.models import BalanceEntry, Invoice, InvoiceLine, Payment

BATCH = 5_000  # invoices per batch: big enough for the driver, small enough to stay in cache
DAY = 86_400
TOP_UP_STEP = 50_000  # top-ups are whole multiples of 500.00

INVOICE_KEYS = ("id", "customer_id", "number", "order_id", "status", "currency", "net_minor", "tax_rate_bp",
                "tax_minor", "total_minor", "issued_at", "due_at", "period_start", "period_end",
                "payment_method_id", "paid_at", "deleted_at")
LINE_KEYS = ("invoice_id", "position", "description", "quantity", "unit_price_minor", "amount_minor")
PAYMENT_KEYS = ("id", "invoice_id", "customer_id", "payment_method_id", "amount_minor", "currency", "status",
                "reference", "provider_ref", "created_at", "completed_at")
LEDGER_KEYS = ("customer_id", "amount_minor", "currency", "reason", "payment_id", "at")


def epoch_seconds(moment: datetime) -> int:
    return int(moment.timestamp())


@dataclass(frozen=True)
class HistoryOrder:
    """What a history invoice needs of an order: billed as it was in its oldest natural period."""

    id: int
    tariff_name: str
    price_minor: int
    period_months: int
    items: tuple[Any, ...]  # billing's Billable: the add-ons it had then


@dataclass
class Ledger:
    """Where the customer's balance stands after the history: the natural part goes on from here."""

    running: int
    last_at: datetime


@dataclass(frozen=True)
class _Period:
    period_start: Any
    period_end: Any
    lines: tuple[tuple[int, str, int, int, int], ...]  # (position, description, quantity, unit, amount)
    net: int
    tax: int


class HistoryWriter:
    """Writes ``count`` paid invoices of one customer, evenly spaced before ``before``, oldest first."""

    def __init__(self, session: Session, *, customer_id: int, customer: CustomerSpec, tax_rate_bp: int,
                 orders: Sequence[HistoryOrder], methods: dict[str, int], due_days: int, seed: int) -> None:
        self.session = session
        self.connection = session.connection()
        self.customer_id = customer_id
        self.customer = customer
        self.rate = tax_rate_bp
        self.orders = orders
        self.methods = methods
        self.due = due_days * DAY
        self.rng = random.Random(f"{seed}:history")
        dialect = self.connection.dialect
        # Every timestamp written here is a UTCDateTime column, stored alike: one converter.
        self.stamp = UtcStamps(Invoice.__table__.c.issued_at, dialect).of
        self._periods: dict[tuple[int, int], _Period] = {}
        # The ledger as it goes: the balance, its last entry's time, and the balance payments
        # made but not booked yet as (paid_at, payment id, amount, invoice number).
        self._running = 0
        self._last_at = 0
        self._pending: list[tuple[int, int, int, str]] = []
        # How the customer pays, picked by one random() in [0, 1): the codes' cumulative shares.
        total = sum(weight for _, weight in customer.method_weights)
        self._method_codes = [code for code, _ in customer.method_weights]
        self._method_bounds = []
        share = 0
        for _, weight in customer.method_weights[:-1]:
            share += weight
            self._method_bounds.append(share / total)

    @staticmethod
    def spacing(count: int) -> int:
        """Seconds between history invoices: at most four days, down to a minute for huge counts."""
        return max(60, min(4 * DAY, 3650 * DAY // count))

    @classmethod
    def first_issued(cls, count: int, before: datetime) -> datetime:
        """When the oldest of ``count`` history invoices before ``before`` is issued (at the latest)."""
        return before - timedelta(seconds=cls.spacing(count) * count + 59)

    def write(self, count: int, before: datetime, opened: datetime) -> tuple[dict[str, int], Ledger]:
        """Write the history; the customer's account was ``opened`` before its first invoice.
        Returns the rows written per table and the ledger's state after them."""
        s = self.session
        before_s = epoch_seconds(before)
        step = self.spacing(count)
        first_invoice = reserve_ids(s, Invoice.__table__, count)
        first_payment = reserve_ids(s, Payment.__table__, count)
        counts = {"invoice": 0, "invoice_line": 0, "payment": 0, "balance_entry": 0}
        self._running, self._last_at, self._pending = 0, epoch_seconds(opened), []
        with checked_after_load(s, [Invoice.__table__, InvoiceLine.__table__, Payment.__table__,
                                    BalanceEntry.__table__]):
            self._write_batches(count, before_s, step, first_invoice, first_payment, counts)
        last_at = datetime.fromtimestamp(self._last_at, timezone.utc)
        return counts, Ledger(running=self._running, last_at=last_at)

    def _write_batches(self, count: int, before_s: int, step: int, first_invoice: int, first_payment: int,
                       counts: dict[str, int]) -> None:
        s = self.session
        lead = int(RENEWAL_LEAD.total_seconds())
        rng = self.rng
        random_ = rng.random
        stamp = self.stamp
        currency = self.customer.currency
        customer_id, rate, due, methods = self.customer_id, self.rate, self.due, self.methods
        codes, bounds = self._method_codes, self._method_bounds
        orders, order_count = self.orders, len(self.orders)
        periods, pending = self._periods, self._pending
        n = count
        while n > 0:
            size = min(BATCH, n)
            numbers = take_invoice_numbers(s, size)
            invoices: list[tuple] = []
            lines: list[tuple] = []
            payments: list[tuple] = []
            ledger: list[tuple] = []
            for number in numbers:
                invoice_id = first_invoice + count - n
                payment_id = first_payment + count - n
                order = orders[n % order_count]
                issued = before_s - step * n - int(random_() * 60)
                start_day = (issued + lead) // DAY
                period = periods.get((order.id, start_day)) or self._period(order, start_day)
                total = period.net + period.tax
                method = codes[bisect.bisect_right(bounds, random_())]
                # paid within nine days, before the natural invoices begin (their ledger follows)
                paid = min(issued + 60 * (3 + int(random_() * (60 * 24 * 9 - 2))), before_s)
                paid_at = stamp(paid)
                provider_ref = None
                if method == "card":
                    created = max(paid - 120 - int(random_() * 60), issued)
                    provider_ref = f"chk_{rng.getrandbits(96):024x}"
                elif method == "bank_transfer":
                    created = min(issued + 3600 * (1 + int(random_() * 30)), paid)
                else:
                    created = paid
                    heapq.heappush(pending, (paid, payment_id, total, number))
                method_id = methods[method]
                invoices.append((
                    invoice_id, customer_id, number, order.id, "paid", currency, period.net, rate,
                    period.tax, total, stamp(issued), stamp(issued + due), period.period_start,
                    period.period_end, method_id, paid_at, None,
                ))
                for position, description, quantity, unit, amount in period.lines:
                    lines.append((invoice_id, position, description, quantity, unit, amount))
                payments.append((
                    payment_id, invoice_id, customer_id, method_id, total, currency, "completed", number,
                    provider_ref, stamp(created), paid_at,
                ))
                # Balance payments in the order they were made: none made later can be paid before
                # this invoice was issued.
                if pending and pending[0][0] <= issued:
                    self._book(ledger, until=issued)
                n -= 1
            if n == 0:
                self._book(ledger, until=None)
            self._insert(Invoice, INVOICE_KEYS, invoices)
            self._insert(InvoiceLine, LINE_KEYS, lines)
            self._insert(Payment, PAYMENT_KEYS, payments)
            self._insert(BalanceEntry, LEDGER_KEYS, ledger)
            counts["invoice"] += len(invoices)
            counts["invoice_line"] += len(lines)
            counts["payment"] += len(payments)
            counts["balance_entry"] += len(ledger)

    def _insert(self, model: Any, keys: Sequence[str], rows: list[tuple]) -> None:
        if rows:
            insert_tuples(self.connection, model.__table__, keys, rows)

    def _period(self, order: HistoryOrder, start_day: int) -> _Period:
        """Dates, lines and amounts of an order's period starting on that day (cached: they repeat)."""
        key = (order.id, start_day)
        period = self._periods.get(key)
        if period is None:
            start = date.fromordinal(719_163 + start_day)
            end = add_months(start, order.period_months) - timedelta(days=1)
            begins = datetime(start.year, start.month, start.day, tzinfo=timezone.utc)
            ends = datetime(end.year, end.month, end.day, 23, 59, 59, tzinfo=timezone.utc)
            items = order_lines(order.tariff_name, order.price_minor, order.items, (begins, ends), first=False)
            net, tax = invoice_amounts(items, self.rate)
            period = self._periods[key] = _Period(
                period_start=self.stamp(epoch_seconds(begins)), period_end=self.stamp(epoch_seconds(ends)),
                lines=tuple((position, item.description, item.quantity, item.unit_price_minor,
                             item.quantity * item.unit_price_minor)
                            for position, item in enumerate(items, start=1)),
                net=net, tax=tax,
            )
        return period

    def _book(self, ledger: list[tuple], until: int | None) -> None:
        """Ledger entries for the balance payments made up to ``until`` (None: all of them)."""
        pending = self._pending
        stamp = self.stamp
        while pending and (until is None or pending[0][0] <= until):
            paid, payment_id, amount, number = heapq.heappop(pending)
            if self._running < amount:
                top_up = -(-(amount - self._running) // TOP_UP_STEP) * TOP_UP_STEP
                at = max(self._last_at, paid - DAY * (1 + int(self.rng.random() * 4)))
                ledger.append((self.customer_id, top_up, self.customer.currency,
                               f"Top-up by {self.customer.top_up_by}", None, stamp(at)))
                self._running += top_up
            ledger.append((self.customer_id, -amount, self.customer.currency, f"Payment of invoice {number}",
                           payment_id, stamp(paid)))
            self._running -= amount
            self._last_at = paid
