"""Code word, allowed IP ranges, login history and profile changes through the contract,
against LocalService and RemoteService on SQLite and PostgreSQL.

The remote service talks to the live server from 127.0.0.1; the local one has no client
address ("local"), so only the remote one can lock itself out."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError
from sqlmodel import select

from backend.contract import (
    CodeWordRequest,
    CodeWordRequired,
    Department,
    Forbidden,
    InvalidInput,
    IpRangesRequest,
    LockoutRisk,
    LoginOutcome,
    LoginQuery,
    ProfileChangeRequest,
    ProfileField,
    TooManyRequests,
)
from backend.db import read_session
from backend.domain import code_word, login_history
from backend.models import AuditLog, Customer
from tests.conftest import DEMO_PASSWORD


def stored_customer(portal, customer_id: int) -> Customer:  # noqa: ANN001
    with read_session(portal.engine) as session:
        return session.get(Customer, customer_id)


def check_code_word(portal, customer_id: int, given: str) -> None:  # noqa: ANN001
    """What the server jobs ask before a disable, block or reinstall."""
    customer = stored_customer(portal, customer_id)
    code_word.check(portal, customer_id=customer_id, login=customer.login, code_word_hash=customer.code_word_hash,
                    given=given, ip="192.0.2.1", what="test")


async def test_the_code_word_is_set_normalised_and_hashed_then_removed(service, portal, demo_customer_id):
    assert (await service.get_settings()).code_word_set is False
    settings = await service.set_code_word(CodeWordRequest(current_password=DEMO_PASSWORD, code_word="  Blue  Whale "))
    assert settings.code_word_set is True
    assert "whale" not in settings.model_dump_json().lower()  # never shown
    stored = stored_customer(portal, demo_customer_id).code_word_hash
    assert stored.startswith("$argon2") and "whale" not in stored.lower()
    check_code_word(portal, demo_customer_id, "BLUE  WHALE")  # NFKC, trimmed, lower-cased
    check_code_word(portal, demo_customer_id, "\uff22lue  whale")  # a full-width B is a B
    with pytest.raises(Forbidden, match="wrong code word"):
        check_code_word(portal, demo_customer_id, "blue whale")  # one space is another answer

    settings = await service.set_code_word(CodeWordRequest(current_password=DEMO_PASSWORD, code_word="  "))
    assert settings.code_word_set is False
    assert stored_customer(portal, demo_customer_id).code_word_hash is None
    with read_session(portal.engine) as session:
        actions = session.exec(select(AuditLog.action).where(AuditLog.action.like("security.%")).order_by(AuditLog.id)).all()
    assert actions == ["security.code_word_set", "security.code_word_removed"]


async def test_a_wrong_password_changes_nothing_counts_as_a_failed_login_and_is_throttled(service, portal):
    limit = portal.settings.login_throttle.failures_per_login
    for _ in range(limit):
        with pytest.raises(Forbidden, match="^current_password: that is not your password$"):
            await service.set_code_word(CodeWordRequest(current_password="not-it", code_word="blue whale"))
    with pytest.raises(TooManyRequests):
        await service.set_code_word(CodeWordRequest(current_password=DEMO_PASSWORD, code_word="blue whale"))
    assert (await service.get_settings()).code_word_set is False
    history = (await service.login_history(LoginQuery(page_size=limit + 1))).items
    assert [record.outcome for record in history] == [LoginOutcome.THROTTLED] + [LoginOutcome.WRONG_PASSWORD] * limit
    assert history[-1].client == "password: changing the code word"


def test_a_new_code_word_is_long_enough_or_empty():
    with pytest.raises(ValidationError, match="at least 4 characters"):
        CodeWordRequest(current_password="x", code_word=" ab ")
    assert CodeWordRequest(current_password="x", code_word="").code_word == ""


async def test_ip_ranges_are_stored_normalised_and_refused_with_the_field(service, service_kind):
    # The remote service comes from 127.0.0.1, so its list keeps that address in.
    here = ["127.0.0.0/8"] if service_kind == "remote" else []
    settings = await service.set_ip_ranges(IpRangesRequest(ranges=[*here, "192.0.2.5/24", "2001:DB8::/32",
                                                                   "::ffff:198.51.100.0/120", "192.0.2.9/24"]))
    assert settings.allowed_ip_ranges == [*here, "192.0.2.0/24", "2001:db8::/32", "198.51.100.0/24"]
    with pytest.raises(InvalidInput, match="^ranges: '010.0.0.1' cannot be used: leading zeros"):
        await service.set_ip_ranges(IpRangesRequest(ranges=["010.0.0.1"]))
    assert (await service.get_settings()).allowed_ip_ranges == settings.allowed_ip_ranges
    assert (await service.set_ip_ranges(IpRangesRequest(ranges=[]))).allowed_ip_ranges == []


async def test_a_list_leaving_out_the_address_in_use_needs_confirming(service, service_kind, portal, demo_customer_id):
    settings = await service.get_settings()
    assert settings.client_address == ("127.0.0.1" if service_kind == "remote" else "local")
    elsewhere = IpRangesRequest(ranges=["192.0.2.0/24"])
    if service_kind == "local":
        # In-process there is no client address to lose: the ranges guard the HTTP API.
        assert (await service.set_ip_ranges(elsewhere)).allowed_ip_ranges == ["192.0.2.0/24"]
        assert (await service.get_settings()).allowed_ip_ranges == ["192.0.2.0/24"]
        return
    with pytest.raises(LockoutRisk) as refused:
        await service.set_ip_ranges(elsewhere)
    assert refused.value.code == "lockout_risk" and refused.value.http_status == 409
    assert "127.0.0.1" in refused.value.detail
    assert (await service.get_settings()).allowed_ip_ranges == []
    await service.set_ip_ranges(elsewhere.model_copy(update={"confirm_lockout": True}))
    with pytest.raises(Forbidden, match="^this request is not allowed$"):
        await service.get_settings()  # locked out, as confirmed
    # The refusal is in the history (read in the database: the service is locked out).
    newest = login_history.login_history(portal, demo_customer_id, LoginQuery(page_size=1)).items[0]
    assert (newest.outcome, newest.address) == (LoginOutcome.REFUSED_IP, "127.0.0.1")


async def test_a_set_code_word_guards_the_ip_ranges(service, portal, service_kind):
    await service.set_code_word(CodeWordRequest(current_password=DEMO_PASSWORD, code_word="blue whale"))
    ranges = ["127.0.0.0/8", "203.0.113.0/24"]
    with pytest.raises(CodeWordRequired):
        await service.set_ip_ranges(IpRangesRequest(ranges=ranges))
    with pytest.raises(Forbidden, match="wrong code word"):
        await service.set_ip_ranges(IpRangesRequest(ranges=ranges, code_word="red whale"))
    settings = await service.set_ip_ranges(IpRangesRequest(ranges=ranges, code_word=" Blue Whale"))
    assert settings.allowed_ip_ranges == ranges
    newest = (await service.login_history(LoginQuery(page_size=1))).items[0]
    assert newest.outcome == LoginOutcome.WRONG_CODE_WORD
    assert newest.address == ("127.0.0.1" if service_kind == "remote" else "local")


async def test_login_history_is_newest_first_with_each_outcome(service, portal, demo_customer_id):
    page = await service.login_history(LoginQuery(page_size=500))
    assert page.total == len(page.items) > 10
    assert [r.at for r in page.items] == sorted((r.at for r in page.items), reverse=True)
    assert {LoginOutcome.SUCCESS, LoginOutcome.WRONG_PASSWORD} <= {r.outcome for r in page.items}
    second = await service.login_history(LoginQuery(page=2, page_size=5))
    assert second.items == page.items[5:10]


async def test_a_profile_change_opens_a_finance_ticket_prefilled(service, portal, demo_customer_id):
    settings = await service.get_settings()
    key = uuid.uuid4().hex
    request = ProfileChangeRequest(field=ProfileField.ADDRESS, new_value="  Neue Strasse 5\n20095 Hamburg ",
                                   note="We moved on 1 December.")
    ticket = await service.request_profile_change(request, key)
    assert ticket.department == Department.FINANCE
    assert ticket.subject == "Change of postal address"
    body = ticket.messages[0].body
    assert settings.profile.address.splitlines()[0] in body
    assert "New postal address:\n    Neue Strasse 5\n    20095 Hamburg" in body
    assert "We moved on 1 December." in body
    assert (await service.request_profile_change(request, key)).id == ticket.id  # the key replays
    other = await service.request_profile_change(ProfileChangeRequest(field=ProfileField.PHONE, new_value="+49 40 1"))
    assert other.id != ticket.id and other.subject == "Change of phone number"
    assert "Current phone number:" in other.messages[0].body
    with pytest.raises(ValidationError, match="write what it should be"):
        ProfileChangeRequest(field=ProfileField.EMAIL, new_value="   ")
