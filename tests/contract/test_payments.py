"""The service contract for paying invoices, run against LocalService and RemoteService on
SQLite and PostgreSQL: balance, bank transfer, card, idempotency."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlmodel import func, select

from backend.contract import (
    Conflict,
    InsufficientFunds,
    InvalidInput,
    InvoiceStatus,
    NotFound,
    PaymentMethodCode,
    PaymentStatus,
)
from backend.db import read_session
from backend.domain import payments
from backend.models import BalanceEntry, IdempotencyRecord, Payment

BALANCE = PaymentMethodCode.BALANCE
BANK = PaymentMethodCode.BANK_TRANSFER
CARD = PaymentMethodCode.CARD


def new_key() -> str:
    return uuid.uuid4().hex


def _count(portal, model, *where) -> int:  # noqa: ANN001
    with read_session(portal.engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


@pytest.fixture
async def affordable(service, make_invoice, demo_customer_id):  # noqa: ANN001, ANN201
    """A fresh unpaid invoice of "demo" that the balance covers."""
    balance = (await service.account()).balance
    total = min(Decimal("11.90"), balance)
    assert total > 0, "the demo customer has a positive balance"
    return make_invoice(demo_customer_id, total)


# --- balance ---------------------------------------------------------------------------------------


async def test_pay_with_balance(service, portal, affordable):
    before = (await service.account()).balance
    invoice = await service.get_invoice(affordable)
    outcome = await service.pay_invoice(affordable, BALANCE, new_key())
    assert outcome.invoice_id == affordable
    assert outcome.invoice_status == InvoiceStatus.PAID
    assert outcome.method == BALANCE
    assert outcome.payment.status == PaymentStatus.COMPLETED
    assert outcome.payment.amount == invoice.total
    assert outcome.balance_after == before - invoice.total
    assert outcome.replayed is False
    assert outcome.message
    assert (await service.account()).balance == before - invoice.total
    detail = await service.get_invoice(affordable)
    assert detail.status == InvoiceStatus.PAID
    assert detail.paid_at == portal.now()
    assert detail.payment_method == BALANCE
    assert [p.id for p in detail.payments] == [outcome.payment.id]
    assert _count(portal, BalanceEntry, BalanceEntry.payment_id == outcome.payment.id) == 1


async def test_paying_twice_with_new_keys_is_a_conflict(service, affordable):
    await service.pay_invoice(affordable, BALANCE, new_key())
    balance = (await service.account()).balance
    with pytest.raises(Conflict, match="already paid"):
        await service.pay_invoice(affordable, BALANCE, new_key())
    assert (await service.account()).balance == balance


async def test_insufficient_balance_changes_nothing(service, portal, make_invoice, demo_customer_id):
    account = await service.account()
    too_much = make_invoice(demo_customer_id, account.balance + Decimal("100.00"))
    before = await service.get_invoice(too_much)
    payments_before = _count(portal, Payment)
    records_before = _count(portal, IdempotencyRecord)
    with pytest.raises(InsufficientFunds) as caught:
        await service.pay_invoice(too_much, BALANCE, new_key())
    assert "100.00" in str(caught.value), "says how much is missing"
    assert isinstance(caught.value, Conflict)
    assert (await service.account()).balance == account.balance
    assert await service.get_invoice(too_much) == before
    assert before.payment_method is None, "a failed balance payment does not bind the invoice"
    assert _count(portal, Payment) == payments_before
    assert _count(portal, IdempotencyRecord) == records_before


async def test_a_key_that_failed_can_be_retried_once_funds_arrive(service, portal, make_invoice, demo_customer_id):
    from backend.db import write_session
    from backend.models import Customer

    balance = (await service.account()).balance
    invoice_id = make_invoice(demo_customer_id, balance + Decimal("1.00"))
    key = new_key()
    with pytest.raises(InsufficientFunds):
        await service.pay_invoice(invoice_id, BALANCE, key)
    with write_session(portal.engine) as session:
        session.get(Customer, demo_customer_id).balance_minor += 100
    outcome = await service.pay_invoice(invoice_id, BALANCE, key)
    assert outcome.invoice_status == InvoiceStatus.PAID and not outcome.replayed
    assert (await service.account()).balance == 0


# --- idempotency -----------------------------------------------------------------------------------


async def test_same_key_replays_the_first_answer(service, portal, affordable):
    before = (await service.account()).balance
    key = new_key()
    first = await service.pay_invoice(affordable, BALANCE, key)
    second = await service.pay_invoice(affordable, BALANCE, key)
    assert first.replayed is False and second.replayed is True
    assert second.payment.id == first.payment.id
    assert second.model_copy(update={"replayed": False}) == first
    total = (await service.get_invoice(affordable)).total
    assert (await service.account()).balance == before - total
    assert _count(portal, Payment, Payment.invoice_id == affordable) == 1


async def test_same_key_for_another_invoice_is_a_conflict(service, affordable, make_invoice, demo_customer_id):
    key = new_key()
    await service.pay_invoice(affordable, BALANCE, key)
    other = make_invoice(demo_customer_id, "1.00")
    balance = (await service.account()).balance
    with pytest.raises(Conflict, match="idempotency key"):
        await service.pay_invoice(other, BALANCE, key)
    assert (await service.get_invoice(other)).status == InvoiceStatus.UNPAID
    assert (await service.account()).balance == balance


async def test_same_key_with_another_method_is_a_conflict(service, affordable):
    key = new_key()
    await service.pay_invoice(affordable, BANK, key)
    with pytest.raises(Conflict, match="idempotency key"):
        await service.pay_invoice(affordable, CARD, key)


async def test_keys_are_per_customer(service, other_service, affordable, make_invoice, acme_customer_id):
    key = new_key()
    mine = await service.pay_invoice(affordable, BANK, key)
    theirs_id = make_invoice(acme_customer_id, "5.00")
    theirs = await other_service.pay_invoice(theirs_id, BANK, key)
    assert theirs.replayed is False
    assert theirs.payment.id != mine.payment.id


MALFORMED_KEYS = [
    "", "short", "x" * 15, "x" * 65, "has space in it 123", "ümlaut-key-123456",
    "semi;colon;key;1234", "new\nline-key-123456",
]


async def test_malformed_key_is_invalid_input(service, affordable):
    balance = (await service.account()).balance
    for key in MALFORMED_KEYS:
        with pytest.raises(InvalidInput, match="idempotency key"):
            await service.pay_invoice(affordable, BALANCE, key)
    assert (await service.get_invoice(affordable)).status == InvoiceStatus.UNPAID
    assert (await service.account()).balance == balance


async def test_longest_and_shortest_keys_are_fine(service, make_invoice, demo_customer_id):
    for key in ("a" * 16, "Z_-9" * 16):
        invoice_id = make_invoice(demo_customer_id, "0.10")
        outcome = await service.pay_invoice(invoice_id, BANK, key)
        assert outcome.replayed is False


# --- bank transfer ----------------------------------------------------------------------------------


async def test_bank_transfer_instructions_then_booking(service, portal, affordable):
    invoice = await service.get_invoice(affordable)
    balance = (await service.account()).balance
    outcome = await service.pay_invoice(affordable, BANK, new_key())
    assert outcome.invoice_status == InvoiceStatus.UNPAID
    assert outcome.payment.status == PaymentStatus.PENDING
    instructions = outcome.bank_transfer
    assert instructions is not None
    assert instructions.reference == invoice.number == outcome.payment.reference
    assert instructions.amount == invoice.total and instructions.currency == invoice.currency
    assert instructions.iban == portal.settings.provider.iban
    assert outcome.checkout_url is None and outcome.balance_after is None
    assert invoice.number in outcome.message

    detail = await service.get_invoice(affordable)
    assert detail.status == InvoiceStatus.UNPAID
    assert detail.payment_method == BANK

    # Asking again shows the same pending payment, not a second one.
    again = await service.pay_invoice(affordable, BANK, new_key())
    assert again.payment.id == outcome.payment.id
    assert _count(portal, Payment, Payment.invoice_id == affordable) == 1

    record = payments.book_bank_transfer(portal, invoice.number, invoice.total, invoice.currency)
    assert record.id == outcome.payment.id
    assert record.status == PaymentStatus.COMPLETED
    detail = await service.get_invoice(affordable)
    assert detail.status == InvoiceStatus.PAID
    assert detail.paid_at == portal.now()
    assert (await service.account()).balance == balance, "a transfer does not touch the balance"
    with pytest.raises(Conflict):
        payments.book_bank_transfer(portal, invoice.number, invoice.total, invoice.currency)


async def test_booking_a_wrong_amount_is_refused(service, portal, affordable):
    invoice = await service.get_invoice(affordable)
    await service.pay_invoice(affordable, BANK, new_key())
    with pytest.raises(InvalidInput, match="does not match"):
        payments.book_bank_transfer(portal, invoice.number, invoice.total + Decimal("0.01"), invoice.currency)
    with pytest.raises(NotFound):
        payments.book_bank_transfer(portal, "NO-SUCH-NUMBER", invoice.total, invoice.currency)
    assert (await service.get_invoice(affordable)).status == InvoiceStatus.UNPAID


async def test_booking_without_a_pending_transfer_is_a_conflict(service, portal, affordable):
    invoice = await service.get_invoice(affordable)
    with pytest.raises(Conflict, match="not waiting"):
        payments.book_bank_transfer(portal, invoice.number, invoice.total, invoice.currency)


# --- card ---------------------------------------------------------------------------------------


async def test_card_returns_a_checkout_and_binds_the_invoice(service, portal, affordable):
    balance = (await service.account()).balance
    outcome = await service.pay_invoice(affordable, CARD, new_key())
    assert outcome.checkout_url is not None
    assert outcome.checkout_url.startswith(f"{portal.settings.public_url}/test-gateway/checkout/")
    assert outcome.invoice_status == InvoiceStatus.UNPAID
    assert outcome.payment.status == PaymentStatus.PENDING
    assert outcome.bank_transfer is None
    detail = await service.get_invoice(affordable)
    assert detail.payment_method == CARD and detail.status == InvoiceStatus.UNPAID

    for other in (BALANCE, BANK):
        with pytest.raises(Conflict) as caught:
            await service.pay_invoice(affordable, other, new_key())
        assert payments.REBIND_HINT in str(caught.value)
        assert not isinstance(caught.value, InsufficientFunds)
    assert (await service.account()).balance == balance
    assert (await service.get_invoice(affordable)).payment_method == CARD


async def test_card_callback_marks_it_paid(service, portal, affordable):
    from backend.domain.card_gateway import gateway_for

    outcome = await service.pay_invoice(affordable, CARD, new_key())
    checkout_ref = outcome.checkout_url.rsplit("/", 1)[1]
    gateway = gateway_for(portal)
    with pytest.raises(InvalidInput):
        payments.complete_card_payment(portal, checkout_ref, "success", "forged")
    record = payments.complete_card_payment(portal, checkout_ref, "success", gateway.sign(checkout_ref, "success"))
    assert record.id == outcome.payment.id and record.status == PaymentStatus.COMPLETED
    assert (await service.get_invoice(affordable)).status == InvoiceStatus.PAID


async def test_bank_transfer_binding_blocks_balance(service, affordable):
    await service.pay_invoice(affordable, BANK, new_key())
    with pytest.raises(Conflict) as caught:
        await service.pay_invoice(affordable, BALANCE, new_key())
    assert payments.REBIND_HINT in str(caught.value)


async def test_deleted_invoice_cannot_be_paid(service, affordable):
    await service.delete_invoice(affordable)
    with pytest.raises(Conflict, match="deleted"):
        await service.pay_invoice(affordable, BALANCE, new_key())
