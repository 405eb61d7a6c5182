"""Pydantic models that cross the service boundary (in-process or as JSON over HTTP).

Money is ``Decimal`` quantized to the currency's minor unit; in JSON it travels as a string
("12.50"), never as a float.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer

__all__ = [
    "Money",
    "IDEMPOTENCY_KEY_PATTERN",
    "InvoiceStatus",
    "InvoiceFilter",
    "PaymentMethodCode",
    "PaymentStatus",
    "COUNT_CAP",
    "PAGE_AFTER_PATTERN",
    "Page",
    "InvoiceQuery",
    "AccountSummary",
    "ActionState",
    "WithActions",
    "InvoiceRow",
    "InvoiceLine",
    "PaymentRecord",
    "InvoiceDetail",
    "PaymentMethod",
    "PayRequest",
    "BankTransferInstructions",
    "PaymentOutcome",
    "PayLink",
    "Document",
    "LoginRequest",
    "LoginResult",
]


def _not_float(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("amount must be finite")
    return value


# Serialized as a string so JSON never turns an amount into a binary float.
Money = Annotated[
    Decimal,
    AfterValidator(_not_float),
    PlainSerializer(lambda v: str(v), return_type=str, when_used="json"),
]

# A client-chosen key, unique per money-moving request: UUIDs and similar tokens fit.
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"
_IDEMPOTENCY_KEY_RE = re.compile(IDEMPOTENCY_KEY_PATTERN)


class _Model(BaseModel):
    # defer_build: a model's validator and serializer are built when it is first used, not
    # when the contract is imported. A screen needs a handful of the 50-odd models; building
    # them all cost every TUI start some 30 ms and 3 MiB. Pydantic locks the first build
    # against concurrent use since 2.14 (hence the floor in pyproject.toml), and
    # tests/test_contract_models.py builds every model so a broken one fails a test, not a
    # user's first click.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class _Request(_Model):
    """What a client sends. Built at once: FastAPI declares its request adapters from these
    models (as ``Annotated[Model, Field(alias=…)]``, which pydantic warns about when such an
    adapter is built late, on the first request, outside FastAPI's own silencing)."""

    model_config = ConfigDict(defer_build=False)


def build_all_models() -> None:
    """Build every contract model defined so far, now rather than on first use: for the HTTP
    server, which uses them all, so that its first requests do not each pay for one."""
    pending = list(_Model.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        model.model_rebuild()


class InvoiceStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    DELETED = "deleted"


class InvoiceFilter(StrEnum):
    """What the invoice list shows. ``all`` means paid and unpaid; deleted ones are separate."""

    UNPAID = "unpaid"
    PAID = "paid"
    ALL = "all"
    DELETED = "deleted"


class PaymentMethodCode(StrEnum):
    BALANCE = "balance"
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"


T = TypeVar("T")


COUNT_CAP = 10_000
"""Lists that count with a cap stop counting here: ``total`` is then this number and
``total_capped`` says there are more. Counting a million rows for a page of fifty would cost
more than the page; "10,000+" tells the reader as much."""

PAGE_AFTER_PATTERN = r"^[0-9]{1,18}\.[0-9]{1,10}$"
"""A keyset position as the portal hands it out in ``Page.next_after``; opaque to clients."""


class Page(_Model, Generic[T]):
    items: list[T]
    total: int = Field(ge=0)
    total_capped: bool = False
    """True when counting stopped at ``COUNT_CAP``: there are more than ``total``."""
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)
    next_after: str | None = None
    """Where the next page starts, for lists paged by position: pass it back as ``after`` (and
    ``page + 1``, which then only numbers the page). None: this is the last page, or the list
    pages by number only."""

    @property
    def pages(self) -> int:
        """Pages of the list; a lower bound when ``total_capped``."""
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.next_after is not None or self.page < self.pages


class InvoiceQuery(_Model):
    status: InvoiceFilter = InvoiceFilter.UNPAID
    order_id: int | None = None
    search: str | None = Field(default=None, min_length=1, max_length=64)
    """Part of the invoice number or of its order's number, case-insensitive ("193", "web01")."""
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=50, ge=1, le=500)
    after: str | None = Field(default=None, pattern=PAGE_AFTER_PATTERN)
    """Start after this position (a page's ``next_after``) instead of counting ``page`` pages
    from the top: as fast a million invoices deep as on the first page."""


class AccountSummary(_Model):
    id: int
    login: str
    name: str
    company: str | None
    email: str
    balance: Money
    currency: str
    language: str
    auto_renew: bool


class ActionState(_Model):
    """Whether one action is possible on an object now and, if not, why (a short phrase for the user)."""

    id: str
    enabled: bool
    reason: str | None = None


class WithActions:
    """A row that carries the portal's verdict on each of its actions: each model declares its
    own ``actions`` field (declared here, pydantic would move it to the front of the JSON)."""

    if TYPE_CHECKING:
        actions: list[ActionState]

    def action(self, action_id: str) -> ActionState:
        """The state of one action; KeyError for an id the portal does not know."""
        for state in self.actions:
            if state.id == action_id:
                return state
        raise KeyError(action_id)


class InvoiceRow(WithActions, _Model):
    """One invoice as the list shows it, with what can be done to it now.

    ``actions`` holds one ActionState per invoice action id ("pay", "delete", "pay_link",
    "quote", "download", "renew"), decided by the portal: the client shows them, never
    re-derives them. ``overdue`` is unpaid and past due by the portal's clock.
    """

    id: int
    number: str
    issued_at: datetime
    due_at: datetime
    order_id: int | None
    order_number: str | None
    total: Money
    currency: str
    status: InvoiceStatus
    payment_method: PaymentMethodCode | None
    overdue: bool
    actions: list[ActionState]



class InvoiceLine(_Model):
    position: int
    description: str
    quantity: int
    unit_price: Money
    amount: Money


class PaymentRecord(_Model):
    id: int
    method: PaymentMethodCode
    amount: Money
    currency: str
    status: PaymentStatus
    reference: str
    created_at: datetime
    completed_at: datetime | None


class InvoiceDetail(InvoiceRow):
    net: Money
    tax_rate: Decimal  # percent, e.g. 19.00
    tax: Money
    lines: list[InvoiceLine]
    payments: list[PaymentRecord]
    period_start: datetime | None
    period_end: datetime | None
    paid_at: datetime | None
    deleted_at: datetime | None


class PaymentMethod(_Model):
    code: PaymentMethodCode
    name: str


class PayRequest(_Model):
    method: PaymentMethodCode
    idempotency_key: Annotated[str, Field(pattern=IDEMPOTENCY_KEY_PATTERN)]


class BankTransferInstructions(_Model):
    beneficiary: str
    iban: str
    bic: str
    bank: str
    reference: str
    amount: Money
    currency: str


class PaymentOutcome(_Model):
    """What a pay request did. ``replayed`` is true when an idempotency key was seen before."""

    invoice_id: int
    invoice_status: InvoiceStatus
    method: PaymentMethodCode
    payment: PaymentRecord
    message: str
    bank_transfer: BankTransferInstructions | None = None
    checkout_url: str | None = None
    balance_after: Money | None = None
    replayed: bool = False


class PayLink(_Model):
    invoice_id: int
    url: str
    expires_at: datetime


class Document(_Model):
    filename: str
    media_type: str
    content: bytes


class LoginRequest(_Request):
    login: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class LoginResult(_Model):
    token: str
    expires_at: datetime
    login: str


def is_valid_idempotency_key(key: str) -> bool:
    return bool(_IDEMPOTENCY_KEY_RE.fullmatch(key))
