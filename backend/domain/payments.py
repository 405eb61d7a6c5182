"""Paying invoices: once per invoice, idempotent per request, in one locked transaction.

The invoice row is locked first (``FOR UPDATE`` on PostgreSQL; on SQLite the whole write
transaction starts with ``BEGIN IMMEDIATE``), and only then is the idempotency key looked
up, so a request that waited for the lock sees the result its twin stored and replays it
instead of charging again.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from backend.contract import (
    BankTransferInstructions,
    Conflict,
    Forbidden,
    InsufficientFunds,
    InvalidInput,
    InvoiceStatus,
    LinkExpired,
    NotFound,
    PaymentMethod as PaymentMethodOut,
    PaymentMethodCode,
    PaymentOutcome,
    PaymentRecord,
    PaymentStatus,
)
from backend.db import read_session, write_session
from backend.domain import audit, idempotency, invoice_rules
from backend.domain.card_gateway import gateway_for
from backend.domain.invoices import owned_invoice, payment_record
from backend.domain.pay_links import invoice_for_token, invoice_id_for_any_token, revoke_pay_links
from backend.models import (
    BalanceEntry,
    Customer,
    Invoice,
    Payment,
    PaymentMethod,
    ServiceOrder,
)
from backend.money import format_money, from_minor, to_minor
from backend.portal import Portal
from backend.security import new_token

REBIND_HINT = (
    "To pay another way, delete this invoice and renew the order again in Orders: "
    "the new invoice can be paid with any method."
)


# What a pay link may pay with: money from outside the account, never its balance.
LINK_METHODS = frozenset({PaymentMethodCode.BANK_TRANSFER, PaymentMethodCode.CARD})


def offered_methods(portal: Portal) -> list[PaymentMethodOut]:
    with read_session(portal.engine) as session:
        rows = session.exec(select(PaymentMethod).where(PaymentMethod.active).order_by(PaymentMethod.id)).all()
    return [PaymentMethodOut(code=PaymentMethodCode(row.code), name=row.name) for row in rows]


def _method(session: Session, code: PaymentMethodCode) -> PaymentMethod:
    method = session.exec(
        select(PaymentMethod).where(PaymentMethod.code == code.value, PaymentMethod.active)
    ).first()
    if method is None:
        raise InvalidInput(f"payment method {code.value!r} is not offered")
    return method


def _complete(session: Session, invoice: Invoice, payment: Payment, now: datetime, actor: str) -> None:
    payment.status = PaymentStatus.COMPLETED.value
    payment.completed_at = now
    invoice.status = InvoiceStatus.PAID.value
    invoice.paid_at = now
    revoke_pay_links(session, invoice.id, now)
    _extend_order(session, invoice)
    audit.record(
        session, at=now, customer_id=invoice.customer_id, actor=actor, action="invoice.paid",
        entity="invoice", entity_id=invoice.id, number=invoice.number, payment_id=payment.id,
    )


def _extend_order(session: Session, invoice: Invoice) -> None:
    """A paid period extends the order it bills (``period_end`` is how far the order is paid)
    and puts a new order into service."""
    if invoice.order_id is None or invoice.period_end is None:
        return
    order = session.exec(select(ServiceOrder).where(ServiceOrder.id == invoice.order_id).with_for_update()).one()
    if invoice.period_end > order.period_end:
        order.period_end = invoice.period_end
    if order.status == "new":
        order.status = "active"


def _pay_locked(
    portal: Portal, session: Session, invoice: Invoice, code: PaymentMethodCode, actor: str
) -> PaymentOutcome:
    """Pay an invoice whose row this transaction already holds locked."""
    now = portal.now()
    invoice_rules.require(invoice_rules.facts_in(session, invoice), invoice_rules.PAY)
    method = _method(session, code)
    if invoice.payment_method_id is not None and invoice.payment_method_id != method.id:
        bound = session.get(PaymentMethod, invoice.payment_method_id)
        raise Conflict(f"invoice {invoice.number} is bound to {bound.name}. {REBIND_HINT}")

    total = from_minor(invoice.total_minor, invoice.currency)
    payment = Payment(
        invoice_id=invoice.id,
        customer_id=invoice.customer_id,
        payment_method_id=method.id,
        amount_minor=invoice.total_minor,
        currency=invoice.currency,
        reference=invoice.number,
        created_at=now,
    )
    outcome: dict = {}

    if code == PaymentMethodCode.BALANCE:
        customer = session.exec(
            select(Customer).where(Customer.id == invoice.customer_id).with_for_update()
        ).one()
        if customer.currency != invoice.currency:
            raise Conflict(
                f"the balance is kept in {customer.currency} but invoice {invoice.number} is in "
                f"{invoice.currency}; pay it by bank transfer or card"
            )
        if customer.balance_minor < invoice.total_minor:
            missing = from_minor(invoice.total_minor - customer.balance_minor, invoice.currency)
            raise InsufficientFunds(
                f"the balance is {format_money(from_minor(customer.balance_minor, customer.currency), customer.currency)}; "
                f"{format_money(missing, invoice.currency)} more is needed to pay {invoice.number}"
            )
        invoice.payment_method_id = method.id
        session.add(payment)
        session.flush()
        customer.balance_minor -= invoice.total_minor
        session.add(
            BalanceEntry(
                customer_id=customer.id, amount_minor=-invoice.total_minor, currency=customer.currency,
                reason=f"Payment of invoice {invoice.number}", payment_id=payment.id, at=now,
            )
        )
        _complete(session, invoice, payment, now, actor)
        outcome["balance_after"] = from_minor(customer.balance_minor, customer.currency)
        message = f"Paid {format_money(total, invoice.currency)} from the account balance."
    elif code == PaymentMethodCode.BANK_TRANSFER:
        invoice.payment_method_id = method.id
        pending = session.exec(
            select(Payment).where(
                Payment.invoice_id == invoice.id,
                Payment.payment_method_id == method.id,
                Payment.status == PaymentStatus.PENDING.value,
            )
        ).first()
        payment = pending or payment
        session.add(payment)
        provider = portal.settings.provider
        outcome["bank_transfer"] = BankTransferInstructions(
            beneficiary=provider.name, iban=provider.iban, bic=provider.bic, bank=provider.bank,
            reference=payment.reference, amount=total, currency=invoice.currency,
        )
        message = (
            f"Transfer {format_money(total, invoice.currency)} quoting {payment.reference}. "
            "The invoice stays unpaid until the transfer is booked."
        )
    else:
        invoice.payment_method_id = method.id
        # One open checkout per invoice: a repeated or concurrent request (the invoice row is
        # locked) is sent to the checkout already open instead of opening another.
        open_checkout = session.exec(
            select(Payment).where(
                Payment.invoice_id == invoice.id,
                Payment.payment_method_id == method.id,
                Payment.status == PaymentStatus.PENDING.value,
            )
        ).first()
        if open_checkout is not None:
            payment = open_checkout
        else:
            payment.provider_ref = new_token()
            session.add(payment)
        outcome["checkout_url"] = gateway_for(portal).checkout_url(payment.provider_ref)
        message = "Open the checkout page to pay by card; the invoice is marked paid once the card is charged."

    session.flush()
    audit.record(
        session, at=now, customer_id=invoice.customer_id, actor=actor, action="invoice.pay",
        entity="invoice", entity_id=invoice.id, method=code.value, payment_id=payment.id,
    )
    return PaymentOutcome(
        invoice_id=invoice.id,
        invoice_status=InvoiceStatus(invoice.status),
        method=code,
        payment=payment_record(payment, code.value),
        message=message,
        **outcome,
    )


def _pay_idempotently(
    portal: Portal, session: Session, invoice: Invoice, code: PaymentMethodCode, key: str, actor: str
) -> PaymentOutcome:
    request = idempotency.fingerprint("pay", invoice.id, code.value)
    replayed = idempotency.replay(session, invoice.customer_id, key, request, PaymentOutcome)
    if replayed is not None:
        return replayed.model_copy(update={"replayed": True})
    outcome = _pay_locked(portal, session, invoice, code, actor)
    idempotency.remember(session, invoice.customer_id, key, "pay", request, outcome, portal.now())
    try:
        session.flush()
    except IntegrityError:
        # The invoice lock serializes twins of one request, so a key stored meanwhile by a
        # concurrent transaction belongs to another invoice (PostgreSQL: unique violation).
        # Raising rolls this whole payment back.
        raise Conflict("this idempotency key was already used for a different request") from None
    return outcome


def pay_invoice(
    portal: Portal, customer_id: int, invoice_id: int, code: PaymentMethodCode, idempotency_key: str, actor: str
) -> PaymentOutcome:
    idempotency.check_key(idempotency_key)
    with write_session(portal.engine) as session:
        invoice = owned_invoice(session, customer_id, invoice_id, lock=True)
        return _pay_idempotently(portal, session, invoice, code, idempotency_key, actor)


def pay_in_transaction(
    portal: Portal, session: Session, invoice: Invoice, code: PaymentMethodCode, idempotency_key: str, actor: str
) -> PaymentOutcome:
    """Pay an invoice inside the caller's write transaction, which holds the invoice's row
    locked (the renewal job issues and pays in one transaction). Refusals raise before this
    function writes anything, so the caller's transaction can carry on without the payment."""
    idempotency.check_key(idempotency_key)
    return _pay_idempotently(portal, session, invoice, code, idempotency_key, actor)


