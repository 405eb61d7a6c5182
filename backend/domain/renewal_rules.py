"""Automatic renewal: whether it is in effect for an order, whether an order is due, and
whether the customer can change an order's setting now (and why not). Decided here, once:
the Settings rows carry ``auto_renew_state`` as their hint, ``set_auto_renew`` refuses with
it, and the renewal job picks its orders with ``in_effect`` and ``due``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.contract import ActionState, Conflict
from backend.models import Customer, ServiceOrder

AUTO_RENEW = "auto_renew"
# Only a running service is renewed by the job: a new order waits for its first payment,
# a suspended or blocked one for the provider.
RENEWED_STATUS = "active"


def in_effect(order: ServiceOrder, customer: Customer) -> bool:
    """The order's own setting, or the account's where the order has none."""
    return customer.auto_renew if order.auto_renew is None else order.auto_renew


def due(order: ServiceOrder, customer: Customer, now: datetime, lead: timedelta) -> bool:
    """Whether the renewal job renews the order now: active, auto-renew in effect, and its
    paid period ending within the lead window (or already over)."""
    return order.status == RENEWED_STATUS and in_effect(order, customer) and order.period_end <= now + lead


def auto_renew_state(order: ServiceOrder) -> ActionState:
    if order.status == "cancelled":
        return ActionState(id=AUTO_RENEW, enabled=False, reason=f"order {order.number} is cancelled")
    return ActionState(id=AUTO_RENEW, enabled=True)


def require_auto_renew_settable(order: ServiceOrder) -> None:
    state = auto_renew_state(order)
    if not state.enabled:
        raise Conflict(f"automatic renewal of order {order.number} cannot be changed: {state.reason}")
