"""Settings through the contract, on both services and databases: the one read, and the
account's and each order's automatic renewal (the job itself: tests/test_auto_renew.py)."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError
from sqlmodel import select

from backend.contract import AccountSettings, AutoRenewRequest, Conflict, NotFound
from backend.db import read_session, write_session
from backend.models import AuditLog, ServiceOrder

pytestmark = pytest.mark.asyncio


def _order(settings: AccountSettings, order_id: int):  # noqa: ANN202
    return next(row for row in settings.orders if row.order_id == order_id)


async def test_settings_read_in_one_call(service, demo_customer_id, portal):
    settings = await service.get_settings()
    assert settings.auto_renew is False
    assert settings.currency == "EUR"
    assert [option.code for option in settings.currencies] == ["CHF", "EUR", "USD"]
    assert next(option for option in settings.currencies if option.code == "EUR").rate == 1
    assert settings.language == "en"
    assert {option.code for option in settings.languages} == {"en", "de"}
    assert settings.profile.email
    with read_session(portal.engine) as session:
        listed = session.exec(
            select(ServiceOrder.id).where(
                ServiceOrder.customer_id == demo_customer_id, ServiceOrder.status != "cancelled"
            )
        ).all()
    assert sorted(row.order_id for row in settings.orders) == sorted(listed)
    assert all(row.auto_renew is None and row.effective is False for row in settings.orders)
    assert [row.period_end for row in settings.orders] == sorted(row.period_end for row in settings.orders)


async def test_account_setting_applies_to_orders_that_follow_it(service, portal, demo_customer_id):
    settings = await service.set_auto_renew(AutoRenewRequest(enabled=True))
    assert settings.auto_renew is True
    assert all(row.effective for row in settings.orders)
    again = await service.set_auto_renew(AutoRenewRequest(enabled=True))
    assert again == settings
    with read_session(portal.engine) as session:
        audited = session.exec(
            select(AuditLog).where(AuditLog.customer_id == demo_customer_id, AuditLog.action == "settings.auto_renew")
        ).all()
    assert len(audited) == 1  # setting what is set already changes nothing


async def test_an_order_overrides_the_account_and_can_follow_it_again(service):
    first = (await service.get_settings()).orders[0]
    on = await service.set_auto_renew(AutoRenewRequest(enabled=True, order_id=first.order_id))
    assert (_order(on, first.order_id).auto_renew, _order(on, first.order_id).effective) == (True, True)
    assert on.auto_renew is False
    assert all(not row.effective for row in on.orders if row.order_id != first.order_id)

    account_on = await service.set_auto_renew(AutoRenewRequest(enabled=True))
    off = await service.set_auto_renew(AutoRenewRequest(enabled=False, order_id=first.order_id))
    assert account_on.auto_renew and _order(off, first.order_id).effective is False

    following = await service.set_auto_renew(AutoRenewRequest(enabled=None, order_id=first.order_id))
    assert (_order(following, first.order_id).auto_renew, _order(following, first.order_id).effective) == (None, True)


async def test_the_account_setting_is_on_or_off(live_server, demo_token):
    with pytest.raises(ValidationError, match="either on or off"):
        AutoRenewRequest(enabled=None)
    for body in ({"enabled": None}, {"enabled": 1}, {"enabled": "true"}):
        response = httpx.put(
            f"{live_server}/api/v1/settings/auto-renew", json=body, headers={"Authorization": f"Bearer {demo_token}"}
        )
        assert response.status_code == 422, body


async def test_another_customers_order_is_not_found(service, other_service):
    theirs = (await other_service.get_settings()).orders[0]
    with pytest.raises(NotFound):
        await service.set_auto_renew(AutoRenewRequest(enabled=True, order_id=theirs.order_id))
    with pytest.raises(NotFound):
        await service.set_auto_renew(AutoRenewRequest(enabled=True, order_id=2**31 - 1))
    assert _order(await other_service.get_settings(), theirs.order_id).auto_renew is None


async def test_a_cancelled_order_refuses_with_the_rows_reason(service, portal, demo_customer_id):
    with write_session(portal.engine) as session:
        order = session.exec(
            select(ServiceOrder).where(ServiceOrder.customer_id == demo_customer_id, ServiceOrder.status == "active")
        ).first()
        order.status = "cancelled"
        number, order_id = order.number, order.id
    assert order_id not in {row.order_id for row in (await service.get_settings()).orders}
    with pytest.raises(Conflict, match=f"order {number} is cancelled"):
        await service.set_auto_renew(AutoRenewRequest(enabled=True, order_id=order_id))