def pay_invoice_by_link(
    portal: Portal, token: str, code: PaymentMethodCode, idempotency_key: str
) -> PaymentOutcome:
    idempotency.check_key(idempotency_key)
    with write_session(portal.engine) as session:
        try:
            invoice = invoice_for_token(session, token, portal.now(), lock=True)
        except LinkExpired:
            # Paying revokes the link, so a double-submitted form finds it dead: replay the
            # result the first submission stored instead of reporting an expired link.
            replay = _replay_for_dead_link(session, token, code, idempotency_key)
            if replay is None:
                raise
            return replay
        if code not in LINK_METHODS:
            # A link is for paying from outside; spending the account's money needs its login.
            raise Forbidden("a pay link pays by bank transfer or card; paying from the account balance needs a login")
        return _pay_idempotently(portal, session, invoice, code, idempotency_key, "paylink")


def _replay_for_dead_link(
    session: Session, token: str, code: PaymentMethodCode, key: str
) -> PaymentOutcome | None:
    invoice_id = invoice_id_for_any_token(session, token)
    invoice = session.get(Invoice, invoice_id) if invoice_id is not None else None
    if invoice is None:
        return None
    try:
        replayed = idempotency.replay(
            session, invoice.customer_id, key, idempotency.fingerprint("pay", invoice.id, code.value), PaymentOutcome
        )
        return replayed.model_copy(update={"replayed": True}) if replayed else None
    except InvalidInput:
        return None  # the key was used for something else: the link is simply dead


