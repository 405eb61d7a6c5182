"""The portal's tables: the whole domain, so later features extend rather than redesign.

Money columns are integer minor units (``*_minor``) in the row's currency; see money.py.
Timestamps are timezone-aware UTC (UTCDateTime). Enumerations are stored as short strings
so both SQLite and PostgreSQL read them the same way and migrations stay simple.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, Integer, LargeBinary, Text, UniqueConstraint, text
from sqlalchemy.sql.elements import TextClause
from pydantic import ConfigDict
from sqlmodel import Field, SQLModel

from backend.db_types import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# Partial unique indexes hold a predicate per database. SQLite's is declared with the index;
# PostgreSQL's is attached when a PostgreSQL engine is made (``backend.db.make_engine`` calls
# ``attach_postgresql_predicates``): declared here as ``postgresql_where``, it would make
# SQLAlchemy import its whole PostgreSQL dialect the moment these classes are defined, in
# every process, SQLite ones included (2.3 MiB and 35 ms of every local start). The
# migrations create both.
_POSTGRESQL_PREDICATES: list[tuple[Index, TextClause]] = []


def _unique_where(name: str, *columns: str, where: TextClause) -> Index:
    index = Index(name, *columns, unique=True, sqlite_where=where)
    _POSTGRESQL_PREDICATES.append((index, where))
    return index


def attach_postgresql_predicates() -> None:
    """Give the partial indexes their PostgreSQL predicate (imports the PostgreSQL dialect)."""
    for index, where in _POSTGRESQL_PREDICATES:
        index.dialect_options["postgresql"]["where"] = where


class _Table(SQLModel):
    """The base of every table. Rows come from the database or from the domain's own code,
    which SQLModel does not validate, so pydantic's validator and serializer for a table are
    built on first use rather than at import: some 15 ms of every process's start."""

    model_config = ConfigDict(defer_build=True)


# --- accounts -------------------------------------------------------------------------


class Customer(_Table, table=True):
    __tablename__ = "customer"

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(unique=True, max_length=64)
    password_hash: str = Field(max_length=255)
    email: str = Field(max_length=254)
    name: str = Field(max_length=200)
    company: str | None = Field(default=None, max_length=200)
    address: str = Field(default="", sa_type=Text)
    country: str = Field(default="DE", max_length=2)
    vat_id: str | None = Field(default=None, max_length=32)
    phone: str | None = Field(default=None, max_length=32)
    profile_type: str = Field(default="business", max_length=16)  # business | private
    balance_minor: int = Field(default=0, sa_type=BigInteger)
    currency: str = Field(default="EUR", max_length=3)
    language: str = Field(default="en", max_length=8)
    auto_renew: bool = Field(default=False)
    code_word_hash: str | None = Field(default=None, max_length=255)
    # Newline-separated CIDR ranges allowed to log in; empty means no restriction.
    allowed_ip_ranges: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApiToken(_Table, table=True):
    """A bearer token of the HTTP API. Only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


# What an alternative mailbox receives instead of the registration address: invoices and
# orders, technical tickets, finance tickets, general mailings.
MAILBOX_PURPOSES = ("billing", "technical", "finance", "mailing")


class Mailbox(_Table, table=True):
    """An alternative address of the customer; what it receives is in ``mailbox_route``."""

    __tablename__ = "mailbox"
    __table_args__ = (UniqueConstraint("customer_id", "address", name="uq_mailbox_customer_address"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    address: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MailboxRoute(_Table, table=True):
    """Which mailbox receives one kind of mail (a purpose) instead of the registration address.

    The routing table: at most one route per customer and purpose, so where a kind of mail
    goes is never a choice between two addresses (backend/mail/routing.py reads it). A mailbox
    receives one or more purposes.
    """

    __tablename__ = "mailbox_route"
    __table_args__ = (
        UniqueConstraint("customer_id", "purpose", name="uq_mailbox_route_customer_purpose"),
        CheckConstraint(
            "purpose IN ('billing', 'technical', 'finance', 'mailing')", name="ck_mailbox_route_purpose"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    purpose: str = Field(max_length=16)  # one of MAILBOX_PURPOSES
    mailbox_id: int = Field(foreign_key="mailbox.id", index=True)


class LoginEvent(_Table, table=True):
    """One login attempt, whatever became of it: the login history and the throttle's memory.

    Attempts for user names that do not exist are recorded too (``customer_id`` is null), so
    the throttle counts them exactly like wrong passwords and cannot tell names apart.
    """

    __tablename__ = "login_event"
    __table_args__ = (
        Index("ix_login_event_customer_at", "customer_id", "at"),
        Index("ix_login_event_login_at", "login", "at"),
        Index("ix_login_event_ip_at", "ip", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    # The user name as typed (cut to the longest a login can be).
    login: str = Field(default="", max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ip: str = Field(max_length=45)
    client: str = Field(default="", max_length=200)
    success: bool = Field(default=True)
    # Why an attempt failed (wrong_password, unknown_user, ip_not_allowed, throttled,
    # wrong_code_word, request_ip: a request with a token from outside the allowed IP
    # ranges), or "pending" while its password is being checked; null for a success.
    reason: str | None = Field(default=None, max_length=16)


class AuditLog(_Table, table=True):
    """Every state change, who made it and through which door (tui, api, paylink, system)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_customer_at", "customer_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64)
    entity: str = Field(max_length=32)
    entity_id: int | None = None
    detail: str = Field(default="", sa_type=Text)


