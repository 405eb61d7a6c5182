"""The contract of the Settings section: renewal, currency, language, mailboxes, security,
login history and profile changes.

Reading the settings is one call (``AccountSettings``); each change is its own request model,
validated here with reasons fit to show next to the field, so the TUI's forms and the portal
refuse the same input with the same words.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import ConfigDict, Field, StrictBool, field_validator, model_validator

from backend.contract.models import PAGE_AFTER_PATTERN, ActionState, _Model, _Request

__all__ = [
    "MailboxCategory",
    "LoginOutcome",
    "ProfileField",
    "CurrencyOption",
    "LanguageOption",
    "Mailbox",
    "MailboxRequest",
    "OrderRenewal",
    "ProfileData",
    "AccountSettings",
    "AutoRenewRequest",
    "CodeWordRequest",
    "IpRangesRequest",
    "LoginRecord",
    "LoginQuery",
    "ProfileChangeRequest",
    "IP_RANGES_MAX",
    "CODE_WORD_MIN",
    "normalize_code_word",
]

IP_RANGES_MAX = 50
CODE_WORD_MIN = 4


class MailboxCategory(StrEnum):
    """What an alternative mailbox receives instead of the registration address."""

    INVOICES = "invoices"
    """Invoices, orders and renewals."""
    TECHNICAL = "technical"
    """Copies of technical tickets."""
    FINANCE = "finance"
    """Copies of finance tickets."""
    MAILINGS = "mailings"
    """General mailings."""


class LoginOutcome(StrEnum):
    SUCCESS = "success"
    WRONG_PASSWORD = "wrong_password"
    UNKNOWN_USER = "unknown_user"
    THROTTLED = "throttled"
    REFUSED_IP = "refused_ip"
    """Refused by the allowed IP ranges (a login, or a request with a token)."""
    WRONG_CODE_WORD = "wrong_code_word"
    """A wrong code word: counted and throttled like a wrong password."""


class ProfileField(StrEnum):
    """What only a ticket changes (the spec: not in Settings)."""

    EMAIL = "email"
    PHONE = "phone"
    COUNTRY = "country"
    PROFILE_TYPE = "profile_type"
    ADDRESS = "address"


class CurrencyOption(_Model):
    code: str
    name: str
    rate: Decimal
    """Units of this currency for one EUR, as the portal converts new invoices."""
    as_of: datetime | None = None
    """When the rate was set."""


class LanguageOption(_Model):
    code: str
    name: str


class Mailbox(_Model):
    id: int
    address: str
    categories: list[MailboxCategory]


class MailboxRequest(_Request):
    address: str = Field(max_length=254)
    """Checked by email-validator (syntax only, no DNS) and kept in its normalised ASCII form
    (the domain lower-cased, an international domain in punycode)."""
    categories: list[MailboxCategory] = Field(min_length=1)

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        # Here, not at the top: compiling its patterns is not worth every start (hostui warms it).
        from email_validator import EmailNotValidError, validate_email

        try:
            checked = validate_email(value.strip(), check_deliverability=False, allow_smtputf8=False)
        except EmailNotValidError as error:
            raise ValueError(str(error)) from None
        return checked.ascii_email or checked.normalized

    @field_validator("categories")
    @classmethod
    def _distinct(cls, value: list[MailboxCategory]) -> list[MailboxCategory]:
        return sorted(set(value), key=list(MailboxCategory).index)


class OrderRenewal(_Model):
    order_id: int
    order_number: str
    label: str
    """The tariff and hostname, to recognise the order."""
    auto_renew: bool | None
    """None: as the account's setting."""
    effective: bool
    period_end: datetime
    actions: list[ActionState] = []
    """``auto_renew``: whether the order's setting can be changed now, or why not."""


class ProfileData(_Model):
    name: str
    company: str | None
    email: str
    phone: str | None
    country: str
    profile_type: str
    address: str
    vat_id: str | None


class AccountSettings(_Model):
    auto_renew: bool
    orders: list[OrderRenewal]
    currency: str
    currencies: list[CurrencyOption]
    language: str
    languages: list[LanguageOption]
    mailboxes: list[Mailbox]
    code_word_set: bool
    allowed_ip_ranges: list[str]
    """Normalised networks ("203.0.113.0/24"); empty: every address may log in."""
    client_address: str
    """The address this request came from, as the portal sees it (for the IP ranges)."""
    profile: ProfileData


class AutoRenewRequest(_Request):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        # The rule of the validator below, for the schema.
        json_schema_extra={
            "anyOf": [
                {"required": ["order_id"], "properties": {"order_id": {"type": "integer"}}},
                {"properties": {"enabled": {"type": "boolean"}}},
            ]
        },
    )

    # Strict: JSON's 0 or "true" is not a yes or no the customer gave.
    enabled: StrictBool | None
    """None (orders only): follow the account's setting again."""
    order_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    """None: the account's setting."""

    @model_validator(mode="after")
    def _account_is_on_or_off(self) -> AutoRenewRequest:
        if self.order_id is None and self.enabled is None:
            raise ValueError("enabled: the account's automatic renewal is either on or off")
        return self


def normalize_code_word(code_word: str) -> str:
    """What is hashed and compared: "  Blue  Whale " and "blue whale" are one answer (NFKC,
    trimmed, lower-cased). The one normalisation of code words, for checks and for setting."""
    return unicodedata.normalize("NFKC", code_word).strip().lower()


class CodeWordRequest(_Request):
    current_password: str = Field(min_length=1, max_length=1024)
    code_word: str = Field(max_length=128)
    """Empty removes the code word."""

    @field_validator("code_word")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        normalized = normalize_code_word(value)
        if normalized and len(normalized) < CODE_WORD_MIN:
            raise ValueError(f"use at least {CODE_WORD_MIN} characters (or leave it empty to remove it)")
        return value


class IpRangesRequest(_Request):
    ranges: list[str] = Field(max_length=IP_RANGES_MAX)
    """Addresses or CIDR ranges, IPv4 or IPv6; empty allows every address."""
    confirm_lockout: StrictBool = False
    """Save even though the list leaves out the address in use now."""
    code_word: str | None = Field(default=None, max_length=128)


class LoginQuery(_Model):
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=50, ge=1, le=500)
    after: str | None = Field(default=None, pattern=PAGE_AFTER_PATTERN)
    """Start after this position (a page's ``next_after``) instead of counting ``page`` pages."""


class LoginRecord(_Model):
    at: datetime
    address: str
    outcome: LoginOutcome
    client: str


class ProfileChangeRequest(_Request):
    field: ProfileField
    # The schema says "a non-blank character" too, so API clients (and the fuzzer) know.
    new_value: str = Field(max_length=2000, json_schema_extra={"pattern": r"\S"})
    note: str = Field(default="", max_length=4000)

    @field_validator("new_value")
    @classmethod
    def _value(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("write what it should be")
        return value
