"""Counting with a cap (backend.domain.paging): the count stops at the cap and says so."""

from __future__ import annotations

from sqlmodel import select

from backend.db import read_session
from backend.domain.paging import capped_count
from backend.models import Invoice


def test_a_count_below_the_cap_is_exact_and_one_above_it_stops(portal, demo_customer_id):
    matching = select(Invoice.id).where(Invoice.customer_id == demo_customer_id)
    with read_session(portal.engine) as session:
        exact = len(session.exec(matching).all())
        assert exact > 5, "the demo customer has more than a few invoices"
        assert capped_count(session, matching, cap=exact) == (exact, False)
        assert capped_count(session, matching, cap=exact + 100) == (exact, False)
        assert capped_count(session, matching, cap=exact - 1) == (exact - 1, True)
        assert capped_count(session, matching, cap=5) == (5, True)
