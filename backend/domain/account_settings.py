"""The Settings section: one read of everything (``get_settings``) and the changes of
renewal, currency and language. Mailboxes, security and the profile are read through the
functions of their own modules (``_mailboxes``, ``_security``, ``_profile`` below).

Every change locks the customer's row (and the order's, for an order's setting) and answers
with the settings as they are afterwards. Setting a value it already has changes nothing, so
a retried request is harmless without an idempotency key.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from backend.contract import (
    AccountSettings,
    AutoRenewRequest,
    InvalidInput,
    LanguageOption,
    Mailbox as MailboxOut,
    NotFound,
    OrderRenewal,
    ProfileData,
)
from backend.db import read_session, write_session
from backend.domain import audit, currencies, ip_ranges, mailboxes, profile_changes, renewal_rules
from backend.domain.accounts import get_customer
from backend.models import BalanceEntry, Customer, Server, ServiceOrder, Tariff
from backend.money import format_money, from_minor
from backend.portal import Portal
from backend.texts import LANGUAGES

# Orders whose renewal the Settings list shows: everything not cancelled.
_LISTED_STATUSES = ("new", "active", "suspended", "blocked")


def get_settings(portal: Portal, customer_id: int, client_address: str) -> AccountSettings:
    with read_session(portal.engine) as session:
        return _settings_in(session, get_customer(session, customer_id), client_address)


def _settings_in(session: Session, customer: Customer, client_address: str) -> AccountSettings:
    code_word_set, ip_ranges = _security(customer)
    return AccountSettings(
        auto_renew=customer.auto_renew,
        orders=_order_renewals(session, customer),
        currency=customer.currency,
        currencies=currencies.currency_options(session),
        language=customer.language,
        languages=[LanguageOption(code=code, name=name) for code, name in LANGUAGES.items()],
        mailboxes=_mailboxes(session, customer),
        code_word_set=code_word_set,
        allowed_ip_ranges=ip_ranges,
        client_address=client_address,
        profile=_profile(customer),
    )


def _order_renewals(session: Session, customer: Customer) -> list[OrderRenewal]:
    rows = session.exec(
        select(ServiceOrder, Tariff, Server)
        .join(Tariff, ServiceOrder.tariff_id == Tariff.id)
        .join(Server, Server.order_id == ServiceOrder.id, isouter=True)
        .where(ServiceOrder.customer_id == customer.id, col(ServiceOrder.status).in_(_LISTED_STATUSES))
        .order_by(ServiceOrder.period_end, ServiceOrder.id)
    ).all()
    return [
        OrderRenewal(
            order_id=order.id,
            order_number=order.number,
            label=f"{tariff.name} \u2014 {server.hostname}" if server is not None else tariff.name,
            auto_renew=order.auto_renew,
            effective=renewal_rules.in_effect(order, customer),
            period_end=order.period_end,
            actions=[renewal_rules.auto_renew_state(order)],
        )
        for order, tariff, server in rows
    ]


# --- the parts S2 owns (mailboxes, security, profile): read through their functions -------

def _mailboxes(session: Session, customer: Customer) -> list[MailboxOut]:
    return mailboxes.mailboxes_of(session, customer.id)


def _security(customer: Customer) -> tuple[bool, list[str]]:
    """(whether a code word is set, the allowed IP ranges)."""
    return customer.code_word_hash is not None, ip_ranges.ranges_of(customer.allowed_ip_ranges)


def _profile(customer: Customer) -> ProfileData:
    return profile_changes.profile_of(customer)


# --- renewal, currency, language ----------------------------------------------------------


def _locked_customer(session: Session, customer_id: int) -> Customer:
    customer = session.exec(select(Customer).where(Customer.id == customer_id).with_for_update()).first()
    if customer is None:
        raise NotFound("customer not found")
    return customer


def set_auto_renew(
    portal: Portal, customer_id: int, request: AutoRenewRequest, actor: str, client_address: str
) -> AccountSettings:
    """The account's setting (``order_id`` None), or one order's override (``enabled`` None:
    follow the account again)."""
    now = portal.now()
    with write_session(portal.engine) as session:
        customer = _locked_customer(session, customer_id)
        if request.order_id is None:
            changed = customer.auto_renew != request.enabled
            customer.auto_renew = request.enabled
            entity, entity_id = "customer", customer.id
        else:
            order = session.exec(
                select(ServiceOrder)
                .where(ServiceOrder.id == request.order_id, ServiceOrder.customer_id == customer_id)
                .with_for_update()
            ).first()
            if order is None:
                raise NotFound(f"order {request.order_id} not found")
            renewal_rules.require_auto_renew_settable(order)
            changed = order.auto_renew != request.enabled
            order.auto_renew = request.enabled
            entity, entity_id = "service_order", order.id
        if changed:
            audit.record(
                session, at=now, customer_id=customer_id, actor=actor, action="settings.auto_renew",
                entity=entity, entity_id=entity_id, enabled=request.enabled,
            )
        session.flush()
        return _settings_in(session, customer, client_address)


def set_currency(portal: Portal, customer_id: int, code: str, actor: str, client_address: str) -> AccountSettings:
    """Bill the account in ``code`` from now on. The balance moves with it, converted at the
    current rate and rounded once: the ledger books the old amount out in the old currency and
    the converted one in, in the new. Invoices already issued keep their currency (one in the
    old currency is then paid by transfer or card, not from the balance)."""
    now = portal.now()
    with write_session(portal.engine) as session:
        customer = _locked_customer(session, customer_id)
        target = currencies.require_offered(session, code)
        old = customer.currency
        if target.code == old:
            return _settings_in(session, customer, client_address)
        converted = currencies.convert(session, customer.balance_minor, old, target.code)
        if customer.balance_minor:
            note = (
                f"Balance converted from {old} to {target.code} at {target.rate} {target.code} per EUR: "
                f"{format_money(from_minor(customer.balance_minor, old), old)} = "
                f"{format_money(from_minor(converted, target.code), target.code)}"
            )
            session.add(BalanceEntry(customer_id=customer.id, amount_minor=-customer.balance_minor,
                                     currency=old, reason=note[:200], at=now))
            session.add(BalanceEntry(customer_id=customer.id, amount_minor=converted,
                                     currency=target.code, reason=note[:200], at=now))
        audit.record(
            session, at=now, customer_id=customer_id, actor=actor, action="settings.currency",
            entity="customer", entity_id=customer.id, old=old, new=target.code, rate=target.rate,
            balance_before=customer.balance_minor, balance_after=converted,
        )
        customer.currency = target.code
        customer.balance_minor = converted
        session.flush()
        return _settings_in(session, customer, client_address)


def set_language(portal: Portal, customer_id: int, code: str, actor: str, client_address: str) -> AccountSettings:
    """The language of the portal's mail and documents for this customer (and the TUI's)."""
    if code not in LANGUAGES:
        raise InvalidInput(f"language: {code!r} is not offered; choose one of {', '.join(LANGUAGES)}")
    now = portal.now()
    with write_session(portal.engine) as session:
        customer = _locked_customer(session, customer_id)
        if customer.language != code:
            audit.record(
                session, at=now, customer_id=customer_id, actor=actor, action="settings.language",
                entity="customer", entity_id=customer.id, old=customer.language, new=code,
            )
            customer.language = code
        session.flush()
        return _settings_in(session, customer, client_address)
