"""What can be done with an order now, and why not: decided here, once.

The orders list shows these states as hints. The one action the domain carries out on an
order, renewal, is billing's rule (``invoice_rules.renewal_state``, which
``billing.renew_order`` enforces), reused here rather than restated; the others lead
elsewhere (the order's invoices, a ticket, its server's screen).
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.contract import ActionState, OrderStatus
from backend.domain.invoice_rules import RENEW, OrderFacts, renewal_state

INVOICES, TICKET, MANAGE = "invoices", "ticket", "manage"
ORDER_ACTIONS = (INVOICES, TICKET, MANAGE, RENEW)

NO_SERVER = "this order has no server"


@dataclass(frozen=True)
class OrderActionFacts:
    """What the order actions depend on."""

    billing: OrderFacts
    has_server: bool


def order_status(stored: str) -> OrderStatus:
    """The contract's status for the status column's value (the same words, checked)."""
    return OrderStatus(stored)


def order_actions(order: OrderActionFacts) -> list[ActionState]:
    """Every order action, in ORDER_ACTIONS order, enabled or with the reason it is not."""
    return [
        ActionState(id=INVOICES, enabled=True),
        ActionState(id=TICKET, enabled=True),  # a ticket about any of the customer's orders
        ActionState(id=MANAGE, enabled=True)
        if order.has_server
        else ActionState(id=MANAGE, enabled=False, reason=NO_SERVER),
        renewal_state(order.billing),
    ]

