"""The invoice list's rows read plain columns and batch the renewal facts of a whole page in
one query (``invoice_rules.open_next_period_invoices``); the detail reads one invoice through
the ORM. Both must say the same about every invoice, whatever the number of orders on a page."""

from __future__ import annotations

import uuid

import pytest

from backend.contract import AuthenticationFailed, InvoiceFilter, InvoiceQuery
from backend.domain import accounts, billing, invoices


@pytest.mark.parametrize("orders", [1, 3, 5, 9])
def test_every_listed_row_reads_as_its_detail(portal, demo_customer_id, make_order, make_invoice, orders):
    # Odd counts too: the renewal query is built for a few fixed numbers of orders, and a
    # page's orders fill them with repeats.
    made = [make_order(demo_customer_id) for _ in range(orders)]
    for order_id in made:
        make_invoice(demo_customer_id, order_id=order_id)
    renewed = {
        order_id: billing.renew_order(portal, demo_customer_id, order_id, str(uuid.uuid4()), "test").number
        for order_id in made[::2]
    }

    page = invoices.list_invoices(portal, demo_customer_id, InvoiceQuery(status=InvoiceFilter.ALL, page_size=200))
    listed = {row.order_id: row for row in page.items if row.order_id in made and row.number not in renewed.values()}
    assert set(listed) == set(made)
    for order_id, row in listed.items():
        renew = next(state for state in row.actions if state.id == "renew")
        if order_id in renewed:
            assert renew.reason == f"invoice {renewed[order_id]} for this order is still open"
        else:
            assert renew.enabled
    for row in page.items:
        detail = invoices.get_invoice(portal, demo_customer_id, row.id)
        assert row.model_dump() == detail.model_dump(include=set(type(row).model_fields))
        assert invoices.find_invoice(portal, demo_customer_id, row.number) == row


@pytest.mark.parametrize("status", list(InvoiceFilter))
def test_each_filter_pages_by_position_and_by_number_alike(portal, demo_customer_id, status):
    whole = invoices.list_invoices(portal, demo_customer_id, InvoiceQuery(status=status, page_size=500)).items
    by_position, after = [], None
    while True:
        page = invoices.list_invoices(portal, demo_customer_id, InvoiceQuery(status=status, page_size=7, after=after))
        by_position += page.items
        if page.next_after is None:
            break
        after = page.next_after
    by_number = []
    for number in range(1, -(-len(whole) // 7) + 1):
        page = invoices.list_invoices(portal, demo_customer_id, InvoiceQuery(status=status, page_size=7, page=number))
        assert page.total == len(whole)
        by_number += page.items
    assert [row.id for row in by_position] == [row.id for row in by_number] == [row.id for row in whole]
    assert all(row.status.value in invoices._STATUSES_FOR_FILTER[status] for row in whole)


def test_an_order_and_a_search_narrow_the_list_and_its_count(portal, demo_customer_id):
    everything = invoices.list_invoices(portal, demo_customer_id, InvoiceQuery(status=InvoiceFilter.ALL, page_size=500))
    row = next(row for row in everything.items if row.order_number)
    of_order = [listed.id for listed in everything.items if listed.order_id == row.order_id]
    for query in (
        InvoiceQuery(status=InvoiceFilter.ALL, order_id=row.order_id, page_size=2, page=2),
        InvoiceQuery(status=InvoiceFilter.ALL, search=row.order_number.lower(), page_size=2, page=2),
    ):
        page = invoices.list_invoices(portal, demo_customer_id, query)
        assert page.total == len(of_order)
        assert [listed.id for listed in page.items] == of_order[2:4]
    found = invoices.list_invoices(
        portal, demo_customer_id, InvoiceQuery(status=InvoiceFilter.ALL, search=row.number[-4:])
    ).items
    assert row.id in [listed.id for listed in found]


def test_a_revoked_token_stops_at_once(portal):
    token = accounts.authenticate(portal, "demo", "demo", "127.0.0.1", "test").token
    assert accounts.customer_for_token(portal, token, "127.0.0.1")
    accounts.revoke_token(portal, token)
    with pytest.raises(AuthenticationFailed):
        accounts.customer_for_token(portal, token, "127.0.0.1")
