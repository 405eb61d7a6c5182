"""The demo data generator: deterministic, internally consistent, fast enough to benchmark with."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select

from backend import demo
from backend.demo import history
from backend.db import read_session, write_session
from backend.demo import DEMO_LOGIN, DEMO_NOW, DEMO_PASSWORD, OTHER_LOGIN, DemoSize, ensure_demo, seed_demo
from backend.models import (
    BalanceEntry,
    Customer,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    Payment,
    PaymentMethod,
    Server,
    ServerIp,
    ServiceOrder,
    Ticket,
    TicketMessage,
    TicketReadState,
    TrafficSample,
)
from backend.money import tax_minor
from backend.portal import open_portal
from backend.security import verify_password
from backend.settings import Settings

SMALL = DemoSize(traffic_days=1)


def _portal(path):
    path.mkdir(parents=True, exist_ok=True)
    return open_portal(
        Settings(database_url=f"sqlite:///{path / 'p.sqlite3'}", secret_key_file=path / "key")
    )


@pytest.fixture
def portal(tmp_path):
    portal = _portal(tmp_path / "one")
    yield portal
    portal.dispose()


@pytest.fixture
def seeded(portal):
    seed_demo(portal, SMALL)
    return portal


def _customer_id(session, login: str) -> int:
    return session.exec(select(Customer.id).where(Customer.login == login)).one()


def _fingerprint(portal) -> dict:
    """Everything that must not change between two runs with the same seed."""
    with read_session(portal.engine) as s:
        invoices = s.exec(
            select(Invoice.number, Invoice.status, Invoice.total_minor, Invoice.issued_at, Invoice.paid_at)
            .order_by(Invoice.number)
        ).all()
        traffic = s.exec(
            select(TrafficSample.server_id, TrafficSample.at, TrafficSample.rx_bytes, TrafficSample.tx_bytes)
            .order_by(TrafficSample.server_id, TrafficSample.at)
        ).all()
        servers = s.exec(select(Server.hostname, Server.primary_ip, Server.mac).order_by(Server.id)).all()
        tickets = s.exec(select(Ticket.number, Ticket.subject, Ticket.updated_at).order_by(Ticket.id)).all()
        orders = s.exec(select(ServiceOrder.number, ServiceOrder.period_end).order_by(ServiceOrder.id)).all()
        ledger = s.exec(select(BalanceEntry.amount_minor, BalanceEntry.at).order_by(BalanceEntry.id)).all()
    return {"invoices": invoices, "traffic": traffic, "servers": servers, "tickets": tickets,
            "orders": orders, "ledger": ledger}


def test_same_seed_gives_the_same_data(tmp_path):
    first, second = _portal(tmp_path / "a"), _portal(tmp_path / "b")
    try:
        seed_demo(first, DemoSize(traffic_days=2))
        seed_demo(second, DemoSize(traffic_days=2))
        one, two = _fingerprint(first), _fingerprint(second)
        assert one["traffic"] and one["invoices"]
        assert one == two
    finally:
        first.dispose()
        second.dispose()


def test_another_seed_gives_other_data(tmp_path):
    first, second = _portal(tmp_path / "a"), _portal(tmp_path / "b")
    try:
        seed_demo(first, SMALL)
        seed_demo(second, DemoSize(traffic_days=1, seed=7))
        assert _fingerprint(first)["traffic"] != _fingerprint(second)["traffic"]
    finally:
        first.dispose()
        second.dispose()


def test_seeding_twice_changes_nothing(seeded):
    before = _fingerprint(seeded)
    seed_demo(seeded, SMALL)
    assert _fingerprint(seeded) == before
    assert ensure_demo(seeded, SMALL) is False


def test_ensure_demo_seeds_an_empty_database_only(portal):
    assert ensure_demo(portal, SMALL) is True
    assert ensure_demo(portal, SMALL) is False
    with read_session(portal.engine) as s:
        assert s.exec(select(func.count()).select_from(Customer)).one() == 2


def test_reference_data(seeded):
    with read_session(seeded.engine) as s:
        methods = {m.code: m.name for m in s.exec(select(PaymentMethod))}
        sequence = s.get(InvoiceSequence, "default")
    assert methods == {"balance": "Account balance", "bank_transfer": "Bank transfer", "card": "Card"}
    assert sequence.prefix == "NH-"


def test_invoice_numbers_are_gapless_unique_and_in_issue_order(seeded):
    with read_session(seeded.engine) as s:
        rows = s.exec(select(Invoice.number, Invoice.issued_at, Invoice.customer_id).order_by(Invoice.id)).all()
        sequence = s.get(InvoiceSequence, "default")
        customers = {_customer_id(s, DEMO_LOGIN), _customer_id(s, OTHER_LOGIN)}
    numbers = [number for number, _, _ in rows]
    assert len(set(numbers)) == len(numbers)
    values = sorted(int(number.removeprefix("NH-")) for number in numbers)
    assert values == list(range(1, len(values) + 1))
    assert sequence.next_value == len(values) + 1
    by_number = sorted(rows, key=lambda r: r[0])
    issued = [issued_at for _, issued_at, _ in by_number]
    assert issued == sorted(issued)
    assert {customer for _, _, customer in rows} == customers  # one sequence for both customers


def test_invoice_amounts_add_up(seeded):
    with read_session(seeded.engine) as s:
        invoices = s.exec(select(Invoice)).all()
        line_sums = dict(
            s.exec(select(InvoiceLine.invoice_id, func.sum(InvoiceLine.amount_minor)).group_by(InvoiceLine.invoice_id)).all()
        )
        lines = s.exec(select(InvoiceLine)).all()
    for line in lines:
        assert line.amount_minor == line.quantity * line.unit_price_minor
    for invoice in invoices:
        assert invoice.net_minor == line_sums[invoice.id]
        assert invoice.tax_minor == tax_minor(invoice.net_minor, Decimal(invoice.tax_rate_bp) / 100)
        assert invoice.total_minor == invoice.net_minor + invoice.tax_minor
        assert invoice.due_at == invoice.issued_at + timedelta(days=14)
        assert invoice.period_start <= invoice.period_end


def test_invoice_states_are_consistent(seeded):
    with read_session(seeded.engine) as s:
        demo_id = _customer_id(s, DEMO_LOGIN)
        other_id = _customer_id(s, OTHER_LOGIN)
        invoices = s.exec(select(Invoice)).all()
        payments = s.exec(select(Payment)).all()
    by_invoice: dict[int, list[Payment]] = {}
    for payment in payments:
        by_invoice.setdefault(payment.invoice_id, []).append(payment)
    statuses = Counter((i.customer_id, i.status) for i in invoices)
    assert 100 <= sum(n for (c, _), n in statuses.items() if c == demo_id) <= 400
    assert 4 <= statuses[demo_id, "unpaid"] <= 6
    assert 2 <= statuses[demo_id, "deleted"] <= 3
    assert statuses[other_id, "unpaid"] >= 1 and statuses[other_id, "paid"] >= 1
    for invoice in invoices:
        assert invoice.issued_at <= DEMO_NOW
        if invoice.status == "paid":
            assert invoice.paid_at is not None and invoice.payment_method_id is not None
            (payment,) = by_invoice[invoice.id]
            assert payment.status == "completed"
            assert payment.reference == invoice.number
            assert payment.amount_minor == invoice.total_minor
            assert payment.customer_id == invoice.customer_id
            assert invoice.issued_at <= invoice.paid_at <= DEMO_NOW
        elif invoice.status == "unpaid":
            assert invoice.paid_at is None and invoice.payment_method_id is None
            assert invoice.id not in by_invoice
            assert invoice.issued_at > DEMO_NOW - timedelta(days=60)
        else:
            assert invoice.deleted_at is not None and invoice.paid_at is None
            assert all(p.status == "failed" for p in by_invoice.get(invoice.id, []))


def test_balance_is_the_sum_of_the_ledger(seeded):
    with read_session(seeded.engine) as s:
        customers = s.exec(select(Customer)).all()
        for customer in customers:
            entries = s.exec(
                select(BalanceEntry).where(BalanceEntry.customer_id == customer.id).order_by(BalanceEntry.at)
            ).all()
            assert entries
            assert customer.balance_minor == sum(e.amount_minor for e in entries)
            running = 0
            for entry in entries:  # never overdrawn along the way
                running += entry.amount_minor
                assert running >= 0
            for entry in entries:
                if entry.payment_id is not None:
                    payment = s.get(Payment, entry.payment_id)
                    assert payment.customer_id == customer.id
                    assert entry.amount_minor == -payment.amount_minor
    demo_customer = next(c for c in customers if c.login == DEMO_LOGIN)
    assert demo_customer.balance_minor == 25_000 and demo_customer.currency == "EUR"


def test_fewer_invoices_than_natural(portal):
    seed_demo(portal, DemoSize(invoices=10, traffic_days=0))
    with read_session(portal.engine) as s:
        demo_id = _customer_id(s, DEMO_LOGIN)
        count = s.exec(select(func.count()).select_from(Invoice).where(Invoice.customer_id == demo_id)).one()
        customer = s.get(Customer, demo_id)
        ledger = s.exec(select(func.sum(BalanceEntry.amount_minor)).where(BalanceEntry.customer_id == demo_id)).one()
    assert count == 10
    assert customer.balance_minor == ledger


def test_server_passwords_are_encrypted(seeded):
    with read_session(seeded.engine) as s:
        servers = s.exec(select(Server)).all()
    passwords = set()
    for server in servers:
        plaintext = seeded.secrets.decrypt(server.password_encrypted)
        assert len(plaintext) >= 12
        assert plaintext.encode() not in server.password_encrypted
        passwords.add(plaintext)
        if server.ipkvm_url is not None:
            kvm = seeded.secrets.decrypt(server.ipkvm_password_encrypted)
            assert kvm.encode() not in server.ipkvm_password_encrypted
            assert server.ipkvm_url.startswith("https://kvm.nordlicht.example/session/")
    assert len(passwords) == len(servers)


def test_customers_share_nothing(seeded):
    with read_session(seeded.engine) as s:
        demo_id, other_id = _customer_id(s, DEMO_LOGIN), _customer_id(s, OTHER_LOGIN)
        orders = {
            cid: set(s.exec(select(ServiceOrder.id).where(ServiceOrder.customer_id == cid)).all())
            for cid in (demo_id, other_id)
        }
        assert orders[demo_id] and orders[other_id]
        assert not orders[demo_id] & orders[other_id]
        for invoice in s.exec(select(Invoice)):
            assert invoice.order_id in orders[invoice.customer_id]
        for ticket in s.exec(select(Ticket)):
            assert ticket.order_id is None or ticket.order_id in orders[ticket.customer_id]
        for payment in s.exec(select(Payment)):
            assert s.get(Invoice, payment.invoice_id).customer_id == payment.customer_id
        other = s.get(Customer, other_id)
        assert other.currency == "USD"
        assert {i.currency for i in s.exec(select(Invoice).where(Invoice.customer_id == other_id))} == {"USD"}


def test_orders_servers_and_addresses(seeded):
    with read_session(seeded.engine) as s:
        demo_id = _customer_id(s, DEMO_LOGIN)
        orders = s.exec(select(ServiceOrder).where(ServiceOrder.customer_id == demo_id)).all()
        servers = {srv.order_id: srv for srv in s.exec(select(Server))}
        ips = s.exec(select(ServerIp)).all()
    statuses = Counter(o.status for o in orders)
    assert statuses["new"] == 1 and statuses["active"] >= 6
    assert any(o.billing_period_months == 12 for o in orders)
    for order in orders:
        assert order.id in servers
        assert order.number.startswith("ORD-")
        if order.status == "active":
            assert order.period_end > DEMO_NOW
    documentation = ("192.0.2.", "198.51.100.", "203.0.113.", "2001:db8:")
    assert all(ip.address.startswith(documentation) for ip in ips)
    assert {ip.version for ip in ips} == {4, 6}
    for server in servers.values():
        assert server.primary_ip.startswith(documentation)
        assert server.mac.startswith("02:")


def test_tickets_have_threads_and_some_are_unread(seeded):
    with read_session(seeded.engine) as s:
        demo_id = _customer_id(s, DEMO_LOGIN)
        tickets = s.exec(select(Ticket).where(Ticket.customer_id == demo_id)).all()
        unread = 0
        lengths = []
        for ticket in tickets:
            messages = s.exec(
                select(TicketMessage).where(TicketMessage.ticket_id == ticket.id).order_by(TicketMessage.id)
            ).all()
            lengths.append(len(messages))
            assert [m.created_at for m in messages] == sorted(m.created_at for m in messages)
            assert ticket.updated_at == messages[-1].created_at
            assert ticket.last_message_id == messages[-1].id
            state = s.exec(
                select(TicketReadState).where(TicketReadState.ticket_id == ticket.id,
                                              TicketReadState.reader == "customer")
            ).one()
            newer = [m for m in messages if m.id > state.last_read_message_id]
            assert all(m.author_kind == "staff" for m in newer)
            unread += bool(newer)
        number = s.get(InvoiceSequence, "ticket").next_value
    assert len(tickets) >= 10
    assert sorted(lengths)[-1] == 200 and sorted(lengths)[-2] <= 6  # one long thread
    assert {t.department for t in tickets} == {"technical", "finance"}
    assert {t.importance for t in tickets} == {"normal", "high"}
    assert {t.status for t in tickets} == {"open", "closed"}
    assert {t.order_id is None for t in tickets} == {True, False}
    assert unread >= 2
    assert number > max(int(t.number.removeprefix("T-")) for t in tickets)


def test_traffic_covers_the_requested_days(portal):
    seed_demo(portal, DemoSize(traffic_days=2))
    with read_session(portal.engine) as s:
        per_server = dict(
            s.exec(select(TrafficSample.server_id, func.count()).group_by(TrafficSample.server_id)).all()
        )
        last = s.exec(select(func.max(TrafficSample.at))).one()
        provisioned = s.exec(
            select(Server.id).join(ServiceOrder, Server.order_id == ServiceOrder.id)
            .where(ServiceOrder.status.not_in(("new", "cancelled")))  # not yet, or no longer, running
        ).all()
    assert set(per_server) == set(provisioned)
    assert all(count == 2 * 288 for count in per_server.values())
    assert last == DEMO_NOW - timedelta(minutes=5)  # the last complete 5-minute interval


def test_older_traffic_is_hourly_and_joins_the_five_minute_samples_without_gap(portal):
    seed_demo(portal, DemoSize(traffic_days=4, five_minute_days=2))
    with read_session(portal.engine) as s:
        server_id = s.exec(select(func.min(TrafficSample.server_id))).one()
        stamps = s.exec(select(TrafficSample.at).where(TrafficSample.server_id == server_id)
                        .order_by(TrafficSample.at)).all()
    steps = Counter(later - earlier for earlier, later in zip(stamps, stamps[1:]))
    assert set(steps) == {timedelta(hours=1), timedelta(minutes=5)}  # nothing missing, nothing twice
    hourly = [t for t, after in zip(stamps, stamps[1:]) if after - t == timedelta(hours=1)]
    assert all(t.minute == 0 for t in hourly)  # whole hours: they roll up into hours, days, months
    assert stamps[-1] == DEMO_NOW - timedelta(minutes=5)
    assert DEMO_NOW - timedelta(days=4, hours=1) < stamps[0] <= DEMO_NOW - timedelta(days=4)
    five_minute_from = hourly[-1] + timedelta(hours=1)
    assert DEMO_NOW - five_minute_from >= timedelta(days=2)


def test_demo_login_works(seeded):
    with read_session(seeded.engine) as s:
        customer = s.exec(select(Customer).where(Customer.login == DEMO_LOGIN)).one()
    assert verify_password(customer.password_hash, DEMO_PASSWORD)
    assert customer.allowed_ip_ranges == ""


def test_cli(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    args = ["--database", url, "--secret-key-file", str(tmp_path / "key"), "--invoices", "300",
            "--traffic-days", "1"]
    assert demo.main(args) == 0
    out = capsys.readouterr().out
    assert "invoice" in out and "traffic_sample" in out
    assert demo.main(args) == 0
    assert "already exists" in capsys.readouterr().out


@pytest.mark.parametrize(
    "now",
    [datetime(2025, 1, 31, 23, 59, tzinfo=timezone.utc), datetime(2028, 2, 29, 0, 2, tzinfo=timezone.utc)],
)
def test_any_now_gives_consistent_data(portal, now):
    seed_demo(portal, DemoSize(traffic_days=1), now=now)
    with read_session(portal.engine) as s:
        demo_id = _customer_id(s, DEMO_LOGIN)
        orders = s.exec(select(ServiceOrder).where(ServiceOrder.customer_id == demo_id)).all()
        invoices = s.exec(select(Invoice).where(Invoice.customer_id == demo_id)).all()
        last = s.exec(select(func.max(TrafficSample.at))).one()
    assert last <= now - timedelta(minutes=5)
    assert all(i.issued_at <= now for i in invoices)
    assert 4 <= sum(i.status == "unpaid" for i in invoices) <= 6
    for order in orders:
        if order.status == "active":
            assert order.period_end > now
            own = sorted((i for i in invoices if i.order_id == order.id and i.status == "paid"),
                         key=lambda i: i.period_start)
            # paid periods follow each other without gaps or overlaps, up to the order's end
            for before, after in zip(own, own[1:]):
                assert after.period_start - before.period_end == timedelta(seconds=1)
            assert own[-1].period_end == order.period_end


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_portal(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    portal = open_portal(Settings(database_url=url, secret_key_file=tmp_path / "key"))
    yield portal
    portal.dispose()


def test_exact_invoice_count_and_a_consistent_history(empty_portal, monkeypatch):
    """Exactly the invoices asked for. The benchmark history beyond the natural ones, written
    in batches straight through the driver (small batches here, so balance payments carry
    over from one batch to the next), is as consistent as the natural invoices: amounts,
    lines, one completed payment per paid invoice, a ledger that never goes below zero,
    numbers and ids in issue order, and id sequences that go on past it."""
    monkeypatch.setattr(history, "BATCH", 700)
    seed_demo(empty_portal, DemoSize(invoices=5_000, traffic_days=0))
    line_sums = (select(InvoiceLine.invoice_id, func.sum(InvoiceLine.amount_minor).label("net"))
                 .group_by(InvoiceLine.invoice_id).subquery())
    completed = (select(Payment.invoice_id, func.count().label("n")).where(Payment.status == "completed")
                 .group_by(Payment.invoice_id).subquery())
    running = select(BalanceEntry.customer_id, func.sum(BalanceEntry.amount_minor).over(
        partition_by=BalanceEntry.customer_id, order_by=(BalanceEntry.at, BalanceEntry.id)).label("sum")).subquery()
    with read_session(empty_portal.engine) as s:
        demo_id = _customer_id(s, DEMO_LOGIN)
        customer = s.get(Customer, demo_id)
        invoices = s.exec(select(Invoice.id, Invoice.number, Invoice.issued_at, Invoice.status)
                          .where(Invoice.customer_id == demo_id).order_by(Invoice.id)).all()
        demo_orders = set(s.exec(select(ServiceOrder.id).where(ServiceOrder.customer_id == demo_id)).all())
        order_ids = set(s.exec(select(Invoice.order_id).where(Invoice.customer_id == demo_id)).all())
        assert s.exec(select(func.count()).select_from(Invoice)
                      .where(Invoice.net_minor + Invoice.tax_minor != Invoice.total_minor)).one() == 0
        assert s.exec(select(func.count()).select_from(Invoice).outerjoin(line_sums, line_sums.c.invoice_id == Invoice.id)
                      .where(func.coalesce(line_sums.c.net, -1) != Invoice.net_minor)).one() == 0
        assert s.exec(select(func.count()).select_from(Invoice).outerjoin(completed, completed.c.invoice_id == Invoice.id)
                      .where(Invoice.status == "paid", func.coalesce(completed.c.n, 0) != 1)).one() == 0
        assert s.exec(select(func.count()).select_from(Payment).join(Invoice, Invoice.id == Payment.invoice_id)
                      .where(Payment.status == "completed")
                      .where((Payment.amount_minor != Invoice.total_minor) | (Payment.completed_at != Invoice.paid_at)
                             | (Payment.reference != Invoice.number) | (Invoice.paid_at < Invoice.issued_at)
                             | (Payment.created_at > Payment.completed_at))).one() == 0
        assert s.exec(select(func.min(running.c.sum))).one() >= 0
        ledger = s.exec(select(func.sum(BalanceEntry.amount_minor)).where(BalanceEntry.customer_id == demo_id)).one()
        balance_payments = s.exec(select(func.count()).select_from(BalanceEntry)
                                  .where(BalanceEntry.customer_id == demo_id, BalanceEntry.payment_id.is_not(None))).one()
        sequence = s.get(InvoiceSequence, "default").next_value
        total = s.exec(select(func.count()).select_from(Invoice)).one()
    assert len(invoices) == 5_000  # exactly the count asked for
    assert order_ids <= demo_orders
    assert Counter(status for *_, status in invoices)["paid"] >= 4_900
    assert balance_payments > 500  # a quarter of the history is paid from the balance
    assert customer.balance_minor == ledger == 25_000
    assert customer.created_at < invoices[0].issued_at
    assert [number for _, number, _, _ in invoices] == sorted(number for _, number, _, _ in invoices)
    assert [issued for _, _, issued, _ in invoices] == sorted(issued for _, _, issued, _ in invoices)
    assert sequence == total + 1
    with write_session(empty_portal.engine) as s:  # the id sequences go on after the reserved ids
        s.add(Payment(invoice_id=invoices[-1].id, customer_id=demo_id, payment_method_id=1, amount_minor=1,
                      currency="EUR", reference="after the history"))
        s.flush()