def book_bank_transfer(
    portal: Portal, reference: str, amount: Decimal, currency: str, actor: str = "bank-import"
) -> PaymentRecord:
    """Book an incoming transfer against the pending payment with that reference."""
    now = portal.now()
    with write_session(portal.engine) as session:
        invoice = session.exec(select(Invoice).where(Invoice.number == reference).with_for_update()).first()
        if invoice is None:
            raise NotFound(f"no invoice with reference {reference!r}")
        if invoice.status != InvoiceStatus.UNPAID:
            raise Conflict(f"invoice {reference} is {invoice.status}; the transfer needs a manual refund")
        if currency != invoice.currency or to_minor(amount, currency) != invoice.total_minor:
            raise InvalidInput(
                f"transfer of {format_money(amount, currency)} does not match invoice total "
                f"{format_money(from_minor(invoice.total_minor, invoice.currency), invoice.currency)}"
            )
        bank = _method(session, PaymentMethodCode.BANK_TRANSFER)
        payment = session.exec(
            select(Payment).where(
                Payment.invoice_id == invoice.id,
                Payment.payment_method_id == bank.id,
                Payment.status == PaymentStatus.PENDING.value,
            )
        ).first()
        if payment is None:
            raise Conflict(f"invoice {reference} is not waiting for a bank transfer")
        _complete(session, invoice, payment, now, actor)
        session.flush()
        return payment_record(payment, bank.code)


def complete_card_payment(portal: Portal, checkout_ref: str, outcome: str, signature: str) -> PaymentRecord:
    """The card gateway's callback: verify its signature, then book or fail the payment."""
    gateway = gateway_for(portal)
    if outcome not in ("success", "declined") or not gateway.verify(checkout_ref, outcome, signature):
        raise InvalidInput("the payment callback's signature is not valid")
    now = portal.now()
    with write_session(portal.engine) as session:
        # Lock the invoice before the payment, in the same order as paying and deleting do
        # (invoice, then its payments); the other order deadlocks against a concurrent delete.
        invoice_id = session.exec(select(Payment.invoice_id).where(Payment.provider_ref == checkout_ref)).first()
        if invoice_id is None:
            raise NotFound("unknown checkout")
        invoice = session.exec(select(Invoice).where(Invoice.id == invoice_id).with_for_update()).one()
        payment = session.exec(
            select(Payment).where(Payment.provider_ref == checkout_ref).with_for_update()
        ).one()
        if payment.status != PaymentStatus.PENDING.value:
            return payment_record(payment, PaymentMethodCode.CARD.value)  # a repeated callback
        if outcome == "declined":
            payment.status = PaymentStatus.FAILED.value
        elif invoice.status != InvoiceStatus.UNPAID:
            # Paid some other way or deleted meanwhile: the charge must not go through.
            payment.status = PaymentStatus.FAILED.value
        else:
            _complete(session, invoice, payment, now, "card-gateway")
        session.flush()
        return payment_record(payment, PaymentMethodCode.CARD.value)


def checkout_summary(portal: Portal, checkout_ref: str) -> tuple[str, Decimal, str, str]:
    """(invoice number, amount, currency, payment status) for the gateway's checkout page."""
    with read_session(portal.engine) as session:
        payment = session.exec(select(Payment).where(Payment.provider_ref == checkout_ref)).first()
        if payment is None:
            raise NotFound("unknown checkout")
        invoice = session.get(Invoice, payment.invoice_id)
        return invoice.number, from_minor(payment.amount_minor, payment.currency), payment.currency, payment.status