# --- catalogue ------------------------------------------------------------------------


class Tariff(_Table, table=True):
    __tablename__ = "tariff"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str = Field(max_length=100)
    kind: str = Field(max_length=16)  # dedicated | vps
    cpu: str = Field(max_length=100)
    ram_gb: int
    disk: str = Field(max_length=100)
    traffic_tb: int = Field(default=20)
    price_minor: int = Field(sa_type=BigInteger)
    currency: str = Field(default="EUR", max_length=3)
    # The port speed, as people read it ("1 Gbit/s", "shared 1 Gbit/s").
    bandwidth: str = Field(default="1 Gbit/s", max_length=32)


class OsImage(_Table, table=True):
    __tablename__ = "os_image"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str = Field(max_length=100)
    family: str = Field(max_length=16)  # linux | bsd | windows
    active: bool = Field(default=True)
    # Still installable, but past its vendor's support: listed with a warning.
    deprecated: bool = Field(default=False)


class PaymentMethod(_Table, table=True):
    """A way to pay, offered by the provider: account balance, bank transfer, card."""

    __tablename__ = "payment_method"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str = Field(max_length=100)
    active: bool = Field(default=True)


# --- orders and servers ----------------------------------------------------------------


class ServiceOrder(_Table, table=True):
    """An order for a service (a dedicated server or a VPS) and its billing period."""

    __tablename__ = "service_order"
    __table_args__ = (Index("ix_service_order_customer_status", "customer_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    number: str = Field(unique=True, max_length=32)
    tariff_id: int = Field(foreign_key="tariff.id")
    price_minor: int = Field(sa_type=BigInteger)  # net, per billing period
    currency: str = Field(default="EUR", max_length=3)
    billing_period_months: int = Field(default=1)
    period_end: datetime = Field(sa_type=UTCDateTime)
    # new (awaiting its first payment) | active | suspended (non-payment) | blocked (by the
    # provider) | cancelled
    status: str = Field(default="new", max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The customer's choice for this order; None follows the account's ``Customer.auto_renew``.
    auto_renew: bool | None = Field(default=None, nullable=True)


class OrderItem(_Table, table=True):
    """Something billed with an order besides its tariff: an add-on (recurring, billed every
    period with the server) or a one-time charge (only on the order's first invoice)."""

    __tablename__ = "order_item"
    __table_args__ = (UniqueConstraint("order_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="service_order.id", index=True)
    position: int
    description: str = Field(max_length=500)
    quantity: int = Field(default=1)
    unit_price_minor: int = Field(sa_type=BigInteger)  # net, per billing period if recurring
    recurring: bool = Field(default=True)


class Server(_Table, table=True):
    __tablename__ = "server"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="service_order.id", unique=True)
    hostname: str = Field(max_length=253)
    configuration: str = Field(default="", sa_type=Text)
    datacenter: str = Field(default="", max_length=64)
    primary_ip: str = Field(max_length=45)
    netmask: str = Field(max_length=45)
    gateway: str = Field(max_length=45)
    mac: str = Field(max_length=17)
    power_state: str = Field(default="on", max_length=16)  # contract PowerState: on | off | blocked | -ing
    os_image_id: int | None = Field(default=None, foreign_key="os_image.id")
    login_user: str = Field(default="root", max_length=64)
    # Fernet ciphertexts (backend/security.py); the key is never in the database.
    password_encrypted: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    ipkvm_url: str | None = Field(default=None, max_length=255)
    ipkvm_user: str | None = Field(default=None, max_length=64)
    ipkvm_password_encrypted: bytes | None = Field(
        default=None, sa_column=Column(LargeBinary, nullable=True)
    )
    reinstall_requested_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime, nullable=True
    )


class KvmSession(_Table, table=True):
    """IP-KVM credentials issued on request. The password is shown once and stored only as
    its SHA-256 (it is random and long, so no slow hash is needed), with its expiry."""

    __tablename__ = "kvm_session"

    id: int | None = Field(default=None, primary_key=True)
    server_id: int = Field(foreign_key="server.id", index=True)
    user: str = Field(max_length=64)
    password_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    issued_by: str = Field(max_length=64)  # the login
    issued_from: str = Field(max_length=45)  # the client address


class ServerIp(_Table, table=True):
    __tablename__ = "server_ip"

    id: int | None = Field(default=None, primary_key=True)
    server_id: int = Field(foreign_key="server.id", index=True)
    address: str = Field(unique=True, max_length=45)
    version: int = Field(default=4)
    netmask: str = Field(max_length=45)
    gateway: str = Field(max_length=45)
    reverse_dns: str | None = Field(default=None, max_length=253)


class TrafficSample(_Table, table=True):
    """Bytes in and out of a server over one 5-minute interval starting at ``at``.

    Reports only ever sum samples per hour, day or month (backend/domain/traffic.py), so
    history may be kept coarser: the demo keeps one row per whole hour before its last five
    weeks. The month's 95th percentile needs the five-minute samples of the current month.
    """

    __tablename__ = "traffic_sample"
    __table_args__ = (Index("ix_traffic_sample_server_at", "server_id", "at", unique=True),)

    # SQLite only auto-increments an INTEGER primary key, so BIGINT is for PostgreSQL alone.
    id: int | None = Field(
        default=None, sa_type=BigInteger().with_variant(Integer, "sqlite"), primary_key=True
    )
    server_id: int = Field(foreign_key="server.id")
    at: datetime = Field(sa_type=UTCDateTime)
    rx_bytes: int = Field(sa_type=BigInteger)
    tx_bytes: int = Field(sa_type=BigInteger)


# The states in which a job holds its server: at most one such job per server.
ACTIVE_JOB_STATES = ("queued", "running")
_ACTIVE_JOB = text("state IN ('queued', 'running')")


class ServerJob(_Table, table=True):
    """A power action or a reinstall, carried out by the job runner step by step.

    One active (queued or running) job per server is enforced by a partial unique index, so
    two requests racing past the check still cannot both start one. A runner owns a job while
    ``claimed_until`` lies ahead and renews it as it works; a job whose claim ran out was
    left by a process that died, and the next runner resumes or fails it.
    """

    __tablename__ = "server_job"
    __table_args__ = (
        _unique_where("ux_server_job_one_active", "server_id", where=_ACTIVE_JOB),
        Index("ix_server_job_server_created", "server_id", "created_at"),
        Index("ix_server_job_state_claim", "state", "claimed_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    server_id: int = Field(foreign_key="server.id")
    kind: str = Field(max_length=16)  # reboot | disable | block | enable | reinstall
    state: str = Field(default="queued", max_length=16)  # queued | running | succeeded | failed
    progress: int = Field(default=0)  # 0-100
    step: str = Field(default="", max_length=200)
    # The last step the provider finished (0: none), where a recovered job resumes.
    steps_done: int = Field(default=0)
    # Why it failed: "customer" (the request could not be met) or "provider" (our side broke),
    # a short code, and the sentence shown to the customer.
    error_source: str | None = Field(default=None, max_length=16)
    error_code: str | None = Field(default=None, max_length=32)
    error: str | None = Field(default=None, max_length=500)
    idempotency_key: str = Field(max_length=64)
    started_by: str = Field(max_length=64)  # the login
    started_from: str = Field(max_length=45)  # the client address
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    os_image_id: int | None = Field(default=None, foreign_key="os_image.id")
    # A reinstall's new root password (Fernet), moved to the server when the job succeeds.
    root_password_encrypted: bytes | None = Field(
        default=None, sa_column=Column(LargeBinary, nullable=True)
    )
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


# --- billing -------------------------------------------------------------------------


class InvoiceSequence(_Table, table=True):
    """Gapless invoice numbering: the row is locked and bumped inside the issuing transaction."""

    __tablename__ = "invoice_sequence"

    name: str = Field(primary_key=True, max_length=32)
    prefix: str = Field(max_length=16)
    next_value: int = Field(default=1, sa_type=BigInteger)


# One open invoice per order and billing period: renew_order's rule, kept by the database
# too, so two renewal runs racing each other cannot both bill a period.
_UNPAID_PERIOD = text("status = 'unpaid' AND order_id IS NOT NULL AND period_start IS NOT NULL")


class Invoice(_Table, table=True):
    __tablename__ = "invoice"
    __table_args__ = (
        # The list's sort key whole, for keyset paging (see migration 0010).
        Index("ix_invoice_customer_status_issued_id", "customer_id", "status", "issued_at", "id"),
        Index("ix_invoice_customer_issued_id", "customer_id", "issued_at", "id"),
        _unique_where("ux_invoice_one_unpaid_per_period", "order_id", "period_start", where=_UNPAID_PERIOD),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    number: str = Field(unique=True, max_length=32)
    order_id: int | None = Field(default=None, foreign_key="service_order.id", index=True)
    status: str = Field(default="unpaid", max_length=16)  # unpaid | paid | deleted
    currency: str = Field(max_length=3)
    net_minor: int = Field(sa_type=BigInteger)
    tax_rate_bp: int = Field(default=1900)  # basis points: 1900 = 19.00 %
    tax_minor: int = Field(sa_type=BigInteger)
    total_minor: int = Field(sa_type=BigInteger)
    issued_at: datetime = Field(sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime)
    period_start: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    period_end: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # Set when the customer chooses how to pay; from then on the invoice is bound to it.
    payment_method_id: int | None = Field(default=None, foreign_key="payment_method.id")
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class InvoiceLine(_Table, table=True):
    __tablename__ = "invoice_line"

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    position: int
    description: str = Field(max_length=500)
    quantity: int = Field(default=1)
    unit_price_minor: int = Field(sa_type=BigInteger)
    amount_minor: int = Field(sa_type=BigInteger)


class PayLink(_Table, table=True):
    """A pay-without-login link for one invoice. Only the token's SHA-256 is stored."""

    __tablename__ = "pay_link"

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class Payment(_Table, table=True):
    __tablename__ = "payment"

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    payment_method_id: int = Field(foreign_key="payment_method.id")
    amount_minor: int = Field(sa_type=BigInteger)
    currency: str = Field(max_length=3)
    status: str = Field(default="pending", max_length=16)  # pending | completed | failed
    reference: str = Field(max_length=64)  # what the customer quotes on a bank transfer
    provider_ref: str | None = Field(default=None, max_length=128, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class BalanceEntry(_Table, table=True):
    """The account-balance ledger: the balance column is the sum of these entries."""

    __tablename__ = "balance_entry"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    amount_minor: int = Field(sa_type=BigInteger)  # + credit, - debit
    # The entry's currency: the account's when it was written. A currency change books the
    # old balance out and the converted one in, so the entries of the account's currency add
    # up to the balance and those of any other currency to zero.
    currency: str = Field(default="EUR", max_length=3)
    reason: str = Field(max_length=200)
    payment_id: int | None = Field(default=None, foreign_key="payment.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CurrencyRate(_Table, table=True):
    """What one EUR is worth in a currency the portal bills in, and as of when.

    The rate is a decimal kept as text, exact on both databases (SQLite has no exact
    decimal type). New invoices convert their order's prices at the rate in force when they
    are issued (backend/domain/currencies.py); an invoice once issued never changes.
    """

    __tablename__ = "currency_rate"

    code: str = Field(primary_key=True, max_length=3)
    name: str = Field(max_length=64)
    rate: str = Field(max_length=32)
    as_of: datetime = Field(sa_type=UTCDateTime)


class IdempotencyRecord(_Table, table=True):
    """The stored result of a money-moving request, replayed when the same key comes again."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("customer_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    key: str = Field(max_length=64)
    operation: str = Field(max_length=64)
    fingerprint: str = Field(max_length=64)  # SHA-256 of the request's operation and arguments
    result_json: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# --- tickets and mail -------------------------------------------------------------------


class Ticket(_Table, table=True):
    """A support ticket. ``updated_at`` is its last activity (its newest message's time).

    ``last_message_id`` is the newest message's id, so whether a reader is behind is one
    comparison with their read state. ``change_seq`` orders the customer's ticket changes
    (a message, closing, reopening, the customer's own read state): each change takes the
    customer's next number with the customer row locked, so numbers follow commit order and
    a poller that saw number N has seen every change up to N (backend/domain/ticket_changes.py).
    """

    __tablename__ = "ticket"
    __table_args__ = (
        Index("ix_ticket_customer_status_updated", "customer_id", "status", "updated_at"),
        Index("ix_ticket_customer_updated", "customer_id", "updated_at"),
        Index("ix_ticket_customer_change", "customer_id", "change_seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    number: str = Field(unique=True, max_length=32)
    order_id: int | None = Field(default=None, foreign_key="service_order.id")
    department: str = Field(max_length=16)  # technical | finance
    subject: str = Field(max_length=200)
    importance: str = Field(default="normal", max_length=16)  # normal | high
    status: str = Field(default="open", max_length=16)  # open | closed
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_message_id: int | None = Field(default=None)
    change_seq: int = Field(default=0, sa_type=BigInteger)


class TicketMessage(_Table, table=True):
    __tablename__ = "ticket_message"
    __table_args__ = (Index("ix_ticket_message_ticket_at", "ticket_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    author_kind: str = Field(max_length=16)  # customer | staff
    author_name: str = Field(max_length=100)
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TicketReadState(_Table, table=True):
    """How far one reader has read a ticket: the id of the last message read (ids never tie,
    timestamps can). A ticket is unread when a message with a greater id exists."""

    __tablename__ = "ticket_read_state"
    __table_args__ = (UniqueConstraint("ticket_id", "reader"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    reader: str = Field(max_length=64)  # "customer" or "staff:<name>"
    last_read_message_id: int | None = Field(default=None)  # None: nothing read yet


class OutboundMail(_Table, table=True):
    """The durable outbox: mail the portal sends (ticket copies), enqueued in the transaction
    that made it and delivered over SMTP by backend/mail/sender.py.

    ``state``: queued (waiting, possibly until ``next_attempt_at``) -> sending (claimed by a
    sender until ``claimed_until``) -> sent | failed (a permanent refusal or the last attempt;
    ``last_error`` says why). A claim that ran out belonged to a sender that died; the next
    sender takes the message over. ``message_id`` is fixed when the row is written, so every
    retry carries the same Message-ID, and mail-in finds a ticket by the ids it stored.
    """

    __tablename__ = "outbound_mail"
    __table_args__ = (
        Index("ix_outbound_mail_state_next", "state", "next_attempt_at"),
        UniqueConstraint("message_id", name="uq_outbound_mail_message_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    ticket_message_id: int | None = Field(default=None, foreign_key="ticket_message.id")
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=Text)
    message_id: str = Field(max_length=255)
    in_reply_to: str | None = Field(default=None, max_length=255)
    thread_references: str | None = Field(default=None, sa_type=Text)  # the References header
    state: str = Field(default="queued", max_length=16)  # queued | sending | sent | failed
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, sa_type=Text)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
